"""The location profile: where energy was used and under which conditions (the types).

:mod:`algoprint.impact.location` builds profiles and re-exports everything here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DATACENTRE_KEYS",
    "LOCATION_KEYS",
    "PUE_BASES",
    "RENEWABLE_BASES",
    "EvidenceLink",
    "LocationProfile",
]

LOCATION_KEYS = frozenset(
    {
        "zone",
        "cloud",
        "region",
        "datacentre",
        "contract",
        "market_g_per_kwh",
        "pue",
        "dcie",
        "wue",
        "year",
    }
)
"""Keys accepted in the ``[location]`` config table."""

DATACENTRE_KEYS = frozenset(
    {
        "zone",
        "cloud",
        "region",
        "contract",
        "pue",
        "dcie",
        "wue",
        "ref",
        "erf",
        "certifications",
        "eed_report_url",
        "evidence",
        "description",
        "it_power_kw",
        "pue_basis",
        "renewable_pct",
        "renewable_basis",
        "eed_report_date",
        "year",
        "name",
        "kind",
    }
)
"""Keys accepted in a ``[datacentres.NAME]`` config table (docs/datacentres.md). ``pue_basis``,
``renewable_pct``, ``renewable_basis``, ``year``, ``name`` and ``kind`` are validated here and
read by the greenwashing checks (:mod:`algoprint.advice._greenwash`); they do not change the
impact figures."""

PUE_BASES = ("annual", "design", "peak", "monthly", "unknown")
"""Accepted ``pue_basis`` values: dat-06 asks for an annual (whole-year) PUE."""
RENEWABLE_BASES = ("certificates", "ppa", "on-site", "grid-mix")
"""Accepted ``renewable_basis`` values: how a renewable share is claimed."""

_PUE_DCIE_TOLERANCE = 0.01


@dataclass(frozen=True, slots=True)
class EvidenceLink:
    """A link backing a datacentre's figures, with the date of the document.

    Attributes:
        url: the link (or a reference to a document).
        date: the document's date; ``None`` when undated. A month or a year is read as the last
            day of that period, so age checks never call possibly recent evidence stale.
    """

    url: str
    date: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (date as ``YYYY-MM-DD``)."""
        return {"url": self.url, "date": None if self.date is None else self.date.isoformat()}


@dataclass(frozen=True, slots=True)
class LocationProfile:
    """Where the energy was used and under which conditions.

    Attributes:
        zone: grid zone, ISO 3166-1 alpha-2 country code (``NL``); ``None`` when not configured.
        cloud: cloud provider (``gcp``, ``aws``, ``azure``), if any.
        region: cloud region (``europe-west4``), if any.
        datacentre: datacentre profile name, if any.
        pue: Power Usage Effectiveness (>= 1); ``None`` = use the default (recorded).
        wue_onsite_l_per_kwh: on-site water per kWh of IT energy; ``None`` = default.
        ref: Renewable Energy Factor (0..1, EN 50600-4-3), information only.
        erf: Energy Reuse Factor (0..1, EN 50600-4-6), information only.
        certifications: e.g. ``("ISO 50001", "EU Code of Conduct")``.
        contract: electricity contract: ``groen-gvo``, ``grijze-stroom``, ``stroom-onbekend``,
            ``unknown``, or another key of the market-factor table.
        year: overrides the year used for the grid intensity.
        eed_report_url: link to the datacentre's EED (EU 2023/1791) report, if any.
        evidence: links or references that back the values (URLs only; see
            ``evidence_dated`` for their dates).
        evidence_dated: the same links with the date of each document, when given.
        it_power_kw: installed IT power of the datacentre (kW); the EED reporting duty applies
            from 500 kW.
        eed_report_date: date of the EED report, if given.
        cfe_pct: the cloud region's carbon-free energy share (information, not used in CO2e).
        market_g_per_kwh: an explicit market-based factor (g CO2e/kWh), e.g. the supplier's
            figure for the contract; overrides the contract's table factor.
        sources: field name → where the value came from.
        configured: ``False`` when nothing at all was configured (zone is then ``None``).
    """

    zone: str | None
    cloud: str | None = None
    region: str | None = None
    datacentre: str | None = None
    pue: float | None = None
    wue_onsite_l_per_kwh: float | None = None
    ref: float | None = None
    erf: float | None = None
    certifications: tuple[str, ...] = ()
    contract: str = "unknown"
    year: int | None = None
    eed_report_url: str | None = None
    evidence: tuple[str, ...] = ()
    cfe_pct: float | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    configured: bool = True
    evidence_dated: tuple[EvidenceLink, ...] = ()
    it_power_kw: float | None = None
    eed_report_date: dt.date | None = None
    market_g_per_kwh: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for the store and reports)."""
        return {
            "zone": self.zone,
            "cloud": self.cloud,
            "region": self.region,
            "datacentre": self.datacentre,
            "pue": self.pue,
            "wue_onsite_l_per_kwh": self.wue_onsite_l_per_kwh,
            "ref": self.ref,
            "erf": self.erf,
            "certifications": list(self.certifications),
            "contract": self.contract,
            "year": self.year,
            "eed_report_url": self.eed_report_url,
            "evidence": list(self.evidence),
            "evidence_dated": [e.to_dict() for e in self.evidence_dated],
            "it_power_kw": self.it_power_kw,
            "eed_report_date": (
                None if self.eed_report_date is None else self.eed_report_date.isoformat()
            ),
            "cfe_pct": self.cfe_pct,
            "market_g_per_kwh": self.market_g_per_kwh,
            "sources": dict(self.sources),
            "configured": self.configured,
        }
