"""Kepler series → per-workload energy streams, with the counting rules in one place.

Rules (docs/fleet.md, "Counting"):

- **Zones overlap**: ``package`` contains ``core`` and ``uncore``; ``psys`` contains the package
  and DRAM. Per node we count ``package`` (+ ``dram``) when the node reports a package zone,
  else ``psys`` alone; ``core``/``uncore`` are never counted. Zones are never summed otherwise.
- **One stream per workload**, whatever Prometheus' own labels say: series that differ only in
  ``state`` (running/terminated), ``instance``/``pod``/``job`` (a restarted Kepler pod) are one
  stream; samples at the same instant are taken once (the highest value).
- **Counter resets** (Kepler restarted, node rebooted): a value below the previous one counts
  from zero, as Prometheus' ``increase()`` does.
- **Windows chain**: the energy of ``(s, e]`` is the last value at or before ``e`` minus the
  last value at or before ``s`` (with resets); a stream without a sample at or before ``s``
  started inside the window, and Kepler's counter of a new workload starts at zero. So
  consecutive windows add up to exactly the whole, and no joule is counted twice.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from algoprint.fleet.prometheus import Series

__all__ = [
    "SCHEMAS",
    "KeplerSchema",
    "Stream",
    "StreamKey",
    "increase",
    "kube_label_name",
    "streams_from",
]


@dataclass(frozen=True, slots=True)
class KeplerSchema:
    """Metric and label names of one Kepler generation."""

    name: str
    container_cpu: tuple[str, ...]
    """Container metrics: one name with a ``zone`` label, or one name per zone (legacy)."""
    container_gpu: str
    pod_cpu: str | None
    pod_gpu: str | None
    pod_label: str
    """The label holding the pod identity (uid in Kepler ≥ 0.10, name in the legacy names)."""
    pod_name_label: str
    namespace_label: str
    container_label: str = "container_name"
    extra_key_labels: tuple[str, ...] = ()
    """Labels that split a workload's counter into parts that add up (legacy ``mode``)."""


SCHEMAS = (
    KeplerSchema(
        name="kepler>=0.10",
        container_cpu=("kepler_container_cpu_joules_total",),
        container_gpu="kepler_container_gpu_joules_total",
        pod_cpu="kepler_pod_cpu_joules_total",
        pod_gpu="kepler_pod_gpu_joules_total",
        pod_label="pod_id",
        pod_name_label="pod_name",
        namespace_label="pod_namespace",
    ),
    KeplerSchema(
        name="kepler<=0.7",
        container_cpu=(
            "kepler_container_package_joules_total",
            "kepler_container_dram_joules_total",
            "kepler_container_platform_joules_total",
        ),
        container_gpu="kepler_container_gpu_joules_total",
        pod_cpu=None,
        pod_gpu=None,
        pod_label="pod_name",
        pod_name_label="pod_name",
        namespace_label="container_namespace",
        extra_key_labels=("mode",),
    ),
)

_LEGACY_ZONE = {
    "kepler_container_package_joules_total": "package",
    "kepler_container_dram_joules_total": "dram",
    "kepler_container_platform_joules_total": "psys",
}
_COUNTED_ZONES = ("package", "dram", "psys")
NODE_LABELS = ("node_name", "node", "instance")


@dataclass(frozen=True, slots=True, order=True)
class StreamKey:
    """Identity of one counter: node, pod, container ("" = the pod as a whole), zone/GPU."""

    node: str
    pod: str
    container: str
    zone: str
    """``package``, ``dram``, ``psys`` or ``gpu:<index>``."""
    part: str = ""


@dataclass(slots=True)
class Stream:
    """The merged samples of one :class:`StreamKey` and the pod it belongs to."""

    key: StreamKey
    pod_name: str
    namespace: str
    samples: dict[float, float] = field(default_factory=dict)

    def ordered(self) -> list[tuple[float, float]]:
        return sorted(self.samples.items())


def kube_label_name(label: str) -> str:
    """The label name kube-state-metrics gives a Kubernetes label in ``kube_pod_labels``
    (``algoprint.nl/algorithm`` → ``label_algoprint_nl_algorithm``)."""
    return "label_" + "".join(c if c.isalnum() or c == "_" else "_" for c in label)


def _node(labels: dict[str, str]) -> str:
    for name in NODE_LABELS:
        if labels.get(name):
            return labels[name]
    return "unknown-node"


def streams_from(
    schema: KeplerSchema, series: Iterable[Series], *, level: str
) -> dict[StreamKey, Stream]:
    """Merge raw series into streams (see the module rules). ``level`` is ``container`` or
    ``pod``; GPU series carry a ``gpu`` label, CPU series a ``zone`` (or a legacy name)."""
    out: dict[StreamKey, Stream] = {}
    for s in series:
        labels = s.labels
        metric = labels.get("__name__", "")
        if "gpu" in metric:
            zone = f"gpu:{labels.get('gpu', labels.get('gpu_id', '0'))}"
        else:
            zone = _LEGACY_ZONE.get(metric, labels.get("zone", ""))
            if zone not in _COUNTED_ZONES:
                continue
        pod = labels.get(schema.pod_label, "")
        if not pod:
            continue
        ns = labels.get(schema.namespace_label, "")
        if schema.pod_label == schema.pod_name_label:
            pod = f"{ns}/{pod}"  # legacy: no uid, the namespace makes the name unique
        container = labels.get(schema.container_label, "") if level == "container" else ""
        part = "/".join(labels.get(x, "") for x in schema.extra_key_labels)
        key = StreamKey(_node(labels), pod, container, zone, part)
        stream = out.get(key)
        if stream is None:
            stream = Stream(key, labels.get(schema.pod_name_label, ""), ns)
            out[key] = stream
        for t, v in s.samples:
            if v > stream.samples.get(t, float("-inf")):
                stream.samples[t] = v
    return out


def counted_zones(streams: Iterable[Stream]) -> dict[str, tuple[str, ...]]:
    """Per node, the zones that count: package + dram where a package zone exists, else psys."""
    seen: dict[str, set[str]] = {}
    for s in streams:
        seen.setdefault(s.key.node, set()).add(s.key.zone)
    return {
        node: ("package", "dram") if "package" in zones else ("psys",)
        for node, zones in seen.items()
    }


def increase(
    samples: Sequence[tuple[float, float]], start_s: float, end_s: float
) -> tuple[float, int, bool]:
    """Counter increase over ``(start_s, end_s]`` from time-ordered samples.

    Returns:
        ``(joules, resets, seen)``: the increase (resets counted from zero), how many resets
        were inside, and whether any sample fell inside the window.
    """
    times = [t for t, _ in samples]
    lo = bisect.bisect_right(times, start_s)
    hi = bisect.bisect_right(times, end_s)
    if hi <= lo:
        return 0.0, 0, False
    prev = samples[lo - 1][1] if lo > 0 else 0.0
    total, resets = 0.0, 0
    for _, value in samples[lo:hi]:
        if value >= prev:
            total += value - prev
        else:
            total += value
            resets += 1
        prev = value
    return total, resets, True
