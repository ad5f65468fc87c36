"""``algoprint report``: the monitoring report of an algorithm or an organisation (mon-06)."""

from __future__ import annotations

import re
import sys
from typing import Any

import click

from algoprint.cli._common import db_option
from algoprint.cli._options import complete_algorithms, lang_option, location_options, wrote

_FORMATS = ("html", "pdf", "md", "json", "csv")


def settings_extra(db: str | None) -> tuple[Any, dict[str, Any]]:
    """The store named by ``--db`` and the settings' extra tables (locations, datacentres)."""
    from algoprint.cli._common import open_store_for
    from algoprint.config import load_settings

    settings = load_settings({"db": db})
    return open_store_for(db), dict(settings.extra)


def default_output(stem: str, period: str | None, fmt: str) -> str:
    """``algoprint-report-<stem>-<period>.<fmt>`` with unsafe characters replaced."""
    parts = [stem] + ([period] if period else [])
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", "-".join(parts)).strip("_") or "all"
    return f"algoprint-report-{safe}.{fmt}"


@click.command("report")
@click.option(
    "--algorithm",
    "-a",
    metavar="SLUG",
    shell_complete=complete_algorithms,
    help="Report on one algorithm.",
)
@click.option(
    "--organisation",
    metavar="NAME",
    is_flag=False,
    flag_value="",
    default=None,
    help="Organisation report (periodic monitoring); without NAME: every run in the store.",
)
@click.option("--period", "-p", metavar="PERIOD", help="2026, 2026-Q3, 2026-07 or FROM..TO.")
@click.option(
    "--format",
    "-f",
    "fmt",
    default="html",
    show_default=True,
    metavar="|".join(_FORMATS),
    help="Output format.",
)
@lang_option
@click.option("--output", "-o", metavar="PATH", help="Output file ('-' for stdout).")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the report document as JSON on stdout."
)
@db_option
@location_options
def report(
    algorithm: str | None,
    organisation: str | None,
    period: str | None,
    fmt: str,
    lang: str,
    output: str | None,
    as_json: bool,
    db: str | None,
    location: str | None,
    cloud: str | None,
    region: str | None,
    datacentre: str | None,
) -> None:
    """Write the monitoring report (Algoritmekader mon-06) of an algorithm or organisation.

    An algorithm report also stores a 'monitoring-report' analysis: evidence for mon-06.
    """
    from algoprint.report import build_report, record_report, render, write_report
    from algoprint.report.i18n import check_lang
    from algoprint.report.render import check_format

    if as_json:
        fmt, output = "json", "-"
    check_format(fmt)
    check_lang(lang)
    store, extra = settings_extra(db)
    data = build_report(
        store,
        algorithm=algorithm,
        organisation=(organisation or None) if organisation is not None else None,
        period=period,
        lang=lang,
        location=location,
        cloud=cloud,
        region=region,
        datacentre=datacentre,
        settings_extra=extra,
    )
    if output == "-":
        sys.stdout.buffer.write(render(data, fmt))
        sys.stdout.flush()
        record_report(store, data, fmt, None)
        return
    stem = algorithm or organisation or "all"
    path = write_report(data, fmt, output or default_output(stem, period, fmt), store=store)
    wrote(path, " (no runs in this period)" if data.empty else "")
