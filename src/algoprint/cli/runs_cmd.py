"""``runs``, ``show`` and ``doctor``."""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.console import Console

from algoprint.cli._common import db_option, json_option, open_store_for, print_json
from algoprint.cli._location import location_options
from algoprint.cli._options import bounded_int, complete_algorithms, lang_option_en, wide_option

MAX_LIST = 1_000_000
"""Most runs one listing shows (bounds -n: the database cannot take arbitrary integers)."""


@click.command("runs")
@click.option(
    "--algorithm",
    "-a",
    metavar="SLUG",
    shell_complete=complete_algorithms,
    help="Only runs of this algorithm.",
)
@click.option("--limit", "-n", type=bounded_int(1, MAX_LIST), default=50, show_default=True)
@db_option
@json_option
@lang_option_en
@wide_option
def runs(
    algorithm: str | None, limit: int, db: str | None, as_json: bool, lang: str, wide: bool
) -> None:
    """List stored runs, newest first (fits 80 columns; full times and ids in --json, the
    energy's uncertainty with --wide)."""
    store = open_store_for(db)
    records = store.list_runs(algorithm=algorithm, limit=limit)
    if as_json:
        print_json([r.to_dict() for r in records])
        return
    if not records:
        t = _TEXT[lang]
        hint = t["for_algorithm"].format(algorithm=algorithm) if algorithm else ""
        click.echo(t["no_runs"].format(hint=hint))
        return
    from algoprint.cli._render import runs_table

    Console(highlight=False).print(runs_table(records, lang, wide))


@click.command("show")
@click.argument("run_id")
@location_options
@db_option
@json_option
@lang_option_en
@wide_option
def show(
    run_id: str,
    location: str | None,
    cloud: str | None,
    region: str | None,
    datacentre: str | None,
    db: str | None,
    as_json: bool,
    lang: str,
    wide: bool,
) -> None:
    """Show one run (RUN_ID may be a unique prefix of at least 6 characters).

    CO2e and water are computed now from the stored energy, for the location given by the
    options, the algorithm's registered location, ALGOPRINT_LOCATION or [location] (in that
    order); stored runs keep energy only, so new factors apply to old runs. --wide adds the
    ~95 % intervals.
    """
    from algoprint.cli._location import (
        impact_fields,
        registered_location,
        resolve_cli_location,
        run_impacts,
    )
    from algoprint.config import load_settings

    store = open_store_for(db)
    record = store.get_run(run_id)
    extra = load_settings().extra
    profile = resolve_cli_location(
        extra,
        location=location,
        cloud=cloud,
        region=region,
        datacentre=datacentre,
        registered=registered_location(store, record.algorithm, extra),
    )
    doc = run_impacts(record, profile, extra)
    if as_json:
        print_json({**record.to_dict(), **impact_fields(doc, profile)})
        return
    from algoprint.cli._render import print_run_impacts, run_summary

    run_summary(record, stderr=False, lang=lang)
    print_run_impacts(doc, profile, stderr=False, lang=lang, wide=wide)


@click.command("doctor")
@json_option
@lang_option_en
def doctor(as_json: bool, lang: str) -> None:
    """Tell what this machine can measure, how, and how to enable more."""
    from algoprint.config import load_settings
    from algoprint.meters import discover

    settings = load_settings()
    found = discover(settings, for_doctor=True)
    if as_json:
        print_json(
            {
                "host": found.host,
                "meters": [
                    {
                        "name": s.name,
                        "available": s.available,
                        "used": s.name in {m.name for m in found.meters},
                        "method": s.method.value if s.method else None,
                        "detail": s.detail,
                        "hint": s.hint,
                    }
                    for s in found.statuses
                ],
                "fallbacks": [d.message for d in found.degradations],
            }
        )
        return
    from rich.markup import escape
    from rich.table import Table

    from algoprint import _format
    from algoprint.cli._format import label
    from algoprint.report.labels import METER_METHOD_LABELS

    t = _TEXT[lang]
    console = Console(highlight=False)
    host = found.host
    console.print(
        t["machine"].format(
            cpu=escape(str(host.get("cpu_model") or t["unknown_cpu"])),
            vcpus=_format.number(host.get("vcpus_available"), lang, sig=2)
            .removesuffix(",0")
            .removesuffix(".0"),
            memory=_format.number(host.get("memory_gb_available"), lang),
        )
    )
    table = Table(show_edge=False, pad_edge=False, show_lines=True)
    for heading in t["columns"]:
        table.add_column(heading, overflow="fold")
    used = {m.name for m in found.meters}
    for s in found.statuses:
        status = (
            f"[green]{t['used']}[/green]"
            if s.name in used
            else (
                f"[yellow]{t['not_needed']}[/yellow]"
                if s.available
                else f"[red]{t['unavailable']}[/red]"
            )
        )
        text = escape(s.detail)
        if s.hint:
            text += f"\n[dim]{t['hint']}:[/dim] {escape(s.hint)}"
        method = label(METER_METHOD_LABELS, s.method.value, lang) if s.method else ""
        table.add_row(s.name, status, method, text)
    console.print(table)
    if not found.meters:
        console.print(f"[red]{t['nothing']}[/red]")
        sys.exit(1)


_TEXT: dict[str, dict[str, Any]] = {
    "nl": {
        "no_runs": "Geen runs opgeslagen{hint}. Meet er een met: algoprint run -- CMD ARGS...",
        "for_algorithm": " voor algoritme {algorithm!r}",
        "machine": "[bold]Deze machine[/bold]: {cpu}, {vcpus} vCPU's en {memory} GB geheugen "
        "beschikbaar voor dit proces",
        "unknown_cpu": "onbekende processor",
        "columns": ("bron", "status", "methode", "wat de bron ziet, en hoe het beter kan"),
        "used": "gebruikt",
        "not_needed": "niet nodig",
        "unavailable": "niet beschikbaar",
        "hint": "tip",
        "nothing": "Hier kan geen enkele energiebron gemeten worden.",
    },
    "en": {
        "no_runs": "No runs stored{hint}. Measure one with: algoprint run -- CMD ARGS...",
        "for_algorithm": " for algorithm {algorithm!r}",
        "machine": "[bold]This machine[/bold]: {cpu}, {vcpus} vCPUs and {memory} GB memory "
        "available to this process",
        "unknown_cpu": "unknown CPU",
        "columns": ("source", "status", "method", "what it sees, and how to do better"),
        "used": "used",
        "not_needed": "not needed",
        "unavailable": "unavailable",
        "hint": "hint",
        "nothing": "No energy source can be measured here.",
    },
}
