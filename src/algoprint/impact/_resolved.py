"""Resolved factors: one factor as used (:class:`FactorValue`) and the set for one location
and year (:class:`ResolvedFactors`).

Shared by :mod:`algoprint.impact.location` (which resolves them) and
:mod:`algoprint.impact.compute` (which applies them); both re-export them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from algoprint.errors import ImpactError
from algoprint.impact.uncertainty import Interval

__all__ = ["FactorValue", "ResolvedFactors"]


@dataclass(frozen=True, slots=True)
class FactorValue:
    """One factor as used, with where it came from.

    Attributes:
        interval: value and ~95 % range, in ``unit``.
        unit: e.g. ``g/kWh``, ``L/kWh``, ``1`` (PUE).
        source: citation of the figure (or ``user``/config location).
        origin: ``user`` (argument), ``config``, ``profile`` (shipped datacentre profile),
            ``table`` (shipped factor table) or ``default``.
        licence: licence of the source figure, when from a table.
        vintage: year or version of the figure.
        note: anything the user should know (latest year used, world average, ...).
    """

    interval: Interval
    unit: str
    source: str
    origin: str
    licence: str = ""
    vintage: str = ""
    note: str | None = None

    @classmethod
    def exact(cls, value: float, *, unit: str, source: str, origin: str = "user") -> FactorValue:
        """A factor given without range (a user-supplied number)."""
        return cls(Interval.exact(value), unit=unit, source=source, origin=origin)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for :attr:`ImpactDocument.factors`."""
        data: dict[str, Any] = {
            "value": self.interval.value,
            "low": self.interval.low,
            "high": self.interval.high,
            "unit": self.unit,
            "source": self.source,
            "origin": self.origin,
            "licence": self.licence,
            "vintage": self.vintage,
        }
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True, slots=True)
class ResolvedFactors:
    """The factors for one location and year. ``None`` = not available, reason in ``missing``.

    Attributes:
        pue: Power Usage Effectiveness (>= 1).
        grid_g_per_kwh: location-based grid intensity (g CO2e/kWh).
        market_g_per_kwh: market-based factor of the contract (g CO2e/kWh), tank-to-wheel
            (generation: the GHG Protocol scope-2 and ESRS E1-6 basis).
        market_wtt_g_per_kwh: the contract's well-to-tank (fuel-chain) factor (g CO2e/kWh),
            for GHG Protocol scope 3 category 3; ``None`` when not shipped.
        wue_onsite_l_per_kwh: on-site water use per kWh of IT energy (L/kWh).
        water_offsite_l_per_kwh: water consumed per kWh generated in the zone (L/kWh).
        missing: factor name → why it is not available.
        defaults: defaults applied while resolving, one line each, for the user.
        notes: other remarks for the document.
    """

    pue: FactorValue
    grid_g_per_kwh: FactorValue | None = None
    market_g_per_kwh: FactorValue | None = None
    wue_onsite_l_per_kwh: FactorValue | None = None
    water_offsite_l_per_kwh: FactorValue | None = None
    missing: dict[str, str] = field(default_factory=dict)
    market_wtt_g_per_kwh: FactorValue | None = None
    defaults: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        p = self.pue.interval
        if p.value < 1 or p.low < 1:
            raise ImpactError(
                f"PUE must be >= 1 (facility energy cannot be less than IT energy), got "
                f"{p.value!r} (range {p.low!r}..{p.high!r})",
                hint="set pue to a value >= 1, or dcie to a value in (0, 1]",
            )

    def named(self) -> dict[str, FactorValue]:
        """The available factors by name."""
        pairs = {
            "pue": self.pue,
            "grid_intensity": self.grid_g_per_kwh,
            "market_intensity": self.market_g_per_kwh,
            "wue_onsite": self.wue_onsite_l_per_kwh,
            "water_offsite": self.water_offsite_l_per_kwh,
            "market_wtt_intensity": self.market_wtt_g_per_kwh,
        }
        return {k: v for k, v in pairs.items() if v is not None}
