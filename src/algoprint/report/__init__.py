"""Monitoring reports (Algoritmekader measure mon-06) in HTML, PDF/A, Markdown, JSON and CSV.

::

    from algoprint.report import build_report, write_report
    from algoprint.store import open_store

    report = build_report(open_store(), algorithm="fraude-risico", period="2026-Q3", lang="nl")
    write_report(report, "html", "rapport.html", store=store)   # stores mon-06 evidence

:func:`build_report` assembles one :class:`ReportData` from the store; :func:`render` turns it
into bytes in any of :data:`FORMATS`. docs/reports.md describes the sections, the JSON
document, accessibility, PDF/A and the translation workflow.

Needs the ``report`` extra (jinja2, babel, typst).
"""

from __future__ import annotations

from algoprint.report._build import build_report
from algoprint.report.i18n import LANGUAGES
from algoprint.report.model import REPORT_SCHEMA_VERSION, ReportData
from algoprint.report.period import Period, parse_period
from algoprint.report.render import FORMATS, record_report, render, write_report

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "REPORT_SCHEMA_VERSION",
    "Period",
    "ReportData",
    "build_report",
    "parse_period",
    "record_report",
    "render",
    "write_report",
]
