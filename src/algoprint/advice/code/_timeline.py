"""A power timeline of a running tracker: cumulative energy snapshots every ``interval_s``.

The tracker's sampler keeps every meter's cumulative totals; a snapshot samples them all now.
The energy between the tracker's first snapshot here and each later one (headline scope, the
same rules as the run's total) gives ``(monotonic_s, energy_j)`` points. Snapshots are taken on
a daemon thread so the profiled program is never blocked by a slow meter.

Snapshots come from the tracker's public :meth:`~algoprint.tracking.Tracker.snapshot`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from algoprint.tracking.summary import summarise, window

__all__ = ["PowerTimeline"]

log = logging.getLogger("algoprint")


class PowerTimeline:
    """Take cumulative-energy snapshots of a started tracker.

    Args:
        tracker: a started :class:`~algoprint.tracking.tracker.Tracker`.
        interval_s: time between snapshots (s).

    Attributes:
        points: ``(monotonic_s, energy_j)`` pairs; empty when the energy is unknown.
        gap_reason: why there is no timeline (a meter reported a gap), else ``None``.
    """

    def __init__(self, tracker: Any, *, interval_s: float = 0.1) -> None:
        self._tracker = tracker
        self._scope = str(tracker.settings.scope)
        self.interval_s = interval_s
        self.points: list[tuple[float, float]] = []
        self.gap_reason: str | None = None
        self._first: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Take the first snapshot and start the snapshot thread."""
        self._first = self._tracker.snapshot()
        self.points.append((self._first.monotonic_s, 0.0))
        self._thread = threading.Thread(
            target=self._loop, name="algoprint-power-timeline", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and take the last snapshot (idempotent)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=30)
            self._take()
        if self.gap_reason is not None:
            self.points = []

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._take()

    def _take(self) -> None:
        if self.gap_reason is not None:
            return
        try:
            snap = self._tracker.snapshot()
        except Exception as e:  # never break the workload
            self.gap_reason = f"a power snapshot failed: {e}"
            log.warning("algoprint: %s", self.gap_reason)
            return
        summary = summarise(list(window(self._first, snap)), scope=self._scope)
        if summary.energy_j is None:
            self.gap_reason = "a meter reported a gap, so the energy over time is unknown"
            return
        self.points.append((snap.monotonic_s, summary.energy_j))
