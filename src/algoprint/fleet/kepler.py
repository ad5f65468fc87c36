"""Kubernetes pod energy from Kepler, read through the Prometheus HTTP API, as algoprint runs.

``collect()`` reads one window ``(start, end]`` of Kepler's pod and container energy counters
(the counting rules are in :mod:`algoprint.fleet._kepler_series`), joins kube-state-metrics'
``kube_pod_labels`` and turns each pod lifetime, or each ``service_window_s`` bucket of a
long-running pod, into one run with per-container components and method ``kepler``.

Idempotent: a run's id is derived from the pod uid (and bucket), and a stored run remembers
the instant its energy runs through (tag ``kepler.through``); a window is only counted after
that instant. Collecting the same window twice, or an overlapping one after a lost state file,
adds nothing. Pods without an algorithm label are returned as ``unassigned`` with their energy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from algoprint.fleet._common import from_epoch, stable_run_id, to_epoch
from algoprint.fleet._kepler_series import (
    SCHEMAS,
    KeplerSchema,
    Stream,
    counted_zones,
    increase,
    kube_label_name,
    streams_from,
)
from algoprint.fleet.prometheus import PrometheusClient, Series
from algoprint.tracking.record import ComponentRecord, Degradation, RunRecord, RunStatus

__all__ = ["CAVEATS", "UNCERTAINTY_REL", "CollectResult", "KeplerOptions", "collect"]

UNCERTAINTY_REL = 0.3
"""Relative half-width given to Kepler figures: RAPL is measured, but the split by CPU-time
share ignores frequency, instruction mix and memory-boundness (Kepler's own attribution guide
lists these limits); ±30 % is our stated assumption, not a Kepler figure."""

CAVEATS = (
    "Kepler splits each node's measured active energy over workloads by CPU-time share; "
    "the node's idle energy is not in pod figures",
    "processes shorter than Kepler's sampling interval, and work between the last sample "
    "and a pod's end, are missed",
    "on a VM without RAPL, Kepler 0.9 and older modelled node power instead of measuring it",
)
_DOMAIN = {"package": "cpu", "dram": "memory", "psys": "platform"}


@dataclass(frozen=True, kw_only=True, slots=True)
class KeplerOptions:
    """How pods map to algorithms and how runs are cut.

    Attributes:
        algorithm_label: Kubernetes pod label with the algorithm slug.
        lars_label: pod label with an Algoritmeregister (LARS) code, mapped through ``lars_map``.
        phase_label: pod label with the lifecycle phase (training, inference, ...).
        lars_map: LARS code → algorithm slug (from the register's ``lars_id``).
        step_s: query resolution in seconds (Kepler's scrape interval is a good choice).
        lookback_s: how far before the window to look for each counter's last value.
        service_window_s: cut long-running pods into runs of this many seconds (epoch-aligned);
            ``None`` = one run per pod lifetime.
    """

    algorithm_label: str = "algoprint.nl/algorithm"
    lars_label: str = "algoprint.nl/lars"
    phase_label: str = "algoprint.nl/phase"
    lars_map: Mapping[str, str] = field(default_factory=dict)
    step_s: float = 30.0
    lookback_s: float = 300.0
    service_window_s: float | None = None


@dataclass(slots=True)
class CollectResult:
    """What one window produced (``runs`` are new or updated and must be saved)."""

    start: str
    end: str
    schema: str
    runs: list[RunRecord] = field(default_factory=list)
    unassigned: list[dict[str, Any]] = field(default_factory=list)
    already_counted: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "window": {"start": self.start, "end": self.end},
            "schema": self.schema,
            "runs": [r.to_dict() for r in self.runs],
            "unassigned": self.unassigned,
            "unassigned_energy_j": math.fsum(u["energy_j"] for u in self.unassigned),
            "already_counted": self.already_counted,
            "warnings": self.warnings,
        }


def _fetch(
    client: PrometheusClient, start_s: float, end_s: float, step_s: float
) -> tuple[KeplerSchema, dict[Any, Stream], dict[Any, Stream]]:
    """Container and pod streams, from the first Kepler generation that has data."""
    for schema in SCHEMAS:
        zone = '{zone=~"package|dram|psys"}' if len(schema.container_cpu) == 1 else ""
        series: list[Series] = []
        for name in schema.container_cpu:
            series += client.query_range(f"{name}{zone}", start_s, end_s, step_s)
        series += client.query_range(schema.container_gpu, start_s, end_s, step_s)
        pods: list[Series] = []
        for pod_metric, sel in ((schema.pod_cpu, zone), (schema.pod_gpu, "")):
            if pod_metric:
                pods += client.query_range(f"{pod_metric}{sel}", start_s, end_s, step_s)
        if series or pods:
            return (
                schema,
                streams_from(schema, series, level="container"),
                streams_from(schema, pods, level="pod"),
            )
    return SCHEMAS[0], {}, {}


def _pod_labels(
    client: PrometheusClient, start_s: float, end_s: float, step_s: float
) -> dict[str, dict[str, str]]:
    """kube_pod_labels by pod uid and by ``namespace/name`` (the last value seen wins)."""
    out: dict[str, dict[str, str]] = {}
    for s in client.query_range("kube_pod_labels", start_s, end_s, step_s):
        labels = s.labels
        if labels.get("uid"):
            out[labels["uid"]] = labels
        if labels.get("namespace") and labels.get("pod"):
            out[f"{labels['namespace']}/{labels['pod']}"] = labels
    return out


def collect(
    client: PrometheusClient,
    *,
    start_s: float,
    end_s: float,
    options: KeplerOptions | None = None,
    existing: Callable[[str], RunRecord | None] = lambda _id: None,
) -> CollectResult:
    """Runs for the window ``(start_s, end_s]`` (Unix seconds).

    Args:
        client: the Prometheus to read.
        existing: the stored run with a given id, or ``None`` (makes collection idempotent).

    Raises:
        SourceError: Prometheus is unreachable or answers an error.
    """
    opts = options or KeplerOptions()
    q_start = start_s - max(opts.lookback_s, 2 * opts.step_s)
    schema, containers, pods = _fetch(client, q_start, end_s, opts.step_s)
    result = CollectResult(from_epoch(start_s), from_epoch(end_s), schema.name)
    if not containers and not pods:
        result.warnings.append(
            "no Kepler energy series in this window: is Kepler installed and scraped by this "
            "Prometheus? (looked for kepler_container_cpu_joules_total and the older "
            "kepler_container_package_joules_total)"
        )
        result.warnings.extend(client.warnings)
        return result
    labels = _pod_labels(client, q_start, end_s, opts.step_s)
    with_containers = {s.key.pod for s in containers.values()}
    streams = list(containers.values()) + [
        s for s in pods.values() if s.key.pod not in with_containers
    ]
    _name_pods(streams, pods.values(), labels)
    zones = counted_zones(streams)
    by_pod: dict[str, list[Stream]] = {}
    for s in streams:
        if s.key.zone.startswith("gpu:") or s.key.zone in zones[s.key.node]:
            by_pod.setdefault(s.key.pod, []).append(s)
    for pod, pod_streams in sorted(by_pod.items()):
        _pod_runs(
            result, pod, pod_streams, labels=labels, opts=opts, start_s=start_s, end_s=end_s,
            existing=existing,
        )  # fmt: skip
    result.warnings.extend(client.warnings)
    return result


def _name_pods(
    streams: list[Stream], pods: Iterable[Stream], labels: Mapping[str, Mapping[str, str]]
) -> None:
    """Container series carry only the pod uid: take name and namespace from the pod series,
    else from kube_pod_labels."""
    names = {s.key.pod: (s.namespace, s.pod_name) for s in pods if s.pod_name}
    for s in streams:
        if s.pod_name:
            continue
        kube = labels.get(s.key.pod, {})
        s.namespace, s.pod_name = names.get(
            s.key.pod, (kube.get("namespace", ""), kube.get("pod", ""))
        )


def _buckets(first_s: float, start_s: float, end_s: float, window: float | None) -> list[Any]:
    if window is None:
        return [("life", -math.inf, math.inf)]
    out = []
    k = math.floor(max(first_s, start_s) / window)
    while k * window < end_s:
        out.append((str(k), k * window, (k + 1) * window))
        k += 1
    return out


def _mapping(
    pod: str, stream: Stream, labels: Mapping[str, Mapping[str, str]], opts: KeplerOptions
) -> tuple[str | None, str | None, str]:
    """(algorithm, phase, reason-if-unassigned) for one pod."""
    from algoprint.errors import InputError
    from algoprint.kader.register import validate_slug

    kube = labels.get(pod) or labels.get(f"{stream.namespace}/{stream.pod_name}") or {}
    if not kube:
        return None, None, "no kube_pod_labels series for this pod (is kube-state-metrics run?)"
    phase = kube.get(kube_label_name(opts.phase_label)) or None
    slug = kube.get(kube_label_name(opts.algorithm_label))
    lars = kube.get(kube_label_name(opts.lars_label))
    if not slug and lars:
        slug = opts.lars_map.get(lars)
        if slug is None:
            return None, phase, f"LARS code {lars!r} is not on any registered algorithm"
    if not slug:
        return None, phase, f"no {opts.algorithm_label} or {opts.lars_label} label"
    try:
        return validate_slug(slug), phase, ""
    except InputError as e:
        return None, phase, f"label value {slug!r} is not a valid slug: {e.message}"


def _pod_runs(
    result: CollectResult,
    pod: str,
    streams: list[Stream],
    *,
    labels: Mapping[str, Mapping[str, str]],
    opts: KeplerOptions,
    start_s: float,
    end_s: float,
    existing: Callable[[str], RunRecord | None],
) -> None:
    ordered = {s.key: s.ordered() for s in streams}
    first = min(v[0][0] for v in ordered.values() if v)
    last = max(v[-1][0] for v in ordered.values() if v)
    head = streams[0]
    algorithm, phase, reason = _mapping(pod, head, labels, opts)
    for bucket, b_lo, b_hi in _buckets(first, start_s, end_s, opts.service_window_s):
        run_id = stable_run_id("kepler", pod, bucket)
        prior = existing(run_id)
        lo = max(start_s, b_lo)
        if prior is not None and "kepler.through" in prior.tags:
            lo = max(lo, to_epoch(prior.tags["kepler.through"]))
        hi = min(end_s, b_hi)
        if hi <= lo:
            if prior is not None:
                result.already_counted += 1
            continue
        comps: dict[tuple[str, str], float] = {}
        notes: list[str] = []
        seen_times: list[float] = []
        for key, samples in ordered.items():
            joules, resets, seen = increase(samples, lo, hi)
            if not seen:
                continue
            seen_times += [t for t, _ in samples if lo < t <= hi]
            domain = "gpu" if key.zone.startswith("gpu:") else _DOMAIN[key.zone]
            device = key.container or "pod"
            if domain == "gpu":
                device += f"/gpu{key.zone[4:]}"
            comps[(domain, device)] = comps.get((domain, device), 0.0) + joules
            if resets:
                notes.append(
                    f"{resets} counter reset(s) in {device} {key.zone} on {key.node} "
                    "(Kepler restart or node reboot); counted from zero after each"
                )
        if not seen_times:
            if prior is not None and prior.status is RunStatus.RUNNING and prior.checkpoint_at:
                # Its last sample closed the previous window: it ended there.
                at = to_epoch(prior.checkpoint_at)
                if at < end_s - 2 * opts.step_s:
                    result.runs.append(
                        _record(
                            run_id=run_id,
                            algorithm=prior.algorithm or "",
                            phase=prior.phase,
                            head=head,
                            comps={},
                            notes=[],
                            prior=prior,
                            first_s=at,
                            last_s=at,
                            through_s=hi,
                            ended=True,
                            schema=result.schema,
                        )
                    )
                    continue
            if prior is not None:
                result.already_counted += 1
            continue
        if algorithm is None:
            result.unassigned.append(
                {
                    "namespace": head.namespace,
                    "pod": head.pod_name,
                    "pod_uid": pod,
                    "node": head.key.node,
                    "energy_j": math.fsum(comps.values()),
                    "reason": reason,
                }
            )
            continue
        ended = last < end_s - 2 * opts.step_s or hi < end_s
        record = _record(
            run_id=run_id, algorithm=algorithm, phase=phase, head=head, comps=comps,
            notes=notes, prior=prior, first_s=min(seen_times), last_s=max(seen_times),
            through_s=hi, ended=ended, schema=result.schema,
)  # fmt: skip
        result.runs.append(record)


def _status(ended: bool, degradations: list[Degradation]) -> RunStatus:
    if not ended:
        return RunStatus.RUNNING
    faults = any(d.kind == "fault" for d in degradations)
    return RunStatus.DEGRADED if faults else RunStatus.COMPLETED


def _record(
    *,
    run_id: str,
    algorithm: str,
    phase: str | None,
    head: Stream,
    comps: dict[tuple[str, str], float],
    notes: list[str],
    prior: RunRecord | None,
    first_s: float,
    last_s: float,
    through_s: float,
    ended: bool,
    schema: str,
) -> RunRecord:
    if prior is not None:
        for c in prior.components:
            key = (c.domain, c.device)
            comps[key] = comps.get(key, 0.0) + (c.process_energy_j or 0.0)
    components = [
        ComponentRecord(
            domain=domain,
            device=device,
            energy_j=joules,
            method="kepler",
            uncertainty_rel=UNCERTAINTY_REL,
            process_energy_j=joules,
            note=f"Kepler's share of node {head.key.node}",
        )
        for (domain, device), joules in sorted(comps.items())
    ]
    has_cpu = any(d == "cpu" for d, _ in comps)
    total = math.fsum(j for (d, _), j in comps.items() if not (d == "platform" and has_cpu))
    degradations = [Degradation("kepler", text, kind="fallback") for text in CAVEATS]
    if prior is not None:
        degradations += [d for d in prior.degradations if d not in degradations]
    degradations += [Degradation("kepler", n, kind="fault") for n in notes]
    started = prior.started_at if prior is not None else from_epoch(first_s)
    duration = max(0.0, last_s - to_epoch(started))
    return RunRecord(
        run_id=run_id,
        algorithm=algorithm,
        phase=phase,
        status=_status(ended, degradations),
        started_at=started,
        ended_at=from_epoch(last_s) if ended else None,
        duration_s=duration,
        scope="process",
        energy_j=total,
        process_energy_j=total,
        measured_energy_j=total,
        uncertainty_rel=UNCERTAINTY_REL,
        components=components,
        degradations=degradations,
        meters=[{"name": "kepler", "available": True, "detail": schema, "method": "kepler"}],
        host={"hostname": head.key.node, "source": "kubernetes"},
        tags={
            "source": "kepler",
            "kubernetes.namespace": head.namespace,
            "kubernetes.pod": head.pod_name,
            "kubernetes.pod_uid": head.key.pod,
            "kubernetes.node": head.key.node,
            "kepler.through": from_epoch(through_s),
        },
        checkpoint_at=from_epoch(last_s),
    )
