"""Memory power model: a constant power per GB of memory available to the job.

``P = w_per_gb * memory_gb`` where ``memory_gb`` is the memory this job may use, in GiB (the
unit DIMMs and cgroup limits come in): the cgroup limit (v2 ``memory.max``, v1
``memory.limit_in_bytes``) when one applies and is below the host's MemTotal, else MemTotal
from ``/proc/meminfo``. There is no utilisation term (DRAM power depends far more on the
installed capacity and refresh than on how busy it is, and no counter of memory traffic is
readable without RAPL), so the method is :attr:`~algoprint.meters.common.Method.CONSTANT`.

Default figure: :data:`DEFAULT_W_PER_GB` = 0.3725 W/GB, the ``memoryPower`` reference value of
Green Algorithms v3.0 (``referenceValues.csv``, CC-BY-4.0; Lannelongue, Grealey, Inouye, Adv.
Sci. 2021, doi:10.1002/advs.202100707), which cites the DaMoN 2017 paper on memory power
(doi:10.1145/3076113.3076117) and a Tom's Hardware measurement. It agrees with the field's
rule of thumb of 3 W per 8 GB DIMM (0.375 W/GB). Published per-module figures for DDR4
RDIMMs range from about 1.5-2 W for 8 GB (≈0.2 W/GB) to about 0.1 W/GB for large modules
under light load, and up to ~0.6 W/GB under heavy access, so :data:`UNCERTAINTY_REL` is 0.7.
Override with the ``memory_w_per_gb`` setting.
"""

from __future__ import annotations

from pathlib import Path

from algoprint.config import Settings
from algoprint.errors import MeterError, MeterUnavailable
from algoprint.meters._host import GIB, memory_available_bytes
from algoprint.meters.common import (
    ComponentEnergy,
    Domain,
    Meter,
    MeterStatus,
    Method,
    SampleContext,
)

__all__ = ["DEFAULT_W_PER_GB", "UNCERTAINTY_REL", "MemoryModelMeter", "memory_status"]

DEFAULT_W_PER_GB = 0.3725
"""W per GB (GiB) of memory; Green Algorithms v3.0 ``memoryPower`` (CC-BY-4.0)."""
UNCERTAINTY_REL = 0.7
"""Relative half-width of the ~95 % interval: published DDR4 figures span ~0.1-0.6 W/GB."""
DEVICE = "memory-model"


def _resolve(
    settings: Settings | None,
    proc_root: str | Path | None,
    cgroup_root: str | Path | None,
    w_per_gb: float | None,
) -> tuple[float, float, str]:
    """(memory GiB, W per GiB, where the memory figure came from)."""
    s = settings or Settings()
    size, origin = memory_available_bytes(
        proc_root=proc_root or s.proc_root, cgroup_root=cgroup_root or s.cgroup_root
    )
    if size is None:
        raise MeterUnavailable(
            f"memory size unknown: {origin}", hint="check proc_root and cgroup_root", source=DEVICE
        )
    rate = w_per_gb if w_per_gb is not None else s.memory_w_per_gb
    return size / GIB, (DEFAULT_W_PER_GB if rate is None else float(rate)), origin


class MemoryModelMeter(Meter):
    """Modelled memory energy (Method.CONSTANT, domain memory, device ``memory-model``).

    Power is fixed at construction (``w_per_gb * memory_gb``); ``sample()`` integrates it over
    time. Keyword-only constructor; seams default to the settings' root paths; ``w_per_gb`` and
    ``interval_s`` override ``memory_w_per_gb`` and ``interval_s``.

    Raises (constructor):
        MeterUnavailable: neither a cgroup limit nor /proc/meminfo can be read.
    """

    name = "memory-model"

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        proc_root: str | Path | None = None,
        cgroup_root: str | Path | None = None,
        w_per_gb: float | None = None,
        interval_s: float | None = None,
    ) -> None:
        s = settings or Settings()
        self.sample_interval_s = s.interval_s if interval_s is None else float(interval_s)
        self.memory_gb, self.w_per_gb, self.origin = _resolve(s, proc_root, cgroup_root, w_per_gb)
        self.power_w = self.memory_gb * self.w_per_gb
        self._note = f"constant {self.w_per_gb:g} W/GB x {self.memory_gb:.2f} GB ({self.origin})"
        self._energy_j: float | None = None
        self._t: float | None = None

    def start(self, ctx: SampleContext) -> None:
        """Start integrating at ``ctx.now_s``."""
        self._t, self._energy_j = ctx.now_s, 0.0

    def sample(self, ctx: SampleContext) -> None:
        """Add ``power_w * dt`` since the previous sample.

        Raises:
            MeterError: sampled before ``start()``.
        """
        if self._t is None or self._energy_j is None:
            raise MeterError("memory-model meter sampled before start()", source=DEVICE)
        dt = ctx.now_s - self._t
        if dt > 0:
            self._energy_j += self.power_w * dt
            self._t = ctx.now_s

    def totals(self) -> list[ComponentEnergy]:
        """Cumulative modelled energy (J); ``energy_j`` is None before ``start()``."""
        return [
            ComponentEnergy(
                domain=Domain.MEMORY,
                device=DEVICE,
                energy_j=self._energy_j,
                method=Method.CONSTANT,
                uncertainty_rel=UNCERTAINTY_REL,
                note=self._note if self._energy_j is not None else "not started",
            )
        ]

    def status(self) -> MeterStatus:
        """What this meter models."""
        return _status(self.memory_gb, self.w_per_gb, self.origin)


def _status(memory_gb: float, w_per_gb: float, origin: str) -> MeterStatus:
    return MeterStatus(
        name=DEVICE,
        available=True,
        detail=(
            f"{memory_gb:.2f} GB available ({origin}) x {w_per_gb:g} W/GB = "
            f"{memory_gb * w_per_gb:.2f} W, constant"
        ),
        hint="set memory_w_per_gb for your DIMMs; RAPL dram (when readable) measures instead",
        method=Method.CONSTANT,
    )


def memory_status(
    *,
    settings: Settings | None = None,
    proc_root: str | Path | None = None,
    cgroup_root: str | Path | None = None,
) -> MeterStatus:
    """What ``algoprint doctor`` says about the memory model (never raises)."""
    try:
        gb, rate, origin = _resolve(settings, proc_root, cgroup_root, None)
    except MeterUnavailable as e:
        return MeterStatus(
            name=DEVICE, available=False, detail=e.message, hint=e.hint, method=Method.CONSTANT
        )
    return _status(gb, rate, origin)
