"""``algoprint export csrd|boamps|model-card|runs|amt``: figures for other systems."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from algoprint.cli._common import db_option, json_option
from algoprint.cli._options import complete_algorithms, location_options, wrote
from algoprint.cli.amt_cmd import amt_export_options, export_amt_command
from algoprint.cli.report_cmd import settings_extra
from algoprint.errors import InputError


def _emit(data: bytes, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = Path(output)
    try:
        target.write_bytes(data)
    except OSError as e:
        raise InputError(
            f"cannot write {target}: {e.strerror or e}",
            hint="choose a writable path with -o PATH (does its folder exist?)",
        ) from None
    wrote(target)


def _json_format(fmt: str | None, as_json: bool, default: str) -> str:
    """``--json`` is the documented way; ``-f json`` stays as its alias. ``--json`` with another
    ``-f`` is refused rather than one of them silently ignored."""
    if as_json:
        if fmt not in (None, "json"):
            raise InputError(
                f"--json and --format {fmt} contradict each other", hint="give one of them"
            )
        return "json"
    return fmt or default


def _common(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--output", "-o", metavar="PATH", help="Output file (default stdout).")(
        func
    )
    func = click.option("--period", "-p", metavar="PERIOD", help="2026, 2026-Q3, FROM..TO.")(func)
    func = click.option(
        "--algorithm",
        "-a",
        metavar="SLUG",
        shell_complete=complete_algorithms,
        help="Only this algorithm.",
    )(func)
    return db_option(func)


@click.group("export")
def export() -> None:
    """Export figures: ESRS E1 datapoints (CSRD), BoAmps run reports, model cards, runs, AMT
    (Algoritme Management Toolkit) measures."""


@export.command("csrd")
@_common
@click.option("--organisation", metavar="NAME", help="Only this organisation's algorithms.")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["csv", "json"]),
    help="csv or json (default: json; -f json is an alias of --json).",
)
@json_option
@location_options
def csrd(
    algorithm: str | None,
    period: str | None,
    output: str | None,
    db: str | None,
    organisation: str | None,
    fmt: str | None,
    as_json: bool,
    **location: str | None,
) -> None:
    """ESRS E1-5 energy and E1-6 GHG datapoints of the compute share (not a CSRD report)."""
    from algoprint.exchange.csrd import export_csrd

    fmt = _json_format(fmt, as_json, "json")
    store, extra = settings_extra(db)
    _emit(
        export_csrd(
            store,
            fmt=fmt,
            algorithm=algorithm,
            organisation=organisation,
            period=period,
            settings_extra=extra,
            overrides=location,
        ),
        output,
    )


@export.command("boamps")
@_common
@click.option("--run", "run_id", metavar="RUN_ID", help="One run (id or unique prefix).")
@location_options
def boamps(
    algorithm: str | None,
    period: str | None,
    output: str | None,
    db: str | None,
    run_id: str | None,
    **location: str | None,
) -> None:
    """BoAmps (Boavizta) JSON reports: one per run."""
    from algoprint.exchange.boamps import export_boamps

    store, extra = settings_extra(db)
    _emit(
        export_boamps(
            store,
            algorithm=algorithm,
            period=period,
            run_id=run_id,
            settings_extra=extra,
            overrides=location,
        ),
        output,
    )


@export.command("model-card")
@click.option("--run", "run_id", metavar="RUN_ID", required=True, help="The training run.")
@click.option(
    "--training-type",
    type=click.Choice(["pre-training", "fine-tuning"]),
    default=None,
    help="Default: the run's tag training_type; left out when neither says.",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    help="yaml or json (default: yaml; -f json is an alias of --json).",
)
@json_option
@click.option("--output", "-o", metavar="PATH", help="Output file (default stdout).")
@db_option
@location_options
def model_card(
    run_id: str,
    training_type: str | None,
    fmt: str | None,
    as_json: bool,
    output: str | None,
    db: str | None,
    **location: str | None,
) -> None:
    """Hugging Face model-card co2_eq_emissions block (grams CO2e) of a training run."""
    from algoprint.exchange.model_card import export_model_card

    fmt = _json_format(fmt, as_json, "yaml")
    store, extra = settings_extra(db)
    _emit(
        export_model_card(
            store,
            run_id=run_id,
            training_type=training_type,
            settings_extra=extra,
            overrides=location,
            fmt=fmt,
        ),
        output,
    )


@export.command("runs")
@_common
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["csv", "json"]),
    help="csv or json (default: csv; -f json is an alias of --json).",
)
@json_option
@location_options
def runs(
    algorithm: str | None,
    period: str | None,
    output: str | None,
    db: str | None,
    fmt: str | None,
    as_json: bool,
    **location: str | None,
) -> None:
    """Runs with their impacts (CSV: one row per run)."""
    from algoprint.exchange.runs_csv import export_runs

    fmt = _json_format(fmt, as_json, "csv")
    store, extra = settings_extra(db)
    _emit(
        export_runs(
            store,
            fmt=fmt,
            algorithm=algorithm,
            period=period,
            settings_extra=extra,
            overrides=location,
        ),
        output,
    )


AMT_ALIAS_NOTE = (
    "algoprint: note: this is an alias of `algoprint amt export`, the one AMT export command; "
    "use that one"
)


@export.command("amt")
@amt_export_options
def amt(algorithm: str | None, output: Path | None, fmt: str, db: str | None) -> None:
    """The measures for the Algoritme Management Toolkit (AMT); the same as `algoprint amt
    export`."""
    export_amt_command(algorithm, output, fmt, db)
