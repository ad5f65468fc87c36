"""Where energy was used: the location and datacentre profile, and its factors.

A :class:`LocationProfile` says in which grid zone (ISO country code) the energy was drawn, in
which datacentre or cloud region, under which electricity contract, and with which PUE/WUE.
It records where each value came from (argument, environment, config table, shipped profile,
default), so a report can show it.

Precedence (highest first): explicit arguments (CLI options) > environment
(``ALGOPRINT_LOCATION``/``CLOUD``/``REGION``/``DATACENTRE``/``YEAR``, passed in
``settings.extra['env']``) > the ``[location]`` config table > the datacentre profile
(``[datacentres.NAME]`` in config, else a shipped profile) > the cloud region (zone only).

No IP geolocation, and never a silent world average: when nothing is configured,
:func:`resolve_location` returns a profile with ``configured=False`` and the caller (the CLI)
asks, or uses :func:`default_location` and says plainly which zone it used and how to set it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from algoprint.errors import ImpactError
from algoprint.impact.compute import FactorValue, ResolvedFactors
from algoprint.impact.uncertainty import Interval

__all__ = [
    "DATACENTRE_KEYS",
    "LOCATION_KEYS",
    "PUE_BASES",
    "RENEWABLE_BASES",
    "EvidenceLink",
    "LocationProfile",
    "default_location",
    "factors_for_profile",
    "resolve_location",
]

LOCATION_KEYS = frozenset(
    {"zone", "cloud", "region", "datacentre", "contract", "pue", "dcie", "wue", "year"}
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
            "sources": dict(self.sources),
            "configured": self.configured,
        }


def default_location(zone: str = "NL") -> LocationProfile:
    """The profile used when nothing is configured and the CLI has said so plainly.

    Only the zone is set; PUE, WUE and contract then take their recorded defaults.

    Raises:
        ImpactError: unknown zone (the message lists the accepted zones).
    """
    code = _zone(zone, "default_location")
    return LocationProfile(zone=code, sources={"zone": "default"}, configured=True)


# --------------------------------------------------------------------------------------------
# validation helpers


def _number(name: str, value: Any, where: str) -> float:
    if isinstance(value, bool):
        raise ImpactError(f"{name} in {where} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ImpactError(f"{name} in {where} must be a number, got {value!r}") from None
    if math.isnan(number) or math.isinf(number):
        raise ImpactError(f"{name} in {where} must be a finite number, got {value!r}")
    return number


def _check_pue(value: Any, where: str) -> float:
    pue = _number("pue", value, where)
    if pue < 1:
        raise ImpactError(
            f"pue in {where} must be >= 1, got {value!r}",
            hint="PUE = facility energy / IT energy, so it is at least 1 (typical 1.1..2.0)",
        )
    return pue


def _check_dcie(value: Any, where: str) -> float:
    dcie = _number("dcie", value, where)
    if not 0 < dcie <= 1:
        raise ImpactError(
            f"dcie in {where} must be in (0, 1], got {value!r}",
            hint="DCiE = IT energy / facility energy = 1/PUE, e.g. 0.5 for PUE 2.0",
        )
    return dcie


def _check_fraction(name: str, value: Any, where: str) -> float:
    number = _number(name, value, where)
    if not 0 <= number <= 1:
        raise ImpactError(
            f"{name} in {where} must be between 0 and 1, got {value!r}",
            hint=f"give {name} as a fraction, e.g. 0.8 for 80 %",
        )
    return number


def _check_wue(value: Any, where: str) -> float:
    wue = _number("wue", value, where)
    if wue < 0:
        raise ImpactError(
            f"wue in {where} must be >= 0 L/kWh, got {value!r}",
            hint="WUE = on-site water (L) / IT energy (kWh)",
        )
    return wue


def _pue_from(table: Mapping[str, Any], where: str) -> float | None:
    pue = _check_pue(table["pue"], where) if table.get("pue") is not None else None
    dcie = _check_dcie(table["dcie"], where) if table.get("dcie") is not None else None
    if pue is not None and dcie is not None and abs(pue * dcie - 1) > _PUE_DCIE_TOLERANCE:
        raise ImpactError(
            f"pue {pue:g} and dcie {dcie:g} in {where} disagree (pue should be 1/dcie = "
            f"{1 / dcie:.3g})",
            hint="give only one of pue and dcie",
        )
    if pue is None and dcie is not None:
        return 1 / dcie
    return pue


def _zone(value: Any, where: str) -> str:
    from algoprint.impact import factors

    code = str(value).strip().upper()
    try:
        factors.grid_intensity(code)
    except ImpactError as e:
        raise ImpactError(f"unknown zone {value!r} in {where}: {e.message}", hint=e.hint) from None
    return code


def _date(value: Any, where: str) -> dt.date:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (the last day of that period), or a TOML date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 4 and text.isdigit():
            return dt.date(int(text), 12, 31)
        if len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:7])
            return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ImpactError(
            f"{where}: {value!r} is not a date",
            hint="write dates as YYYY-MM-DD (or YYYY-MM, YYYY for a period)",
        ) from None


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, Mapping)):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _evidence(value: Any, where: str) -> tuple[EvidenceLink, ...]:
    """Evidence as links, or tables ``{url, date}``."""
    out: list[EvidenceLink] = []
    for item in _items(value):
        if isinstance(item, str) and item.strip():
            out.append(EvidenceLink(item.strip()))
        elif isinstance(item, Mapping) and item.get("url") and set(item) <= {"url", "date"}:
            date = _date(item["date"], f"evidence in {where}") if item.get("date") else None
            out.append(EvidenceLink(str(item["url"]), date))
        else:
            raise ImpactError(
                f"evidence in {where} must be links or tables {{url, date}}, got {item!r}",
                hint='e.g. evidence = [{url = "https://...", date = "2025-03-01"}]',
            )
    return tuple(out)


def _certifications(value: Any, where: str) -> tuple[str, ...]:
    """Certification names, from names or tables ``{name, url, date}`` (links and dates are
    read by the greenwashing checks; validated here so a bad table fails early)."""
    names: list[str] = []
    for item in _items(value):
        if isinstance(item, str) and item.strip():
            names.append(item.strip())
        elif (
            isinstance(item, Mapping) and item.get("name") and set(item) <= {"name", "url", "date"}
        ):
            if item.get("date"):
                _date(item["date"], f"certification {item['name']!r} in {where}")
            names.append(str(item["name"]).strip())
        else:
            raise ImpactError(
                f"certifications in {where} must be names or tables {{name, url, date}}, "
                f"got {item!r}",
                hint='e.g. certifications = [{name = "ISO 50001", url = "https://...", '
                'date = "2024-06-01"}]',
            )
    return tuple(names)


def _check_datacentre_extras(dc: Mapping[str, Any], where: str) -> None:
    """Validate the keys the impact figures do not use (they are read by the greenwashing
    checks), so a typo or an impossible value fails here, naming the table."""
    if dc.get("it_power_kw") is not None:
        kw = _number("it_power_kw", dc["it_power_kw"], where)
        if kw < 0:
            raise ImpactError(
                f"it_power_kw in {where} must be >= 0 kW, got {dc['it_power_kw']!r}",
                hint="installed IT power in kilowatts, e.g. it_power_kw = 800",
            )
    if dc.get("renewable_pct") is not None:
        pct = _number("renewable_pct", dc["renewable_pct"], where)
        if not 0 <= pct <= 100:
            raise ImpactError(
                f"renewable_pct in {where} must be between 0 and 100, got {dc['renewable_pct']!r}",
                hint="give the renewable share as a percentage, e.g. 80",
            )
    for key, allowed in (("pue_basis", PUE_BASES), ("renewable_basis", RENEWABLE_BASES)):
        if dc.get(key) is not None and str(dc[key]).strip().lower() not in allowed:
            raise ImpactError(
                f"{key} in {where} is {dc[key]!r}", hint=f"use one of {', '.join(allowed)}"
            )
    if dc.get("year") is not None:
        year = _number("year", dc["year"], where)
        if year != int(year) or not 1900 < year < 3000:
            raise ImpactError(f"year in {where} must be a whole year, got {dc['year']!r}")
    for key in ("name", "kind", "description"):
        if dc.get(key) is not None and not isinstance(dc[key], str):
            raise ImpactError(f"{key} in {where} must be text, got {dc[key]!r}")


def _check_keys(table: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ImpactError(
            f"unknown key(s) {', '.join(unknown)} in {where}",
            hint=f"accepted keys: {', '.join(sorted(allowed))}",
        )


# --------------------------------------------------------------------------------------------
# resolution


def _datacentre_table(extra: Mapping[str, Any], name: str) -> tuple[dict[str, Any], str] | None:
    tables = extra.get("datacentres") or {}
    if not isinstance(tables, Mapping):
        raise ImpactError("[datacentres] in the config must be a table of tables")
    table = tables.get(name)
    if table is None:
        return None
    where = f"[datacentres.{name}]"
    if not isinstance(table, Mapping):
        raise ImpactError(f"{where} in the config must be a table")
    _check_keys(table, DATACENTRE_KEYS, where)
    return dict(table), where


def _shipped_datacentre(name: str, extra: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    from algoprint.impact import factors

    try:
        profile = factors.datacentre(name)
    except ImpactError as e:
        configured = sorted((extra.get("datacentres") or {}).keys())
        mine = ", ".join(configured) if configured else "none"
        raise ImpactError(
            f"unknown datacentre {name!r}: not in your [datacentres] config ({mine}) and "
            f"not a shipped profile ({e.message})",
            hint="add a [datacentres.NAME] table to algoprint.toml, or use a shipped name",
        ) from None
    data = {
        key: getattr(profile, key, None)
        for key in ("zone", "pue", "dcie", "wue", "ref", "erf", "certifications", "contract")
    }
    if data.get("wue") is None:
        data["wue"] = getattr(profile, "wue_l_per_kwh", None)
    data["eed_report_url"] = getattr(profile, "eed_report_url", None)
    certs = getattr(profile, "certifications", None)
    if isinstance(certs, str):
        data["certifications"] = [c.strip() for c in certs.split(";") if c.strip()] or None
    source, year = getattr(profile, "source", None), getattr(profile, "year", None)
    if source:
        # The profile's source is its evidence, dated by the year its figures are for.
        data["evidence"] = [{"url": source, "date": str(year)} if year else source]
    return {k: v for k, v in data.items() if v is not None}, f"shipped profile {name!r}"


def resolve_location(
    settings_extra: Mapping[str, Any],
    *,
    location: str | None = None,
    cloud: str | None = None,
    region: str | None = None,
    datacentre: str | None = None,
) -> LocationProfile:
    """Build the location profile from arguments, environment and config.

    Args:
        settings_extra: ``Settings.extra``: tables ``location`` and ``datacentres``, and
            ``env`` (``location``, ``cloud``, ``region``, ``datacentre``, ``year`` from
            ``ALGOPRINT_*``).
        location: zone (ISO country code) from the CLI.
        cloud: cloud provider from the CLI.
        region: cloud region from the CLI.
        datacentre: datacentre profile name from the CLI.

    Returns:
        The profile. When nothing at all is configured: ``zone=None, configured=False``.

    Raises:
        ImpactError: unknown zone/region/datacentre, unknown key in a table, PUE < 1, DCiE
            outside (0, 1], PUE and DCiE inconsistent, negative/NaN WUE, REF/ERF outside 0..1,
            zone and cloud region in different countries.
    """
    env = settings_extra.get("env") or {}
    table = settings_extra.get("location") or {}
    if not isinstance(table, Mapping):
        raise ImpactError("[location] in the config must be a table")
    _check_keys(table, LOCATION_KEYS, "[location]")

    sources: dict[str, str] = {}

    def pick(key: str, arg: Any, env_key: str) -> Any:
        for value, where in (
            (arg, "argument"),
            (env.get(env_key), f"environment ALGOPRINT_{env_key.upper()}"),
            (table.get(key), "config [location]"),
        ):
            if value is not None and value != "":
                sources[key] = where
                return value
        return None

    zone_raw = pick("zone", location, "location")
    cloud_v = pick("cloud", cloud, "cloud")
    region_v = pick("region", region, "region")
    dc_name = pick("datacentre", datacentre, "datacentre")
    year_raw = pick("year", None, "year")

    dc: dict[str, Any] = {}
    dc_where = ""
    if dc_name is not None:
        dc_name = str(dc_name)
        found = _datacentre_table(settings_extra, dc_name)
        dc, dc_where = found if found is not None else _shipped_datacentre(dc_name, settings_extra)
        if cloud_v is None and dc.get("cloud"):
            cloud_v, sources["cloud"] = dc["cloud"], dc_where
        if region_v is None and dc.get("region"):
            region_v, sources["region"] = dc["region"], dc_where

    if zone_raw is None and cloud_v is None and dc_name is None:
        return LocationProfile(zone=None, configured=False)

    zone: str | None = None
    if zone_raw is not None:
        zone = _zone(zone_raw, sources["zone"])
    elif dc.get("zone"):
        zone = _zone(dc["zone"], dc_where)
        sources["zone"] = dc_where

    cfe_pct: float | None = None
    if cloud_v is not None or region_v is not None:
        if cloud_v is None or region_v is None:
            raise ImpactError(
                "a cloud location needs both a provider and a region",
                hint="set both, e.g. --cloud gcp --region europe-west4",
            )
        from algoprint.impact import factors

        cloud_v, region_v = str(cloud_v).strip().lower(), str(region_v).strip()
        cr = factors.cloud_region(cloud_v, region_v)
        cfe_pct = cr.cfe_pct
        if cr.zone is None:
            raise ImpactError(
                f"cloud region {cloud_v}:{region_v} has no known country in the table",
                hint="set the zone (ISO country code) as well, e.g. --location NL",
            )
        if zone is None:
            zone = _zone(cr.zone, f"cloud region {cloud_v}:{region_v}")
            sources["zone"] = f"cloud region {cloud_v}:{region_v}"
        elif cr.zone.upper() != zone:
            raise ImpactError(
                f"zone {zone} and cloud region {cloud_v}:{region_v} (in {cr.zone}) disagree",
                hint="drop the zone (it follows from the region) or fix the region",
            )
    if zone is None:
        raise ImpactError(
            f"datacentre {dc_name!r} has no zone and no zone or cloud region is configured",
            hint="add zone = 'NL' (ISO country code) to the datacentre or [location] table",
        )

    def layered(key: str, check: Any) -> Any:
        if table.get(key) is not None:
            sources[key] = "config [location]"
            return check(table[key], "[location]")
        if dc.get(key) is not None:
            sources[key] = dc_where
            return check(dc[key], dc_where)
        return None

    pue = _pue_from(table, "[location]")
    if pue is not None:
        sources["pue"] = "config [location]"
    elif dc:
        pue = _pue_from(dc, dc_where)
        if pue is not None:
            sources["pue"] = dc_where
    wue = layered("wue", _check_wue)
    contract = layered("contract", lambda v, _w: str(v).strip().lower()) or "unknown"
    if dc:
        _check_datacentre_extras(dc, dc_where)
    evidence = _evidence(dc.get("evidence"), dc_where)
    ref = _check_fraction("ref", dc["ref"], dc_where) if dc.get("ref") is not None else None
    erf = _check_fraction("erf", dc["erf"], dc_where) if dc.get("erf") is not None else None
    year: int | None = None
    if year_raw is not None:
        number = _number("year", year_raw, sources["year"])
        if number != int(number):
            raise ImpactError(f"year in {sources['year']} must be a whole year, got {year_raw!r}")
        year = int(number)
    return LocationProfile(
        zone=zone,
        cloud=cloud_v,
        region=region_v,
        datacentre=dc_name,
        pue=pue,
        wue_onsite_l_per_kwh=wue,
        ref=ref,
        erf=erf,
        certifications=_certifications(dc.get("certifications"), dc_where),
        contract=contract,
        year=year,
        eed_report_url=str(dc["eed_report_url"]) if dc.get("eed_report_url") else None,
        evidence=tuple(e.url for e in evidence),
        cfe_pct=cfe_pct,
        sources=sources,
        configured=True,
        evidence_dated=evidence,
        it_power_kw=(
            None
            if dc.get("it_power_kw") is None
            else _number("it_power_kw", dc["it_power_kw"], dc_where)
        ),
        eed_report_date=(
            _date(dc["eed_report_date"], f"eed_report_date in {dc_where}")
            if dc.get("eed_report_date")
            else None
        ),
    )


# --------------------------------------------------------------------------------------------
# factors for a profile


def _from_factor(f: Any, origin: str, note: str | None = None) -> FactorValue:
    return FactorValue(
        Interval(f.value, f.low, f.high),
        unit=f.unit,
        source=f.source,
        origin=origin,
        licence=f.licence,
        vintage=f.vintage,
        note=note or f.note,
    )


def _default_key(profile: LocationProfile) -> list[str]:
    return ([f"provider:{profile.cloud}"] if profile.cloud else []) + ["unknown"]


def factors_for_profile(profile: LocationProfile, *, year: int) -> ResolvedFactors:
    """Resolve the factors of ``profile`` for ``year`` from the shipped tables.

    Rules (docs/impact-method.md):

    * PUE and on-site WUE: the profile's value (exact); else the provider default for a cloud
      profile; else the ``unknown`` default. Every default is listed in ``defaults``.
    * Grid: the zone's intensity for ``profile.year or year``; the latest year when the table
      has none yet (noted).
    * Market-based: the contract's factor. With no contract: the NL list's
      ``stroom-onbekend`` factor in NL; elsewhere the grid average (GHG Protocol Scope 2
      hierarchy: no instrument, no residual mix available here), both listed in ``defaults``.
      The cloud region's CFE % is shown as information only (no double counting).
    * Off-site water: the zone's EWIF.

    Raises:
        ImpactError: the profile is not configured, or a lookup failed (unknown zone, year
            before the table, unknown contract).
    """
    from algoprint.impact import factors

    if not profile.configured or profile.zone is None:
        raise ImpactError(
            "no location configured: impacts need the grid zone the energy came from",
            hint="pass --location NL (ISO country code), or set zone in [location] in "
            "algoprint.toml, or ALGOPRINT_LOCATION",
        )
    zone = profile.zone
    defaults: list[str] = []
    notes: list[str] = []
    missing: dict[str, str] = {}

    def fallback(kind: str, getter: Any, unit_hint: str) -> FactorValue:
        for key in _default_key(profile):
            try:
                f = getter(key)
            except ImpactError:
                continue
            defaults.append(
                f"{kind} {f.value:g} {unit_hint} ({key} default, {f.source}); set {kind.lower()} "
                "in [location] or [datacentres.NAME] to use your datacentre's figure"
            )
            return _from_factor(f, "default")
        raise ImpactError(f"no default {kind} in the factor tables")

    if profile.pue is not None:
        origin = profile.sources.get("pue", "user")
        pue = FactorValue.exact(profile.pue, unit="1", source=origin, origin="user")
    else:
        pue = fallback("PUE", factors.pue_default, "")
    if profile.wue_onsite_l_per_kwh is not None:
        origin = profile.sources.get("wue", "user")
        wue = FactorValue.exact(profile.wue_onsite_l_per_kwh, unit="L/kWh", source=origin)
    else:
        wue = fallback("WUE", factors.wue_default, "L/kWh")

    run_year = profile.year or year
    g = factors.grid_intensity(zone, run_year)
    grid_note = None
    if g.latest_used or g.year_used != run_year:
        grid_note = (
            f"grid intensity of {zone} for {run_year} not yet in the table; "
            f"{g.year_used} (latest available) used"
        )
        notes.append(grid_note)
    grid = _from_factor(g, "table", grid_note)

    contract = profile.contract or "unknown"
    market: FactorValue | None
    if contract in {"unknown", ""}:
        if zone == "NL":
            m = factors.market_factor("stroom-onbekend", run_year)
            defaults.append(
                f"market-based: no contract configured, NL 'stroom onbekend' factor "
                f"{m.value:g} g/kWh used; set contract in [location] (e.g. 'groen-gvo')"
            )
            market = _from_factor(m, "default")
        else:
            defaults.append(
                f"market-based: no contract configured and no residual mix for {zone}; the "
                "grid average is used (GHG Protocol Scope 2 hierarchy); set contract in "
                "[location]"
            )
            market = replace(grid, origin="default")
    else:
        market = _from_factor(factors.market_factor(contract, run_year), "table")
    if profile.cfe_pct is not None:
        notes.append(
            f"cloud region carbon-free energy {profile.cfe_pct:g} % is information only: it "
            "is not subtracted from either CO2e figure (no double counting)"
        )
    if profile.ref is not None:
        notes.append(
            f"datacentre REF {profile.ref:g} is information only; market-based CO2e follows "
            "the contract"
        )
    offsite = _from_factor(factors.water_intensity(zone), "table")
    return ResolvedFactors(
        pue=pue,
        grid_g_per_kwh=grid,
        market_g_per_kwh=market,
        wue_onsite_l_per_kwh=wue,
        water_offsite_l_per_kwh=offsite,
        missing=missing,
        defaults=tuple(defaults),
        notes=tuple(notes),
    )
