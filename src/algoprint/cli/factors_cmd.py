"""``algoprint factors``: the shipped impact factors, listed per kind.

Thin: the figures come from :mod:`algoprint.impact.factors`; this module parses, resolves the
location (``_location``) and prints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from algoprint import _format
from algoprint.cli._common import json_option, print_json
from algoprint.cli._location import (
    location_options,
    resolve_cli_location,
    where_text,
)
from algoprint.cli._options import YEAR, lang_option_en, wide_option
from algoprint.errors import ImpactError, InputError

_LANG: ContextVar[str] = ContextVar("factors_lang", default="en")
"""The output language of this call of the command (``--lang``)."""


def _n(value: float, sig: int = 3) -> str:
    """A figure for the table: the one formatter (never an exponent), in ``--lang``."""
    return _format.number(value, _LANG.get(), sig)


def _g(value: float) -> str:
    """A figure as short as it can be (``3``, ``1.5``), never an exponent."""
    lang = _LANG.get()
    text = _format.number(value, lang, 6)
    point = "," if lang == "nl" else "."
    return text.rstrip("0").rstrip(point) if point in text else text


KINDS = ("grid", "water", "embodied", "pue", "cloud", "market", "datacentre", "llm")
_ZONED = {"grid", "water", "cloud", "datacentre"}


def _extra() -> Mapping[str, Any]:
    from algoprint.config import load_settings

    return load_settings().extra


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _range(f: Any) -> str:
    if f.low == f.high == f.value:
        return _exact()
    return f"{_n(f.low)}–{_n(f.high)}"


def _exact() -> str:
    return "exact"  # the same word in Dutch and English


Row = tuple[dict[str, Any], list[str], str]
"""(JSON row, table cells, source text) of one listed factor."""


def _grid_rows(zone: str | None, year: int | None) -> list[Row]:
    from algoprint.impact import factors

    zones = [zone] if zone else [z for z in factors.grid_zones()]
    rows: list[Row] = []
    for z in zones:
        try:
            g = factors.grid_intensity(z, year)
        except ImpactError as e:
            if zone:
                raise
            rows.append(({"zone": z, "error": e.message}, [z, "—", "—", "—", e.message], ""))
            continue
        note = g.note or ""
        rows.append(
            (
                dataclasses.asdict(g),
                [z, str(g.year_used), _g(g.value), _range(g), note],
                f"{g.source} ({g.licence})",
            )
        )
    return rows


def _water_rows(zone: str | None) -> list[Row]:
    from algoprint.impact import factors

    zones = [zone] if zone else sorted(factors._water())
    rows: list[Row] = []
    for z in zones:
        w = factors.water_intensity(z)
        rows.append(
            (
                {"zone": z, **dataclasses.asdict(w)},
                [z, f"{_n(w.value)}", _range(w), w.note or ""],
                f"{w.source} ({w.licence})",
            )
        )
    return rows


def _pue_rows() -> list[Row]:
    from algoprint.impact import factors

    rows: list[Row] = []
    for key in factors.pue_keys():
        p = factors.pue_default(key)
        try:
            w = factors.wue_default(key)
            wue, wue_range, wue_json = f"{_n(w.value)}", _range(w), dataclasses.asdict(w)
        except ImpactError:
            wue, wue_range, wue_json = "—", "no sourced WUE", None
        rows.append(
            (
                {"key": key, "pue": dataclasses.asdict(p), "wue_l_per_kwh": wue_json},
                [key, f"{_n(p.value)}", _range(p), wue, wue_range],
                f"{p.source} ({p.licence})",
            )
        )
    return rows


def _market_rows(year: int | None) -> list[Row]:
    from algoprint.impact import factors

    rows: list[Row] = []
    for key in factors.market_contracts():
        meaning = factors.MARKET_CONTRACTS[key]
        try:
            m = factors.market_factor(key, year)
        except ImpactError as e:
            rows.append(
                (
                    {"contract": key, "meaning": meaning, "factor": None, "reason": e.message},
                    [f"{key}: {meaning}", "—", "—", "—", e.message],
                    "",
                )
            )
            continue
        parts: dict[str, Any] = {}
        for part in ("wtt", "wtw"):
            try:
                parts[part] = dataclasses.asdict(factors.market_factor(key, year, part=part))
            except ImpactError as e:
                parts[part] = {"reason": e.message}
        wtt = parts["wtt"].get("value")
        rows.append(
            (
                {
                    "contract": key,
                    "meaning": meaning,
                    "factor": dataclasses.asdict(m),
                    "basis": "tank-to-wheel (scope 2 market-based, ESRS E1-6)",
                    "well_to_tank": parts["wtt"],
                    "well_to_wheel": parts["wtw"],
                },
                [
                    f"{key}: {meaning}",
                    _n(m.value),
                    _range(m),
                    "—" if wtt is None else _n(wtt),
                    m.note or "",
                ],
                f"{m.source} ({m.licence})",
            )
        )
    return rows


def _cloud_rows(zone: str | None) -> list[Row]:
    from algoprint.impact import factors

    rows: list[Row] = []
    for r in factors.cloud_regions():
        if zone and (r.zone or "").upper() != zone:
            continue
        grid = "—" if r.grid_g_per_kwh is None else f"{r.grid_g_per_kwh:.4g}"
        cfe = "—" if r.cfe_pct is None else f"{_g(r.cfe_pct)} %"
        rows.append(
            (
                dataclasses.asdict(r),
                [f"{r.provider}:{r.region}", r.zone or "—", r.location_name, grid, cfe],
                f"{r.source} ({r.licence})",
            )
        )
    return rows


def _datacentre_rows(zone: str | None, extra: Mapping[str, Any]) -> list[Row]:
    from algoprint.impact import factors

    def num(v: Any) -> str:
        return "—" if v is None else f"{_g(v)}"

    rows: list[Row] = []
    for name, table in sorted((extra.get("datacentres") or {}).items()):
        t = table if isinstance(table, Mapping) else {}
        if zone and str(t.get("zone", "")).upper() != zone:
            continue
        rows.append(
            (
                {"key": name, "origin": "config", **{k: v for k, v in t.items()}},
                [name, "config", str(t.get("zone", "—")), num(t.get("pue")), num(t.get("wue"))],
                f"your config [datacentres.{name}]",
            )
        )
    for d in factors.datacentres():
        if zone and (d.zone or "").upper() != zone:
            continue
        rows.append(
            (
                {"origin": "shipped", **dataclasses.asdict(d)},
                [d.key, d.kind, d.zone or "—", num(d.pue), num(d.wue_l_per_kwh)],
                f"{d.source} ({d.licence})",
            )
        )
    return rows


def _embodied_rows() -> list[Row]:
    from algoprint.impact import factors

    rows: list[Row] = []
    for e in factors.embodied_components():
        rows.append(
            (
                dataclasses.asdict(e),
                [
                    e.component,
                    e.parameter,
                    e.basis,
                    f"{_n(e.gwp_kg.value)}",
                    f"{_g(e.lifetime_years)}",
                ],
                f"{e.source} ({e.licence})",
            )
        )
    return rows


def _llm_rows() -> list[Row]:
    from algoprint.impact import factors

    def span(a: float, b: float) -> str:
        return f"{_g(a)}" if a == b else f"{_g(a)}–{_g(b)}"

    rows: list[Row] = []
    for m in factors.llm_models():
        rows.append(
            (
                dataclasses.asdict(m),
                [
                    m.provider,
                    m.name,
                    span(m.total_params_b_min, m.total_params_b_max),
                    span(m.active_params_b_min, m.active_params_b_max),
                    ", ".join(m.warnings),
                ],
                f"{m.source} ({m.licence})",
            )
        )
    return rows


_HEADERS: dict[str, list[str]] = {
    "grid": ["zone", "year", "g CO2e/kWh", "range", "note"],
    "water": ["zone", "L/kWh (off site)", "range", "note"],
    "pue": ["key", "PUE", "range", "WUE L/kWh", "range"],
    "market": ["contract", "TTW g/kWh (scope 2)", "range", "WTT g/kWh (scope 3.3)", "note"],
    "cloud": ["region", "zone", "location", "grid g/kWh", "CFE"],
    "datacentre": ["name", "kind", "zone", "PUE", "WUE L/kWh"],
    "embodied": ["component", "parameter", "basis", "kg CO2e", "lifetime y"],
    "llm": ["provider", "model", "total params (B)", "active params (B)", "warnings"],
}


def _listing(kind: str, zone: str | None, year: int | None) -> list[Row]:
    makers: dict[str, Callable[[], list[Row]]] = {
        "grid": lambda: _grid_rows(zone, year),
        "water": lambda: _water_rows(zone),
        "pue": _pue_rows,
        "market": lambda: _market_rows(year),
        "cloud": lambda: _cloud_rows(zone),
        "datacentre": lambda: _datacentre_rows(zone, _extra()),
        "embodied": _embodied_rows,
        "llm": _llm_rows,
    }
    return makers[kind]()


_HEADERS_NL: dict[str, list[str]] = {
    "grid": ["zone", "jaar", "g CO2e/kWh", "bereik", "opmerking"],
    "water": ["zone", "L/kWh (elders)", "bereik", "opmerking"],
    "pue": ["sleutel", "PUE", "bereik", "WUE L/kWh", "bereik"],
    "market": ["contract", "TTW g/kWh (scope 2)", "bereik", "WTT g/kWh (scope 3.3)", "opmerking"],
    "cloud": ["regio", "zone", "locatie", "net g/kWh", "CFE"],
    "datacentre": ["naam", "soort", "zone", "PUE", "WUE L/kWh"],
    "embodied": ["onderdeel", "parameter", "basis", "kg CO2e", "levensduur j"],
    "llm": ["aanbieder", "model", "parameters totaal (mld.)", "actief (mld.)", "waarschuwingen"],
}

_TEXT: dict[str, dict[str, Any]] = {
    "nl": {
        "sources": "bronnen",
        "note": "let op",
        "no_rows": "Geen {kind}-rijen voor zone {zone}.",
        "title": "Factoren voor {where} in {year}",
        "set": "factorset",
        "columns": ("factor", "waarde", "bereik", "eenheid", "herkomst", "peiljaar", "bron"),
        "wide": "bereiken (~95 %): --wide",
    },
    "en": {
        "sources": "sources",
        "note": "note",
        "no_rows": "No {kind} rows for zone {zone}.",
        "title": "Factors for {where} in {year}",
        "set": "factor set",
        "columns": ("factor", "value", "range", "unit", "origin", "vintage", "src"),
        "wide": "ranges (~95 %): --wide",
    },
}


def _keep(headers: Sequence[str], lang: str, wide: bool) -> list[int]:
    """The columns shown: the range columns only with ``--wide`` (80 columns otherwise)."""
    hidden = {"range", "bereik"}
    return [i for i, h in enumerate(headers) if wide or h not in hidden]


def _print_listing(kind: str, rows: Sequence[Row], lang: str = "en", wide: bool = False) -> None:
    t = _TEXT[lang]
    sources: list[str] = []
    headers = (_HEADERS_NL if lang == "nl" else _HEADERS)[kind]
    keep = _keep(headers, lang, wide)
    table = Table(show_edge=False, pad_edge=False)
    for i in keep:
        table.add_column(headers[i], overflow="fold")
    table.add_column(t["columns"][-1], overflow="fold")
    for _, cells, source in rows:
        ref = ""
        if source:
            if source not in sources:
                sources.append(source)
            ref = f"[{sources.index(source) + 1}]"
        table.add_row(*[cells[i] for i in keep], ref)
    console = _console()
    console.print(table)
    if len(keep) < len(headers):
        console.print(t["wide"], markup=False)
    if sources:
        console.print(f"\n{t['sources']}:")
        for i, s in enumerate(sources, start=1):
            console.print(f"  [{i}] {s}", markup=False)


@click.command("factors")
@location_options
@click.option("--year", type=YEAR, metavar="YEAR", help="Year of the grid factor.")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    help="List one table instead of the factors for your location.",
)
@json_option
@lang_option_en
@wide_option
def factors_command(
    location: str | None,
    cloud: str | None,
    region: str | None,
    datacentre: str | None,
    year: int | None,
    kind: str | None,
    as_json: bool,
    lang: str,
    wide: bool,
) -> None:
    """Show the impact factors that will be used, with their sources.

    Without --kind: the PUE, grid intensity (location-based), contract factor (market-based),
    on-site WUE and off-site water of your location for YEAR (default this year; the latest
    year in the table is used, and said, when YEAR is newer). With --kind: one shipped table
    (filtered by --zone where it has zones). docs/reference-data.md describes every table.
    The ranges (~95 %) are shown with --wide and are always in --json.
    """
    _LANG.set(lang)
    t = _TEXT[lang]
    if kind is not None:
        if cloud or region or datacentre:
            raise InputError(
                "--kind lists a table; --cloud/--region/--datacentre do not apply",
                hint="filter by country with --zone, or drop --kind to see your location",
            )
        zone = location.strip().upper() if location else None
        if zone and kind not in _ZONED:
            raise InputError(
                f"--zone does not apply to --kind {kind}",
                hint=f"tables with zones: {', '.join(sorted(_ZONED))}",
            )
        rows = _listing(kind, zone, year)
        if as_json:
            print_json([r[0] for r in rows])
        elif not rows:
            click.echo(t["no_rows"].format(kind=kind, zone=zone))
        else:
            _print_listing(kind, rows, lang, wide)
        return
    from algoprint.impact.location import factors_for_profile
    from algoprint.refdata import FACTOR_VERSION

    profile = resolve_cli_location(
        _extra(), location=location, cloud=cloud, region=region, datacentre=datacentre
    )
    used_year = year or dt.date.today().year
    resolved = factors_for_profile(profile, year=used_year)
    named = {k: v.to_dict() for k, v in resolved.named().items()}
    if as_json:
        print_json(
            {
                "location": profile.to_dict(),
                "year": used_year,
                "factor_version": FACTOR_VERSION,
                "factors": named,
                "missing": dict(resolved.missing),
                "defaults": list(resolved.defaults),
                "notes": list(resolved.notes),
            }
        )
        return
    console = _console()
    title = t["title"].format(where=where_text(profile, lang), year=used_year)
    console.print(f"[bold]{title}[/bold] ({t['set']} {FACTOR_VERSION})")
    keep = _keep(t["columns"], lang, wide)
    table = Table(show_edge=False, pad_edge=False)
    for i in keep:
        table.add_column(t["columns"][i], overflow="fold")
    sources: list[str] = []
    for name, f in named.items():
        source = f"{f['source']}" + (f" ({f['licence']})" if f.get("licence") else "")
        if source not in sources:
            sources.append(source)
        rng = _exact() if f["low"] == f["high"] == f["value"] else f"{_n(f['low'])}–{_n(f['high'])}"
        cells = [
            name,
            _g(f["value"]),
            rng,
            f["unit"],
            _origin(f["origin"], lang),
            str(f.get("vintage", "")),
            f"[{sources.index(source) + 1}]",
        ]
        table.add_row(*[cells[i] for i in keep])
    console.print(table)
    if not wide:
        console.print(t["wide"], markup=False)
    console.print(f"\n{t['sources']}:")
    for i, s in enumerate(sources, start=1):
        console.print(f"  [{i}] {s}", markup=False)
    for line in [*resolved.defaults, *resolved.notes]:
        console.print(f"  {t['note']}: {line}", markup=False)


def _origin(origin: str, lang: str) -> str:
    """Where a factor came from (``table``, ``default``, ...), in ``lang``."""
    words = {"default": "standaard", "table": "tabel", "configured": "ingesteld"}
    return words.get(origin, origin) if lang == "nl" else origin
