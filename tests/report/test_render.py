"""Every format renders, in both languages, for algorithm, organisation and empty reports."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from algoprint.errors import InputError
from algoprint.report import FORMATS, REPORT_SCHEMA_VERSION, build_report, render, write_report
from algoprint.report.model import ReportData
from algoprint.report.render import typst_string
from algoprint.report.sample import SAMPLE_SETTINGS_EXTRA
from algoprint.store import Store
from tests.report.conftest import NOW

KINDS = ("algorithm", "organisation", "empty")


def make(store: Store, kind: str, lang: str) -> ReportData:
    args: dict[str, object] = {"algorithm": "fraude-risico", "period": "2026-Q3"}
    if kind == "organisation":
        args = {"organisation": "Gemeente Voorbeeld", "period": "2026"}
    elif kind == "empty":
        args = {"algorithm": "fraude-risico", "period": "2025-01"}
    return build_report(
        store,
        lang=lang,
        settings_extra=SAMPLE_SETTINGS_EXTRA,
        now=NOW,
        **args,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def reports(shared_store: Store) -> dict[tuple[str, str], ReportData]:
    return {(k, lang): make(shared_store, k, lang) for k in KINDS for lang in ("nl", "en")}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders(
    reports: dict[tuple[str, str], ReportData], fmt: str, kind: str, lang: str
) -> None:
    data = render(reports[(kind, lang)], fmt)
    assert len(data) > 100
    if fmt == "pdf":
        assert data.startswith(b"%PDF-")
    elif fmt != "csv":
        text = data.decode("utf-8")
        if kind == "empty" and fmt in {"html", "md"}:
            assert ("Geen gegevens" if lang == "nl" else "No data") in text


def test_html_is_self_contained_and_accessible(reports: dict[tuple[str, str], ReportData]) -> None:
    html = render(reports[("algorithm", "nl")], "html").decode()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="nl">' in html
    assert not re.search(r"<(link|img)\b|<script\s+src|@import|url\(", html)
    assert "https://" not in html.split("<main")[0]  # nothing fetched by the head
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert len(svgs) >= 6
    assert all('role="img"' in s and "aria-labelledby" in s for s in svgs)
    assert html.count("<title id=") == len(svgs) and html.count("<desc id=") == len(svgs)
    assert html.count("<details>") >= len(svgs)  # a data table for every chart
    headings = [int(h) for h in re.findall(r"<h([1-6])\b", html)]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings))
    assert "@media print" in html
    assert "Training en gebruik" in html and "Paretofront" in html


def test_english_html_is_english(reports: dict[tuple[str, str], ReportData]) -> None:
    html = render(reports[("algorithm", "en")], "html").decode()
    assert '<html lang="en">' in html and "Training and use" in html
    assert "Samenvatting" not in html


def test_numbers_follow_the_language(reports: dict[tuple[str, str], ReportData]) -> None:
    nl = render(reports[("algorithm", "nl")], "md").decode()
    en = render(reports[("algorithm", "en")], "md").decode()
    assert re.search(r"\d,\d+ kWh", nl) and re.search(r"\d\.\d+ kWh", en)


def test_json_is_the_versioned_document(reports: dict[tuple[str, str], ReportData]) -> None:
    report = reports[("algorithm", "en")]
    doc = json.loads(render(report, "json"))
    assert doc["report_schema"] == "algoprint.report"
    assert doc["schema_version"] == REPORT_SCHEMA_VERSION
    assert doc["factor_version"] == report.factor_version
    assert doc["period"]["since"] == "2026-07-01T00:00:00+00:00"
    energy = doc["footprint"]["totals"]["energy_it_j"]
    assert energy["partial"] is True and energy["value"] > 0
    assert len(doc["footprint"]["run_rows"]) == 60


def test_csv_has_one_row_per_run_and_sums_to_the_total(
    reports: dict[tuple[str, str], ReportData],
) -> None:
    report = reports[("algorithm", "en")]
    rows = list(csv.DictReader(io.StringIO(render(report, "csv").decode())))
    assert len(rows) == 60
    total = sum(float(r["energy_it_j"]) for r in rows if r["energy_it_j"])
    assert total == pytest.approx(report.footprint.totals["energy_it_j"].value, rel=1e-9)
    gap = [r for r in rows if not r["energy_j"] and r["status"] != "running"]
    assert len(gap) == 1 and "meter gap" in gap[0]["missing"]


def test_pdf_is_pdf_a(reports: dict[tuple[str, str], ReportData]) -> None:
    pdf = render(reports[("algorithm", "nl")], "pdf")
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf
    assert re.search(rb"<pdfaid:conformance>[AB]</pdfaid:conformance>", pdf)
    assert b"/StructTreeRoot" in pdf  # tagged, for PDF/A-2a and accessibility


HOSTILE = (
    'Evil #let x = 1; *bold* _em_ $x$ <lbl> @ref [a](b) | pipe \\ "q" <script>alert(1)</script>'
)


def test_user_text_is_escaped_in_every_format(reports: dict[tuple[str, str], ReportData]) -> None:
    base = reports[("algorithm", "en")]
    assert base.algorithm is not None
    hostile = replace(base, title=HOSTILE, algorithm=replace(base.algorithm, name=HOSTILE))
    html = render(hostile, "html").decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    md = render(hostile, "md").decode()
    assert "\\| pipe" in md and "\\*bold\\*" in md
    pdf = render(hostile, "pdf")  # compiles: the text is a string literal, not markup
    assert pdf.startswith(b"%PDF-")
    assert typst_string('a"b\\c') == '"a\\"b\\\\c"'


def test_write_report_records_mon06_evidence(fresh_store: Store, tmp_path: Path) -> None:
    report = build_report(
        fresh_store, algorithm="fraude-risico", settings_extra=SAMPLE_SETTINGS_EXTRA, lang="en"
    )
    path = write_report(report, "html", tmp_path / "r.html", store=fresh_store)
    assert path.read_bytes().startswith(b"<!DOCTYPE html>")
    found = fresh_store.list_analyses(algorithm="fraude-risico", kind="monitoring-report")
    assert len(found) == 1
    assert found[0].result["format"] == "html"
    assert found[0].result["factor_version"] == report.factor_version
    assert "IT-energie" in found[0].summary_nl and "IT energy" in found[0].summary_en


def test_organisation_report_records_no_evidence(fresh_store: Store, tmp_path: Path) -> None:
    report = build_report(fresh_store, settings_extra=SAMPLE_SETTINGS_EXTRA)
    write_report(report, "md", tmp_path / "r.md", store=fresh_store)
    assert fresh_store.list_analyses(kind="monitoring-report") == []


@pytest.mark.parametrize("target", ["missing-dir/r.html", "."])
def test_unwritable_path_is_an_input_error(
    reports: dict[tuple[str, str], ReportData], tmp_path: Path, target: str
) -> None:
    with pytest.raises(InputError) as info:
        write_report(reports[("empty", "en")], "html", tmp_path / target)
    assert str(tmp_path) in info.value.message and info.value.hint


def test_unsupported_format(reports: dict[tuple[str, str], ReportData]) -> None:
    with pytest.raises(InputError) as info:
        render(reports[("empty", "en")], "docx")
    assert info.value.hint and "html" in info.value.hint
