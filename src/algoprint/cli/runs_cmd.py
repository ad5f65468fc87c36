"""``runs``, ``show`` and ``doctor``."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from algoprint.cli._common import db_option, json_option, open_store_for, print_json
from algoprint.cli._location import location_options
from algoprint.cli._options import complete_algorithms

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
@click.option(
    "--limit", "-n", type=click.IntRange(min=1, max=MAX_LIST), default=50, show_default=True
)
@db_option
@json_option
def runs(algorithm: str | None, limit: int, db: str | None, as_json: bool) -> None:
    """List stored runs, newest first."""
    store = open_store_for(db)
    records = store.list_runs(algorithm=algorithm, limit=limit)
    if as_json:
        print_json([r.to_dict() for r in records])
        return
    if not records:
        hint = f" for algorithm {algorithm!r}" if algorithm else ""
        click.echo(f"No runs stored{hint}. Measure one with: algoprint run -- CMD ARGS...")
        return
    from algoprint.cli._render import runs_table

    Console(highlight=False).print(runs_table(records))


@click.command("show")
@click.argument("run_id")
@location_options
@db_option
@json_option
def show(
    run_id: str,
    location: str | None,
    cloud: str | None,
    region: str | None,
    datacentre: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """Show one run (RUN_ID may be a unique prefix of at least 6 characters).

    CO2e and water are computed now from the stored energy, for the location given by the
    options, the algorithm's registered location, ALGOPRINT_LOCATION or [location] (in that
    order); stored runs keep energy only, so new factors apply to old runs.
    """
    from algoprint.cli._location import (
        impact_fields,
        print_run_impacts,
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
    from algoprint.cli._render import run_summary

    run_summary(record, stderr=False)
    print_run_impacts(doc, profile, stderr=False)


@click.command("doctor")
@json_option
def doctor(as_json: bool) -> None:
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

    console = Console(highlight=False)
    host = found.host
    console.print(
        f"[bold]This machine[/bold]: {escape(str(host.get('cpu_model') or 'unknown CPU'))}, "
        f"{host.get('vcpus_available', '?')} vCPUs and "
        f"{host.get('memory_gb_available', '?')} GB memory available to this process"
    )
    table = Table(show_edge=False, pad_edge=False, show_lines=True)
    table.add_column("source")
    table.add_column("status")
    table.add_column("method")
    table.add_column("what it sees, and how to do better", overflow="fold")
    used = {m.name for m in found.meters}
    for s in found.statuses:
        status = (
            "[green]used[/green]"
            if s.name in used
            else ("[yellow]not needed[/yellow]" if s.available else "[red]unavailable[/red]")
        )
        text = escape(s.detail)
        if s.hint:
            text += f"\n[dim]hint:[/dim] {escape(s.hint)}"
        table.add_row(s.name, status, s.method.value if s.method else "", text)
    console.print(table)
    if not found.meters:
        console.print("[red]No energy source can be measured here.[/red]")
        sys.exit(1)
