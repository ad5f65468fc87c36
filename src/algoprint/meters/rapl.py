"""CPU and DRAM energy from RAPL counters, read through the Linux powercap sysfs tree.

Intel (Sandy Bridge and later) and AMD (Zen, through the same ``intel_rapl_msr`` driver) keep
running energy counters per *zone*; Linux exposes them under ``/sys/class/powercap``:

- ``intel-rapl:N``: one zone per package (socket, or die on multi-die parts), named
  ``package-N`` (or ``package-N-die-M``); on some laptops ``intel-rapl:N`` is instead ``psys``,
  the whole platform.
- ``intel-rapl:N:M``: subzones of a package: ``core``, ``uncore`` and ``dram``. They appear both
  nested inside their package and as top-level links; we deduplicate by resolved path.
- ``intel-rapl-mmio:N``: the same package again, read through MMIO on newer Intel parts.

Each zone has ``name``, ``energy_uj`` (micro-joules, wrapping at ``max_energy_range_uj``) and
``max_energy_range_uj``.

Overlap: ``psys`` contains the packages and DRAM, and a package contains its ``core`` and
``uncore``. Summing them would count energy twice, so this meter reports only the packages
(:attr:`Domain.CPU`) plus DRAM (:attr:`Domain.MEMORY`, which a package does not contain), and
``psys`` (:attr:`Domain.PLATFORM`) only when there is no package zone at all. An MMIO package is
used only when no ``intel-rapl`` (MSR) package of the same name exists.

Since Linux 5.10 (and the stable kernels it was backported to) ``energy_uj`` is readable by root
only, as a defence against the PLATYPUS power side channel (CVE-2020-8694). :func:`probe_rapl`
turns that into :class:`~algoprint.errors.PermissionDenied` with a hint on granting access.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from algoprint.errors import MeterUnavailable, PermissionDenied, TrackingError
from algoprint.meters._rapl_zones import (
    _DOMAINS,
    _UNAVAILABLE_HINT,
    _UNCERTAINTY_REL,
    Reader,
    _cpu_family,
    _discover,
    _permission_hint,
    _select,
    _Zone,
    read_sysfs,
)
from algoprint.meters.common import (
    ComponentEnergy,
    Domain,
    Meter,
    MeterStatus,
    Method,
    SampleContext,
    warn_once,
)

__all__ = [
    "DEFAULT_ROOT",
    "MAX_INTERVAL_S",
    "PESSIMISTIC_ZONE_POWER_W",
    "RaplMeter",
    "Reader",
    "probe_rapl",
    "rapl_status",
    "read_sysfs",
]

DEFAULT_ROOT = "/sys/class/powercap"

MAX_INTERVAL_S = 10.0
"""Upper bound of :attr:`RaplMeter.sample_interval_s`: the tracker's counter interval."""

PESSIMISTIC_ZONE_POWER_W = 500.0
"""Power assumed for one zone when bounding the time between two counter wraps. We do not
know the TDP here, so we take a figure at the top of current server CPUs (per package); the
real power is almost always far lower, so the bound is safe."""


@dataclass(slots=True)
class _Channel:
    """Running state of one reported zone."""

    zone: _Zone
    domain: Domain
    device: str
    uncertainty_rel: float
    one_wrap_s: float | None  # longest gap with at most one wrap at the pessimistic power
    prev_uj: int | None = None
    prev_s: float = 0.0
    total_uj: int = 0
    failed: bool = False
    note: str | None = None


class RaplMeter(Meter):
    """Cumulative CPU package (and DRAM, or else platform) energy from RAPL counters.

    The constructor only discovers zones; :meth:`start` takes the baseline. Counters are kept as
    integer micro-joules and converted to joules in :meth:`totals`.

    Counter wrap: ``energy_uj`` counts up to ``max_energy_range_uj`` and starts again at 0, so a
    reading lower than the previous one is taken as exactly one wrap and the delta is
    ``cur - prev + max_energy_range_uj + 1`` (the counter holds the ``max + 1`` values
    ``0..max``; the kernel reports the range in whole micro-joules, so this is exact to within
    one hardware energy unit, tens of micro-joules). A second wrap between two samples cannot be
    seen, so :attr:`sample_interval_s` is ``max_energy_range_uj / PESSIMISTIC_ZONE_POWER_W``
    for the smallest range, capped at :data:`MAX_INTERVAL_S` (typical ranges of 65–262 kJ give
    minutes, so the cap rules). A later sample is noted on the device; a backwards step larger
    than a wrap can explain (counter reset, driver reload) makes the device a gap.

    Failures during a run never raise from :meth:`sample`: the device becomes a gap
    (``energy_j=None``, ``method=none``, with a note), the problem is warned once, and the
    device stays a gap because the energy during the failure is unknown.

    Args:
        root: the powercap directory (tests pass a fake tree).
        include_dram: also report DRAM zones (:attr:`Domain.MEMORY`).
        reader: reads one sysfs file; the seam for tests (default :func:`read_sysfs`).
        cpuinfo_path: ``/proc/cpuinfo`` (vendor and model pick the uncertainty); ``None`` or an
            unreadable file gives the cautious "unknown vendor" figures.

    Raises:
        MeterUnavailable: no RAPL package or psys zone under ``root``.
        PermissionDenied: ``root`` itself cannot be listed.
    """

    name: ClassVar[str] = "rapl"

    def __init__(
        self,
        *,
        root: str | Path = DEFAULT_ROOT,
        include_dram: bool = True,
        reader: Reader | None = None,
        cpuinfo_path: str | Path | None = "/proc/cpuinfo",
    ) -> None:
        self.root = Path(root)
        self.include_dram = include_dram
        self._read: Reader = reader or read_sysfs
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        try:
            cpuinfo = self._read(Path(cpuinfo_path)) if cpuinfo_path is not None else ""
        except OSError:
            cpuinfo = ""
        self.cpu_family = _cpu_family(cpuinfo)
        zones, self._skipped = _discover(self.root, self._read)
        chosen, self._left_out = _select(zones, include_dram)
        if not chosen:
            found = ", ".join(f"{z.path.name} ({z.name})" for z in zones) or "none"
            raise MeterUnavailable(
                f"no RAPL package or psys zone under {self.root} (zones found: {found})",
                hint=_UNAVAILABLE_HINT,
                source=str(self.root),
            )
        table = _UNCERTAINTY_REL[self.cpu_family]
        self._channels = [
            _Channel(
                zone=z,
                domain=_DOMAINS[z.kind],
                device=device,
                uncertainty_rel=table[z.kind],
                one_wrap_s=(
                    z.max_range_uj / 1e6 / PESSIMISTIC_ZONE_POWER_W if z.max_range_uj else None
                ),
            )
            for z, device in chosen
        ]
        bounds = [c.one_wrap_s for c in self._channels if c.one_wrap_s is not None]
        self.sample_interval_s = min([MAX_INTERVAL_S, *bounds])

    @property
    def devices(self) -> list[tuple[Domain, str]]:
        """The reported ``(domain, device)`` pairs, in report order."""
        return [(c.domain, c.device) for c in self._channels]

    def _energy_uj(self, channel: _Channel) -> int:
        return int(self._read(channel.zone.path / "energy_uj").strip())

    def check_readable(self) -> None:
        """Read every counter once, as :func:`probe_rapl` does before a run.

        Raises:
            PermissionDenied: a counter exists but this user may not read it.
            MeterUnavailable: no counter could be read at all (single failures are left for
                :meth:`start` to record as gaps).
        """
        errors: list[str] = []
        for channel in self._channels:
            path = channel.zone.path / "energy_uj"
            try:
                self._energy_uj(channel)
            except PermissionError as e:
                raise self._denied(path) from e
            except (OSError, ValueError) as e:
                errors.append(f"{path}: {e}")
        if len(errors) == len(self._channels):
            raise MeterUnavailable(
                f"no RAPL counter under {self.root} could be read ({'; '.join(errors)})",
                hint=_UNAVAILABLE_HINT,
                source=str(self.root),
            )

    def _denied(self, path: Path) -> PermissionDenied:
        return PermissionDenied(
            f"RAPL energy counter {path} is not readable by this user",
            hint=_permission_hint(self.root),
            source=str(path),
        )

    def _fail(self, channel: _Channel, why: str) -> None:
        channel.failed = True
        channel.note = f"RAPL {channel.device}: {why}; energy after this point is unknown"
        warn_once(f"rapl:fail:{channel.zone.path}", channel.note)

    def start(self, ctx: SampleContext) -> None:
        """Take the baseline reading of every counter.

        Raises:
            PermissionDenied: a counter is not readable by this user (nothing is started).
            TrackingError: the meter was started before.
        """
        with self._lock:
            if self._started:
                raise TrackingError("RaplMeter.start() called twice", hint="start a meter once")
            for channel in self._channels:
                path = channel.zone.path / "energy_uj"
                try:
                    channel.prev_uj = self._energy_uj(channel)
                except PermissionError as e:
                    raise self._denied(path) from e
                except (OSError, ValueError) as e:
                    self._fail(channel, f"cannot read {path} ({e})")
                channel.prev_s = ctx.now_s
            self._started = True

    def sample(self, ctx: SampleContext) -> None:
        """Add the energy since the previous sample; never raises on read failures.

        Raises:
            TrackingError: called before :meth:`start` (a programming error, not a read error).
        """
        with self._lock:
            if not self._started:
                raise TrackingError("RaplMeter.sample() before start()", hint="call start() first")
            if self._closed:
                return
            for channel in self._channels:
                if channel.failed or channel.prev_uj is None:
                    continue
                path = channel.zone.path / "energy_uj"
                try:
                    current = self._energy_uj(channel)
                except (OSError, ValueError) as e:  # PermissionError included: no raise mid-run
                    self._fail(channel, f"cannot read {path} ({e})")
                    continue
                self._advance(channel, current, ctx.now_s)

    def _advance(self, channel: _Channel, current_uj: int, now_s: float) -> None:
        assert channel.prev_uj is not None
        gap_s = max(now_s - channel.prev_s, 0.0)
        delta_uj = current_uj - channel.prev_uj
        max_range = channel.zone.max_range_uj
        if delta_uj < 0:
            if max_range is None:
                self._fail(channel, "counter went backwards and its wrap range is unknown")
                return
            delta_uj += max_range + 1
            # A wrap adds close to the whole range; if that implies more than the pessimistic
            # power (with a second of slack), the counter was reset rather than wrapped.
            if delta_uj / 1e6 > PESSIMISTIC_ZONE_POWER_W * (gap_s + 1.0):
                self._fail(channel, "counter went backwards by more than a wrap (reset?)")
                return
        if channel.one_wrap_s is not None and gap_s > channel.one_wrap_s:
            channel.note = (
                f"samples {gap_s:.0f} s apart, more than the {channel.one_wrap_s:.0f} s that "
                "rules out a second counter wrap; energy may be too low"
            )
            warn_once(f"rapl:late:{channel.zone.path}", f"RAPL {channel.device}: {channel.note}")
        channel.total_uj += delta_uj
        channel.prev_uj = current_uj
        channel.prev_s = now_s

    def totals(self) -> list[ComponentEnergy]:
        """Cumulative energy per device since :meth:`start`, as of the last sample.

        Gaps (never started, or a failed read) have ``energy_j=None``, ``method=none`` and a
        note; they are never reported as 0.
        """
        with self._lock:
            result = []
            for c in self._channels:
                if not self._started or c.failed:
                    note = c.note if c.failed else "RAPL meter not started"
                    energy_j, method = None, Method.NONE
                else:
                    note, energy_j, method = c.note, c.total_uj / 1e6, Method.COUNTER
                result.append(
                    ComponentEnergy(
                        domain=c.domain,
                        device=c.device,
                        energy_j=energy_j,
                        method=method,
                        uncertainty_rel=c.uncertainty_rel,
                        note=note,
                    )
                )
            return result

    def status(self) -> MeterStatus:
        """What is measured (devices and domains) and what was left out, for ``doctor``."""
        parts = [
            f"{c.device} ({c.domain.value}, {c.zone.path.name}, ±{c.uncertainty_rel:.0%})"
            for c in self._channels
        ]
        detail = f"RAPL counters under {self.root}: {', '.join(parts)}"
        if self._left_out:
            detail += f"; not reported: {', '.join(self._left_out)}"
        if self._skipped:
            detail += f"; skipped: {', '.join(self._skipped)}"
        detail += f"; CPU vendor class {self.cpu_family}; sample every {self.sample_interval_s:g} s"
        return MeterStatus(name=self.name, available=True, detail=detail, method=Method.COUNTER)

    def close(self) -> None:
        """Stop sampling; idempotent. :meth:`totals` keeps working."""
        with self._lock:
            self._closed = True


def probe_rapl(
    *,
    root: str | Path = DEFAULT_ROOT,
    include_dram: bool = True,
    reader: Reader | None = None,
    cpuinfo_path: str | Path | None = "/proc/cpuinfo",
) -> RaplMeter:
    """Build a :class:`RaplMeter` and check that its counters can be read.

    Raises:
        MeterUnavailable: no powercap RAPL zones (virtual machines, non-Linux, driver not
            loaded), or none of their counters can be read.
        PermissionDenied: the counters exist but are root-only (Linux 5.10+); the hint says how
            to grant read access.
    """
    meter = RaplMeter(
        root=root, include_dram=include_dram, reader=reader, cpuinfo_path=cpuinfo_path
    )
    meter.check_readable()
    return meter


def rapl_status(
    *,
    root: str | Path = DEFAULT_ROOT,
    reader: Reader | None = None,
    cpuinfo_path: str | Path | None = "/proc/cpuinfo",
) -> MeterStatus:
    """Whether RAPL can measure here, and if not why and how to fix it (for ``doctor``).

    Never raises for a missing or unreadable source: that is the status it reports.
    """
    try:
        meter = probe_rapl(root=root, reader=reader, cpuinfo_path=cpuinfo_path)
    except (MeterUnavailable, PermissionDenied) as e:
        return MeterStatus(
            name=RaplMeter.name,
            available=False,
            detail=e.message,
            hint=e.hint,
            method=Method.COUNTER,
        )
    return meter.status()
