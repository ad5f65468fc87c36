"""``algoprint amt export|push|pull``: the Algoritme Management Toolkit (AMT).

``amt export`` is the one AMT export; ``export amt`` and ``kader export --format amt`` call
it. docs/kader.md describes what reaches AMT and why.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from algoprint.cli._common import db_option, json_option, open_store_for, print_json
from algoprint.cli._options import bounded_int
from algoprint.errors import InputError

AMT_NAME = "Algoritme Management Toolkit (AMT, MinBZK)"


def _extra() -> Any:
    from algoprint.config import load_settings

    return load_settings().extra


def _write(text: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(
            f"cannot write {output}: {e.strerror or e}", hint="choose a writable path with -o"
        ) from None
    click.echo(f"Written to {output}", err=True)


def export_amt_command(
    algorithm: str | None, output: Path | None, fmt: str, db: str | None
) -> None:
    """Write the AMT system-card fragment (``card``) or algoprint's envelope (``envelope``)."""
    import yaml

    from algoprint.exchange._amt_common import amt_settings
    from algoprint.exchange.amt import export_amt
    from algoprint.exchange.amt_card import export_card

    extra = _extra()
    settings = amt_settings(extra)
    store = open_store_for(db)
    if fmt == "envelope":
        doc = export_amt(store, algorithm=algorithm, settings=settings)
        _write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", output)
        return
    if algorithm is None:
        raise InputError(
            "an AMT system card is one algorithm",
            hint="give --algorithm SLUG, or --format envelope for all algorithms",
        )
    card, notes = export_card(store, algorithm, settings)
    text = yaml.safe_dump(card, sort_keys=False, allow_unicode=True)
    if fmt == "json":
        text = json.dumps(card, indent=2, ensure_ascii=False) + "\n"
    _write(text, output)
    for note in notes:
        click.echo(f"algoprint: {note}", err=True)


@click.group("amt")
def amt() -> None:
    """Exchange measures with the Algoritme Management Toolkit (AMT, MinBZK).

    Only measures that a task-registry requirement links to exist in AMT; today that is
    owp-12 of the seven (see docs/kader.md).
    """


def amt_export_options(func: Any) -> Any:
    """The options of ``amt export`` (shared with its aliases)."""
    func = db_option(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(["card", "json", "envelope"]),
        default="card",
        show_default=True,
        help="card: AMT system-card fragment (YAML); json: the same as JSON; envelope: "
        "algoprint's own JSON of all measures with x_algoprint blocks.",
    )(func)
    func = click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Output file (default stdout).",
    )(func)
    return click.option(
        "--algorithm", "-a", metavar="SLUG", default=None, help="The algorithm (card: required)."
    )(func)


@amt.command("export")
@amt_export_options
def export(algorithm: str | None, output: Path | None, fmt: str, db: str | None) -> None:
    """Write the AMT system-card fragment of one algorithm (name, owners, description,
    lifecycle, the seven measures as MeasureTask entries)."""
    export_amt_command(algorithm, output, fmt, db)


@amt.command("push")
@click.option("--url", default=None, help="AMT's base URL (default: url in [amt]).")
@click.option(
    "--amt-algorithm-id",
    type=bounded_int(1, 2**63 - 1),
    required=True,
    help="The N in AMT's /algorithm/N.",
)
@click.option("--algorithm", "-a", metavar="SLUG", required=True, help="algoprint's algorithm.")
@click.option("--report-url", default=None, help="Link to the algoprint report, in each value.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
@db_option
@json_option
def push(
    url: str | None,
    amt_algorithm_id: int,
    algorithm: str,
    report_url: str | None,
    dry_run: bool,
    db: str | None,
    as_json: bool,
) -> None:
    """Set the assessed measures of ALGORITHM in a running AMT, through AMT's measure form.

    Login: AMT's session_id cookie in ALGOPRINT_AMT_SESSION (or a bearer token in [amt]).
    """
    from algoprint.exchange._amt_common import amt_settings
    from algoprint.exchange.amt_card import push_plan
    from algoprint.exchange.amt_push import push_measures

    extra = _extra()
    settings = amt_settings(extra)
    store = open_store_for(db)
    items, skipped, notes = push_plan(
        store, algorithm, settings, report_url=report_url, settings_extra=extra
    )
    result = push_measures(
        items,
        url=url or settings.url,
        amt_algorithm_id=amt_algorithm_id,
        settings=settings,
        dry_run=dry_run,
    )
    result.skipped = {**skipped, **result.skipped}
    if as_json:
        print_json({**result.to_dict(), "notes": notes})
        return
    verb = "would send" if dry_run else "set in AMT"
    for item in result.sent:
        click.echo(f"{verb}: {item.code} ({item.urn})")
        if dry_run and (why := unlinked_reason(item.code)):
            click.echo(f"    note: {why}")
        if dry_run:
            for name, value in item.fields:
                shown = value.replace("\n", " / ")
                click.echo(f"    {name} = {shown}")
    for code, why in result.skipped.items():
        click.echo(f"skipped: {code}: {why}")
    for note in notes:
        click.echo(f"algoprint: {note}", err=True)


def unlinked_reason(code: str) -> str | None:
    """Why AMT will not have measure ``code`` on an algorithm, or ``None`` when it can."""
    from algoprint.kader.catalogue import measure

    m = measure(code)
    if m.registry.get("links"):
        return None
    return (
        f"AMT will answer 404: no task-registry requirement links {m.urn} "
        "(today only owp-12 is linked)"
    )


def pull_file(file: Path, algorithm: str | None, by: str | None, db: str | None) -> dict[str, Any]:
    """Read ``file`` (AMT's download, or an algoprint export) into the store; the counts."""
    from algoprint.exchange._amt_common import amt_settings
    from algoprint.exchange.amt import import_amt
    from algoprint.exchange.amt_card import card_kind, load_document, pull_card
    from algoprint.exchange.task_registry import import_task_registry

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {file}: {e}") from None
    kind, doc = card_kind(load_document(text, str(file)))
    extra = _extra()
    store = open_store_for(db)
    if kind == "card":
        result = pull_card(
            store,
            doc,
            algorithm=algorithm,
            settings=amt_settings(extra),
            by=by,
            settings_extra=extra,
        )
        return {"kind": "AMT system card", **result.to_dict()}
    if algorithm is not None:
        raise InputError(
            "--algorithm applies to an AMT system card; this file is an algoprint export",
            hint="leave out --algorithm: the export names its algorithms",
        )
    load = import_amt if kind == "envelope" else import_task_registry
    return {"kind": kind, **load(store, doc, by=by, settings_extra=extra)}


def echo_pull(counts: dict[str, Any]) -> None:
    """The one-paragraph summary of :func:`pull_file`."""
    if counts["kind"] != "AMT system card":
        click.echo(
            f"imported {counts['assessments']} assessment(s); "
            f"{counts['algorithms_added']} new algorithm(s) registered"
        )
        return
    added = " (registered now)" if counts["algorithm_added"] else ""
    click.echo(
        f"{counts['algorithm']}{added}: {counts['assessments']} measure(s) taken from AMT, "
        f"{counts['unchanged']} unchanged, {counts['not_set']} not set in AMT (left alone), "
        f"{counts['other_measures']} other AMT measure(s) counted, not imported"
    )
    if counts["algorithm_fields"]:
        click.echo(f"algorithm fields from the card: {', '.join(counts['algorithm_fields'])}")
    for note in counts["notes"]:
        click.echo(f"algoprint: {note}", err=True)


@amt.command("pull")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--algorithm", "-a", metavar="SLUG", default=None, help="Default: from the name.")
@click.option("--by", default=None, help="Who imports (default: your login name).")
@db_option
@json_option
def pull(file: Path, algorithm: str | None, by: str | None, db: str | None, as_json: bool) -> None:
    """Take the sustainability measures of AMT's system-card download (YAML or JSON) into
    the store; other measures are counted, an empty state changes nothing."""
    counts = pull_file(file, algorithm, by, db)
    if as_json:
        print_json(counts)
        return
    echo_pull(counts)
