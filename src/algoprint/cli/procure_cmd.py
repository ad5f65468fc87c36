"""``algoprint procure requirements|questionnaire|evaluate``: sustainable procurement (owp-12).

Thin over :mod:`algoprint.advice.procurement`; docs/procurement.md describes the sets, the
questionnaire and the scoring.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from algoprint.cli._common import db_option, json_option, open_store_for, print_json
from algoprint.cli._options import complete_algorithms, default_lang, lang_option, wrote
from algoprint.errors import InputError

KINDS = ("saas", "ai-model", "custom-development", "hosting")
_KIND = click.option(
    "--kind",
    required=True,
    type=click.Choice(KINDS),
    help="Tender type: SaaS/cloud service, AI model or API, custom development, hosting.",
)
_FORMATS = {"md": "markdown", "markdown": "markdown", "html": "html", "docx": "docx"}


@click.group("procure", short_help="Buy sustainably: requirements, questionnaire, evaluation.")
def procure() -> None:
    """Buy sustainably (owp-12): requirements, supplier questionnaire, evaluation.

    \b
    algoprint procure requirements --kind ai-model --lang nl -o eisen.md
    algoprint procure questionnaire --kind ai-model -o leverancier.xlsx
    algoprint procure evaluate --kind ai-model offerte-a.xlsx offerte-b.csv
    """


@procure.command("requirements")
@_KIND
@click.option(
    "--lang",
    "-l",
    type=click.Choice(["nl", "en", "nl+en"]),
    default=None,
    callback=lambda _ctx, _param, value: value or default_lang(),
    help="Dutch, English, or Dutch with the English below it (nl+en); default: the lang "
    "setting (ALGOPRINT_LANG), else nl.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "docx"]),
    default="md",
    show_default=True,
    help="Markdown, one self-contained HTML page, or DOCX-friendly text (plain numbered "
    "Markdown that pastes cleanly into a word processor; not a .docx file).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file (default: stdout).",
)
@click.option(
    "--algorithm",
    "-a",
    metavar="SLUG",
    shell_complete=complete_algorithms,
    help="Store the set as owp-12 evidence.",
)
@db_option
@json_option
def requirements(
    kind: str,
    lang: str,
    fmt: str,
    output: Path | None,
    algorithm: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """The requirement set for a tender: KPIs, reporting, certification, contract, social."""
    from algoprint.advice.procurement import generate_requirements

    if output is not None and output.suffix.lower() == ".docx":
        raise InputError(
            f"{output}: algoprint writes DOCX-friendly text, not a Word file",
            hint="write it to a .md or .txt file (--format docx) and paste it into Word",
        )
    rs = generate_requirements(kind, lang=lang, fmt=_FORMATS[fmt])
    if algorithm:
        record = rs.to_analysis(algorithm)
        open_store_for(db).save_analysis(record)
        click.echo(f"algoprint: stored as owp-12 evidence for {algorithm}", err=True)
    text = _json_text(rs.to_dict()) if as_json else rs.text()
    _emit(text, output)


def _json_text(data: Any) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write {output}: {e.strerror}") from None
    wrote(output)


@procure.command("questionnaire")
@_KIND
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; .csv, .json or .xlsx (XLSX needs openpyxl).",
)
def questionnaire(kind: str, output: Path) -> None:
    """Write the empty supplier questionnaire (one row per question; * = required)."""
    from algoprint.advice.procurement import questions, write_questionnaire

    suffix = output.suffix.lower().lstrip(".")
    if suffix not in {"csv", "json", "xlsx"}:
        raise InputError(
            f"{output}: unknown questionnaire format {output.suffix or '(no suffix)'!r}",
            hint="name the file .csv, .json or .xlsx",
        )
    if not output.parent.is_dir():
        raise InputError(f"folder {output.parent} does not exist", hint="create it first")
    try:
        path = write_questionnaire(output, kind)
    except OSError as e:
        raise InputError(f"cannot write {output}: {e.strerror}") from None
    wrote(path, f" ({len(questions(kind))} questions)")
    click.echo(f"Send it to each supplier, then: algoprint procure evaluate --kind {kind} FILE...")


@procure.command("evaluate")
@_KIND
@click.argument(
    "answers",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="ANSWERS...",
)
@lang_option
@click.option(
    "--algorithm",
    "-a",
    metavar="SLUG",
    shell_complete=complete_algorithms,
    help="Store the evaluation as owp-12 evidence.",
)
@db_option
@json_option
def evaluate(
    kind: str,
    answers: tuple[Path, ...],
    lang: str,
    algorithm: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """Score suppliers' filled-in questionnaires side by side and flag doubtful answers."""
    from algoprint.advice.procurement import evaluate_suppliers

    store = open_store_for(db) if algorithm else None
    result = evaluate_suppliers(list(answers), kind=kind, store=store, algorithm=algorithm)
    if store is not None:
        click.echo(f"algoprint: stored as owp-12 evidence for {algorithm}", err=True)
    if as_json:
        print_json(result.to_dict())
        return
    for line in result.render(lang):
        click.echo(line)
