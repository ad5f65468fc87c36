"""The shared shape of every meter.

A meter reads one kind of energy source (RAPL counters, NVML, a power model) and reports the
*cumulative* energy per component since it started, with the method used and a relative
uncertainty. Meters know nothing of runs, phases, storage or carbon: the tracking layer turns
the cumulative totals into per-window energy by taking differences at window edges.

Uncertainty convention: ``uncertainty_rel`` is the relative half-width of an approximate 95 %
interval around the central value, so ``low = e * (1 - u)`` and ``high = e * (1 + u)``.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from enum import StrEnum

from algoprint._values import Frozen, fill

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    import logging
    from typing import Any, ClassVar

__all__ = [
    "RAPL_UNAVAILABLE_HINT",
    "ComponentEnergy",
    "Domain",
    "Meter",
    "MeterStatus",
    "Method",
    "SampleContext",
    "warn_once",
]


class _AlgoprintLogger:
    """The ``algoprint`` logger, imported on first use: :mod:`logging` costs a tracker's start
    several ms, and a run without problems logs nothing."""

    def __getattr__(self, name: str) -> Any:
        import logging

        return getattr(logging.getLogger("algoprint"), name)


log: logging.Logger = _AlgoprintLogger()  # type: ignore[assignment]


RAPL_UNAVAILABLE_HINT = (
    "RAPL needs Linux on bare metal with the intel_rapl_msr driver (`sudo modprobe "
    "intel_rapl_msr`); virtual machines and most cloud instances have none, and algoprint then "
    "falls back to a power model"
)
"""Why RAPL is missing and what to do (the RAPL meter and discovery, which checks for the
powercap directory before importing the RAPL modules)."""


class Method(StrEnum):
    """How an energy figure was obtained, from most to least direct."""

    COUNTER = "counter"
    """A hardware energy counter (RAPL, NVML total-energy counter)."""
    POWER_INTEGRATION = "power-integration"
    """Instantaneous power readings integrated over time."""
    MODEL = "model"
    """A power model driven by measured utilisation (the CPU load curve)."""
    CONSTANT = "constant"
    """A constant power assumption with no utilisation signal (memory W per GB)."""
    USER = "user"
    """A figure the user supplied."""
    NONE = "none"
    """Not measured: an explicit gap, never zero."""


class Domain(StrEnum):
    """The hardware components that energy is reported for."""

    CPU = "cpu"
    MEMORY = "memory"
    GPU = "gpu"
    PLATFORM = "platform"
    """Whole platform counters (RAPL psys); never summed with cpu/memory."""


class ComponentEnergy(Frozen):
    """Cumulative energy of one device since its meter started.

    Attributes:
        domain: the component kind (cpu, memory, gpu, platform).
        device: a stable id of the device within the machine, e.g. ``package-0`` or
            ``nvidia:0:GPU-8c3f...``.
        energy_j: cumulative energy in joules; ``None`` means it could not be measured (a gap,
            never silently 0).
        method: how the figure was obtained.
        uncertainty_rel: relative half-width of the ~95 % interval (0.05 = ±5 %).
        process_energy_j: the share attributed to the tracked processes when the meter can
            attribute by itself (NVML process utilisation); ``None`` lets tracking attribute by
            CPU time.
        note: why the figure is a gap or a fallback, shown to the user.
    """

    _fields = (
        "domain",
        "device",
        "energy_j",
        "method",
        "uncertainty_rel",
        "process_energy_j",
        "note",
    )
    __slots__ = _fields
    domain: Domain
    device: str
    energy_j: float | None
    method: Method
    uncertainty_rel: float
    process_energy_j: float | None
    note: str | None

    def __init__(  # noqa: PLR0917 - positional, as the dataclass it replaces
        self,
        domain: Domain,
        device: str,
        energy_j: float | None,
        method: Method,
        uncertainty_rel: float,
        process_energy_j: float | None = None,
        note: str | None = None,
    ) -> None:
        fill(
            self,
            domain=domain,
            device=device,
            energy_j=energy_j,
            method=method,
            uncertainty_rel=uncertainty_rel,
            process_energy_j=process_energy_j,
            note=note,
        )

    @property
    def key(self) -> tuple[str, str]:
        return (self.domain.value, self.device)


class SampleContext(Frozen):
    """What the sampler hands every meter on each sample.

    Attributes:
        now_s: ``time.monotonic()`` at the sample.
        pids: the process ids of the tracked process tree (empty: machine scope only).
    """

    _fields = ("now_s", "pids")
    __slots__ = _fields
    now_s: float
    pids: frozenset[int]

    def __init__(self, now_s: float, pids: frozenset[int] = frozenset()) -> None:
        fill(self, now_s=now_s, pids=pids)


class MeterStatus(Frozen):
    """What ``doctor`` and run records say about one energy source.

    Attributes:
        name: meter name (``rapl``, ``nvidia``, ``amd``, ``cpu-model``, ``memory-model``).
        available: whether it can measure here.
        detail: what it measures (domains, devices) or why it cannot.
        hint: how to enable or improve it, if anything can be done.
        method: the method it would use.
    """

    _fields = ("name", "available", "detail", "hint", "method")
    __slots__ = _fields
    name: str
    available: bool
    detail: str
    hint: str | None
    method: Method | None

    def __init__(
        self,
        name: str,
        available: bool,
        detail: str,
        hint: str | None = None,
        method: Method | None = None,
    ) -> None:
        fill(self, name=name, available=available, detail=detail, hint=hint, method=method)


class Meter(ABC):
    """Base class of all meters.

    Lifecycle: ``start()`` once, then ``sample()`` at least every ``sample_interval_s`` (the
    sampler guarantees this) and at window edges, ``totals()`` any time, ``close()`` once.
    Implementations keep ``sample()`` cheap and never block for long: it runs on the tracker's
    background thread.
    """

    name: ClassVar[str]
    sample_interval_s: float = 10.0
    """The longest gap between two samples that keeps the figures correct (counter wrap,
    power integration, load model)."""

    @abstractmethod
    def start(self, ctx: SampleContext) -> None:
        """Take the baseline reading."""

    @abstractmethod
    def sample(self, ctx: SampleContext) -> None:
        """Read the source and accumulate energy since the previous sample."""

    @abstractmethod
    def totals(self) -> list[ComponentEnergy]:
        """Cumulative energy per device since ``start()``, as of the last sample."""

    @abstractmethod
    def status(self) -> MeterStatus:
        """What this meter measures and how."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release handles; idempotent."""


MAX_POWER_INTERVAL_S = 0.1
"""Power readings integrated over time need at least 10 Hz to follow a GPU's load."""


def check_gpu_intervals(counter_interval_s: float, power_interval_s: float) -> None:
    """Validate the two cadences of a GPU meter (energy counter; power polling fallback).

    Raises:
        ConfigError: ``counter_interval_s`` <= 0, or ``power_interval_s`` outside
            (0, :data:`MAX_POWER_INTERVAL_S`].
    """
    from algoprint.errors import ConfigError

    if not counter_interval_s > 0:
        raise ConfigError(
            f"counter_interval_s must be > 0, got {counter_interval_s!r}",
            hint="use counter_interval_s = 10",
        )
    if not 0 < power_interval_s <= MAX_POWER_INTERVAL_S:
        raise ConfigError(
            f"power_interval_s must be in (0, {MAX_POWER_INTERVAL_S}] s, got "
            f"{power_interval_s!r}: power integration needs at least 10 Hz",
            hint="use power_interval_s = 0.1",
        )


_said: set[str] = set()
_said_lock = threading.Lock()
_said_before: Callable[[str], bool] | None = None


def set_said_before(check: Callable[[str], bool] | None) -> None:
    """Let the caller remember warnings beyond this process (the CLI remembers them per store,
    so "CPU model not in the table" is said once, not on every call). ``check(key)`` returns
    True when ``key`` was said before (and records it otherwise); it must never raise."""
    global _said_before  # noqa: PLW0603
    _said_before = check


_notice_lang = "en"


def set_notice_lang(lang: str) -> None:
    """The language of the warnings that have a Dutch text (``nl`` or ``en``): a command sets
    its ``--lang``, so that its notices and its output speak one language. The Python API
    keeps English, the language of library warnings."""
    global _notice_lang  # noqa: PLW0603
    _notice_lang = "nl" if lang == "nl" else "en"


def warn_once(key: str, message: str, *, nl: str | None = None) -> bool:
    """Log ``message`` as a warning the first time ``key`` is seen in this process (and, when
    :func:`set_said_before` installed a check, the first time for that check); ``nl`` is the
    Dutch text, said instead when :func:`set_notice_lang` chose Dutch.

    Returns:
        True when the message was logged now, False when it had been said before.
    """
    if nl is not None and _notice_lang == "nl":
        message = nl
    with _said_lock:
        if key in _said:
            return False
        _said.add(key)
    if _said_before is not None and _said_before(key):
        return False
    text = message if message.startswith("algoprint") else f"algoprint: {message}"
    if "logging" not in sys.modules:
        # Nothing can have configured logging yet, so the warning would go to logging's
        # last-resort handler: the message alone on stderr. Written directly, the tracker's
        # start does not import logging (several ms) to say that the CPU is unknown.
        with contextlib.suppress(Exception):
            sys.stderr.write(text + "\n")
        return True
    log.warning(text)
    return True
