"""``algoprint demo``: the README's main job (see :mod:`algoprint.demo`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from algoprint.cli import _format as fmt
from algoprint.cli._common import db_option


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
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option(
    "--serve",
    is_flag=True,
    help="End by serving the dashboard on the demo's store (needs algoprint[server]).",
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="With --serve."
)
def demo(db: str | None, out_dir: Path, lang: str, serve: bool, port: int) -> None:
    """Measure real work end to end: train and evaluate models, analyse, report.

    Registers a demo algorithm, measures the training and inference of three scikit-learn
    models on a bundled dataset, runs the owp-13, dat-09 and dat-06 analyses, shows the
    measures board and writes the monitoring report (HTML and PDF/A). With --serve it then
    serves the dashboard on 127.0.0.1 with the demo's store (a server database under --out).
    """
    from algoprint.demo import run_demo

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

    from algoprint.config import load_settings
    from algoprint.impact.compute import impacts_for_run
    from algoprint.impact.location import default_location

    extra = load_settings({"db": db}).extra
    profile = default_location(zone="NL")
    table = Table(title=f"Measured runs of {result.algorithm}", show_edge=False)
    for col in ("model", "accuracy", "training energy", "inference / 1,000 pred.", "CO2e train"):
        table.add_column(col, justify="left" if col == "model" else "right")
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
            f"{m.accuracy:.3f}",
            fmt.energy(m.training.energy_j),
            fmt.energy(per_k),
            f"{co2.value:.3g} g [{co2.low:.2g}-{co2.high:.2g}]" if co2 else "n/a",
        )
    console.print(table)
    simplicity = result.analyses.get("simplicity")
    if simplicity is not None:
        lines = simplicity.render(lang)
        console.print("[bold]owp-13[/bold] " + (lines[0] if lines else ""))
    board = Table(title="Measures board (human state · automatic evidence)", show_edge=False)
    board.add_column("measure")
    board.add_column("state")
    board.add_column("evidence")
    for row in result.board:
        board.add_row(
            row.assessment.measure,
            row.assessment.state,
            row.evidence.label(lang),
        )
    console.print(board)
    for note in result.notes:
        console.print(f"note: {note}", markup=False)
    for kind, path in result.reports.items():
        console.print(f"report ({kind}): {path}", markup=False)
    console.print(f"done in {fmt.duration(result.duration_s)}")
    if server is not None:
        server.serve(click.echo)
