"""``algoprint where``: compare locations for one workload, or check one profile (dat-06).

Thin over :func:`algoprint.advice.location.compare_locations` and
:func:`algoprint.advice._greenwash.check_greenwashing`; docs/datacentres.md has the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import click

from algoprint.cli._common import db_option, json_option, open_store_for, print_json
from algoprint.cli._options import YEAR, bounded_float, complete_algorithms, lang_option
from algoprint.errors import InputError

DAY_S = 86400.0
YEAR_S = 365 * DAY_S


def _extra() -> Mapping[str, Any]:
    from algoprint.config import load_settings

    return load_settings().extra


def yearly_energy_of(store: Any, algorithm: str, *, now: dt.datetime | None = None) -> Any:
    """The workload of ``algorithm``: its stored runs of the last 365 days, summed, and
    scaled up to a year when they span less (said on stderr).

    Raises:
        InputError: no run of the algorithm with a measured total in the last 365 days.
    """
    from algoprint.advice.location import Workload

    end = now or dt.datetime.now(dt.UTC)
    runs = store.list_runs(algorithm=algorithm, since=end - dt.timedelta(days=365))
    measured = [r for r in runs if r.energy_j is not None]
    gaps = len(runs) - len(measured)
    if not measured:
        raise InputError(
            f"no run of {algorithm!r} with a measured energy in the last 365 days"
            + (f" ({gaps} run(s) with a meter gap)" if gaps else ""),
            hint=f"measure one with: algoprint run --algorithm {algorithm} -- CMD, "
            "or give the yearly energy with --energy-kwh N",
        )
    total_j = sum(r.energy_j for r in measured)
    weighted = sum(r.energy_j * (r.uncertainty_rel or 0.0) for r in measured)
    uncertainty = weighted / total_j if total_j > 0 else 0.0
    first = min(dt.datetime.fromisoformat(r.started_at) for r in measured)
    last = max(
        dt.datetime.fromisoformat(r.ended_at or r.started_at)
        + (dt.timedelta(0) if r.ended_at else dt.timedelta(seconds=r.duration_s))
        for r in measured
    )
    span_s = max((last - first).total_seconds(), sum(r.duration_s for r in measured), 1.0)
    per_year = total_j
    text = f"{len(measured)} run(s) of {algorithm} in the last 365 days: {total_j / 3.6e6:.4g} kWh"
    if span_s < YEAR_S:
        factor = YEAR_S / span_s
        per_year = total_j * factor
        text += (
            f" over {_span(span_s)}, scaled ×{factor:,.3g} to a year = {per_year / 3.6e6:,.4g} "
            "kWh (assumes it keeps running like this; give --energy-kwh for a known volume)"
        )
    if gaps:
        text += f"; {gaps} run(s) without a total (meter gap) left out"
    click.echo(f"algoprint: {text}", err=True)
    return Workload(per_year, uncertainty_rel=uncertainty, label=algorithm)


def _span(seconds: float) -> str:
    if seconds >= DAY_S:
        return f"{seconds / DAY_S:.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds:.0f} s"


def _claims(name: str, extra: Mapping[str, Any], year: int | None) -> Any:
    from algoprint.advice._greenwash import claims_from_profile, claims_from_table
    from algoprint.advice.location import parse_candidate

    tables = extra.get("datacentres") or {}
    if name in tables:
        table = tables[name]
        if not isinstance(table, Mapping):
            raise InputError(f"[datacentres.{name}] in the config must be a table")
        return claims_from_table(name, table, year=year)
    shipped = name.removeprefix("dc:")
    if "/" not in shipped and "@" not in shipped:
        from algoprint.advice._greenwash import claims_from_shipped
        from algoprint.errors import ImpactError

        try:
            return claims_from_shipped(shipped, year=year)
        except ImpactError:
            pass  # not a shipped profile: a country, region or NAME/ZONE below
    candidate = parse_candidate(name, extra)
    return candidate.claims or claims_from_profile(candidate.profile, name=candidate.label)


@click.command("where", short_help="Compare datacentres, regions and countries for a workload.")
@click.argument("candidates", nargs=-1, metavar="CANDIDATE...")
@click.option(
    "--energy-kwh",
    type=bounded_float(0, 1e9, min_open=True, unit="kWh"),
    metavar="N",
    help="IT energy of the workload per year, kWh.",
)
@click.option(
    "--algorithm",
    "-a",
    metavar="SLUG",
    shell_complete=complete_algorithms,
    help="Take the yearly energy from this algorithm's stored runs (and store the comparison "
    "as its dat-06 evidence).",
)
@click.option(
    "--rank-by",
    type=click.Choice(["co2e_location", "co2e_market", "water", "co2e_total"]),
    default="co2e_location",
    show_default=True,
    help="What to rank on (location-based CO2e reflects the electricity drawn).",
)
@click.option("--year", type=YEAR, help="Grid year (default: this year).")
@click.option(
    "--check",
    metavar="NAME",
    help="Check one datacentre or region profile for greenwashing instead of comparing.",
)
@lang_option
@db_option
@json_option
def where(
    candidates: tuple[str, ...],
    energy_kwh: float | None,
    algorithm: str | None,
    rank_by: str,
    year: int | None,
    check: str | None,
    lang: str,
    db: str | None,
    as_json: bool,
) -> None:
    """Compare where to run a workload: yearly CO2e, water and flags per location (dat-06).

    \b
    CANDIDATE is one of:
      NL                 a country (its grid; default PUE and WUE)
      gcp:europe-west4   a cloud region (provider default PUE and WUE)
      NAME or dc:NAME    your [datacentres.NAME] table, else a shipped profile
      aws-fleet/IE       a profile without a country, placed in one
      DE@groen-gvo       any of these with an electricity contract

    \b
    algoprint where NL SE gcp:europe-west4 --energy-kwh 12000
    algoprint where NL ons-dc --algorithm churn-model
    algoprint where --check ons-dc

    --check exits with status 1 when a flag has severity error (impossible figures, DCiE
    below 50 %, a missing EED report), so it can guard a CI job.
    """
    extra = _extra()
    if check is not None:
        if candidates or energy_kwh is not None or algorithm is not None:
            raise InputError(
                "--check takes one profile and no candidates, --energy-kwh or --algorithm",
                hint="algoprint where --check NAME",
            )
        _check(check, extra, year, lang, as_json)
        return
    if not candidates:
        raise InputError(
            "no candidates given",
            hint="e.g. algoprint where NL SE gcp:europe-west4 --energy-kwh 1000",
        )
    if (energy_kwh is None) == (algorithm is None):
        raise InputError(
            "give the workload with exactly one of --energy-kwh or --algorithm",
            hint="--energy-kwh 1200 (IT energy per year) or --algorithm SLUG (its stored runs)",
        )
    from algoprint.advice.location import Workload, compare_locations

    store = None
    if algorithm is not None:
        store = open_store_for(db)
        workload = yearly_energy_of(store, algorithm)
    else:
        assert energy_kwh is not None
        workload = Workload.from_kwh(energy_kwh)
    result = compare_locations(
        workload,
        list(candidates),
        settings_extra=extra,
        year=year,
        rank_by=rank_by,
        store=store,
        algorithm=algorithm,
    )
    if store is not None:
        click.echo(f"algoprint: stored as dat-06 evidence for {algorithm}", err=True)
    if as_json:
        print_json(result.to_dict())
        return
    for line in result.render(lang):
        click.echo(line)


def _grid_line(zone: str | None, year: int | None, lang: str) -> str | None:
    """The grid intensity the checks used, with the year actually used (not only asked)."""
    if zone is None:
        return None
    from algoprint.errors import AlgoprintError
    from algoprint.impact import factors

    try:
        g = factors.grid_intensity(zone, year)
    except AlgoprintError:
        return None
    used = getattr(g, "year_used", None)
    if lang == "nl":
        return (
            f"net {zone}: {g.value:.0f} g CO2e/kWh (jaar {used}; bron: {g.source.split(' (')[0]})"
        )
    return f"grid {zone}: {g.value:.0f} g CO2e/kWh (year {used}; source: {g.source.split(' (')[0]})"


_KINDS_NL = {"datacentre": "datacenter", "cloud-region": "cloudregio", "country": "land"}
_SOURCES_NL = (
    ("location profile", "locatieprofiel"),
    ("shipped profile", "meegeleverd profiel"),
    ("config", "configuratie"),
    ("profile", "profiel"),
)


def _check(name: str, extra: Mapping[str, Any], year: int | None, lang: str, as_json: bool) -> None:
    from algoprint.advice._greenwash import check_greenwashing

    claims = _claims(name, extra, year)
    flags = check_greenwashing(claims)
    if as_json:
        print_json({"claims": claims.to_dict(), "flags": [f.to_dict() for f in flags]})
        if any(f.severity == "error" for f in flags):
            raise click.exceptions.Exit(1)
        return
    from algoprint.advice._greenwash_more import flag_lines

    kind, source = claims.kind, claims.source or "profile"
    if lang == "nl":
        kind = _KINDS_NL.get(kind, kind)
        for english, dutch in _SOURCES_NL:
            source = source.replace(english, dutch)
    click.echo(f"{claims.name} ({kind}, {source}):")
    grid = _grid_line(claims.zone, year, lang)
    if grid:
        click.echo(f"  {grid}")
    if not flags:
        click.echo("  no flags" if lang != "nl" else "  geen signaleringen")
    for f in flags:
        for line in flag_lines(f, lang):
            click.echo(line)
    if any(f.severity == "error" for f in flags):
        raise click.exceptions.Exit(1)
