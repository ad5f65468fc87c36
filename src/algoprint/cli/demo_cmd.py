"""``algoprint demo``: the README's main job (see :mod:`algoprint.demo`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from algoprint.cli import _format as fmt
from algoprint.cli._common import db_option
from algoprint.cli._options import PORT, lang_option


@click.command("demo")
@db_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("algoprint-demo"),
    show_default=True,
    help="Folder for the HTML and PDF report.",
)
@lang_option
@click.option(
    "--serve",
    is_flag=True,
    help="End by serving the dashboard on the demo's store (needs algoprint[server]).",
)
@click.option("--port", type=PORT, default=8765, show_default=True, help="With --serve.")
def demo(db: str | None, out_dir: Path, lang: str, serve: bool, port: int) -> None:
    """Measure real work end to end: train and evaluate models, analyse, report.

    Registers a demo algorithm, measures the training and inference of three scikit-learn
    models on a bundled dataset, runs the owp-13, dat-09 and dat-06 analyses, shows the
    measures board and writes the monitoring report (HTML and PDF/A). Runs go to a demo
    store in the output folder (algoprint-demo.sqlite) unless --db or a configured store
    names another. Needs the ml extra (the report extra for the PDF). With --serve it then
    serves the dashboard on 127.0.0.1 with the demo's store (a server database under --out).
    """
    from algoprint.demo import check_extras, run_demo

    check_extras()

    server = None
    if serve:
        if db is not None:
            from algoprint.errors import InputError

            raise InputError(
                "--serve keeps the demo in the store of its own server under --out",
                hint="leave out --db (or run `algoprint serve` for an existing server)",
            )
        from algoprint.server.web.demo import prepare_demo_server

        server = prepare_demo_server(out_dir, port=port)
        db = server.store_url

    console = Console(highlight=False)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:

        def step(title: str, total: int) -> Callable[[], None]:
            task = progress.add_task(title, total=total)
            return lambda: progress.advance(task)

        result = run_demo(db=db, out_dir=out_dir, lang=lang, progress=step)

    from algoprint import _format
    from algoprint.config import load_settings
    from algoprint.impact.compute import impacts_for_run
    from algoprint.impact.location import default_location
    from algoprint.kader.assessments import state_label

    t = _TEXT[lang]
    extra = load_settings({"db": db}).extra
    profile = default_location(zone="NL")
    table = Table(title=t["title"].format(algorithm=result.algorithm), show_edge=False)
    for col in t["columns"]:
        table.add_column(col, justify="left" if col == t["columns"][0] else "right")
    for m in result.models:
        per_k = (
            m.inference.energy_j / m.predictions * 1000
            if m.inference.energy_j is not None
            else None
        )
        co2 = impacts_for_run(m.training, profile, settings_extra=extra).impacts.get(
            "co2e_location_g"
        )
        table.add_row(
            m.model,
            _format.number(m.accuracy, lang),
            fmt.energy(m.training.energy_j, lang),
            fmt.energy(per_k, lang),
            _format.quantity(co2.value, "g", lang) if co2 else _format.na(lang),
        )
    console.print(table)
    console.print(t["accuracy_source"], markup=False)
    simplicity = result.analyses.get("simplicity")
    if simplicity is not None:
        lines = simplicity.render(lang)
        console.print("[bold]owp-13[/bold] " + t["owp13_source"], markup=True)
        if lines:
            console.print("  " + lines[0], markup=False)
    board = Table(title=t["board"], show_edge=False)
    for col in t["board_columns"]:
        board.add_column(col)
    for row in result.board:
        board.add_row(
            row.assessment.measure,
            state_label(row.assessment.state, lang),
            row.evidence.label(lang),
        )
    console.print(board)
    for note in result.notes:
        console.print(f"{t['note']}: {note}", markup=False)
    console.print(t["store"].format(store=result.store), markup=False)
    for kind, path in result.reports.items():
        console.print(f"{t['report']} ({kind.upper()}): {path}", markup=False)
    console.print(t["done"].format(duration=fmt.duration(result.duration_s, lang)))
    if server is not None:
        server.serve(click.echo)


_TEXT: dict[str, dict[str, Any]] = {
    "nl": {
        "title": "Gemeten runs van {algorithm}",
        "columns": ("model", "nauwk.*", "trainen", "1.000 voorsp.", "CO₂e trainen"),
        "accuracy_source": "* nauwkeurigheid op de apart gehouden testset (30 %), één keer "
        "getraind; energie en CO₂e gemeten op deze machine (CO₂e voor NL).",
        "owp13_source": "(3-voudige kruisvalidatie van dezelfde drie modellen plus de "
        "eenvoudige basismodellen; energie per jaar uit de gemeten fits):",
        "board": "Maatregelen (status door mensen · onderbouwing uit data)",
        "board_columns": ("maatregel", "status", "onderbouwing"),
        "note": "let op",
        "store": "runs opgeslagen in {store} (de demo-store; kies een andere met --db)",
        "report": "rapport",
        "done": "klaar in {duration}",
    },
    "en": {
        "title": "Measured runs of {algorithm}",
        "columns": ("model", "accuracy*", "training", "1,000 pred.", "CO₂e training"),
        "accuracy_source": "* accuracy on the held-out test set (30 %), trained once; energy "
        "and CO₂e measured on this machine (CO₂e for NL).",
        "owp13_source": "(3-fold cross-validation of the same three models plus the simple "
        "baselines; energy per year from the measured fits):",
        "board": "Measures (state set by people · evidence from data)",
        "board_columns": ("measure", "state", "evidence"),
        "note": "note",
        "store": "runs stored in {store} (the demo store; choose another with --db)",
        "report": "report",
        "done": "done in {duration}",
    },
}
