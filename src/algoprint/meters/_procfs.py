"""Cheap readers of Linux ``/proc`` for the tracker's sampling path (no psutil).

What the tracker reads on every sample: the machine's CPU times (``/proc/stat``), a process's
CPU times and resident memory (``/proc/<pid>/stat``) and the machine's memory in use
(``/proc/meminfo``). Each is one ``os.open``/``os.read``/``os.close`` of a small file and a
split of one line: no psutil import (about 15 ms of a tracker's start) and no per-line regex.

``/proc/stat`` is read once per sampling tick: :func:`read_stat` keeps the text it read for
:data:`STAT_REUSE_S` seconds, so the CPU model meter (utilisation) and the attribution (the
machine's busy CPU time) share one read.

The figures match psutil's (``Process.cpu_times``, ``Process.memory_info().rss``,
``cpu_times``, ``virtual_memory``); a test compares them. :data:`AVAILABLE` is False off Linux,
where :mod:`algoprint.tracking.attribution` asks psutil instead.
"""

from __future__ import annotations

import os
import sys
import threading
import time

__all__ = [
    "AVAILABLE",
    "CLOCK_TICKS",
    "PAGE_SIZE",
    "STAT_REUSE_S",
    "machine_busy_cpu_seconds",
    "machine_used_memory_bytes",
    "parse_pid_stat",
    "pid_stat",
    "read_file",
    "read_stat",
]

AVAILABLE = sys.platform.startswith("linux") and os.path.exists("/proc/self/stat")
"""True on Linux with /proc mounted: the readers below work."""
CLOCK_TICKS = float(os.sysconf("SC_CLK_TCK")) if hasattr(os, "sysconf") else 100.0
"""USER_HZ: the unit of the CPU times in /proc (ticks per second)."""
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
"""Bytes per page: the unit of the resident memory in /proc/<pid>/stat."""
STAT_REUSE_S = 0.02
"""How long one read of /proc/stat serves later callers (seconds): one sampling tick."""

_CHUNK = 65536
_stat_lock = threading.Lock()
_stat_cache: dict[str, tuple[float, bytes]] = {}


def read_file(path: str) -> bytes:
    """The whole content of a (/proc) file, read with ``os.read`` (no buffered file object).

    Raises:
        OSError: the file cannot be opened or read (a process that ended: ENOENT or ESRCH).
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.read(fd, _CHUNK)
        if len(data) < _CHUNK:
            return data
        parts = [data]
        while chunk := os.read(fd, _CHUNK):
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def read_stat(path: str = "/proc/stat") -> bytes:
    """The content of ``/proc/stat`` (or ``path``); the real one is reused for
    :data:`STAT_REUSE_S` seconds (any other path, a test's fake tree, is read every time).

    Raises:
        OSError: the file cannot be read.
    """
    if path != "/proc/stat":
        return read_file(path)
    now = time.monotonic()
    cached = _stat_cache.get(path)
    if cached is not None and now - cached[0] < STAT_REUSE_S:
        return cached[1]
    data = read_file(path)
    with _stat_lock:
        _stat_cache[path] = (now, data)
    return data


def machine_busy_cpu_seconds(path: str = "/proc/stat") -> float:
    """Busy CPU seconds of the whole machine since boot: the ``cpu`` line of ``/proc/stat``
    minus idle, iowait, guest and guest_nice (guest time is already inside user and nice), as
    psutil's ``cpu_times()`` gives it.

    Raises:
        OSError: ``/proc/stat`` cannot be read.
        ValueError: it has no ``cpu`` line.
    """
    data = read_stat(path)
    end = data.find(b"\n")
    fields = data[:end].split()
    if not fields or fields[0] != b"cpu":
        raise ValueError(f"no cpu line in {path}")
    ticks = [int(v) for v in fields[1:11]]
    ticks += [0] * (10 - len(ticks))
    user, nice, system, _idle, _iowait, irq, softirq, steal, _guest, _guest_nice = ticks
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def pid_stat(pid: int) -> tuple[float, float, int]:
    """CPU seconds of process ``pid`` (user + system), of its reaped children (children's
    user + system) and its resident memory in bytes, from one read of ``/proc/<pid>/stat``.

    Raises:
        OSError: the process does not exist (any more).
        ValueError: the file is not in the expected format.
    """
    return parse_pid_stat(read_file(f"/proc/{pid}/stat"))


def parse_pid_stat(data: bytes) -> tuple[float, float, int]:
    """:func:`pid_stat` of the content of a ``/proc/<pid>/stat`` file.

    Raises:
        ValueError, IndexError: the content is not in the expected format.
    """
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = data[data.rfind(b")") + 2 :].split()
    # Fields from 3 (state) on: utime 14, stime 15, cutime 16, cstime 17, rss 24 (pages).
    own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    children = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
    return own, children, int(fields[21]) * PAGE_SIZE


def machine_used_memory_bytes(path: str = "/proc/meminfo") -> int:
    """Memory in use on the machine, bytes: ``MemTotal`` minus ``MemAvailable`` (what
    psutil's ``virtual_memory()`` gives as total - available on kernels since 3.14; older
    kernels without MemAvailable: MemFree + Buffers + Cached stand in for it).

    Raises:
        OSError: ``/proc/meminfo`` cannot be read.
        ValueError: it has no ``MemTotal`` line.
    """
    data = read_file(path)
    total = _meminfo_kib(data, b"MemTotal:")
    if total is None:
        raise ValueError(f"no MemTotal in {path}")
    available = _meminfo_kib(data, b"MemAvailable:")
    if available is None:
        available = sum(_meminfo_kib(data, k) or 0 for k in (b"MemFree:", b"Buffers:", b"Cached:"))
    return max(0, total - available) * 1024


def _meminfo_kib(data: bytes, key: bytes) -> int | None:
    """The value (kB) of the line that starts with ``key`` (not ``SwapCached:`` for
    ``Cached:``)."""
    at = 0 if data.startswith(key) else data.find(b"\n" + key) + 1
    if at <= 0 and not data.startswith(key):
        return None
    end = data.find(b"\n", at)
    value = data[at + len(key) : end if end >= 0 else None].split()
    return int(value[0]) if value else None
