"""The factors of a location profile for a year, from the shipped tables."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from algoprint._format import number
from algoprint.errors import ImpactError
from algoprint.impact._profile import LocationProfile
from algoprint.impact._resolved import FactorValue, ResolvedFactors
from algoprint.impact.uncertainty import Interval

__all__ = ["factors_for_profile"]


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


MULTI_GRID_ZONES = frozenset({"US", "CA", "AU", "IN", "JP", "BR", "CN", "RU", "MX"})
"""Countries with several grids of very different intensity: without a regional figure the
country average gets the range of the provider-stated regional figures in that country."""


def _regional_grid(profile: LocationProfile, year: int, notes: list[str]) -> FactorValue | None:
    """Google's location-based grid factor of the region, where the table has one."""
    from algoprint.impact import factors

    if profile.cloud != "gcp" or not profile.region:
        return None
    try:
        cr = factors.cloud_region("gcp", profile.region, year)
    except ImpactError:
        return None  # a year before Google's table: the country average is used
    if cr.grid_g_per_kwh is None:
        return None
    v = cr.grid_g_per_kwh
    rel = factors.GRID_REL_UNCERTAINTY
    notes.append(
        f"location-based CO2e uses Google's regional grid factor for gcp:{cr.region} "
        f"({number(v, 'en')} g/kWh, {cr.year}{', latest year' if cr.latest_used else ''}; "
        f"Google's basis: "
        f"{cr.grid_basis or 'not stated'}) instead of the {cr.zone} country average (life-cycle)"
    )
    return FactorValue(
        Interval(v, v * (1 - rel), v * (1 + rel)),
        unit="g/kWh",
        source=f"{cr.source} (gcp:{cr.region}, {cr.year})",
        origin="table",
        licence=cr.licence,
        vintage=str(cr.year or ""),
        note="provider-stated regional location-based factor",
    )


def _widened_grid(grid: FactorValue, zone: str, notes: list[str]) -> FactorValue:
    """For a country with several grids, widen the interval to its regional figures' range."""
    from algoprint.impact import factors

    if zone not in MULTI_GRID_ZONES:
        return grid
    regional = [r.grid_g_per_kwh for r in factors.cloud_regions("gcp") if r.zone == zone]
    values = [v for v in regional if v is not None]
    if len(values) < 2:
        return grid
    g = grid.interval
    low, high = min(g.low, *values), max(g.high, *values)
    notes.append(
        f"{zone} has several grids: the grid intensity's interval is widened to "
        f"{low:.0f}-{high:.0f} g/kWh, the range of Google's regional figures in {zone}; give "
        "a cloud region or your own grid intensity to narrow it"
    )
    return replace(grid, interval=Interval(g.value, low, high))


def _default_key(profile: LocationProfile) -> list[str]:
    return ([f"provider:{profile.cloud}"] if profile.cloud else []) + ["unknown"]


def factors_for_profile(profile: LocationProfile, *, year: int) -> ResolvedFactors:
    """Resolve the factors of ``profile`` for ``year`` from the shipped tables.

    Rules (docs/impact-method.md):

    * PUE and on-site WUE: the profile's value (exact); else the provider default for a cloud
      profile; else the ``unknown`` default. Every default is listed in ``defaults``.
    * Grid: the zone's intensity for ``profile.year or year``; the latest year when the table
      has none yet (noted).
    * Market-based: an explicit ``market_g_per_kwh`` (the supplier's figure); else the
      contract's factor. With no contract: the NL list's
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
                f"{kind} {number(f.value, 'en')} {unit_hint} ({key} default, {f.source}); "
                f"set {kind.lower()} "
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
    grid = _regional_grid(profile, run_year, notes) or _widened_grid(
        _from_factor(g, "table", grid_note), zone, notes
    )

    contract = profile.contract or "unknown"
    market: FactorValue | None
    if profile.market_g_per_kwh is not None:
        where = profile.sources.get("market_g_per_kwh", "user")
        market = FactorValue.exact(
            profile.market_g_per_kwh,
            unit="g/kWh",
            source=f"{where}: market_g_per_kwh (the user's figure for contract {contract!r})",
            origin="user",
        )
    elif contract in {"unknown", ""}:
        if zone == "NL":
            m = factors.market_factor("stroom-onbekend", run_year)
            defaults.append(
                f"market-based: no contract configured, NL 'stroom onbekend' factor "
                f"{number(m.value, 'en')} g/kWh (tank-to-wheel) used; set contract in "
                "[location] (e.g. "
                "'groen-gvo')"
            )
            market = _from_factor(m, "default")
            wtt_key: str | None = "stroom-onbekend"
        else:
            defaults.append(
                f"market-based: no contract configured and no residual mix for {zone}; the "
                "grid average is used (GHG Protocol Scope 2 hierarchy); set contract in "
                "[location]"
            )
            market = replace(grid, origin="default")
            wtt_key = None
    else:
        market = _from_factor(factors.market_factor(contract, run_year), "table")
        wtt_key = contract
    market_wtt: FactorValue | None = None
    if profile.market_g_per_kwh is not None:
        missing["market_wtt_intensity"] = (
            "a user-given market factor has no well-to-tank part; add the supplier's chain "
            "figure for scope 3 category 3"
        )
    elif wtt_key is None:
        missing["market_wtt_intensity"] = (
            f"no contract chain (well-to-tank) factor for {zone}; the location-based grid "
            "intensity is life-cycle and already includes the chain"
        )
    else:
        try:
            market_wtt = _from_factor(factors.market_factor(wtt_key, run_year, part="wtt"), "table")
        except ImpactError as e:
            missing["market_wtt_intensity"] = e.message
    if profile.cfe_pct is not None:
        notes.append(
            f"cloud region carbon-free energy {number(profile.cfe_pct, 'en')} % is information "
            "only: it "
            "is not subtracted from either CO2e figure (no double counting)"
        )
    if profile.ref is not None:
        notes.append(
            f"datacentre REF {number(profile.ref, 'en')} is information only; market-based "
            "CO2e follows "
            "the contract"
        )
    offsite = _from_factor(factors.water_intensity(zone), "table")
    return ResolvedFactors(
        pue=pue,
        grid_g_per_kwh=grid,
        market_g_per_kwh=market,
        market_wtt_g_per_kwh=market_wtt,
        wue_onsite_l_per_kwh=wue,
        water_offsite_l_per_kwh=offsite,
        missing=missing,
        defaults=tuple(defaults),
        notes=tuple(notes),
    )
