"""The middlewares' Prometheus metrics, from an explicit registry (prometheus-client).

Nothing is updated per request: a collector reads the meter's figures when Prometheus scrapes.
Request counts and CPU seconds are live; energy and impacts come from closed windows (they
need the meters' energy over the window), so they lag by up to ``window_s``.

Metric names carry their units (``_joules``, ``_grams``, ``_litres``, ``_seconds``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from algoprint.meters.common import warn_once

if TYPE_CHECKING:
    from algoprint.integrations._requests import ServiceMeter

__all__ = ["MetricsUnavailable", "exposition", "make_registry"]

TEXT = "text/plain; charset=utf-8"


class MetricsUnavailable(Exception):
    """prometheus-client is not installed."""


def make_registry(meter: ServiceMeter, registry: Any = None) -> Any:
    """Register the meter's collector on ``registry`` (a new ``CollectorRegistry`` by default).

    Raises:
        MetricsUnavailable: prometheus-client is missing (``algoprint[services]``).
    """
    try:
        from prometheus_client import CollectorRegistry
    except ImportError as e:
        raise MetricsUnavailable(str(e)) from None
    registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
    registry.register(_Collector(meter))
    return registry


def exposition(registry: Any) -> tuple[int, bytes, str]:
    """The metrics page: ``(status, body, content type)``."""
    if registry is None:
        from algoprint.integrations._accounting import SERVICES_HINT

        warn_once(
            "middleware:prometheus", f"algoprint: /metrics needs prometheus-client: {SERVICES_HINT}"
        )
        return 501, f"prometheus-client is not installed: {SERVICES_HINT}\n".encode(), TEXT
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return 200, generate_latest(registry), CONTENT_TYPE_LATEST


class _Collector:
    def __init__(self, meter: ServiceMeter) -> None:
        self.meter = meter

    def describe(self) -> list[Any]:
        return []

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        meter = self.meter
        live = meter.live()
        counters = {
            "requests": ("algoprint_service_requests", "Requests measured", 0),
            "errors": ("algoprint_service_request_errors", "Requests that raised or gave 5xx", 1),
            "cpu": ("algoprint_service_request_cpu_seconds", "CPU seconds of requests", 2),
            "energy": (
                "algoprint_service_request_energy_joules",
                "Energy attributed to requests (closed windows)",
                3,
            ),
        }
        families = {
            key: CounterMetricFamily(name, doc, labels=["endpoint"])
            for key, (name, doc, _) in counters.items()
        }
        for route in sorted(set(meter.totals) | set(live)):
            done = meter.totals.get(route, [0.0, 0.0, 0.0, 0.0])
            now = live.get(route)
            extra = (now.count, now.errors, now.cpu_s, 0.0) if now else (0, 0, 0.0, 0.0)
            for key, (_, _, i) in counters.items():
                families[key].add_metric([route], done[i] + extra[i])
        yield from families.values()
        yield CounterMetricFamily(
            "algoprint_service_outside_requests_energy_joules",
            "Process energy not attributed to any request (server loop, background work)",
            value=meter.outside_requests_j,
        )
        yield CounterMetricFamily(
            "algoprint_service_baseline_energy_joules",
            "Machine energy not attributed to the process (idle power, other processes)",
            value=meter.baseline_j,
        )
        yield CounterMetricFamily(
            "algoprint_service_windows", "Windows closed", value=meter.windows
        )
        yield CounterMetricFamily(
            "algoprint_service_store_failures",
            "Windows that could not be stored",
            value=meter.store_failures,
        )
        yield from _last_window(meter, GaugeMetricFamily)


def _last_window(meter: ServiceMeter, gauge: Any) -> Iterator[Any]:
    last = meter.last
    if last is None:
        return
    per_request = {
        "energy_per_request": ("algoprint_service_energy_per_request_joules", "J"),
        "co2e_location_g_per_request": ("algoprint_service_co2e_location_per_request_grams", "g"),
        "co2e_market_g_per_request": ("algoprint_service_co2e_market_per_request_grams", "g"),
        "water_l_per_request": ("algoprint_service_water_per_request_litres", "L"),
        "sci_g_per_request": ("algoprint_service_sci_per_request_grams", "g CO2e"),
    }
    for attr, (name, unit) in per_request.items():
        family = gauge(
            name,
            f"Per request over the last window ({unit}, ~95 % bounds)",
            labels=["endpoint", "bound"],
        )
        for r in last.routes:
            value = getattr(r, attr)
            if value is None:
                continue
            for bound in ("value", "low", "high"):
                family.add_metric([r.route, bound], getattr(value, bound))
        yield family
    if last.energy_per_unit is not None:
        family = gauge(
            "algoprint_service_energy_per_unit_joules",
            "Service energy (run scope) per functional unit over the last window (J)",
            labels=["functional_unit", "bound"],
        )
        for bound in ("value", "low", "high"):
            family.add_metric([last.functional_unit, bound], getattr(last.energy_per_unit, bound))
        yield family
    sci = (last.sci or {}).get("sci_g_per_unit")
    if sci:
        family = gauge(
            "algoprint_service_sci_per_unit_grams",
            "SCI (ISO/IEC 21031) per functional unit over the last window (g CO2e)",
            labels=["functional_unit", "bound"],
        )
        for bound in ("value", "low", "high"):
            family.add_metric([last.functional_unit, bound], sci[bound])
        yield family
