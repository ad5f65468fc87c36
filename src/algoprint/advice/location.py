"""Where to run: compare datacentres, cloud regions and countries for one workload (dat-06).

``algoprint where`` takes a workload (IT energy per year, and optionally the hardware it keeps
reserved) and a list of candidate locations, computes for each the yearly CO2e (location- and
market-based), water (on-site cooling and off-site generation) and embodied share with
:func:`algoprint.impact.compute.compute_impacts`, ranks them, and flags trade-offs (a low-carbon
grid with high water use, a good market-based figure on a high-carbon grid) and greenwashing
(:func:`algoprint.advice._greenwash.check_greenwashing`). The result is stored as an
``AnalysisRecord(kind="location")``, the evidence for Algoritmekader measure dat-06.

Candidates are written as:

* ``NL`` (a country: the grid of that zone, default PUE/WUE for an unknown datacentre);
* ``gcp:europe-west4`` (a cloud region: provider default PUE/WUE);
* ``dc:NAME`` or ``NAME`` (a ``[datacentres.NAME]`` config table, else a shipped profile),
  with ``/ZONE`` for a profile without a country (``aws-fleet/IE``);
* any of these with ``@contract`` (``DE@groen-gvo``) to set the electricity contract.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from algoprint import _format
from algoprint.advice._greenwash import (
    DatacentreClaims,
    Flag,
    check_greenwashing,
    claims_from_shipped,
    claims_from_table,
)
from algoprint.advice._location_render import RANK_METRICS
from algoprint.errors import ImpactError, InputError
from algoprint.impact.compute import J_PER_KWH, EnergyInput, compute_impacts
from algoprint.impact.embodied import SECONDS_PER_YEAR, HardwareShare
from algoprint.impact.location import (
    DATACENTRE_KEYS,
    LocationProfile,
    default_location,
    resolve_location,
)
from algoprint.impact.model import Impact, ImpactDocument
from algoprint.records import AnalysisRecord

__all__ = [
    "RANK_METRICS",
    "Candidate",
    "CandidateResult",
    "WhereResult",
    "Workload",
    "compare_locations",
    "parse_candidate",
]

#: Metrics a comparison can be ranked by, and the impact key behind each.
#: A candidate's water is "high" when at least this factor above the lowest-water candidate.
WATER_TRADEOFF_FACTOR = 1.2
#: A market-based figure below this share of the location-based one is a large gap.
MARKET_GAP_SHARE = 0.5
HIGH_CARBON_GRID_G_PER_KWH = 300.0


class AnalysisStore(Protocol):
    """Anything with ``save_analysis(record)`` (the run store)."""

    def save_analysis(self, record: AnalysisRecord) -> Any:
        """Persist ``record``."""


@dataclass(frozen=True, slots=True)
class Workload:
    """The yearly workload to place.

    Attributes:
        energy_j_per_year: IT energy per year (J), > 0.
        uncertainty_rel: relative half-width of its ~95 % interval.
        hardware: embodied impacts of the reserved hardware (the same wherever it runs).
        label: what it is (an algorithm slug, "explicit workload").
    """

    energy_j_per_year: float
    uncertainty_rel: float = 0.1
    hardware: HardwareShare | None = None
    label: str = "explicit workload"

    def __post_init__(self) -> None:
        e = self.energy_j_per_year
        if isinstance(e, bool) or not math.isfinite(e) or e <= 0:
            raise InputError(
                f"yearly energy must be a number > 0, got {e!r}",
                hint="give the IT energy per year, e.g. --energy-kwh 1200",
            )
        if not math.isfinite(self.uncertainty_rel) or self.uncertainty_rel < 0:
            raise InputError(f"uncertainty must be >= 0, got {self.uncertainty_rel!r}")

    @classmethod
    def from_kwh(cls, energy_kwh_per_year: float, **kw: Any) -> Workload:
        """A workload from kWh of IT energy per year."""
        return cls(float(energy_kwh_per_year) * J_PER_KWH, **kw)

    @property
    def energy_kwh_per_year(self) -> float:
        """IT energy per year in kWh (for people)."""
        return self.energy_j_per_year / J_PER_KWH


@dataclass(frozen=True, slots=True)
class Candidate:
    """A location to compare: its resolved profile and, for datacentres, its claims."""

    label: str
    kind: str
    profile: LocationProfile
    claims: DatacentreClaims | None = None


def _resolve_shipped(name: str, zone: str | None) -> LocationProfile:
    try:
        return resolve_location({}, datacentre=name, location=zone)
    except ImpactError as e:
        if zone is None and "has no zone" in e.message:
            raise ImpactError(
                f"datacentre {name!r} has no zone (a fleet-wide profile)",
                hint=f"say where it runs: {name}/IE (ISO country code after a slash)",
            ) from None
        raise


def _config_datacentre(
    name: str, tables: Mapping[str, Any], zone: str | None = None
) -> tuple[LocationProfile, DatacentreClaims]:
    table = tables[name]
    if not isinstance(table, Mapping):
        raise InputError(f"[datacentres.{name}] in the config must be a table")
    claims = claims_from_table(name, table)
    if zone:
        claims = replace(claims, zone=zone.upper())
    # resolve_location knows only DATACENTRE_KEYS and plain-string evidence/certifications.
    core = {k: v for k, v in table.items() if k in DATACENTRE_KEYS}
    core["evidence"] = [e.url for e in claims.evidence]
    core["certifications"] = [c.name for c in claims.certifications]
    try:
        profile = resolve_location({"datacentres": {name: core}}, datacentre=name, location=zone)
    except ImpactError as e:
        raise ImpactError(
            f"datacentre {name!r} cannot be compared: {e.message}",
            hint="run the greenwashing check on it (algoprint where --check) to see every "
            "impossible figure, and correct the [datacentres] table",
        ) from None
    return profile, claims


def parse_candidate(spec: str, settings_extra: Mapping[str, Any] | None = None) -> Candidate:
    """Turn ``NL``, ``gcp:europe-west4``, ``dc:NAME`` or ``NAME`` (``@contract``) into a candidate.

    Args:
        spec: the candidate as written on the command line.
        settings_extra: ``Settings.extra`` (its ``datacentres`` tables); the ``[location]``
            table is deliberately not applied, so each candidate stands on its own figures.

    Raises:
        InputError: empty spec.
        ImpactError: unknown zone, region or datacentre; impossible figures in a datacentre.
    """
    text, _, contract = spec.strip().partition("@")
    if not text:
        raise InputError("empty location candidate", hint="e.g. NL, gcp:europe-west4, dc:NAME")
    tables = (settings_extra or {}).get("datacentres") or {}
    claims: DatacentreClaims | None = None
    provider, sep, rest = text.partition(":")
    if sep and provider.lower() != "dc":
        profile = resolve_location({}, cloud=provider, region=rest)
        kind, label = "cloud-region", f"{profile.cloud}:{profile.region}"
    else:
        name, _, zone = (rest if sep else text).partition("/")
        if sep or name in tables or not _is_zone(name):
            if name in tables:
                profile, claims = _config_datacentre(name, tables, zone or None)
            else:
                profile = _resolve_shipped(name, zone or None)
                claims = replace(claims_from_shipped(name), zone=profile.zone)
            kind, label = "datacentre", (f"{name}/{profile.zone}" if zone else name)
        else:
            profile = default_location(name)
            kind, label = "country", profile.zone or name
    if contract:
        profile = replace(
            profile,
            contract=contract.strip().lower(),
            sources={**profile.sources, "contract": "candidate @contract"},
        )
        label = f"{label}@{contract.strip().lower()}"
        if claims is not None:
            claims = replace(claims, contract=contract.strip().lower())
    if claims is not None:
        claims = replace(claims, name=label)
    return Candidate(label, kind, profile, claims)


def _is_zone(text: str) -> bool:
    return (len(text) == 2 and text.isalpha()) or text.upper() in {"EU", "WORLD"}


@dataclass(slots=True)
class CandidateResult:
    """One candidate's yearly impacts, rank and flags."""

    candidate: Candidate
    impacts: ImpactDocument
    flags: list[Flag] = field(default_factory=list)
    rank: int | None = None

    def figure(self, key: str) -> Impact | None:
        """An impact of the document (``None``: missing, see ``impacts.missing``)."""
        return self.impacts.get(key)

    def value(self, key: str) -> float | None:
        """The central value of an impact, or ``None``."""
        f = self.figure(key)
        return None if f is None else f.value

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (figures in SI: g, L, J)."""
        keys = (
            "energy_facility_j",
            "co2e_location_g",
            "co2e_market_g",
            "water_onsite_l",
            "water_offsite_l",
            "water_l",
            "embodied_gwp_g",
            "co2e_total_g",
        )
        figures = {}
        for k in keys:
            fig = self.figure(k)
            figures[k] = None if fig is None else fig.to_dict()
        c = self.candidate
        return {
            "label": c.label,
            "kind": c.kind,
            "rank": self.rank,
            "profile": c.profile.to_dict(),
            "claims": None if c.claims is None else c.claims.to_dict(),
            "figures": figures,
            "factors": self.impacts.factors,
            "missing": dict(self.impacts.missing),
            "defaults": list(self.impacts.defaults),
            "notes": list(self.impacts.notes),
            "flags": [f.to_dict() for f in self.flags],
        }


@dataclass(slots=True)
class WhereResult:
    """The comparison: candidates ranked by ``rank_by``, comparison-level flags, explanation."""

    workload: Workload
    year: int
    rank_by: str
    results: list[CandidateResult]
    flags: list[Flag] = field(default_factory=list)

    @property
    def best(self) -> CandidateResult | None:
        """The first-ranked candidate with a figure, if any."""
        return next((r for r in self.results if r.rank == 1), None)

    def all_flags(self) -> list[Flag]:
        """Comparison flags followed by every candidate's flags."""
        return [*self.flags, *(f for r in self.results for f in r.flags)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``result`` of the stored analysis)."""
        w = self.workload
        return {
            "workload": {
                "label": w.label,
                "energy_j_per_year": w.energy_j_per_year,
                "uncertainty_rel": w.uncertainty_rel,
                "hardware": None if w.hardware is None else w.hardware.share_basis,
            },
            "year": self.year,
            "rank_by": self.rank_by,
            "candidates": [r.to_dict() for r in self.results],
            "flags": [f.to_dict() for f in self.flags],
            "explanation_en": self.explanation("en"),
            "explanation_nl": self.explanation("nl"),
        }

    def explanation(self, lang: str = "en") -> str:
        """The ranking in one paragraph."""
        from algoprint.advice._location_render import explain

        return explain(self, lang)

    def render(self, lang: str = "en") -> list[str]:
        """Lines for the terminal: a table, then the flags and the explanation."""
        from algoprint.advice._location_render import render

        return render(self, lang)

    def to_analysis(self, algorithm: str | None) -> AnalysisRecord:
        """The ``location`` analysis record (evidence for dat-06)."""
        best = self.best
        label = best.candidate.label if best else "none"
        return AnalysisRecord(
            kind="location",
            algorithm=algorithm,
            title=f"Location comparison of {len(self.results)} candidates ({self.rank_by})",
            result=self.to_dict(),
            summary_en=self.explanation("en") if best else f"No candidate ranked ({label}).",
            summary_nl=self.explanation("nl")
            if best
            else f"Geen kandidaat gerangschikt ({label}).",
        )


def _tradeoffs(results: list[CandidateResult]) -> list[Flag]:
    flags: list[Flag] = []
    with_both = [r for r in results if r.value("co2e_location_g") is not None]
    with_both = [r for r in with_both if r.value("water_l") is not None]
    if len(with_both) >= 2:
        low_c = min(with_both, key=lambda r: r.value("co2e_location_g") or 0.0)
        low_w = min(with_both, key=lambda r: r.value("water_l") or 0.0)
        wc, ww = low_c.value("water_l") or 0.0, low_w.value("water_l") or 0.0
        if low_c is not low_w and wc >= WATER_TRADEOFF_FACTOR * ww:
            a, b = low_c.candidate.label, low_w.candidate.label
            flags.append(
                Flag(
                    "carbon-water-tradeoff",
                    "warning",
                    a,
                    f"{a} has the lowest CO2e but uses {wc / ww:.1f}× the water of {b} "
                    f"({wc:,.0f} L vs {ww:,.0f} L a year): low-carbon electricity (hydro, "
                    "nuclear) and cooling can cost water. Weigh both, especially in water-"
                    "stressed areas.",
                    f"{a} heeft de laagste CO2e maar gebruikt {_format.number(wc / ww, 'nl', 2)}× "
                    f"zoveel water als {b} ({_format.integer(wc, 'nl')} L tegen "
                    f"{_format.integer(ww, 'nl')} L per jaar): koolstofarme stroom "
                    "(waterkracht, kernenergie) en koeling kunnen water kosten. Weeg beide "
                    "af, zeker in gebieden met waterschaarste.",
                    "water_l",
                )
            )
    for r in results:
        loc, mkt = r.value("co2e_location_g"), r.value("co2e_market_g")
        grid = r.impacts.factors.get("grid_intensity", {}).get("value")
        high_grid = bool(grid and grid > HIGH_CARBON_GRID_G_PER_KWH)
        if loc and mkt is not None and high_grid and mkt < MARKET_GAP_SHARE * loc:
            label = r.candidate.label
            r.flags.append(
                Flag(
                    "market-location-gap",
                    "warning",
                    label,
                    f"{label}: market-based {mkt / 1000:,.0f} kg CO2e but location-based "
                    f"{loc / 1000:,.0f} kg on a {grid:.0f} g/kWh grid. The contract "
                    "(certificates) lowers the reported figure, not the emissions of the "
                    "electricity drawn; rank on the location-based figure.",
                    f"{label}: marktgebonden {_format.integer(mkt / 1000, 'nl')} kg CO2e maar "
                    f"locatiegebonden {_format.integer(loc / 1000, 'nl')} kg op een net van "
                    f"{_format.integer(grid, 'nl')} g/kWh. Het contract (certificaten) verlaagt "
                    "het gerapporteerde cijfer, niet de uitstoot van de gebruikte stroom; "
                    "vergelijk op het locatiegebonden cijfer.",
                    "co2e_market_g",
                )
            )
        defaults = [(n, f) for n, f in r.impacts.factors.items() if f.get("origin") == "default"]
        if defaults:
            listed, listed_nl = _listed(defaults, "en"), _listed(defaults, "nl")
            r.flags.append(
                Flag(
                    "defaults-used",
                    "info",
                    r.candidate.label,
                    f"default figures, not this location's own: {listed}; give the "
                    "datacentre's own PUE, WUE and contract for a fair comparison.",
                    f"standaardwaarden, niet die van deze locatie zelf: {listed_nl}; vul PUE, WUE "
                    "en stroomcontract van het datacenter in voor een eerlijke vergelijking.",
                )
            )
    return flags


_FACTOR_NAMES = {
    "nl": {
        "pue": "PUE",
        "wue_onsite": "WUE op locatie",
        "market_intensity": "marktgebonden factor",
        "grid_intensity": "netintensiteit",
    },
    "en": {
        "pue": "PUE",
        "wue_onsite": "on-site WUE",
        "market_intensity": "market-based factor",
        "grid_intensity": "grid intensity",
    },
}


def _listed(defaults: list[tuple[str, dict[str, Any]]], lang: str) -> str:
    """Default factors as ``name value unit``, in ``lang`` (Dutch names and separators)."""
    out = []
    for name, f in defaults:
        shown = _FACTOR_NAMES[lang].get(name, name)
        unit = "" if f["unit"] == "1" else f["unit"]
        out.append(f"{shown} {_format.number(f['value'], lang)} {unit}".rstrip())
    return ", ".join(out)


def _rank(results: list[CandidateResult], key: str) -> list[Flag]:
    ranked = sorted(
        results, key=lambda r: (r.value(key) is None, r.value(key) or 0.0, r.candidate.label)
    )
    for i, r in enumerate(ranked, start=1):
        r.rank = i if r.value(key) is not None else None
    results[:] = ranked
    first = ranked[0].figure(key) if ranked else None
    second = ranked[1].figure(key) if len(ranked) > 1 else None
    if first is not None and second is not None and second.low <= first.high:
        a, b = ranked[0].candidate.label, ranked[1].candidate.label
        return [
            Flag(
                "not-clearly-better",
                "info",
                a,
                f"the intervals of {a} and {b} overlap: with the uncertainty of the factors, "
                f"{a} is not clearly better than {b}.",
                f"de intervallen van {a} en {b} overlappen: gezien de onzekerheid van de "
                f"factoren is {a} niet duidelijk beter dan {b}.",
                key,
            )
        ]
    return []


def compare_locations(
    workload: Workload,
    candidates: Sequence[Candidate | str],
    *,
    settings_extra: Mapping[str, Any] | None = None,
    year: int | None = None,
    rank_by: str = "co2e_location",
    today: dt.date | None = None,
    store: AnalysisStore | None = None,
    algorithm: str | None = None,
) -> WhereResult:
    """Compare the yearly impacts of ``workload`` at each candidate location and rank them.

    Args:
        workload: IT energy per year and (optionally) the reserved hardware; the embodied
            share is the same everywhere and shown as such.
        candidates: :class:`Candidate` objects or specs for :func:`parse_candidate`.
        settings_extra: ``Settings.extra`` (for ``[datacentres.NAME]`` tables).
        year: grid year (default: this year; the latest table year is used and noted).
        rank_by: one of :data:`RANK_METRICS`; the default is location-based CO2e because the
            market-based figure reflects purchased certificates, not the electricity drawn.
        today: reference date for evidence age checks.
        store: when given with ``algorithm``, the analysis is saved with ``save_analysis``.
        algorithm: slug of the algorithm the analysis is evidence for.

    Raises:
        InputError: fewer than two candidates, the same candidate twice, unknown ``rank_by``.
        ImpactError: an unknown zone/region/datacentre or impossible datacentre figures.
    """
    if rank_by not in RANK_METRICS:
        raise InputError(
            f"unknown ranking {rank_by!r}", hint=f"use one of {', '.join(RANK_METRICS)}"
        )
    parsed = [
        c if isinstance(c, Candidate) else parse_candidate(c, settings_extra) for c in candidates
    ]
    if len(parsed) < 2:
        raise InputError(
            f"a comparison needs at least two candidates, got {len(parsed)}",
            hint="e.g. algoprint where NL SE gcp:europe-west4",
        )
    labels = [c.label for c in parsed]
    if len(set(labels)) != len(labels):
        dup = sorted({x for x in labels if labels.count(x) > 1})
        raise InputError(f"candidate(s) given twice: {', '.join(dup)}")
    run_year = year or (today or dt.date.today()).year
    energy = EnergyInput.single(workload.energy_j_per_year, workload.uncertainty_rel, "workload")
    results: list[CandidateResult] = []
    for c in parsed:
        doc = compute_impacts(
            energy,
            c.profile,
            year=run_year,
            duration_s=SECONDS_PER_YEAR,
            hardware=workload.hardware,
        )
        flags = check_greenwashing(c.claims, today=today) if c.claims is not None else []
        results.append(CandidateResult(c, doc, flags))
    flags = _tradeoffs(results)
    flags += _rank(results, RANK_METRICS[rank_by])
    result = WhereResult(workload, run_year, rank_by, results, flags)
    if store is not None and algorithm is not None:
        store.save_analysis(result.to_analysis(algorithm))
    return result
