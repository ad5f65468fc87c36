"""Render a :class:`~algoprint.report.model.ReportData` as HTML, PDF, Markdown, JSON or CSV.

* ``html``: one self-contained file (inline CSS and SVG, no network), accessible and printable;
* ``pdf``: archival PDF/A-2a (tagged) compiled with Typst from the same view;
* ``md``: Markdown with tables;
* ``json``: :meth:`ReportData.to_dict` (schema ``REPORT_SCHEMA_VERSION``);
* ``csv``: one row per run with its impacts (SI units in the column names).

Templates (``templates/``) use Jinja2's i18n extension with the gettext catalogues of
:mod:`algoprint.report.i18n`.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from algoprint.errors import InputError
from algoprint.report._typst import TypstCode, typst_string
from algoprint.report._view import View, make_view
from algoprint.report.i18n import N_, Formatter, translations
from algoprint.report.labels import ORIGIN_LABELS, STATUS_LABELS, SUMMARY_KEYS, UNIT_KIND
from algoprint.report.model import ReportData, RunRow

__all__ = ["FORMATS", "MAX_RUN_ROWS", "render", "write_report"]

FORMATS: tuple[str, ...] = ("html", "pdf", "md", "json", "csv")
"""Supported output formats."""
MAX_RUN_ROWS = 200
"""Runs listed in the HTML, PDF and Markdown run tables (newest first); CSV and JSON list all."""
TEMPLATES = Path(__file__).with_name("templates")
_SUMMARY = N_("Monitoring report over %(period)s: %(runs)s runs, %(energy)s IT energy.")


def check_format(fmt: str) -> str:
    """``fmt`` if supported.

    Raises:
        InputError: naming the supported formats.
    """
    if fmt not in FORMATS:
        raise InputError(
            f"unsupported report format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}"
        )
    return fmt


def _md_escape(value: Any) -> Any:
    if isinstance(value, TypstCode):
        return str(value)
    if value is None:
        return ""
    text = str(value).replace("\r", " ").replace("\n", " ")
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text


def _typst_escape(value: Any) -> Any:
    """Every expression a Typst template prints becomes a string literal shown as text
    (``#"...";``), so user text can never be read as Typst markup or code."""
    if isinstance(value, TypstCode):
        return str(value)
    if value is None:
        return ""
    return TypstCode(f"#{typst_string(str(value))};")


@functools.lru_cache(maxsize=8)
def environment(kind: str, lang: str) -> Environment:
    """The Jinja2 environment for ``kind`` (``html``, ``md``, ``typ``) in ``lang``."""
    finalize: Callable[[Any], Any] | None = None
    if kind == "md":
        finalize = _md_escape
    elif kind == "typ":
        finalize = _typst_escape
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        finalize=finalize,
        trim_blocks=kind != "html",
        lstrip_blocks=kind != "html",
        keep_trailing_newline=True,
    )
    env.filters["verbatim"] = TypstCode
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def _context(report: ReportData, view: View) -> dict[str, Any]:
    from algoprint.impact.equivalents import EQUIVALENTS
    from algoprint.report._readable import (
        Sources,
        markdown_html,
        plain_markdown,
        readable_context,
    )

    fmt, _ = view.fmt, view._
    p = report.period
    if p.since is None and p.until is None:
        period_text = _("all runs")
    else:
        start = fmt.date(p.since) if p.since else "…"
        end = fmt.date(p.last_day) if p.last_day else "…"
        period_text = f"{p.label} ({start} – {end})"
    equivalents = []
    for eq in EQUIVALENTS:
        fig = report.footprint.totals.get(eq.impact)
        if fig is None or fig.value is None or not fig.complete:
            continue
        label = eq.label_nl if report.lang == "nl" else eq.label_en
        amount = fig.value / eq.amount
        if amount < 1:  # "0,3 household days" helps nobody: only from one whole unit
            continue
        equivalents.append(f"≈ {fmt.number(amount)} {label} ({eq.source})")
    readable = readable_context(view)
    sections: list[tuple[str, str]] = [
        ("conclusions", _("Conclusions and next steps")),
        ("summary", _("Summary")),
    ]
    if "phases" in view.charts:
        sections.append(("phases", _("Training and use")))
    if "energy-time" in view.charts:
        sections.append(("time", _("Over time")))
    if "components" in view.charts:
        sections.append(("components", _("Energy by component")))
    if "co2e" in view.charts:
        sections.append(("co2e", _("CO₂e and its uncertainty")))
    if report.sci is not None:
        sections.append(("sci", _("Carbon per functional unit (SCI)")))
    if report.organisation is not None:
        sections += [
            ("algorithms", _("Algorithms")),
            ("datacentres", _("Datacentre mix")),
            ("goals", _("Progress towards the 2030 goals")),
            ("board", _("Measures board")),
        ]
    if report.scope == "algorithm":
        sections += [
            ("measures", _("The seven sustainability measures")),
            ("analyses", _("Analyses")),
        ]
    sections += [
        ("runs", _("Runs")),
        ("methods", _("Methods and sources")),
        ("gaps", _("What could not be measured, and why")),
        ("references", _("References")),
    ]
    from algoprint.kader.catalogue import ATTRIBUTION_EN, ATTRIBUTION_NL
    from algoprint.report._tables import tables

    sources = Sources()
    table_rows = tables(view, MAX_RUN_ROWS, readable["readable"], sources)
    appendix = readable["readable"].appendix
    if appendix:
        sections.append(("appendix", _("Appendix: technical messages")))
    return {
        **table_rows,
        **readable,
        "sources": sources.entries,
        "appendix": appendix,
        "note_html": markdown_html,
        "plain": plain_markdown,
        "raw": lambda value: TypstCode(str(value)),
        "phase_name": functools.partial(_phase_name, report.lang),
        "r": report,
        "v": view,
        "fmt": fmt,
        "period_text": period_text,
        "equivalents": equivalents,
        "sections": sections,
        "status_labels": STATUS_LABELS,
        "origin_labels": ORIGIN_LABELS,
        "run_rows": report.footprint.run_rows[:MAX_RUN_ROWS],
        "attribution": ATTRIBUTION_NL if report.lang == "nl" else ATTRIBUTION_EN,
    }


def _phase_name(lang: str, slug: str) -> str:
    from algoprint.kader.catalogue import lifecycle_phases

    for phase in lifecycle_phases():
        if phase.slug == slug:
            return phase.name(lang)
    return slug


def render_text(report: ReportData, kind: str) -> str:
    """The report through template ``report.<kind>.j2`` (``html``, ``md``, ``typ``)."""
    view = make_view(report)
    context = _context(report, view)
    if kind == "typ":
        from algoprint.report._typst import typst_context

        context.update(typst_context(view))
    return environment(kind, report.lang).get_template(f"report.{kind}.j2").render(context)


def render_csv(report: ReportData) -> bytes:
    """One row per run with its impacts (see :func:`runs_csv`)."""
    return runs_csv(report.footprint.run_rows, report.factor_version)


def runs_csv(rows: Sequence[RunRow], factor_version: str) -> bytes:
    """One row per run with its impacts; SI units in the column names, ``.`` decimals.

    A missing figure is an empty cell, and the ``missing`` column names it with the reason.
    """
    keys = [*SUMMARY_KEYS, "sci_g_per_unit"]
    head = [
        "run_id",
        "algorithm",
        "started_at",
        "phase",
        "phase_class",
        "status",
        "duration_s",
        "energy_j",
        "uncertainty_rel",
        "units",
        "location",
    ]
    for k in keys:
        head += [k, f"{k}_low", f"{k}_high"]
    head += ["factor_version", "missing"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(head)
    for row in rows:
        cells: list[Any] = [
            row.run_id,
            row.algorithm or "",
            row.started_at,
            row.phase or "",
            row.phase_class,
            row.status,
            row.duration_s,
            "" if row.energy_j is None else row.energy_j,
            "" if row.uncertainty_rel is None else row.uncertainty_rel,
            "" if row.units is None else row.units,
            row.location,
        ]
        for k in keys:
            cells += list(row.impacts[k]) if k in row.impacts else ["", "", ""]
        cells.append(factor_version)
        cells.append("; ".join(f"{k}: {v}" for k, v in sorted(row.missing.items())))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def render(report: ReportData, fmt: str) -> bytes:
    """The report in ``fmt`` (one of :data:`FORMATS`) as bytes (UTF-8 for text formats).

    Raises:
        InputError: an unsupported format.
        AlgoprintError: the PDF could not be compiled (with the Typst message).
    """
    check_format(fmt)
    if fmt == "json":
        text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
        return (text + "\n").encode("utf-8")
    if fmt == "csv":
        return render_csv(report)
    if fmt == "pdf":
        from algoprint.report._typst import compile_pdf

        return compile_pdf(render_text(report, "typ"))
    return render_text(report, fmt).encode("utf-8")


def write_report(
    report: ReportData,
    fmt: str,
    path: str | os.PathLike[str],
    *,
    store: Any | None = None,
) -> Path:
    """Render ``report`` in ``fmt`` and write it to ``path`` (atomically).

    When ``store`` is given and the report is about one algorithm, a ``monitoring-report``
    analysis is stored as evidence for measure mon-06 (what, when, which period and totals).

    Raises:
        InputError: an unsupported format, or a path that cannot be written (names the path).
    """
    target = Path(path)
    data = render(report, fmt)
    if target.is_dir():
        raise InputError(
            f"cannot write the report to {target}: it is a directory",
            hint=f"give a file name, e.g. {target / ('report.' + fmt)}",
        )
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        tmp.replace(target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise InputError(
            f"cannot write the report to {target}: {e.strerror or e}",
            hint="choose a writable path with -o PATH (does its folder exist?)",
        ) from None
    if store is not None:
        record_report(store, report, fmt, target)
    return target


def record_report(store: Any, report: ReportData, fmt: str, path: Path | None) -> str | None:
    """Store a ``monitoring-report`` analysis for an algorithm report (evidence for mon-06).

    Returns the analysis id, or ``None`` when the report is not about one algorithm or the
    store has no analyses.
    """
    if report.algorithm is None or not hasattr(store, "save_analysis"):
        return None
    from algoprint.records import AnalysisRecord

    totals = {
        k: {
            "value": f.value,
            "low": f.low,
            "high": f.high,
            "unit": UNIT_KIND[k],
            "runs_counted": f.runs_counted,
            "runs_missing": f.runs_missing,
        }
        for k, f in report.footprint.totals.items()
    }
    phases = {b.key: b.figures["energy_it_j"].value for b in report.footprint.phases}
    nl = translations("nl").gettext
    en = translations("en").gettext
    fmt_nl, fmt_en = Formatter("nl"), Formatter("en")
    energy = report.footprint.totals["energy_it_j"].value
    record = AnalysisRecord(
        kind="monitoring-report",
        algorithm=report.algorithm.slug,
        title=f"Monitoring report {report.period.label} ({fmt})",
        result={
            "format": fmt,
            "path": None if path is None else str(path),
            "lang": report.lang,
            "period": report.period.to_dict(),
            "generated_at": report.generated_at,
            "factor_version": report.factor_version,
            "report_schema_version": report.schema_version,
            "runs": report.footprint.runs,
            "phases_energy_j": phases,
            "totals": totals,
        },
        summary_nl=nl(_SUMMARY)
        % {
            "period": report.period.label,
            "runs": fmt_nl.integer(report.footprint.runs),
            "energy": fmt_nl.scaled(energy, "J"),
        },
        summary_en=en(_SUMMARY)
        % {
            "period": report.period.label,
            "runs": fmt_en.integer(report.footprint.runs),
            "energy": fmt_en.scaled(energy, "J"),
        },
    )
    store.save_analysis(record)
    return record.analysis_id
