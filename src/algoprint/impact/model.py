"""The shapes the impact model returns.

An :class:`ImpactDocument` holds every impact figure computed for one piece of energy (a run, a
phase, an estimate), what was used to compute it (factors with source, licence and vintage,
the defaults that were applied), and the figures that could not be computed with the reason.
Units are SI inside and in the keys: joules, grams, litres.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from algoprint.impact.uncertainty import Interval

__all__ = ["IMPACT_KEYS", "Impact", "ImpactDocument"]

IMPACT_KEYS: Mapping[str, str] = {
    "energy_it_j": "energy used by the IT equipment (J)",
    "energy_facility_j": "IT energy × PUE: what the datacentre draws for it (J)",
    "co2e_location_g": "operational CO2e, location-based (grid average of the zone) (g)",
    "co2e_market_g": (
        "operational CO2e, market-based (GHG Protocol Scope 2, contract; tank-to-wheel: "
        "generation only, the ESRS E1-6 basis) (g)"
    ),
    "co2e_market_wtt_g": (
        "the contract's well-to-tank (fuel-chain) CO2e: GHG Protocol scope 3 category 3, "
        "not scope 2 (g)"
    ),
    "water_onsite_l": "water consumed on site by cooling (L)",
    "water_offsite_l": "water consumed to generate the electricity (L)",
    "water_l": "on-site + off-site water (L)",
    "embodied_gwp_g": "share of the hardware's manufacture CO2e (g)",
    "embodied_adpe_g_sbeq": "share of the hardware's abiotic depletion (g Sb eq)",
    "embodied_pe_j": "share of the hardware's manufacture primary energy (J)",
    "co2e_total_g": "co2e_location_g + embodied_gwp_g (g)",
    "sci_g_per_unit": "SCI (ISO/IEC 21031): (E × I + M) / R (g CO2e per functional unit)",
}
"""Every key an :class:`ImpactDocument` may hold, with its meaning and unit."""


@dataclass(frozen=True, slots=True)
class Impact:
    """One impact figure with its interval.

    Attributes:
        value: central value, in ``unit``.
        low: lower bound of the ~95 % interval.
        high: upper bound of the ~95 % interval.
        unit: SI unit of the three numbers (``J``, ``g``, ``L``, ``g Sb eq``, ``g/unit``).
        method: how it was computed (formula in words, e.g. ``E_IT × PUE × I_grid(NL, 2024)``).
        sources: the sources of the factors used (citations, not URLs only).
    """

    value: float
    low: float
    high: float
    unit: str
    method: str
    sources: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, interval: Interval, *, unit: str, method: str, sources: tuple[str, ...] = ()
    ) -> Impact:
        """Wrap an :class:`Interval`."""
        return cls(interval.value, interval.low, interval.high, unit, method, sources)

    @property
    def interval(self) -> Interval:
        """The three numbers as an :class:`Interval`."""
        return Interval(self.value, self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "unit": self.unit,
            "method": self.method,
            "sources": list(self.sources),
        }


@dataclass(slots=True)
class ImpactDocument:
    """All impacts of one piece of energy, and what they were computed from.

    Attributes:
        impacts: figures by key (see :data:`IMPACT_KEYS`).
        factors: every factor used, by name, with value, range, unit, source, licence,
            vintage and where it came from (``user``, ``config``, ``profile``, ``table``,
            ``default``).
        factor_version: version of the shipped factor set (``algoprint.refdata.FACTOR_VERSION``).
        missing: figures that could not be computed, by key, with the reason. A missing figure
            is absent from ``impacts``, never 0.
        defaults: one line per default that was applied, to be shown to the user.
        notes: other remarks (latest grid year used instead of the run's year, CFE% shown as
            information only, ...).
    """

    impacts: dict[str, Impact] = field(default_factory=dict)
    factors: dict[str, dict[str, Any]] = field(default_factory=dict)
    factor_version: str = ""
    missing: dict[str, str] = field(default_factory=dict)
    defaults: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def get(self, key: str) -> Impact | None:
        """The impact ``key`` or ``None`` when it is missing (see :attr:`missing`)."""
        return self.impacts.get(key)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "impacts": {k: v.to_dict() for k, v in self.impacts.items()},
            "factors": {k: dict(v) for k, v in self.factors.items()},
            "factor_version": self.factor_version,
            "missing": dict(self.missing),
            "defaults": list(self.defaults),
            "notes": list(self.notes),
        }
