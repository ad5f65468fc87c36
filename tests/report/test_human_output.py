"""What people read: no exponent notation, CO₂e never "CO2 ", and Dutch output in Dutch.

Scans every human output of the sample store: the report as Markdown, as HTML text and as PDF
text (both languages, algorithm and organisation scope), the Algoritmeregister texts and the
CLI tables. The glossary lists English words and labels that a Dutch reader must not meet; the
references list (titles of English sources) and the appendix of untranslated technical messages
are the only places English may appear, and they are cut before the check.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from algoprint.report import build_report, render
from algoprint.report.sample import SAMPLE_SETTINGS_EXTRA
from algoprint.store import Store
from tests.report.conftest import NOW

EXPONENT = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?[eE][+-]?\d+\b")
CO2_WITHOUT_E = re.compile(r"CO[2₂](?![eₑ])\s")
# English that must not reach a Dutch reader (whole words, case-sensitive where it matters).
GLOSSARY = (
    r"\bthe\b",
    r"\band\b",
    r"\bnot available\b",
    r"\bSummary\b",
    r"\bMethod\b",
    r"\bSources\b",
    r"\bcompleted\b",
    r"\brunning\b",
    r"\binference\b",
    r"\bcounter\b",
    r"\bdefault\b",
    r"\bDefaults applied\b",
    r"\bto do\b",
    r"\bin progress\b",
    r"\bmeasured\b",
    r"\bunknown\b",
    r"\bused\b",
    r"\bSimplest adequate model\b",
    r"\bWhere to run\b",
    r"stopped_early",
    r"explanation_en",
)


def _dutch_body(text: str) -> str:
    """The text before the references list (the last section but the appendix), without URLs
    and command lines."""
    text = text.split("Bijlage: technische meldingen", maxsplit=1)[0]
    text = re.split(r"\n## Bronnen\n", text)[0]
    head, sep, _tail = text.rpartition("\nBronnen\n")  # the PDF's last heading of that name
    text = head if sep and re.match(r"\s*1\.", _tail) else text
    text = re.sub(r"https?://\S+", "", text)
    return re.sub(r"algoprint [a-z-]+ [^\n|]*", "", text)  # commands stay commands


def english_in_dutch(text: str) -> list[str]:
    body = _dutch_body(text)
    found = []
    for pattern in GLOSSARY:
        for m in re.finditer(pattern, body):
            found.append(body[max(0, m.start() - 60) : m.end() + 40].replace("\n", " "))
    return found


def check(text: str, lang: str, where: str) -> list[str]:
    problems = [f"{where}: exponent {m.group(0)!r}" for m in EXPONENT.finditer(text)]
    problems += [f"{where}: 'CO2 ' without e near {text[m.start() - 30 : m.end() + 10]!r}"
                 for m in CO2_WITHOUT_E.finditer(text)]  # fmt: skip
    if lang == "nl":
        problems += [f"{where}: English in Dutch: …{s}…" for s in english_in_dutch(text)]
    return problems


def html_text(document: bytes) -> str:
    text = document.decode()
    text = re.sub(r"<(style|script)\b.*?</\1>", "", text, flags=re.S)
    text = re.sub(r"<svg\b.*?</svg>", "", text, flags=re.S)  # chart text is in the data tables
    text = re.sub(r'<section id="(references|appendix)".*?</section>', "", text, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", text)
    return html.unescape(text)


def pdf_text(document: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(document)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


@pytest.fixture(scope="module")
def reports(shared_store: Store) -> dict[tuple[str, str], object]:
    out = {}
    for lang in ("nl", "en"):
        for scope, args in (
            ("algorithm", {"algorithm": "fraude-risico"}),
            ("organisation", {"organisation": "Gemeente Voorbeeld"}),
        ):
            out[(scope, lang)] = build_report(
                shared_store, lang=lang, settings_extra=SAMPLE_SETTINGS_EXTRA, now=NOW, **args
            )
    return out


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("scope", ["algorithm", "organisation"])
def test_report_markdown_and_html(reports: dict, scope: str, lang: str) -> None:  # type: ignore[type-arg]
    data = reports[(scope, lang)]
    problems = check(render(data, "md").decode(), lang, f"{scope}/{lang}.md")  # type: ignore[arg-type]
    problems += check(html_text(render(data, "html")), lang, f"{scope}/{lang}.html")  # type: ignore[arg-type]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_pdf_text(reports: dict, lang: str, tmp_path: Path) -> None:  # type: ignore[type-arg]
    pytest.importorskip("typst")
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    text = pdf_text(render(reports[("algorithm", lang)], "pdf"), tmp_path)  # type: ignore[arg-type]
    assert check(text, lang, f"algorithm/{lang}.pdf") == []


def test_the_glossary_catches_english(tmp_path: Path) -> None:
    assert check("Samenvatting: the runs used 6.22e-06 kWh and 3 g CO2 e", "nl", "x") != []
    assert len(check("CO2 uitstoot 1e-05", "nl", "x")) == 2
    assert check("IT-energie 3,30 kWh, 1,31 kg CO₂e", "nl", "x") == []


def test_dutch_report_opens_with_conclusions_and_cites_sources(reports: dict) -> None:  # type: ignore[type-arg]
    md = render(reports[("algorithm", "nl")], "md").decode()  # type: ignore[arg-type]
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings[0] == "## Conclusie en vervolgstappen"
    assert "## Bronnen" in headings
    assert "\\[1\\]" in md  # cited by number
    assert "shared/data" not in md and "docs/" not in md  # no paths of this repository
    refs = md.split("## Bronnen")[1]
    entries = [line for line in refs.splitlines() if re.match(r"\d+\. ", line)]
    assert len(entries) == len(set(entries)) >= 3


CLI_OUTPUTS = (
    ("kader", "status"),
    ("kader", "register-text", "fraude-risico"),
    ("kader", "goals"),
    ("algorithm", "show", "fraude-risico"),
    ("runs",),
    ("where", "NL", "SE", "--energy-kwh", "0.004"),
    ("factors",),
    ("factors", "--kind", "embodied"),
    ("estimate", "llm", "--model", "gpt-4o", "--output-tokens", "1"),
    ("run", "--", "python3", "-c", "pass"),
)
DUTCH_ONLY = {("kader", "status"), ("kader", "register-text", "fraude-risico")}


@pytest.mark.parametrize("args", CLI_OUTPUTS, ids=" ".join)
def test_cli_tables_and_register_texts(
    args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from algoprint.report.sample import fill_sample_store
    from algoprint.store import open_store
    from tests.cli._invoke import algoprint, new_user

    db = new_user(tmp_path, monkeypatch)
    (tmp_path / "algoprint.toml").write_text(
        '[datacentres.rijks-dc]\nzone = "NL"\npue = 1.3\ncontract = "groen-gvo"\n'
    )
    with open_store(db) as store:
        fill_sample_store(store, runs=12)
    monkeypatch.setenv("COLUMNS", "80")
    rc, out, err = algoprint(*args)
    assert rc == 0, err
    lang = "nl" if args in DUTCH_ONLY else "en"  # the other tables are checked for numbers
    assert check(out + err, lang, " ".join(args)) == []  # run summaries go to stderr


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_market_based_zero_always_carries_its_caveat(reports: dict, fmt: str) -> None:  # type: ignore[type-arg]
    from dataclasses import replace

    data = reports[("algorithm", "nl")]

    def with_market(value: float):  # type: ignore[no-untyped-def]
        totals = dict(data.footprint.totals)
        totals["co2e_market_g"] = replace(
            totals["co2e_market_g"], value=value, low=value, high=value
        )
        return replace(data, footprint=replace(data.footprint, totals=totals))

    caveat = "Marktgebonden 0 g CO₂e betekent"
    # The sample's contract factor is 0 (groen-gvo), so its method row always carries the
    # caveat; a market-based total of 0 adds it to the conclusions and the totals as well.
    with_zero = render(with_market(0.0), fmt).decode().count(caveat)
    with_twelve = render(with_market(12.0), fmt).decode().count(caveat)
    assert with_zero >= with_twelve + 2
