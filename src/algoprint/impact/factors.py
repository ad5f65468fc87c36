"""Typed, offline lookups into the impact model's reference tables.

Every function reads the versioned CSV tables shipped in :mod:`algoprint.refdata` (via
``load_table``, cached) and returns figures with their unit, interval, source, licence and
vintage. Nothing here touches the network or substitutes one figure for another: an unknown
zone, key or model raises :class:`~algoprint.errors.ImpactError` naming the accepted values, and
never falls back to a world average. How each interval is derived is documented in
docs/reference-data.md and summarised on each function.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping

from algoprint.errors import ImpactError
from algoprint.impact._factor_catalogue import (
    datacentre,
    datacentres,
    embodied_component,
    embodied_components,
    llm_model,
    llm_models,
    manufacturer_footprints,
)
from algoprint.impact._factor_types import (
    DEFAULT_REL_UNCERTAINTY,
    CloudRegion,
    DatacentreProfile,
    EmbodiedFactor,
    Factor,
    GridFactor,
    LlmModel,
    ManufacturerFootprint,
    f_or_none,
    i_or_none,
    interval,
    norm,
    str_or_none,
    unknown_error,
)
from algoprint.refdata import load_table

__all__ = [
    "GRID_REL_UNCERTAINTY",
    "MARKET_CONTRACTS",
    "MARKET_PARTS",
    "CloudRegion",
    "DatacentreProfile",
    "EmbodiedFactor",
    "Factor",
    "GridFactor",
    "LlmModel",
    "ManufacturerFootprint",
    "cloud_region",
    "cloud_regions",
    "datacentre",
    "datacentres",
    "embodied_component",
    "embodied_components",
    "grid_intensity",
    "grid_zones",
    "llm_model",
    "llm_models",
    "manufacturer_footprints",
    "market_contracts",
    "market_factor",
    "pue_default",
    "pue_keys",
    "water_intensity",
    "wue_default",
]

#: Relative half-width of the interval of a grid intensity for a year in the table.
GRID_REL_UNCERTAINTY = 0.10
#: Per year beyond the table, at least this relative change is added (floor of year-on-year).
GRID_MIN_YEARLY_DRIFT = 0.03
#: Market-based factors: relative half-width for non-zero list values.
MARKET_REL_UNCERTAINTY = 0.10

#: Contract keys of market_factor(), with what they mean (CO2emissiefactoren.nl categories).
MARKET_CONTRACTS: Mapping[str, str] = {
    "grijze-stroom": "grey electricity (fossil/nuclear mix without GvO)",
    "stroom-onbekend": "electricity of unknown origin (average Dutch mix)",
    "groen-gvo": "wind, solar or hydro electricity with guarantees of origin (GvO)",
    "biomassa-gvo": "biomass electricity with guarantees of origin (GvO)",
}

_PROVIDERS = {
    "gcp": "gcp",
    "google": "gcp",
    "google-cloud": "gcp",
    "aws": "aws",
    "amazon": "aws",
    "azure": "azure",
    "microsoft": "azure",
}


# ---------------------------------------------------------------- grid intensity


@functools.cache
def _grid() -> dict[str, dict[int, Mapping[str, str]]]:
    zones: dict[str, dict[int, Mapping[str, str]]] = {}
    for row in load_table("grid_intensity"):
        zones.setdefault(row["zone"], {})[int(row["year"])] = row
    return zones


def grid_zones() -> list[str]:
    """Zones with a grid intensity: ISO 3166-1 alpha-2 codes plus ``EU`` and ``WORLD``."""
    return sorted(_grid())


def _yearly_drift(series: Mapping[int, Mapping[str, str]]) -> float:
    """Mean relative year-on-year change over the last five transitions, floored."""
    years = sorted(series)[-6:]
    changes = []
    for a, b in itertools.pairwise(years):
        va, vb = float(series[a]["value"]), float(series[b]["value"])
        if va > 0:
            changes.append(abs(vb - va) / va)
    mean = sum(changes) / len(changes) if changes else 0.0
    return max(mean, GRID_MIN_YEARLY_DRIFT)


COUNTRY_NAMES: dict[str, str] = {
    # English and Dutch names people type instead of the code (lookup key: norm(name)).
    **dict.fromkeys(("netherlands", "thenetherlands", "nederland", "holland"), "NL"),
    **dict.fromkeys(("germany", "duitsland", "deutschland"), "DE"),
    **dict.fromkeys(("belgium", "belgie", "belgië"), "BE"),
    **dict.fromkeys(("france", "frankrijk"), "FR"),
    **dict.fromkeys(("sweden", "zweden"), "SE"),
    **dict.fromkeys(("norway", "noorwegen"), "NO"),
    **dict.fromkeys(("denmark", "denemarken"), "DK"),
    **dict.fromkeys(("finland",), "FI"),
    **dict.fromkeys(("ireland", "ierland"), "IE"),
    **dict.fromkeys(("poland", "polen"), "PL"),
    **dict.fromkeys(("spain", "spanje"), "ES"),
    **dict.fromkeys(("italy", "italie", "italië"), "IT"),
    **dict.fromkeys(("portugal",), "PT"),
    **dict.fromkeys(("austria", "oostenrijk"), "AT"),
    **dict.fromkeys(("switzerland", "zwitserland"), "CH"),
    **dict.fromkeys(("luxembourg", "luxemburg"), "LU"),
    **dict.fromkeys(("unitedkingdom", "uk", "greatbritain", "verenigdkoninkrijk"), "GB"),
    **dict.fromkeys(("unitedstates", "usa", "verenigdestaten"), "US"),
    **dict.fromkeys(("europe", "europa", "europeanunion", "europeseunie"), "EU"),
    **dict.fromkeys(("world", "wereld"), "WORLD"),
}
"""Country names mapped to their zone code, for the "did you mean" of an unknown zone."""


def grid_intensity(zone: str, year: int | None = None) -> GridFactor:
    """Lifecycle grid carbon intensity of ``zone`` in ``year``, in gCO2e/kWh.

    The interval is ±10 % for a year in the table (covers revisions between data vintages and
    the spread between Ember and OWID). When ``year`` is newer than the table, the latest year
    is used, ``latest_used`` is set, and the interval widens by the zone's mean year-on-year
    change (at least 3 %) per year of extrapolation.

    Args:
        zone: ISO 3166-1 alpha-2 code (``NL``), or ``EU`` / ``WORLD``; case-insensitive.
        year: the year of the run; ``None`` for the latest year in the table.

    Raises:
        ImpactError: unknown zone (never replaced by a world average), a year before the
            table, or a year missing inside the table.
    """
    key = zone.strip().upper()
    series = _grid().get(key)
    if series is None and norm(zone) in COUNTRY_NAMES:
        code = COUNTRY_NAMES[norm(zone)]
        raise ImpactError(
            f"unknown grid zone {zone!r}: zones are country codes; did you mean {code}?",
            hint=f"use --location {code} (ISO 3166-1 alpha-2, or EU/WORLD)",
        )
    if series is None:
        raise unknown_error(
            "grid zone",
            key,
            _grid(),
            "zones are ISO 3166-1 alpha-2 codes (NL, DE, ...) or EU/WORLD; "
            "list them with `algoprint factors --kind grid`",
        )
    first, last = min(series), max(series)
    used = last if year is None or year > last else year
    if year is not None and year < first:
        raise ImpactError(
            f"no grid intensity for {key} in {year}: the table covers {first}-{last}",
            hint=f"use a year from {first} to {last}",
        )
    if used not in series:
        raise ImpactError(
            f"no grid intensity for {key} in {used} (years present: {sorted(series)})",
            hint="pick a year that is present or supply your own intensity",
        )
    row = series[used]
    value = float(row["value"])
    latest_used = year is not None and year > last
    rel = GRID_REL_UNCERTAINTY
    note = None
    if latest_used:
        assert year is not None
        rel += (year - last) * _yearly_drift(series)
        note = (
            f"{year} is newer than the table (latest {last} for {key}); the {last} value is "
            f"used and the interval widened to ±{rel:.0%}"
        )
    low, high = interval(value, rel)
    return GridFactor(
        value=value,
        low=low,
        high=high,
        unit=row["unit"],
        source=row["source"],
        licence=row["licence"],
        vintage=f"{used} ({row['vintage']})",
        note=note,
        zone=key,
        year_requested=year,
        year_used=used,
        latest_used=latest_used,
    )


# ---------------------------------------------------------------- market factors (NL)


def market_contracts() -> list[str]:
    """Contract keys accepted by :func:`market_factor` (see ``MARKET_CONTRACTS``)."""
    return sorted(MARKET_CONTRACTS)


MARKET_PARTS = {
    "ttw": ("value", "tank-to-wheel (production; scope 2 market-based, ESRS E1-6)"),
    "wtt": ("wtt", "well-to-tank (chain; scope 3 category 3)"),
    "wtw": ("wtw", "well-to-wheel (production + chain)"),
}
"""The parts of a market factor: key → (table column, meaning)."""


def market_factor(contract: str, list_year: int | None = None, *, part: str = "ttw") -> Factor:
    """Dutch market-based electricity factor (gCO2e/kWh) for a contract type.

    ``part`` chooses the basis: ``ttw`` (tank-to-wheel, generation only: the GHG Protocol
    scope-2 and ESRS E1-6 basis; default), ``wtt`` (well-to-tank, the fuel chain: scope 3
    category 3) or ``wtw`` (their sum). All contracts are shipped on the same bases.

    Only values found in public documents are shipped; rows not confirmed against the official
    CO2emissiefactoren.nl list carry a note saying so. Interval: ±10 % for non-zero values,
    none for a zero (certificate-backed) factor.

    Args:
        contract: one of :func:`market_contracts`.
        list_year: year of the CO2emissiefactoren.nl list; ``None`` for the latest shipped.

    Raises:
        ImpactError: unknown contract or part, a contract (or part) without a shipped value,
            or a list year older than the shipped ones.
    """
    if part not in MARKET_PARTS:
        raise ImpactError(f"unknown market factor part {part!r}", hint="ttw, wtt or wtw")
    column, meaning = MARKET_PARTS[part]
    key = contract.strip().lower()
    if key not in MARKET_CONTRACTS:
        raise unknown_error(
            "market contract", key, MARKET_CONTRACTS, "see docs/reference-data.md (NL market)"
        )
    rows = {int(r["list_year"]): r for r in load_table("nl_market_factors") if r["category"] == key}
    if not rows:
        raise ImpactError(
            f"no published value for {key!r} is shipped (not found in a public source)",
            hint="use your supplier's stroometiket factor, or the location-based grid intensity",
        )
    if list_year is not None and list_year < min(rows):
        raise ImpactError(
            f"no {key!r} factor for list year {list_year}; shipped: {sorted(rows)}",
            hint=f"use a list year from {min(rows)}",
        )
    used = max(y for y in rows if list_year is None or y <= list_year)
    row = rows[used]
    if not row.get(column):
        raise ImpactError(
            f"no {meaning} figure for {key!r} is shipped (not found in a public source)",
            hint="use your supplier's figure, or leave this part out of the inventory",
        )
    value = float(row[column])
    low, high = interval(value, MARKET_REL_UNCERTAINTY) if value else (0.0, 0.0)
    notes = [row["note"]] if row["needs_check"] == "true" else []
    if list_year is not None and list_year != used:
        notes.append(f"list year {list_year} not shipped; {used} used")
    return Factor(
        value=value,
        low=low,
        high=high,
        unit=row["unit"],
        source=row["source"],
        licence=row["licence"],
        vintage=f"list {used}"
        + (f" (data {row['data_year']})" if row["data_year"] else "")
        + f", {part.upper()}",
        note="; ".join(notes) or None,
    )


# ---------------------------------------------------------------- cloud regions


def _provider(name: str) -> str:
    key = name.strip().lower()
    if key not in _PROVIDERS:
        raise unknown_error("cloud provider", key, _PROVIDERS, "use gcp, aws or azure")
    return _PROVIDERS[key]


def _region(row: Mapping[str, str], latest_used: bool = False) -> CloudRegion:
    return CloudRegion(
        provider=row["provider"],
        region=row["region"],
        zone=str_or_none(row["zone"]),
        location_name=row["location_name"],
        cfe_pct=f_or_none(row["cfe_pct"]),
        grid_g_per_kwh=f_or_none(row["grid_g_per_kwh"]),
        year=i_or_none(row["year"]),
        source=row["source"],
        licence=row["licence"],
        grid_basis=row["grid_basis"],
        vintage=row["vintage"],
        note=str_or_none(row["note"]),
        latest_used=latest_used,
    )


@functools.cache
def _cloud() -> dict[tuple[str, str], list[Mapping[str, str]]]:
    index: dict[tuple[str, str], list[Mapping[str, str]]] = {}
    for row in load_table("cloud_regions"):
        index.setdefault((row["provider"], norm(row["region"])), []).append(row)
    for rows in index.values():
        rows.sort(key=lambda r: int(r["year"] or 0))
    return index


def cloud_region(provider: str, region: str, year: int | None = None) -> CloudRegion:
    """A cloud region's country, CFE % and provider-stated grid intensity.

    Region names match case- and separator-insensitively (``westeurope`` = ``West Europe``).
    Google figures are yearly: ``year=None`` gives the latest; a year newer than the table gives
    the latest with ``latest_used=True``. AWS/Azure figures carry no year and are returned as is.

    Raises:
        ImpactError: unknown provider or region, or a year before the provider's table.
    """
    prov = _provider(provider)
    rows = _cloud().get((prov, norm(region)))
    if not rows:
        names = {r["region"] for (p, _), rs in _cloud().items() if p == prov for r in rs}
        raise unknown_error(f"{prov} region", region, names, "list them with cloud_regions()")
    dated = [r for r in rows if r["year"]]
    if not dated or year is None:
        return _region(rows[-1])
    years = [int(r["year"]) for r in dated]
    if year < years[0]:
        raise ImpactError(
            f"no {prov} figures for {region} in {year}: the table covers {years[0]}-{years[-1]}",
            hint=f"use a year from {years[0]} to {years[-1]}",
        )
    for row in dated:
        if int(row["year"]) == year:
            return _region(row)
    if year > years[-1]:
        return _region(dated[-1], latest_used=True)
    raise ImpactError(
        f"no {prov} figures for {region} in {year} (years present: {years})",
        hint="pick a year that is present",
    )


def cloud_regions(provider: str | None = None) -> list[CloudRegion]:
    """All shipped regions (latest year per region), optionally of one provider."""
    prov = _provider(provider) if provider is not None else None
    return [
        _region(rows[-1]) for (p, _), rows in sorted(_cloud().items()) if prov is None or p == prov
    ]


# ---------------------------------------------------------------- PUE, WUE, water


@functools.cache
def _pue_rows() -> dict[str, Mapping[str, str]]:
    return {r["key"]: r for r in load_table("pue_wue")}


def pue_keys() -> list[str]:
    """Keys accepted by :func:`pue_default` and :func:`wue_default`."""
    return sorted(_pue_rows())


def _pue_row(key: str) -> Mapping[str, str]:
    row = _pue_rows().get(key.strip().lower())
    if row is None:
        raise unknown_error("PUE/WUE key", key, _pue_rows(), "or give your datacentre's own figure")
    return row


def _check_note(row: Mapping[str, str]) -> str:
    flag = " (not fully confirmed: needs_check)" if row["needs_check"] == "true" else ""
    return row["range_method"] + flag


def pue_default(key: str = "unknown") -> Factor:
    """Default PUE (dimensionless, >= 1) for a datacentre kind, with its published range.

    Raises:
        ImpactError: unknown key (see :func:`pue_keys`).
    """
    row = _pue_row(key)
    return Factor(
        value=float(row["pue"]),
        low=float(row["pue_low"]),
        high=float(row["pue_high"]),
        unit="1",
        source=row["source"],
        licence=row["licence"],
        vintage=row["year"],
        note=_check_note(row),
    )


def wue_default(key: str = "unknown") -> Factor:
    """Default on-site water usage effectiveness, litres per kWh of IT energy.

    Raises:
        ImpactError: unknown key, or no sourced WUE for this key (never guessed).
    """
    row = _pue_row(key)
    if not row["wue_l_per_kwh"]:
        having = [k for k, r in _pue_rows().items() if r["wue_l_per_kwh"]]
        raise ImpactError(
            f"no sourced on-site WUE for {key!r}; keys with a WUE: {', '.join(sorted(having))}",
            hint="give your datacentre's WUE (L/kWh) explicitly",
        )
    return Factor(
        value=float(row["wue_l_per_kwh"]),
        low=float(row["wue_low"]),
        high=float(row["wue_high"]),
        unit="L/kWh",
        source=row["source"],
        licence=row["licence"],
        vintage=row["year"],
        note=_check_note(row),
    )


@functools.cache
def _water() -> dict[str, Mapping[str, str]]:
    return {r["zone"]: r for r in load_table("water_intensity")}


def water_intensity(zone: str) -> Factor:
    """Off-site water consumption of electricity generation in ``zone``, L/kWh (EcoLogits/WRI).

    No interval is published; ±50 % is applied. Zones: ISO 3166-1 alpha-2 or ``WORLD``.

    Raises:
        ImpactError: zone not in the table (never replaced by the world value).
    """
    key = zone.strip().upper()
    row = _water().get(key)
    if row is None:
        raise unknown_error(
            "water zone", key, _water(), "use WORLD explicitly if you accept a world average"
        )
    value = float(row["value"])
    low, high = interval(value, DEFAULT_REL_UNCERTAINTY)
    return Factor(
        value=value,
        low=low,
        high=high,
        unit=row["unit"],
        source=row["source"],
        licence=row["licence"],
        vintage="ecologits 5be90da",
        note="no published interval; ±50 % applied",
    )
