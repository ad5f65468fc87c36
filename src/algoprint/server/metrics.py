"""Prometheus metrics of one server, on its own registry (never the global one), so two apps
in one process (tests) do not share counters."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

__all__ = ["Metrics"]


class Metrics:
    """The server's metrics.

    Attributes:
        runs: runs ingested (new or updated), by organisation.
        energy: energy of finished runs (joules), by organisation, algorithm and phase.
        co2e: their CO2e (grams, location-based), by organisation, algorithm and phase.
        power: mean power of running runs so far (watts), by organisation and algorithm.
        requests: API requests by status class.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.runs = Counter(
            "algoprint_runs_ingested",
            "Runs ingested (new or updated)",
            ["org"],
            registry=self.registry,
        )
        self.energy = Counter(
            "algoprint_energy_joules",
            "Energy of finished runs",
            ["org", "algorithm", "phase"],
            registry=self.registry,
        )
        self.co2e = Counter(
            "algoprint_co2e_grams",
            "Location-based CO2e of finished runs",
            ["org", "algorithm", "phase"],
            registry=self.registry,
        )
        self.power = Gauge(
            "algoprint_running_power_watts",
            "Mean power of running runs so far",
            ["org", "algorithm"],
            registry=self.registry,
        )
        self.requests = Counter(
            "algoprint_api_requests",
            "API requests by status class",
            ["status"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        """The text exposition format of every metric."""
        return generate_latest(self.registry)
