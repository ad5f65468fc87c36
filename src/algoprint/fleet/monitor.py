"""Always-on measuring: one run per interval, for a whole machine, a cgroup or a command.

:class:`Monitor` starts a fresh :class:`~algoprint.tracking.Tracker` for every interval
(aligned to the wall clock, so ``1h`` runs end on the hour) and stops it at the interval's end,
so memory stays bounded however long it runs, and each run is final and small. The tracker
checkpoints as usual; a monitor killed mid-interval leaves a ``running`` run that the next
command opening the store marks ``incomplete`` — restarting just begins the next interval.
Every ``tick_s`` the monitor samples the tracker, reports the energy since the last tick and
the mean power to its :class:`~algoprint.fleet.metrics.Instruments`, and (for a cgroup) picks
up the processes that joined it. A stop request (SIGTERM) ends the current interval early with
status ``interrupted``; nothing already measured is lost.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from algoprint.fleet.metrics import Instruments, Labels, fanout
from algoprint.tracking import Tracker
from algoprint.tracking.record import RunRecord, RunStatus
from algoprint.tracking.summary import summarise, window

__all__ = ["Monitor", "cgroup_pids", "next_boundary", "unit_cgroup"]

log = logging.getLogger("algoprint")


def next_boundary(now_s: float, interval_s: float) -> float:
    """The next wall-clock multiple of ``interval_s`` after ``now_s`` (Unix seconds)."""
    return (math.floor(now_s / interval_s) + 1) * interval_s


def unit_cgroup(unit: str, root: str = "/sys/fs/cgroup") -> Path:
    """The cgroup v2 directory of systemd unit ``unit`` (``system.slice/<unit>``)."""
    name = unit if "." in unit else f"{unit}.service"
    return Path(root) / "system.slice" / name


def cgroup_pids(path: Path) -> list[int]:
    """Processes in the cgroup at ``path`` and its children (``cgroup.procs``).

    Raises:
        InputError: not a cgroup directory.
    """
    from algoprint.errors import InputError

    if not (path / "cgroup.procs").is_file():
        raise InputError(
            f"{path} is not a cgroup (no cgroup.procs)",
            hint="give a cgroup v2 directory under /sys/fs/cgroup, or --unit NAME",
        )
    pids: list[int] = []
    for procs in [path / "cgroup.procs", *path.rglob("*/cgroup.procs")]:
        try:
            pids += [int(x) for x in procs.read_text().split()]
        except (OSError, ValueError):
            continue  # a child cgroup removed while we read
    return pids


class Monitor:
    """Measure continuously; see the module docs.

    Args:
        interval_s: length of each run (seconds; wall-clock aligned).
        algorithm: the algorithm every run belongs to.
        phase: lifecycle label of the runs (``use`` by default: always-on services).
        sink: where runs go (``StoreSink`` in the CLI).
        instruments: metrics targets (none = no metrics).
        impacts: ``record -> (co2e_g, water_l)`` for the metrics, or ``None``.
        tick_s: how often metrics are updated and cgroup members refreshed.
        pids: returns the processes to attribute to (a cgroup); ``None`` = the whole machine.
        child: a command being monitored; the monitor ends when it exits.
        tracker_kwargs: passed to each Tracker (``meters=``, ``settings=`` ...).
    """

    def __init__(
        self,
        *,
        interval_s: float,
        algorithm: str | None = None,
        phase: str | None = "use",
        sink: Any = None,
        instruments: Sequence[Instruments] = (),
        impacts: Callable[[RunRecord], tuple[float | None, float | None]] | None = None,
        tick_s: float = 10.0,
        pids: Callable[[], list[int]] | None = None,
        child: Any = None,
        clock: Callable[[], float] = time.time,
        **tracker_kwargs: Any,
    ) -> None:
        self.interval_s = interval_s
        self.algorithm, self.phase = algorithm, phase
        self.sink = sink
        self.instruments = fanout(instruments)
        self.impacts = impacts
        self.tick_s = tick_s
        self.pids = pids
        self.child = child
        self.clock = clock
        self.session = uuid.uuid4().hex[:12]
        self.stop_event = threading.Event()
        self.runs = 0
        self.last: RunRecord | None = None
        self._kwargs = tracker_kwargs

    def _mode(self) -> str:
        return "command" if self.child is not None else ("cgroup" if self.pids else "host")

    def _tracker(self) -> Tracker:
        roots: Any = self.pids() if self.pids else ([self.child.pid] if self.child else ())
        scope = "process" if (self.pids or self.child) else "machine"
        tags = {
            "source": "monitor",
            "monitor.session": self.session,
            "monitor.mode": self._mode(),
            "monitor.interval_s": f"{self.interval_s:.0f}",
        }
        kwargs = {"scope": scope, **self._kwargs}
        return Tracker(
            sink=self.sink, algorithm=self.algorithm, phase=self.phase, pids=roots, tags=tags,
            store=self.sink is not None, **kwargs,
        )  # fmt: skip

    def finished(self) -> bool:
        """Whether the monitor should end (stop requested, or the command exited)."""
        return self.stop_event.is_set() or (
            self.child is not None and self.child.poll() is not None
        )

    def run_interval(self) -> RunRecord:
        """Measure until the next interval boundary (or a stop); returns the stopped run."""
        tracker = self._tracker()
        tracker.start()
        end_s = next_boundary(self.clock(), self.interval_s)
        base = tracker.snapshot()
        last_j, last_t = 0.0, base.wall_s
        labels = self._labels(base)
        while not self.finished() and self.clock() < end_s:
            self.stop_event.wait(max(0.0, min(self.tick_s, end_s - self.clock())))
            if self.child is not None and self.child.poll() is not None:
                break
            try:
                snap = tracker.snapshot()
                energy = summarise(list(window(base, snap)), scope=tracker.settings.scope).energy_j
                if self.pids is not None:
                    tracker.set_process_roots(self.pids())
            except Exception as e:  # a meter or cgroup hiccup: the tracker records faults itself
                log.debug("algoprint monitor: tick skipped: %s", e)
                continue
            if energy is not None:
                self.instruments.add_energy(energy - last_j, labels)
                if snap.wall_s > last_t:
                    self.instruments.set_power((energy - last_j) / (snap.wall_s - last_t), labels)
                last_j, last_t = energy, snap.wall_s
        status = RunStatus.INTERRUPTED if self.stop_event.is_set() else None
        record = tracker.stop(status=status)
        if record.energy_j is not None and record.energy_j > last_j:
            self.instruments.add_energy(record.energy_j - last_j, labels)
        if self.impacts is not None:
            co2e, water = self.impacts(record)
            self.instruments.add_impacts(co2e, water, labels)
        self.instruments.add_run(labels)  # last: a scrape that sees the run sees its figures
        self.runs += 1
        self.last = record
        return record

    def _labels(self, snap: Any) -> Labels:
        methods = {str(d.component.method.value) for d in snap.devices.values()}
        nature = "estimated" if methods & {"model", "constant"} else "measured"
        return Labels(
            algorithm=self.algorithm or "",
            phase=self.phase or "",
            host=os.uname().nodename,
            method=",".join(sorted(methods)),
            nature=nature,
        )

    def run(self, *, max_intervals: int | None = None) -> int:
        """Run intervals until stopped, the command exits, or ``max_intervals``; returns the
        number of runs written."""
        while not self.finished():
            self.run_interval()
            if max_intervals is not None and self.runs >= max_intervals:
                break
        return self.runs
