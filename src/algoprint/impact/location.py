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

from collections.abc import Mapping
from typing import Any

from algoprint.errors import ImpactError
from algoprint.impact._location_checks import (
    _certifications,
    _check_datacentre_extras,
    _check_fraction,
    _check_keys,
    _check_market,
    _check_wue,
    _date,
    _evidence,
    _number,
    _pue_from,
    _zone,
)
from algoprint.impact._profile import (
    DATACENTRE_KEYS,
    LOCATION_KEYS,
    PUE_BASES,
    RENEWABLE_BASES,
    EvidenceLink,
    LocationProfile,
)
from algoprint.impact._profile_factors import factors_for_profile

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


def default_location(zone: str = "NL") -> LocationProfile:
    """The profile used when nothing is configured and the CLI has said so plainly.

    Only the zone is set; PUE, WUE and contract then take their recorded defaults.

    Raises:
        ImpactError: unknown zone (the message lists the accepted zones).
    """
    code = _zone(zone, "default_location")
    return LocationProfile(zone=code, sources={"zone": "default"}, configured=True)


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
    if year_raw is None and env.get("year") is not None and not str(env["year"]).strip():
        raise ImpactError(
            "ALGOPRINT_YEAR is empty",
            hint="set it to a year from 1990 to 2100, or leave it unset for this year",
        )
    year: int | None = None
    if year_raw is not None:
        number = _number("year", year_raw, sources["year"])
        if number != int(number) or not 1990 <= number <= 2100:
            raise ImpactError(
                f"year in {sources['year']} must be a whole year from 1990 to 2100, "
                f"got {year_raw!r}",
                hint="set the year of the grid factors (ALGOPRINT_YEAR, [location] year), "
                "e.g. 2024, or leave it unset for this year",
            )
        year = int(number)

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
    market_given = layered("market_g_per_kwh", _check_market)
    contract = layered("contract", lambda v, _w: str(v).strip().lower()) or "unknown"
    if dc:
        _check_datacentre_extras(dc, dc_where)
    evidence = _evidence(dc.get("evidence"), dc_where)
    ref = _check_fraction("ref", dc["ref"], dc_where) if dc.get("ref") is not None else None
    erf = _check_fraction("erf", dc["erf"], dc_where) if dc.get("erf") is not None else None
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
        market_g_per_kwh=market_given,
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
