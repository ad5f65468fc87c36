"""``algoprint kader status|show|set|history|export|import|goals|register-text``."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import click

from algoprint.cli._common import db_option, json_option, open_store_for, print_json
from algoprint.cli._options import (
    YEAR,
    StateChoice,
    complete_algorithms,
    complete_measures,
    lang_option,
    wrote,
)

_LANG = lang_option


def _extra() -> Any:
    from algoprint.config import load_settings

    return load_settings().extra


@click.group("kader")
def kader() -> None:
    """The seven Algoritmekader sustainability measures per algorithm."""


@kader.command("status")
@click.option(
    "--algorithm",
    "-a",
    metavar="SLUG",
    shell_complete=complete_algorithms,
    default=None,
    help="Only this algorithm.",
)
@_LANG
@db_option
@json_option
def status(algorithm: str | None, lang: str, db: str | None, as_json: bool) -> None:
    """The measures board: state and automatic evidence for each algorithm and measure."""
    from algoprint.kader.assessments import board, state_label

    store = open_store_for(db)
    rows = board(store, algorithm=algorithm, settings_extra=_extra())
    if as_json:
        print_json([r.to_dict(lang) for r in rows])
        return
    if not rows:
        click.echo("No algorithms registered. Add one with: algoprint algorithm add SLUG")
        return
    current = None
    for r in rows:
        if r.algorithm.slug != current:
            current = r.algorithm.slug
            click.echo(f"\n{r.algorithm.name} ({current})")
        a = r.assessment
        head = f"  {a.measure:<7} {state_label(a.state, lang):<14} {r.evidence.label(lang)}"
        click.echo(head)
        detail = "; ".join(e.summary(lang) for e in r.evidence.evidence)
        if detail:  # wrapped to the terminal, under the measure
            width = max(40, shutil.get_terminal_size((80, 24)).columns - 1)
            click.echo(
                textwrap.fill(detail, width, initial_indent=" " * 10, subsequent_indent=" " * 10)
            )


@kader.command("show")
@click.argument("measure_code", metavar="MEASURE", shell_complete=complete_measures)
@_LANG
@json_option
def show(measure_code: str, lang: str, as_json: bool) -> None:
    """The text of MEASURE (e.g. mon-06) from the Algoritmekader, with attribution."""
    from algoprint.kader.catalogue import measure

    m = measure(measure_code)
    if as_json:
        print_json({"code": m.code, "urn": m.urn, "title": m.title(lang), "text": m.text(lang)})
        return
    click.echo(m.text(lang))


@kader.command("set")
@click.argument("algorithm", shell_complete=complete_algorithms)
@click.argument("measure_code", metavar="MEASURE", shell_complete=complete_measures)
@click.option(
    "--state",
    type=StateChoice(),
    default=None,
    help="New state: te-doen, in-uitvoering, ter-review, gereed, niet-van-toepassing; English "
    "labels (to-do, in-progress, in-review, done, not-applicable) and AMT's not-implemented "
    "work too.",
)
@click.option("--note", default=None, help="Explanation (replaces the current one).")
@click.option("--reason", default=None, help="Why the measure does not apply (required then).")
@click.option("--responsible", default=None, help="Who carries it out.")
@click.option("--reviewer", default=None, help="Who reviews it.")
@click.option("--link", "links", multiple=True, metavar="URL", help="Add a link; repeatable.")
@click.option(
    "--attach",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Attach a file (max 5 MiB); repeatable.",
)
@click.option("--by", default=None, help="Who makes the change (default: your login name).")
@_LANG
@db_option
@json_option
def set_(
    algorithm: str,
    measure_code: str,
    state: str | None,
    note: str | None,
    reason: str | None,
    responsible: str | None,
    reviewer: str | None,
    links: tuple[str, ...],
    attach: tuple[Path, ...],
    by: str | None,
    lang: str,
    db: str | None,
    as_json: bool,
) -> None:
    """Change the assessment of MEASURE for ALGORITHM; every change is kept in the history."""
    from algoprint.kader.assessments import set_assessment, state_label

    store = open_store_for(db)
    result = set_assessment(
        store,
        algorithm,
        measure_code,
        state=state,
        note=note,
        reason=reason,
        responsible=responsible,
        reviewer=reviewer,
        links=links,
        attach=attach,
        by=by,
    )
    if as_json:
        print_json(result.to_dict(lang))
        return
    click.echo(f"{result.algorithm} {result.measure}: {state_label(result.state, lang)}")


@kader.command("history")
@click.argument("algorithm", shell_complete=complete_algorithms)
@click.argument(
    "measure_code", metavar="[MEASURE]", required=False, shell_complete=complete_measures
)
@_LANG
@db_option
@json_option
def history_(
    algorithm: str, measure_code: str | None, lang: str, db: str | None, as_json: bool
) -> None:
    """The changes of ALGORITHM's assessments (of one MEASURE), oldest first."""
    from algoprint.kader.assessments import history, state_label

    store = open_store_for(db)
    entries = history(store, algorithm, measure_code)
    files = store.assessment_file_rows(algorithm, measure_code)
    if as_json:
        print_json(
            {
                "history": [e.to_dict() for e in entries],
                "files": [{k: v for k, v in f.items()} for f in files],
            }
        )
        return
    if not entries:
        click.echo("No changes recorded yet.")
    for e in entries:
        old = state_label(e.old_state, lang) if e.old_state else "-"
        move = f"{old} -> {state_label(e.new_state, lang)}"
        fields = ", ".join(sorted(e.changes))
        click.echo(f"{e.changed_at[:19]}  {e.measure:<7} {move:<36} by {e.changed_by} ({fields})")
    for f in files:
        click.echo(f"file: {f['measure']} {f['name']} {f['size_bytes']} B sha256 {f['sha256']}")


@kader.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["amt", "task-registry"]), default="amt", show_default=True
)
@click.option(
    "--algorithm",
    "-a",
    metavar="SLUG",
    shell_complete=complete_algorithms,
    default=None,
    help="Only this algorithm.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
@db_option
def export(fmt: str, algorithm: str | None, output: Path | None, db: str | None) -> None:
    """Export the assessments: algoprint's AMT envelope (the same as `algoprint amt export
    --format envelope`) or task-registry JSON."""
    from algoprint.cli.amt_cmd import export_amt_command
    from algoprint.exchange.task_registry import export_task_registry

    if fmt == "amt":
        export_amt_command(algorithm, output, "envelope", db)
        return
    store = open_store_for(db)
    doc = export_task_registry(store, algorithm=algorithm)
    if output is None:
        print_json(doc)
        return
    output.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    wrote(output)


@kader.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--algorithm", "-a", metavar="SLUG", default=None, help="For an AMT card: the algorithm."
)
@click.option("--by", default=None, help="Who imports (default: your login name).")
@db_option
@json_option
def import_(
    file: Path, algorithm: str | None, by: str | None, db: str | None, as_json: bool
) -> None:
    """Import AMT's system-card download (YAML/JSON; as `algoprint amt pull`) or a document
    written by `algoprint kader export` (either format)."""
    from algoprint.cli.amt_cmd import echo_pull, pull_file

    counts = pull_file(file, algorithm, by, db)
    if as_json:
        print_json(counts)
        return
    echo_pull(counts)


@kader.command("goals")
@click.option("--organisation", default=None, help="Only this organisation's algorithms.")
@click.option("--year", type=YEAR, default=None, help="Only this year.")
@db_option
@json_option
def goals(organisation: str | None, year: int | None, db: str | None, as_json: bool) -> None:
    """Yearly energy and CO2e against the indicative climate-neutral-2030 trajectory."""
    from algoprint.cli import _format
    from algoprint.kader.goals import organisation_summary

    store = open_store_for(db)
    summary = organisation_summary(
        store, organisation=organisation, year=year, settings_extra=_extra()
    )
    if as_json:
        print_json(summary.to_dict())
        return

    def kg(grams: float | None) -> str:
        return "n/a" if grams is None else f"{grams / 1000:.3g} kg"

    for y in summary.years:
        share = "n/a" if y.dcie_ok_share is None else f"{y.dcie_ok_share * 100:.0f} %"
        click.echo(
            f"{y.year}{' (so far)' if y.partial else ''}: {y.runs} runs, "
            f"{_format.energy(y.energy_it_j)}, CO2e location {kg(y.co2e_location_g)}, "
            f"market {kg(y.co2e_market_g)}, trajectory {kg(y.trajectory_co2e_g)}, "
            f"DCiE>=50 % share {share}"
        )
    click.echo(summary.trajectory_method)
    if summary.runs_without_location:
        click.echo(
            f"{summary.runs_without_location} run(s) had no location; used "
            f"{summary.default_location}"
        )
    if summary.adpe_note:
        click.echo(f"ADPe: {summary.adpe_note}")


@kader.command("register-text")
@click.argument("algorithm", shell_complete=complete_algorithms)
@click.option(
    "--year",
    type=YEAR,
    default=None,
    help="Year to describe (default: latest).",
)
@db_option
@json_option
def register_text(algorithm: str, year: int | None, db: str | None, as_json: bool) -> None:
    """Dutch B1 texts for the Algoritmeregister fields proportionality (Afwegingen) and
    methods_and_models (Technische werking), within their length limits."""
    from algoprint.exchange.algoritmeregister import algoritmeregister_text

    store = open_store_for(db)
    texts = algoritmeregister_text(store, algorithm, year=year, settings_extra=_extra())
    if as_json:
        print_json(texts)
        return
    click.echo(f"Afwegingen (proportionality):\n{texts['proportionality']}\n")
    click.echo(f"Technische werking (methods_and_models):\n{texts['methods_and_models']}")
