"""Facts about the host that the model meters need: CPU model, vCPUs and memory available.

Everything is read through root-path seams (``proc_root``, ``cgroup_root``, ``sys_root``) so that
tests can point them at checked-in fake trees (tests/fixtures/proc, tests/fixtures/cgroup). What
counts is what *this job* may use, not what the host has: inside a container or a VM slice the
cgroup limits (cgroup v2 ``cpu.max``, ``cpuset.cpus.effective``, ``memory.max``; v1
``cpu.cfs_quota_us``, ``cpuset.cpus``, ``memory.limit_in_bytes``) bound the figures, and
``/proc/meminfo`` is used only when memory is not limited.

Only the standard library is used. Unreadable files mean "no limit found there", never zero.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from algoprint._values import Frozen, fill

__all__ = [
    "CpuInfo",
    "CpuTimes",
    "cgroup_cpu_quota",
    "cgroup_cpu_usage_s",
    "cgroup_cpuset",
    "host_info",
    "memory_available_bytes",
    "memory_limit_bytes",
    "memory_total_bytes",
    "online_cpus",
    "parse_cpu_list",
    "read_cpu_times",
    "read_cpuinfo",
    "usable_cpus",
    "vcpus_available",
]

GIB = 1024**3
"""Bytes per GB as memory is sold and limited (DIMM sizes, cgroup limits): 2**30."""


class CpuInfo(Frozen):
    """What ``/proc/cpuinfo`` says about the CPUs this kernel sees.

    On a VM these describe the *virtual* topology: ``model_name`` is usually the host's CPU
    model, but ``siblings`` and ``cpu_cores`` describe the guest's virtual socket, not the host
    package (so they must not be used to size the host socket).

    Attributes:
        model_name: the first ``model name`` (x86), ``cpu model`` or ``Hardware`` line;
            None if absent.
        logical_cpus: number of ``processor`` entries.
        sockets: number of distinct ``physical id`` values (None if the field is absent).
        siblings: logical CPUs per (virtual) package, from ``siblings`` (None if absent).
        cpu_cores: physical cores per (virtual) package, from ``cpu cores`` (None if absent).
        hypervisor: the ``hypervisor`` CPU flag is set (we run in a VM).
    """

    _fields = ("model_name", "logical_cpus", "sockets", "siblings", "cpu_cores", "hypervisor")
    __slots__ = _fields
    model_name: str | None
    logical_cpus: int
    sockets: int | None
    siblings: int | None
    cpu_cores: int | None
    hypervisor: bool

    def __init__(  # noqa: PLR0917 - positional, as the dataclass it replaced
        self,
        model_name: str | None,
        logical_cpus: int,
        sockets: int | None,
        siblings: int | None,
        cpu_cores: int | None,
        hypervisor: bool = False,
    ) -> None:
        fill(
            self,
            model_name=model_name,
            logical_cpus=logical_cpus,
            sockets=sockets,
            siblings=siblings,
            cpu_cores=cpu_cores,
            hypervisor=hypervisor,
        )

    @property
    def threads_per_core(self) -> int:
        """SMT threads per core as the guest sees it (1 when unknown)."""
        if self.siblings and self.cpu_cores and self.siblings >= self.cpu_cores:
            return max(1, self.siblings // self.cpu_cores)
        return 1


_memo = threading.local()


@contextlib.contextmanager
def remembered() -> Iterator[None]:
    """Within this block (in this thread), each host file is read once and the cgroup
    directories are found once: discovery asks for the same facts (vCPUs, memory, cpuinfo)
    from several meters, and each answer walks /proc and the cgroup tree."""
    outer = getattr(_memo, "files", None)
    if outer is None:
        _memo.files, _memo.dirs = {}, {}
    try:
        yield
    finally:
        if outer is None:
            _memo.files = _memo.dirs = None


def _read(path: Path) -> str | None:
    files: dict[Path, str | None] | None = getattr(_memo, "files", None)
    if files is not None and path in files:
        return files[path]
    try:
        text: str | None = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = None
    if files is not None:
        files[path] = text
    return text


def read_cpuinfo(proc_root: str | Path = "/proc") -> CpuInfo:
    """Parse ``<proc_root>/cpuinfo``; an unreadable file gives an empty :class:`CpuInfo`."""
    text = _read(Path(proc_root) / "cpuinfo") or ""
    model: str | None = None
    processors = 0
    physical_ids: set[str] = set()
    siblings: int | None = None
    cores: int | None = None
    hypervisor = False
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "processor" and value.isdigit():
            processors += 1
        elif key in {"model name", "cpu model", "hardware"} and model is None and value:
            model = value
        elif key == "physical id":
            physical_ids.add(value)
        elif key == "siblings" and value.isdigit() and siblings is None:
            siblings = int(value)
        elif key == "cpu cores" and value.isdigit() and cores is None:
            cores = int(value)
        elif key == "flags" and "hypervisor" in value.split():
            hypervisor = True
    return CpuInfo(
        model_name=model,
        logical_cpus=processors,
        sockets=len(physical_ids) or None,
        siblings=siblings,
        cpu_cores=cores,
        hypervisor=hypervisor,
    )


def parse_cpu_list(text: str) -> frozenset[int]:
    """Parse a kernel CPU list such as ``0-3,8,10-11`` (empty text gives an empty set)."""
    cpus: set[int] = set()
    for raw in text.strip().split(","):
        part = raw.strip()
        if not part:
            continue
        first, _, last = part.partition("-")
        if last:
            cpus.update(range(int(first), int(last) + 1))
        else:
            cpus.add(int(first))
    return frozenset(cpus)


def online_cpus(sys_root: str | Path = "/sys", proc_root: str | Path = "/proc") -> frozenset[int]:
    """The CPUs the kernel has online (``devices/system/cpu/online``, else cpuinfo's count)."""
    text = _read(Path(sys_root) / "devices" / "system" / "cpu" / "online")
    if text and text.strip():
        try:
            return parse_cpu_list(text)
        except ValueError:
            pass
    count = read_cpuinfo(proc_root).logical_cpus or os.cpu_count() or 1
    return frozenset(range(count))


def _own_cgroup_paths(proc_root: Path) -> dict[str, str]:
    """Map controller name (``""`` for v2) to this process's cgroup path."""
    paths: dict[str, str] = {}
    for line in (_read(proc_root / "self" / "cgroup") or "").splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if not controllers:
            paths[""] = path
        for name in controllers.split(","):
            if name:
                paths[name] = path
    return paths


def _chain(base: Path, rel: str | None) -> list[Path]:
    """Directories from this process's cgroup up to ``base`` (leaf first); limits nest."""
    dirs: list[Path] = []
    if rel:
        leaf = base / rel.lstrip("/")
        if leaf.is_dir() and leaf != base:
            node = leaf
            while node != base and base in node.parents:
                dirs.append(node)
                node = node.parent
    dirs.append(base)
    return dirs


def _is_v2(cgroup_root: Path) -> bool:
    return (cgroup_root / "cgroup.controllers").is_file()


def _v1_dir(cgroup_root: Path, *names: str) -> Path | None:
    for name in names:
        if (cgroup_root / name).is_dir():
            return cgroup_root / name
    return None


def _dirs(cgroup_root: Path, proc_root: Path, controller: str, *v1_names: str) -> list[Path]:
    dirs: dict[tuple[object, ...], list[Path]] | None = getattr(_memo, "dirs", None)
    key = (cgroup_root, proc_root, controller, v1_names)
    if dirs is not None and key in dirs:
        return dirs[key]
    found = _find_dirs(cgroup_root, proc_root, controller, *v1_names)
    if dirs is not None:
        dirs[key] = found
    return found


def _find_dirs(cgroup_root: Path, proc_root: Path, controller: str, *v1_names: str) -> list[Path]:
    own = _own_cgroup_paths(proc_root)
    if _is_v2(cgroup_root):
        return _chain(cgroup_root, own.get(""))
    base = _v1_dir(cgroup_root, *v1_names)
    return [] if base is None else _chain(base, own.get(controller))


def cgroup_cpu_quota(
    cgroup_root: str | Path = "/sys/fs/cgroup", proc_root: str | Path = "/proc"
) -> float | None:
    """CPUs' worth of time the cgroup may use (``quota / period``); None when unlimited.

    cgroup v2 ``cpu.max`` ("200000 100000" means 2 CPUs, "max 100000" no limit); cgroup v1
    ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us`` (quota -1 means no limit). The tightest limit
    between this process's cgroup and the root wins.
    """
    root, proc = Path(cgroup_root), Path(proc_root)
    limits: list[float] = []
    for d in _dirs(root, proc, "cpu", "cpu,cpuacct", "cpu"):
        text = _read(d / "cpu.max")
        if text is not None:
            fields = text.split()
            if len(fields) == 2 and fields[0] != "max":
                with contextlib.suppress(ValueError, ZeroDivisionError):
                    limits.append(int(fields[0]) / int(fields[1]))
            continue
        quota, period = _read(d / "cpu.cfs_quota_us"), _read(d / "cpu.cfs_period_us")
        if quota is not None and period is not None:
            try:
                q, p = int(quota), int(period)
            except ValueError:
                continue
            if q > 0 and p > 0:
                limits.append(q / p)
    return min(limits) if limits else None


def cgroup_cpuset(
    cgroup_root: str | Path = "/sys/fs/cgroup", proc_root: str | Path = "/proc"
) -> frozenset[int] | None:
    """The CPUs the cgroup may run on (v2 ``cpuset.cpus.effective``, v1 ``cpuset.cpus``)."""
    root, proc = Path(cgroup_root), Path(proc_root)
    for d in _dirs(root, proc, "cpuset", "cpuset"):
        for name in ("cpuset.cpus.effective", "cpuset.effective_cpus", "cpuset.cpus"):
            text = _read(d / name)
            if text is not None and text.strip():
                try:
                    return parse_cpu_list(text)
                except ValueError:
                    continue
    return None


def _default_affinity(proc_root: Path) -> frozenset[int] | None:
    # The affinity mask belongs to the real process: only consult it when reading the real /proc.
    if proc_root == Path("/proc") and hasattr(os, "sched_getaffinity"):
        return frozenset(os.sched_getaffinity(0))
    return None


def usable_cpus(
    *,
    proc_root: str | Path = "/proc",
    cgroup_root: str | Path = "/sys/fs/cgroup",
    sys_root: str | Path = "/sys",
    affinity: Iterable[int] | None = None,
) -> frozenset[int]:
    """CPU ids this job may run on: online ∩ cgroup cpuset ∩ affinity (never empty)."""
    proc = Path(proc_root)
    cpus = online_cpus(sys_root, proc)
    cpuset = cgroup_cpuset(cgroup_root, proc)
    if cpuset:
        cpus &= cpuset
    mask = frozenset(affinity) if affinity is not None else _default_affinity(proc)
    if mask:
        cpus &= mask
    return cpus or online_cpus(sys_root, proc)


def vcpus_available(
    *,
    proc_root: str | Path = "/proc",
    cgroup_root: str | Path = "/sys/fs/cgroup",
    sys_root: str | Path = "/sys",
    affinity: Iterable[int] | None = None,
) -> float:
    """vCPUs this job may use: the usable CPUs capped by the cgroup quota (may be fractional)."""
    count = float(
        len(
            usable_cpus(
                proc_root=proc_root, cgroup_root=cgroup_root, sys_root=sys_root, affinity=affinity
            )
        )
    )
    quota = cgroup_cpu_quota(cgroup_root, proc_root)
    return min(count, quota) if quota is not None else count


def cgroup_cpu_usage_s(
    cgroup_root: str | Path = "/sys/fs/cgroup", proc_root: str | Path = "/proc"
) -> float | None:
    """CPU seconds used by this process's cgroup (v2 ``cpu.stat``, v1 ``cpuacct.usage``)."""
    root, proc = Path(cgroup_root), Path(proc_root)
    for d in _dirs(root, proc, "cpuacct", "cpu,cpuacct", "cpuacct"):
        text = _read(d / "cpu.stat")
        if text is not None:
            for line in text.splitlines():
                key, _, value = line.partition(" ")
                if key == "usage_usec" and value.strip().isdigit():
                    return int(value) / 1e6
        text = _read(d / "cpuacct.usage")
        if text is not None and text.strip().isdigit():
            return int(text) / 1e9
        break  # only this process's own cgroup counts
    return None


class CpuTimes(Frozen):
    """Busy and total time of a set of CPUs from ``/proc/stat`` (USER_HZ ticks).

    ``busy`` = user + nice + system + irq + softirq; ``total`` = busy + idle + iowait + steal.
    Steal (time the hypervisor ran someone else) counts in the total but not as busy: this
    guest's vCPU drew no power for us then. guest/guest_nice are already inside user/nice.
    """

    _fields = ("busy", "total")
    __slots__ = _fields
    busy: int
    total: int

    def __init__(self, busy: int, total: int) -> None:
        fill(self, busy=busy, total=total)


def read_cpu_times(proc_root: str | Path = "/proc", cpus: Iterable[int] | None = None) -> CpuTimes:
    """Sum the ``/proc/stat`` times of ``cpus`` (all CPUs, the ``cpu`` line, when None).

    Raises:
        OSError: ``/proc/stat`` cannot be read.
        ValueError: it has no usable ``cpu`` lines.
    """
    from algoprint.meters._procfs import read_stat

    data = read_stat(f"{proc_root}/stat")  # a str join: no Path per sample
    wanted = None if cpus is None else {f"cpu{c}".encode() for c in cpus}
    busy = total = 0
    found = in_cpu_lines = False
    # All CPUs: the first line is the ``cpu`` sum; split no further (the intr line is long).
    lines = [data[: data.find(b"\n")]] if cpus is None else data.split(b"\n")
    for line in lines:
        if not line.startswith(b"cpu"):
            if in_cpu_lines:
                break  # the cpu lines come first; the rest (intr, ...) is not needed
            continue
        in_cpu_lines = True
        name, *values = line.split()
        if (wanted is None and name != b"cpu") or (wanted is not None and name not in wanted):
            continue
        nums = [int(v) for v in values[:8]] + [0] * (8 - min(8, len(values)))
        user, nice, system, idle, iowait, irq, softirq, steal = nums
        b = user + nice + system + irq + softirq
        busy += b
        total += b + idle + iowait + steal
        found = True
        if wanted is None:
            break
    if not found:
        raise ValueError(f"no matching cpu lines in {Path(proc_root) / 'stat'}")
    return CpuTimes(busy=busy, total=total)


def memory_total_bytes(proc_root: str | Path = "/proc") -> int | None:
    """``MemTotal`` from ``/proc/meminfo`` in bytes; None if unreadable."""
    for line in (_read(Path(proc_root) / "meminfo") or "").splitlines():
        if line.startswith("MemTotal:"):
            fields = line.split()
            if len(fields) >= 2 and fields[1].isdigit():
                unit = fields[2].lower() if len(fields) > 2 else "kb"
                return int(fields[1]) * (1024 if unit == "kb" else 1)
    return None


def memory_limit_bytes(
    cgroup_root: str | Path = "/sys/fs/cgroup", proc_root: str | Path = "/proc"
) -> int | None:
    """The tightest cgroup memory limit in bytes (v2 ``memory.max``, v1 ``memory.limit_in_bytes``).

    Returns None when no limit applies ("max" in v2; v1 reports "no limit" as a huge number,
    which the caller treats as unlimited by comparing with MemTotal).
    """
    root, proc = Path(cgroup_root), Path(proc_root)
    limits: list[int] = []
    for d in _dirs(root, proc, "memory", "memory"):
        for name in ("memory.max", "memory.limit_in_bytes"):
            text = _read(d / name)
            if text is not None and text.strip().isdigit():
                limits.append(int(text))
    return min(limits) if limits else None


def memory_available_bytes(
    *, proc_root: str | Path = "/proc", cgroup_root: str | Path = "/sys/fs/cgroup"
) -> tuple[int | None, str]:
    """Memory this job may use, in bytes, and where the figure came from.

    The cgroup limit when one applies and is below MemTotal; otherwise MemTotal. Returns
    ``(None, reason)`` when neither can be read.
    """
    total = memory_total_bytes(proc_root)
    limit = memory_limit_bytes(cgroup_root, proc_root)
    if limit is not None and (total is None or limit < total):
        return limit, "cgroup limit"
    if total is not None:
        return total, "MemTotal (/proc/meminfo)"
    return None, "neither a cgroup memory limit nor /proc/meminfo could be read"


def host_info(
    *,
    proc_root: str | Path = "/proc",
    cgroup_root: str | Path = "/sys/fs/cgroup",
    sys_root: str | Path = "/sys",
) -> dict[str, str | float | None]:
    """A short description of this host for run records and ``doctor``.

    Keys: ``hostname``, ``host_key`` (the machine, for counting its energy once: the
    kernel's boot id, shared by containers; :mod:`algoprint.meters._hostkey`), ``os``
    (``<system>-<release>-<machine>`` from ``os.uname()``, like
    ``platform.platform()`` without the libc part: the ``platform`` module cost the tracker's
    start ~10 ms), ``machine`` (``os.uname().machine``),
    ``cpu_model`` (None if unknown), ``vcpus_available`` (float), ``memory_gb_available``
    (GiB, None if unknown).
    """
    from algoprint.meters._hostkey import host_key

    mem, _ = memory_available_bytes(proc_root=proc_root, cgroup_root=cgroup_root)
    return {
        "hostname": hostname(),
        "host_key": host_key(proc_root),
        "os": _os_name(),
        "machine": _machine(),
        "cpu_model": read_cpuinfo(proc_root).model_name,
        "vcpus_available": vcpus_available(
            proc_root=proc_root, cgroup_root=cgroup_root, sys_root=sys_root
        ),
        "memory_gb_available": None if mem is None else round(mem / GIB, 3),
    }


def hostname() -> str:
    """This machine's host name, as :func:`socket.gethostname` gives it.

    ``os.uname().nodename`` on POSIX (the same value: glibc's gethostname reads it), so the
    tracker's start does not import :mod:`socket`.
    """
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket  # pragma: no cover - Windows

    return socket.gethostname()  # pragma: no cover


def _os_name() -> str:
    if hasattr(os, "uname"):
        u = os.uname()
        return f"{u.sysname}-{u.release}-{u.machine}"
    import platform  # pragma: no cover - Windows

    return platform.platform()  # pragma: no cover


def _machine() -> str:
    if hasattr(os, "uname"):
        return os.uname().machine
    import platform  # pragma: no cover - Windows

    return platform.machine()  # pragma: no cover
