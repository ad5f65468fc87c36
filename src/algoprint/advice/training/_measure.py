"""Clocks read at epoch edges: process CPU time, wall time and the tracker's energy.

Shared by the per-epoch recorder (:mod:`._core`) and the cost-to-target comparison
(:mod:`.to_target`). Energy between two meter snapshots is summarised at machine and process
scope; a meter gap is ``None``, never zero.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["EpochClock", "Reading", "energy_between"]

log = logging.getLogger("algoprint")


def energy_between(tracker: Any, before: Any, after: Any) -> tuple[float | None, float | None]:
    """Machine and process energy (J) between two snapshots of ``tracker``'s meters."""
    if tracker is None or before is None or after is None:
        return None, None
    from algoprint.tracking.summary import summarise, window

    summary = summarise(list(window(before, after)), scope=tracker.settings.scope)
    return summary.machine_energy_j, summary.process_energy_j


def snapshot(tracker: Any) -> Any:
    """The tracker's meters read now, or ``None`` (logged) when they cannot be read."""
    try:
        return None if tracker is None else tracker.snapshot()
    except Exception as e:
        log.warning("algoprint: could not read the meters at an epoch edge: %s", e)
        return None


@dataclass(frozen=True, slots=True)
class Reading:
    """Clocks read at one instant."""

    cpu_s: float
    wall_s: float
    snapshot: Any


class EpochClock:
    """Reads process CPU time, wall time and energy; differences are taken from a zero point.

    Args:
        tracker: a running :class:`~algoprint.tracking.tracker.Tracker`, or ``None`` (no energy).
        cpu_clock: the process-scope clock (s); default :func:`time.process_time`.
    """

    def __init__(self, tracker: Any = None, cpu_clock: Callable[[], float] | None = None) -> None:
        self.tracker = tracker
        self.cpu_clock = cpu_clock or time.process_time
        self._zero: Reading | None = None
        self._overhead_cpu_s = 0.0
        self._overhead_wall_s = 0.0

    def read(self) -> Reading:
        """The clocks now, less the time spent reading the meters so far (the meter reads
        are the measurement's own cost, not the work's)."""
        cpu0, wall0 = self.cpu_clock(), time.monotonic()
        snap = snapshot(self.tracker)
        reading = Reading(cpu0 - self._overhead_cpu_s, wall0 - self._overhead_wall_s, snap)
        self._overhead_cpu_s += self.cpu_clock() - cpu0
        self._overhead_wall_s += time.monotonic() - wall0
        return reading

    def zero(self, reading: Reading) -> None:
        """Count from ``reading`` on."""
        self._zero = reading

    def since_zero(self, reading: Reading) -> tuple[float, float, float | None, float | None]:
        """CPU s, wall s, machine J and process J from the zero point to ``reading``."""
        zero = self._zero or reading
        machine, process = energy_between(self.tracker, zero.snapshot, reading.snapshot)
        return reading.cpu_s - zero.cpu_s, reading.wall_s - zero.wall_s, machine, process

    def phase(self, name: str) -> contextlib.AbstractContextManager[None]:
        """The tracker's phase ``name`` (accumulates over repeats), or nothing."""
        if self.tracker is None:
            return contextlib.nullcontext()
        try:
            return self.tracker.phase(name)  # type: ignore[no-any-return]
        except Exception as e:
            log.warning("algoprint: could not open the phase %s: %s", name, e)
            return contextlib.nullcontext()
