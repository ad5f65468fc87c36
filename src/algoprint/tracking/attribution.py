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
from collections.abc import Iterable
from dataclasses import dataclass

import psutil

__all__ = ["CpuClock", "ProcessTree"]


@dataclass(slots=True)
class CpuClock:
    """A pair of cumulative CPU-time readings (seconds)."""

    process_s: float
    machine_busy_s: float


class ProcessTree:
    """The tracked processes: root pids and all their descendants.

    Args:
        roots: pids whose trees are tracked (default: this process).
    """

    def __init__(self, roots: Iterable[int] | None = None) -> None:
        self._roots = tuple(roots) if roots is not None else (os.getpid(),)
        self._procs: dict[int, psutil.Process] = {}
        self._finished: dict[int, float] = {}

    @property
    def roots(self) -> tuple[int, ...]:
        return self._roots

    def set_roots(self, roots: Iterable[int]) -> None:
        """Replace the root pids (``algoprint run`` sets the child once it started)."""
        self._roots = tuple(roots)

    def mark_finished(self, pid: int, cpu_s: float) -> None:
        """Record the final CPU seconds of a root that was reaped (from ``os.wait4``'s rusage,
        which includes the descendants it waited for), so its last interval is not lost."""
        self._finished[pid] = cpu_s
        self._procs.pop(pid, None)

    def _process(self, pid: int) -> psutil.Process | None:
        proc = self._procs.get(pid)
        if proc is None:
            try:
                proc = psutil.Process(pid)
            except psutil.Error:
                return None
            self._procs[pid] = proc
        return proc

    def pids(self) -> frozenset[int]:
        """Current pids of the tree (roots that are alive plus their descendants)."""
        found: set[int] = set()
        for root in self._roots:
            if root in self._finished:
                continue
            proc = self._process(root)
            if proc is None:
                continue
            found.add(root)
            try:
                found.update(child.pid for child in proc.children(recursive=True))
            except psutil.Error:
                continue
        return frozenset(found)

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
                continue
            proc = self._process(root)
            if proc is None:
                continue
            try:
                t = proc.cpu_times()
                seen[root] = t.user + t.system + t.children_user + t.children_system
                children = proc.children(recursive=True)
            except psutil.Error:
                continue
            for child in children:
                if child.pid in seen:
                    continue
                try:
                    ct = child.cpu_times()
                except psutil.Error:
                    continue
                seen[child.pid] = ct.user + ct.system
        return sum(seen.values())

    def rss_bytes(self) -> int:
        """Resident memory of the tree in bytes (shared pages are counted per process)."""
        total = 0
        for pid in self.pids():
            proc = self._process(pid)
            if proc is None:
                continue
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                continue
        return total


def machine_busy_cpu_seconds() -> float:
    """Cumulative busy CPU seconds of the whole machine (all CPUs, excluding idle and iowait)."""
    t = psutil.cpu_times()
    idle = t.idle + getattr(t, "iowait", 0.0)
    busy: float = sum(t) - idle - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)
    return busy


def machine_used_memory_bytes() -> int:
    """Memory in use on the machine (total minus available), bytes."""
    vm = psutil.virtual_memory()
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
