"""Close a service window: attribute its energy to endpoints, compute impacts, store the run.

Attribution (docs/integrations.md, "Method and limits"), over one window:

- ``E_cpu`` = the process's CPU, memory (and platform, when no CPU counter) energy from the
  tracker; ``C`` = the process's CPU seconds. An endpoint's requests get ``E_cpu × c / C``
  for their CPU seconds ``c``. Requests that began in an earlier window are charged in the
  window they end in; if that makes the requests' CPU exceed ``C`` the shares are scaled to
  ``E_cpu`` (and the run says so).
- ``E_gpu`` = the process's GPU energy; an endpoint gets ``E_gpu × w / D`` for its fair-share
  wall seconds ``w`` over the window's length ``D``.
- What the requests do not get is reported, never spread: **outside requests** (process energy
  while no request ran or spent on other threads: the server loop, the sampler, background
  jobs) and **baseline** (machine energy not attributed to the process: idle power and other
  processes).
"""

from __future__ import annotations

import math
import os
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from algoprint.impact.uncertainty import Interval, product
from algoprint.meters.common import warn_once
from algoprint.records import iso_utc
from algoprint.tracking.record import Degradation, PhaseRecord, RunRecord, RunStatus
from algoprint.tracking.summary import summarise, window

if TYPE_CHECKING:
    from algoprint.impact.model import ImpactDocument
    from algoprint.integrations._accounting import RouteStats, WindowMeter
    from algoprint.tracking.sampler import Snapshot

__all__ = ["RouteWindow", "ServiceWindow", "close_window"]

Z95 = 1.96
OUTSIDE = "outside requests"


@dataclass(slots=True)
class RouteWindow:
    """One endpoint over one window; per-request figures carry their ~95 % interval.

    ``energy_per_request`` combines the meters' uncertainty with the spread of the requests'
    CPU time (standard error of the mean). Impacts are per request; ``sci_per_request`` is
    the window's whole SCI numerator (operational + embodied, overhead and baseline included)
    allocated to the endpoint by its share of the requests' energy, over its request count.
    """

    route: str
    count: int
    errors: int
    cpu_s: float
    units: float
    wall_s: float
    energy_j: float | None
    energy_per_request: Interval | None = None
    co2e_location_g_per_request: Interval | None = None
    co2e_market_g_per_request: Interval | None = None
    water_l_per_request: Interval | None = None
    sci_g_per_request: Interval | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (J, g, L per request; intervals as value/low/high)."""
        data: dict[str, Any] = {
            "route": self.route,
            "requests": self.count,
            "errors": self.errors,
            "cpu_s": self.cpu_s,
            "units": self.units,
            "wall_s": self.wall_s,
            "energy_j": self.energy_j,
        }
        for key in (
            "energy_per_request",
            "co2e_location_g_per_request",
            "co2e_market_g_per_request",
            "water_l_per_request",
            "sci_g_per_request",
        ):
            value: Interval | None = getattr(self, key)
            data[key] = None if value is None else _iv(value)
        return data


@dataclass(slots=True)
class ServiceWindow:
    """One closed window of a service: what was served, what it used, where it went (J)."""

    run_id: str
    started_at: str
    ended_at: str
    duration_s: float
    functional_unit: str
    requests: int
    units: float
    process_cpu_s: float
    request_cpu_s: float
    machine_energy_j: float | None
    process_energy_j: float | None
    requests_energy_j: float | None
    outside_requests_energy_j: float | None
    baseline_energy_j: float | None
    routes: list[RouteWindow] = field(default_factory=list)
    energy_per_unit: Interval | None = None
    """The window's headline energy (the run's scope) per functional unit (J), ~95 % bounds."""
    sci: dict[str, Any] | None = None
    missing: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    stored: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "duration_s": self.duration_s,
            "functional_unit": self.functional_unit,
            "requests": self.requests,
            "units": self.units,
            "process_cpu_s": self.process_cpu_s,
            "request_cpu_s": self.request_cpu_s,
            "machine_energy_j": self.machine_energy_j,
            "process_energy_j": self.process_energy_j,
            "requests_energy_j": self.requests_energy_j,
            "outside_requests_energy_j": self.outside_requests_energy_j,
            "baseline_energy_j": self.baseline_energy_j,
            "routes": [r.to_dict() for r in self.routes],
            "energy_per_unit_j": None
            if self.energy_per_unit is None
            else _iv(self.energy_per_unit),
            "sci": self.sci,
            "missing": dict(self.missing),
            "notes": list(self.notes),
            "stored": self.stored,
        }


def _iv(value: Interval) -> dict[str, float]:
    return {"value": value.value, "low": value.low, "high": value.high}


def _split(before: Snapshot, after: Snapshot) -> tuple[float | None, float | None, bool]:
    """The process's CPU-side and GPU energy over the window (``None`` = a gap)."""
    items = list(window(before, after))
    has_cpu = any(comp.domain.value == "cpu" for _, comp, _, _ in items)
    cpu_side: float | None = 0.0
    gpu: float | None = 0.0
    for _, comp, _, process in items:
        domain = comp.domain.value
        if domain == "platform" and has_cpu:
            continue
        if domain == "gpu":
            gpu = None if process is None or gpu is None else gpu + process
        elif process is None or cpu_side is None:
            cpu_side = None
        else:
            cpu_side += process
    return cpu_side, gpu, any(comp.domain.value == "gpu" for _, comp, _, _ in items)


def close_window(
    meter: WindowMeter,
    stats: dict[str, RouteStats],
    *,
    before: Snapshot,
    after: Snapshot,
    process_cpu_s: float,
) -> ServiceWindow:
    """Attribute, record and store one window (see the module docs)."""
    tracker = meter.tracker
    assert tracker is not None
    scope = tracker.settings.scope
    summary = summarise(list(window(before, after)), scope=scope)
    duration_s = max(after.monotonic_s - before.monotonic_s, 1e-9)
    cpu_side_j, gpu_j, has_gpu = _split(before, after)
    notes: list[str] = []
    missing: dict[str, str] = {}
    request_cpu_s = math.fsum(s.cpu_s for s in stats.values())
    j_per_cpu_s: float | None = None
    if cpu_side_j is not None:
        denominator = max(process_cpu_s, request_cpu_s)
        if request_cpu_s > process_cpu_s > 0:
            notes.append(
                "requests that began in an earlier window used more CPU than the process in "
                "this one; their shares were scaled to this window's process energy"
            )
        j_per_cpu_s = cpu_side_j / denominator if denominator > 0 else 0.0
    else:
        missing["energy_per_request"] = "a meter had a gap in this window (see the run)"
    u_meter = summary.uncertainty_rel or 0.0
    routes: list[RouteWindow] = []
    for route in sorted(stats):
        s = stats[route]
        energy: float | None = None
        if j_per_cpu_s is not None and (gpu_j is not None or not has_gpu):
            energy = s.cpu_s * j_per_cpu_s + (gpu_j or 0.0) * s.share_wall_s / duration_s
        rw = RouteWindow(route, s.count, s.errors, s.cpu_s, s.units, s.wall_s, energy)
        if energy is not None and s.count:
            mean = energy / s.count
            u_stat = 0.0
            if s.count > 1 and s.cpu_s > 0:
                mean_cpu = s.cpu_s / s.count
                var = max(0.0, s.cpu_sq_s2 / s.count - mean_cpu * mean_cpu)
                u_stat = Z95 * math.sqrt(var / (s.count - 1)) / mean_cpu
            rw.energy_per_request = product(
                [Interval.from_rel(mean, u_meter), Interval.from_rel(1.0, u_stat)]
            )
        routes.append(rw)
    requests = sum(s.count for s in stats.values())
    units = (
        float(requests) if meter.unit == "requests" else math.fsum(s.units for s in stats.values())
    )
    requests_j = (
        None
        if any(r.energy_j is None for r in routes)
        else math.fsum(r.energy_j or 0.0 for r in routes)
    )
    process_j = summary.process_energy_j
    outside_j = (
        None if process_j is None or requests_j is None else max(0.0, process_j - requests_j)
    )
    machine_j = summary.machine_energy_j
    baseline_j = None if machine_j is None or process_j is None else max(0.0, machine_j - process_j)
    run_id = uuid.uuid4().hex
    result = ServiceWindow(
        run_id=run_id,
        started_at=iso_utc(before.wall_s),
        ended_at=iso_utc(after.wall_s),
        duration_s=duration_s,
        functional_unit=meter.unit,
        requests=requests,
        units=units,
        process_cpu_s=process_cpu_s,
        request_cpu_s=request_cpu_s,
        machine_energy_j=machine_j,
        process_energy_j=process_j,
        requests_energy_j=requests_j,
        outside_requests_energy_j=outside_j,
        baseline_energy_j=baseline_j,
        routes=routes,
        missing=missing,
        notes=notes,
    )
    record = RunRecord(
        run_id=run_id,
        algorithm=meter.algorithm,
        phase="use",
        status=RunStatus.COMPLETED,
        started_at=result.started_at,
        ended_at=result.ended_at,
        duration_s=duration_s,
        scope=scope,
        energy_j=summary.energy_j,
        machine_energy_j=machine_j,
        process_energy_j=process_j,
        measured_energy_j=summary.measured_energy_j,
        uncertainty_rel=summary.uncertainty_rel,
        components=summary.components,
        phases=_phases(result),
        meters=[
            {
                "name": s.name,
                "available": s.available,
                "detail": s.detail,
                "method": s.method.value if s.method else None,
            }
            for s in tracker.meter_statuses
        ],
        host=tracker.host,
        pid=os.getpid(),
        units=units or None,
        tags=_tags(meter, result, tracker.run_id),
        checkpoint_at=result.ended_at,
    )
    if summary.energy_j is not None and units > 0:
        result.energy_per_unit = Interval.from_rel(summary.energy_j / units, u_meter)
    _impacts(meter, result, record)
    if meter.store:  # an idle window too: its energy is what the service costs idle
        _store(meter, result, record)
    return result


def _phases(w: ServiceWindow) -> list[PhaseRecord]:
    phases = [
        PhaseRecord(
            name=f"request {r.route}",
            started_at=w.started_at,
            ended_at=w.ended_at,
            duration_s=r.wall_s,
            energy_j=r.energy_j,
            machine_energy_j=None,
            process_energy_j=r.energy_j,
            count=r.count,
        )
        for r in w.routes
    ]
    phases.append(
        PhaseRecord(
            name=OUTSIDE,
            started_at=w.started_at,
            ended_at=w.ended_at,
            duration_s=w.duration_s,
            energy_j=w.outside_requests_energy_j,
            machine_energy_j=None,
            process_energy_j=w.outside_requests_energy_j,
        )
    )
    return phases


def _tags(meter: WindowMeter, w: ServiceWindow, tracker_run: str) -> dict[str, str]:
    tags = {
        "integration": meter.integration,
        "functional_unit": w.functional_unit,
        "requests": str(w.requests),
        "window_s": f"{meter.window_s:g}",
        "service_tracker_run": tracker_run,
        "attribution": "fair-share process CPU" if meter.integration == "asgi" else "thread CPU",
    }
    if w.baseline_energy_j is not None:
        tags["baseline_energy_j"] = f"{w.baseline_energy_j:.6f}"
    return tags


def _impacts(meter: WindowMeter, w: ServiceWindow, record: RunRecord) -> None:
    from algoprint.errors import AlgoprintError

    profile = meter.profile
    if profile is None or getattr(profile, "zone", None) is None:
        reason = "no location configured: pass location='NL' or set [location] zone"
        w.missing["impacts"] = reason
        return
    if record.energy_j is None or not w.requests:
        w.missing["impacts"] = "no requests or no total energy in this window"
        return
    try:
        doc = _window_doc(meter, record)
        _per_route(meter, w, record, doc)
    except AlgoprintError as e:
        w.missing["impacts"] = str(e)
        warn_once(f"middleware:impacts:{e.message}", f"algoprint: no impacts per request: {e}")


def _window_doc(meter: WindowMeter, record: RunRecord) -> ImpactDocument:
    from algoprint.config import load_settings
    from algoprint.impact.compute import impacts_for_run

    return impacts_for_run(record, meter.profile, settings_extra=load_settings({}).extra)


def _per_route(meter: WindowMeter, w: ServiceWindow, record: RunRecord, doc: Any) -> None:
    from algoprint.impact.compute import EnergyInput, compute_from_factors, resolve_factors
    from algoprint.impact.sci import sci_per_unit

    sci = sci_per_unit(doc, unit=w.functional_unit, units=w.units, phase="use")
    w.sci = sci.to_dict()
    if sci.missing:
        w.missing["sci_g_per_unit"] = sci.missing
        warn_once(f"middleware:sci:{w.functional_unit}", f"algoprint: {sci.missing}")
    factors = resolve_factors(meter.profile, year=int(record.started_at[:4]))
    total = doc.get("co2e_total_g")
    for r in w.routes:
        per = r.energy_per_request
        if per is None or per.value <= 0:
            continue
        u = max(per.rel_high, per.rel_low)
        one = compute_from_factors(EnergyInput.single(per.value, u), factors, duration_s=0.0)
        for key, attr in (
            ("co2e_location_g", "co2e_location_g_per_request"),
            ("co2e_market_g", "co2e_market_g_per_request"),
            ("water_l", "water_l_per_request"),
        ):
            impact = one.get(key)
            setattr(r, attr, None if impact is None else impact.interval)
        if total is not None and w.requests_energy_j and r.energy_j is not None and r.count:
            share = r.energy_j / w.requests_energy_j
            r.sci_g_per_request = total.interval.scale(share / r.count)


def _store(meter: WindowMeter, w: ServiceWindow, record: RunRecord) -> None:
    from algoprint.tracking.spool import SpoolSink

    tracker = meter.tracker
    assert tracker is not None
    try:
        SpoolSink(tracker.settings.db).save(record, durable=True)
        w.stored = True
    except Exception as e:
        meter.store_failures += 1
        w.missing["stored"] = f"the window run could not be stored: {e}"
        record.degradations.append(
            Degradation(source="store", message=str(e), hint="check --db / ALGOPRINT_DB")
        )
        warn_once(
            f"middleware:store:{tracker.settings.db}",
            f"algoprint: service windows cannot be stored ({e}); requests are still served",
        )
