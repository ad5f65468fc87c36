"""Attribute machine energy to the tracked process tree.

CPU and platform energy are shared by CPU time: over each interval between two samples of a
meter, the tracked tree's share is its CPU seconds divided by the machine's busy CPU seconds
(clamped to [0, 1]). Memory energy is shared by resident memory: the tree's RSS over the
machine's used memory at the sample. GPU meters attribute by themselves (NVML process
utilisation). Because every share is at most 1 and applies to that interval's machine energy,
the process figure never exceeds the machine figure.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable

from algoprint._values import Frozen, fill
from algoprint.meters import _procfs

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Any

    import psutil

__all__ = ["CpuClock", "ProcessTree"]

# How long one read of the tree's /proc/<pid>/stat files serves later callers (seconds): one
# sampling tick reads CPU time (CPU share) and resident memory (memory share) from one read.
_STAT_REUSE_S = 0.02


def _psutil() -> Any:
    """psutil, imported on first use: only off Linux (no /proc) is it needed here."""
    import psutil

    return psutil


class CpuClock(Frozen):
    """A pair of cumulative CPU-time readings (seconds)."""

    _fields = ("process_s", "machine_busy_s")
    __slots__ = _fields
    process_s: float
    machine_busy_s: float

    def __init__(self, process_s: float, machine_busy_s: float) -> None:
        fill(self, process_s=process_s, machine_busy_s=machine_busy_s)


class ProcessTree:
    """The tracked processes: root pids and all their descendants.

    On Linux every figure comes from ``/proc`` (:mod:`algoprint.meters._procfs`); elsewhere
    from psutil.

    Args:
        roots: pids whose trees are tracked (default: this process).
    """

    def __init__(self, roots: Iterable[int] | None = None) -> None:
        self._roots = tuple(roots) if roots is not None else (os.getpid(),)
        self._procs: dict[int, psutil.Process] = {}
        self._finished: dict[int, float] = {}
        self._finished_rss: dict[int, int] = {}
        self._cached: tuple[float, frozenset[int]] | None = None
        self._stats: tuple[float, dict[int, tuple[float, float, int]]] | None = None
        self._no_children_file = False
        self._procfs = _procfs.AVAILABLE

    @property
    def roots(self) -> tuple[int, ...]:
        return self._roots

    def set_roots(self, roots: Iterable[int]) -> None:
        """Replace the root pids (``algoprint run`` sets the child once it started)."""
        self._roots = tuple(roots)
        self._cached = None
        self._stats = None

    def mark_finished(self, pid: int, cpu_s: float, max_rss_bytes: int = 0) -> None:
        """Record the final CPU seconds (and peak memory) of a root that was reaped (from
        ``os.wait4``'s rusage, which includes the descendants it waited for), so its last
        interval is not lost: the peak memory stands in for the tree's resident memory once,
        at the next sample, which covers the time before the exit."""
        self._finished[pid] = cpu_s
        self._finished_rss[pid] = max_rss_bytes
        self._procs.pop(pid, None)
        self._cached = None
        self._stats = None

    def _process(self, pid: int) -> psutil.Process | None:
        proc = self._procs.get(pid)
        if proc is None:
            ps = _psutil()
            try:
                proc = ps.Process(pid)
            except ps.Error:
                return None
            self._procs[pid] = proc
        return proc

    def _alive(self, pid: int) -> bool:
        if pid == os.getpid():
            return True
        if self._procfs:
            return os.path.exists(f"/proc/{pid}")
        return self._process(pid) is not None

    def _descendants(self, root: int) -> list[int] | None:
        """Descendant pids of ``root`` from ``/proc/PID/task/TID/children`` (only the tree is
        read); ``None`` when the kernel lacks that file (psutil is asked instead)."""
        if self._no_children_file:
            return None
        found: list[int] = []
        queue = [root]
        while queue:
            pid = queue.pop()
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue  # the process ended meanwhile
            for tid in tasks:
                try:
                    kids = [
                        int(k)
                        for k in _procfs.read_file(f"/proc/{pid}/task/{tid}/children").split()
                    ]
                except FileNotFoundError:
                    if os.path.isdir(f"/proc/{pid}/task/{tid}"):
                        self._no_children_file = True  # CONFIG_PROC_CHILDREN is off
                        return None
                    continue
                except (OSError, ValueError):
                    continue
                found.extend(kids)
                queue.extend(kids)
        return found

    def pids(self) -> frozenset[int]:
        """Current pids of the tree (roots that are alive plus their descendants).

        Listing descendants through psutil reads every process's stat file on the machine;
        the ``children`` files read only the tree. The answer is reused for 50 ms so that one
        sampling tick (meters, CPU share, memory share) lists the tree once.
        """
        now = time.monotonic()
        if self._cached is not None and now - self._cached[0] < 0.05:
            return self._cached[1]
        found: set[int] = set()
        for root in self._roots:
            if root in self._finished or not self._alive(root):
                continue
            found.add(root)
            kids = self._descendants(root)
            if kids is None:
                kids = self._psutil_descendants(root)
            found.update(kids)
        result = frozenset(found)
        self._cached = (now, result)
        return result

    def _psutil_descendants(self, root: int) -> list[int]:
        proc = self._process(root)
        if proc is None:
            return []
        try:
            return [child.pid for child in proc.children(recursive=True)]
        except _psutil().Error:
            return []

    def _pid_stats(self) -> dict[int, tuple[float, float, int]]:
        """``pid -> (own CPU s, reaped children's CPU s, RSS bytes)`` of the live tree, read
        once per sampling tick (reused for :data:`_STAT_REUSE_S`)."""
        now = time.monotonic()
        if self._stats is not None and now - self._stats[0] < _STAT_REUSE_S:
            return self._stats[1]
        stats: dict[int, tuple[float, float, int]] = {}
        for pid in self.pids():
            if self._procfs:
                try:
                    stats[pid] = _procfs.pid_stat(pid)
                except (OSError, ValueError, IndexError):
                    continue  # it ended meanwhile
                continue
            proc = self._process(pid)
            if proc is None:
                continue
            try:
                t = proc.cpu_times()
                rss = proc.memory_info().rss
            except _psutil().Error:
                continue
            stats[pid] = (t.user + t.system, t.children_user + t.children_system, rss)
        self._stats = (now, stats)
        return stats

    def cpu_seconds(self) -> float:
        """Cumulative CPU seconds of the tree.

        Includes the ``children_*`` times of tracked processes (children they reaped). A
        grandchild that exits between two samples and is reaped by a process outside the tree
        loses its last interval; that is rare and only lowers the process share.
        """
        seen: dict[int, float] = {}
        for root in self._roots:
            if root in self._finished:
                seen[root] = self._finished[root]
        for pid, (own, children, _) in self._pid_stats().items():
            seen[pid] = own + children if pid in self._roots else own
        return sum(seen.values())

    def rss_bytes(self) -> int:
        """Resident memory of the tree in bytes (shared pages are counted per process)."""
        total = sum(self._finished_rss.values())
        self._finished_rss.clear()
        return total + sum(rss for _, _, rss in self._pid_stats().values())


def machine_busy_cpu_seconds() -> float:
    """Cumulative busy CPU seconds of the whole machine (all CPUs, excluding idle and iowait;
    steal counts as busy, guest time only once), as psutil's ``cpu_times()`` gives it."""
    if _procfs.AVAILABLE:
        return _procfs.machine_busy_cpu_seconds()
    t = _psutil().cpu_times()
    idle = t.idle + getattr(t, "iowait", 0.0)
    busy: float = sum(t) - idle - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)
    return busy


def machine_used_memory_bytes() -> int:
    """Memory in use on the machine (total minus available), bytes."""
    if _procfs.AVAILABLE:
        return _procfs.machine_used_memory_bytes()
    vm = _psutil().virtual_memory()
    return int(vm.total - vm.available)


def clock(tree: ProcessTree) -> CpuClock:
    """Read the tree's and the machine's cumulative CPU time together."""
    return CpuClock(process_s=tree.cpu_seconds(), machine_busy_s=machine_busy_cpu_seconds())


def share(before: CpuClock, after: CpuClock) -> float:
    """The tree's share of the machine's busy CPU time between two clocks, in [0, 1]."""
    busy = after.machine_busy_s - before.machine_busy_s
    used = after.process_s - before.process_s
    if busy <= 0:
        return 1.0 if used > 0 else 0.0
    return min(1.0, max(0.0, used / busy))
