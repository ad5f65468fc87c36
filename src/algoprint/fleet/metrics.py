"""Metrics out: the same instruments for Prometheus (pull) and OpenTelemetry (OTLP push).

Instruments (units in the names; docs/fleet.md "Metrics"), Prometheus name / OTel name:

- ``algoprint_energy_joules_total`` / ``algoprint.energy`` (J): energy measured, counter;
- ``algoprint_power_watts`` / ``algoprint.power`` (W): mean power over the last tick, gauge;
- ``algoprint_co2e_grams_total`` / ``algoprint.co2e`` (g): location-based CO2e, counter;
- ``algoprint_water_litres_total`` / ``algoprint.water`` (L): on-site + grid water, counter;
- ``algoprint_runs_total`` / ``algoprint.runs`` ({run}): finished runs, counter.

Labels/attributes: ``algorithm``, ``phase``, ``host`` (OTel: ``algoprint.algorithm``,
``algoprint.phase``, ``host.name``) and, following the GSF SCI-for-OpenTelemetry draft's rule
that every value declares its method and nature, ``method`` and ``nature`` (``measured`` or
``estimated``). The draft defines no attribute names yet; ours are namespaced until it does.

Both exporters are optional extras, loaded only here; the tracker core never imports this.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from algoprint.errors import InputError

__all__ = [
    "LABELS",
    "Instruments",
    "Labels",
    "OtelMetrics",
    "PrometheusMetrics",
    "fanout",
]

LABELS = ("algorithm", "phase", "host", "method", "nature")
_OTEL_KEYS = {
    "algorithm": "algoprint.algorithm",
    "phase": "algoprint.phase",
    "host": "host.name",
    "method": "algoprint.method",
    "nature": "algoprint.nature",
}


@dataclass(frozen=True, slots=True)
class Labels:
    """Who a figure belongs to and how it was obtained."""

    algorithm: str = ""
    phase: str = ""
    host: str = ""
    method: str = ""
    nature: str = "measured"

    def values(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in LABELS}


class Instruments(Protocol):
    """What the monitor and the collectors report to."""

    def add_energy(self, joules: float, labels: Labels) -> None: ...
    def set_power(self, watts: float, labels: Labels) -> None: ...
    def add_impacts(self, co2e_g: float | None, water_l: float | None, labels: Labels) -> None: ...
    def add_run(self, labels: Labels) -> None: ...


def _missing(extra: str, package: str) -> InputError:
    return InputError(f"{package} is not installed", hint=f"pip install 'algoprint[{extra}]'")


class PrometheusMetrics:
    """The instruments in an explicit :class:`prometheus_client.CollectorRegistry`.

    Args:
        registry: the registry to use (default a new one; never the global default registry).

    Raises:
        InputError: prometheus-client is missing (names the extra).
    """

    def __init__(self, registry: Any = None) -> None:
        try:
            import prometheus_client as pc
        except ImportError:
            raise _missing("metrics", "prometheus-client") from None
        self.registry = registry if registry is not None else pc.CollectorRegistry()
        reg = self.registry
        self._energy = pc.Counter(
            "algoprint_energy_joules", "Energy measured, joules.", LABELS, registry=reg
        )
        self._power = pc.Gauge(
            "algoprint_power_watts", "Mean power of the last interval, watts.", LABELS,
            registry=reg,
        )  # fmt: skip
        self._co2e = pc.Counter(
            "algoprint_co2e_grams", "Location-based CO2e, grams.", LABELS, registry=reg
        )
        self._water = pc.Counter(
            "algoprint_water_litres", "Water (on-site and grid), litres.", LABELS, registry=reg
        )
        self._runs = pc.Counter("algoprint_runs", "Finished runs.", LABELS, registry=reg)

    def serve(self, port: int, addr: str = "127.0.0.1") -> Any:
        """Serve ``/metrics`` on ``addr:port`` from a daemon thread (loopback by default)."""
        import prometheus_client as pc

        try:
            return pc.start_http_server(port, addr=addr, registry=self.registry)
        except OSError as e:
            raise InputError(
                f"--metrics-port {port}: cannot listen on {addr}:{port}: {e.strerror or e}",
                hint="choose a free port, or stop the process that holds it",
            ) from None

    def add_energy(self, joules: float, labels: Labels) -> None:
        if joules > 0:
            self._energy.labels(**labels.values()).inc(joules)

    def set_power(self, watts: float, labels: Labels) -> None:
        self._power.labels(**labels.values()).set(watts)

    def add_impacts(self, co2e_g: float | None, water_l: float | None, labels: Labels) -> None:
        if co2e_g is not None and co2e_g > 0:
            self._co2e.labels(**labels.values()).inc(co2e_g)
        if water_l is not None and water_l > 0:
            self._water.labels(**labels.values()).inc(water_l)

    def add_run(self, labels: Labels) -> None:
        self._runs.labels(**labels.values()).inc()


class OtelMetrics:
    """The same instruments through the OpenTelemetry SDK.

    Args:
        reader: a metric reader (tests pass ``InMemoryMetricReader``); default a periodic OTLP
            exporter (``opentelemetry-exporter-otlp-proto-http``, configured by the standard
            ``OTEL_EXPORTER_OTLP_*`` variables).
        resource: resource attributes (``service.name`` defaults to ``algoprint``).

    Raises:
        InputError: opentelemetry-sdk or the OTLP exporter is missing (names the extra).
    """

    def __init__(self, *, reader: Any = None, resource: Mapping[str, str] | None = None) -> None:
        try:
            from opentelemetry.sdk.metrics import MeterProvider
            from opentelemetry.sdk.resources import Resource
        except ImportError:
            raise _missing("otel", "opentelemetry-sdk") from None
        if reader is None:
            try:
                from opentelemetry.exporter.otlp.proto.http.metric_exporter import (
                    OTLPMetricExporter,
                )
            except ImportError:
                raise _missing("otel", "opentelemetry-exporter-otlp-proto-http") from None
            from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

            reader = PeriodicExportingMetricReader(OTLPMetricExporter())
        attrs = {"service.name": "algoprint", **dict(resource or {})}
        self.provider = MeterProvider(metric_readers=[reader], resource=Resource.create(attrs))
        meter = self.provider.get_meter("algoprint")
        self._energy = meter.create_counter("algoprint.energy", unit="J")
        self._co2e = meter.create_counter("algoprint.co2e", unit="g")
        self._water = meter.create_counter("algoprint.water", unit="L")
        self._runs = meter.create_counter("algoprint.runs", unit="{run}")
        self._power = meter.create_gauge("algoprint.power", unit="W")

    @staticmethod
    def _attrs(labels: Labels) -> dict[str, str]:
        return {_OTEL_KEYS[k]: v for k, v in labels.values().items() if v}

    def add_energy(self, joules: float, labels: Labels) -> None:
        if joules > 0:
            self._energy.add(joules, self._attrs(labels))

    def set_power(self, watts: float, labels: Labels) -> None:
        self._power.set(watts, self._attrs(labels))

    def add_impacts(self, co2e_g: float | None, water_l: float | None, labels: Labels) -> None:
        if co2e_g is not None and co2e_g > 0:
            self._co2e.add(co2e_g, self._attrs(labels))
        if water_l is not None and water_l > 0:
            self._water.add(water_l, self._attrs(labels))

    def add_run(self, labels: Labels) -> None:
        self._runs.add(1, self._attrs(labels))

    def shutdown(self) -> None:
        """Flush and stop the exporter."""
        self.provider.shutdown()


class _Fanout:
    def __init__(self, targets: Sequence[Instruments]) -> None:
        self.targets = list(targets)

    def add_energy(self, joules: float, labels: Labels) -> None:
        for t in self.targets:
            t.add_energy(joules, labels)

    def set_power(self, watts: float, labels: Labels) -> None:
        for t in self.targets:
            t.set_power(watts, labels)

    def add_impacts(self, co2e_g: float | None, water_l: float | None, labels: Labels) -> None:
        for t in self.targets:
            t.add_impacts(co2e_g, water_l, labels)

    def add_run(self, labels: Labels) -> None:
        for t in self.targets:
            t.add_run(labels)


def fanout(targets: Sequence[Instruments]) -> Instruments:
    """One :class:`Instruments` that reports to every target (none = a no-op)."""
    return _Fanout(targets)
