"""The RAPL zones in the powercap sysfs tree: discovery, deduplication, selection and the
uncertainty of each counter (for :class:`~algoprint.meters.rapl.RaplMeter`; the overlap rules
are in the :mod:`algoprint.meters.rapl` docstring)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from algoprint.errors import MeterUnavailable, PermissionDenied
from algoprint.meters.common import RAPL_UNAVAILABLE_HINT, Domain

__all__ = ["Reader", "read_sysfs"]

Reader = Callable[[Path], str]
"""Reads one sysfs file as text; the seam through which tests inject read failures."""

_MSR = "intel-rapl"
_MMIO = "intel-rapl-mmio"
_ZONE_RE = re.compile(r"(intel-rapl|intel-rapl-mmio):(\d+(?::\d+)*)")
_MAX_DEPTH = 3  # control type / package / subzone; bounds the walk through symlinked trees

# Relative half-widths of the ~95 % interval. These are engineering judgement, not figures
# taken from one source; the reasoning:
# - Intel from Haswell on *measures* package energy (on-die voltage-regulator sensing), and
#   independent comparisons with external meters have found it close; we allow 5 % for the
#   remaining calibration and the package boundary (the counter excludes board and PSU losses,
#   which are outside this domain anyway).
# - Intel Sandy Bridge and Ivy Bridge *model* package energy from activity counters, which is
#   workload dependent, so we allow three times as much.
# - DRAM counters are less validated than package counters (and modelled on older parts), so
#   they get roughly double the package figure.
# - AMD (and Hygon) Zen counters come from AMD's own power model, with less public validation;
#   we treat them like modelled Intel counters. An unknown vendor gets the same cautious figure.
# - psys (whole platform, Skylake and later laptops/workstations) is measured but less studied
#   than the package counter.
_PRE_HASWELL_INTEL_MODELS = frozenset({42, 45, 58, 62})  # family 6: SNB, SNB-EP, IVB, IVB-EP
_UNCERTAINTY_REL = {
    "intel": {"package": 0.05, "dram": 0.10, "psys": 0.10},
    "intel-modelled": {"package": 0.15, "dram": 0.20, "psys": 0.15},
    "amd": {"package": 0.15, "dram": 0.20, "psys": 0.15},
    "unknown": {"package": 0.15, "dram": 0.20, "psys": 0.15},
}
_DOMAINS = {"package": Domain.CPU, "dram": Domain.MEMORY, "psys": Domain.PLATFORM}


def read_sysfs(path: Path) -> str:
    """Read one sysfs attribute as text (the default :data:`Reader`).

    Raises:
        OSError: the file is missing or unreadable (``PermissionError`` for ``energy_uj`` as a
            normal user since Linux 5.10).
    """
    with open(path, encoding="ascii", errors="replace") as f:
        return f.read()


def _permission_hint(root: Path) -> str:
    # One glob covers packages, subzones (flat links in the class directory) and MMIO zones;
    # KERNEL== keeps the udev rule off the control-type devices, which have no energy_uj.
    return (
        f"grant read access until the next reboot with `sudo chmod o+r {root}/intel-rapl*:*/"
        "energy_uj`; to make it permanent add a udev rule, e.g. a file "
        '/etc/udev/rules.d/99-algoprint-rapl.rules with ACTION=="add", SUBSYSTEM=="powercap", '
        'KERNEL=="intel-rapl*:*", RUN+="/bin/chmod o+r /sys%p/energy_uj" (RAPL is root-only '
        "since Linux 5.10 against the PLATYPUS side channel, CVE-2020-8694: open it only where "
        "you trust every local user)"
    )


_UNAVAILABLE_HINT = RAPL_UNAVAILABLE_HINT


def _cpu_family(text: str) -> str:
    """Classify the CPU from ``/proc/cpuinfo`` text for the uncertainty table."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break  # the first processor block is enough
            continue
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    vendor = fields.get("vendor_id", "")
    if vendor in ("AuthenticAMD", "HygonGenuine"):
        return "amd"
    if vendor == "GenuineIntel":
        try:
            family, model = int(fields["cpu family"]), int(fields["model"])
        except (KeyError, ValueError):
            return "unknown"
        if family == 6 and model in _PRE_HASWELL_INTEL_MODELS:
            return "intel-modelled"
        return "intel"
    return "unknown"


@dataclass(frozen=True, slots=True)
class _Zone:
    path: Path
    control: str
    ids: tuple[int, ...]
    name: str
    max_range_uj: int | None

    @property
    def kind(self) -> str:
        """``package``, ``dram``, ``psys``, or the raw name for zones we do not report."""
        name = self.name.lower()
        return "package" if name.startswith("package") else name


def _zone_key(control: str, ids: tuple[int, ...]) -> tuple[int, str, tuple[int, ...]]:
    return (0 if control == _MSR else 1, control, ids)


def _discover(root: Path, read: Reader) -> tuple[list[_Zone], list[str]]:
    """Find every RAPL zone under ``root`` once, in both the flat and the nested layout.

    Returns:
        The zones sorted MSR-first by index, and notes on zones that had to be skipped.
    """
    try:
        entries = sorted(root.iterdir())
    except PermissionError as e:
        raise PermissionDenied(
            f"cannot list the powercap directory {root}: {e}",
            hint=_permission_hint(root),
            source=str(root),
        ) from e
    except OSError as e:
        raise MeterUnavailable(
            f"no powercap directory at {root} ({e.strerror or e})",
            hint=_UNAVAILABLE_HINT,
            source=str(root),
        ) from e
    found: dict[tuple[str, tuple[int, ...]], _Zone] = {}
    seen: set[str] = set()
    skipped: list[str] = []

    def visit(path: Path, depth: int) -> None:
        real = os.path.realpath(path)
        if real in seen or not path.is_dir():
            return
        seen.add(real)
        match = _ZONE_RE.fullmatch(path.name)
        if match:
            ids = tuple(int(i) for i in match.group(2).split(":"))
            if (match.group(1), ids) not in found:
                zone = _read_zone(path, match.group(1), ids, read, skipped)
                if zone is not None:
                    found[(zone.control, zone.ids)] = zone
        if depth >= _MAX_DEPTH:
            return
        try:
            children = sorted(c for c in path.iterdir() if _ZONE_RE.fullmatch(c.name))
        except OSError as e:
            skipped.append(f"{path.name}: cannot list ({e.strerror or e})")
            return
        for child in children:
            visit(child, depth + 1)

    for entry in entries:
        if entry.name in (_MSR, _MMIO) or _ZONE_RE.fullmatch(entry.name):
            visit(entry, 0)
    zones = sorted(found.values(), key=lambda z: _zone_key(z.control, z.ids))
    return zones, skipped


def _read_zone(
    path: Path, control: str, ids: tuple[int, ...], read: Reader, skipped: list[str]
) -> _Zone | None:
    if not (path / "energy_uj").exists():
        skipped.append(f"{path.name}: no energy_uj")
        return None
    try:
        name = read(path / "name").strip()
    except OSError as e:
        skipped.append(f"{path.name}: unreadable name ({e.strerror or e})")
        return None
    try:
        max_range_uj: int | None = int(read(path / "max_energy_range_uj").strip())
    except (OSError, ValueError):
        max_range_uj = None  # a wrap cannot be corrected; the channel records it if one happens
    if max_range_uj is not None and max_range_uj <= 0:
        max_range_uj = None
    return _Zone(path, control, ids, name or path.name, max_range_uj)


def _unique(preferred: str, fallback: str, taken: set[str]) -> str:
    for candidate in (preferred, fallback):
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    n = 2
    while f"{fallback}-{n}" in taken:
        n += 1
    taken.add(f"{fallback}-{n}")
    return f"{fallback}-{n}"


_LEFT_OUT_WHY = {
    "core": "inside its package",
    "uncore": "inside its package",
    "psys": "contains the packages and DRAM",
    "dram": "reported only next to its package",
}


def _select(zones: list[_Zone], include_dram: bool) -> tuple[list[tuple[_Zone, str]], list[str]]:
    """Pick the non-overlapping zones to report and give each a unique device id.

    Returns:
        ``(zone, device)`` pairs in report order, and notes on what was left out and why.
    """
    msr_names = {z.name for z in zones if z.control == _MSR and z.kind == "package"}
    dropped_mmio = {
        z.ids[0]
        for z in zones
        if z.control == _MMIO and len(z.ids) == 1 and z.kind == "package" and z.name in msr_names
    }
    left_out: list[str] = []
    kept: list[_Zone] = []
    for z in zones:
        if z.control == _MMIO and z.ids[0] in dropped_mmio:
            left_out.append(f"{z.path.name} ({z.name}: same package as intel-rapl)")
        else:
            kept.append(z)
    taken: set[str] = set()
    chosen: list[tuple[_Zone, str]] = []
    packages: dict[tuple[str, tuple[int, ...]], str] = {}
    for z in kept:
        if z.kind == "package":
            device = _unique(z.name.lower(), f"package-{'-'.join(map(str, z.ids))}", taken)
            packages[(z.control, z.ids)] = device
            chosen.append((z, device))
    for z in kept:
        if z.kind == "package":
            continue
        if packages and z.kind == "dram" and include_dram:
            # dram-N next to package-N (dram-0-die-1 next to package-0-die-1).
            parent = packages.get((z.control, z.ids[:-1]), "")
            fallback = f"dram-{'-'.join(map(str, z.ids[:-1] or z.ids))}"
            preferred = "dram" + parent.removeprefix("package") if parent else fallback
            chosen.append((z, _unique(preferred, fallback, taken)))
            continue
        if not packages and z.kind == "psys":
            chosen.append((z, _unique("psys", f"psys-{z.ids[0]}", taken)))
            continue
        why = _LEFT_OUT_WHY.get(z.kind, "not a domain algoprint reports")
        if packages and z.kind == "dram":
            why = "include_dram is off"
        left_out.append(f"{z.path.name} ({z.name}: {why})")
    return chosen, left_out
