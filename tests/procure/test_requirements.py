"""Requirement sets: every KPI, consideration and social criterion is present, structurally."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from algoprint.advice.procurement.questionnaire import KINDS, questions
from algoprint.advice.procurement.requirements import (
    CATEGORIES,
    KPI_PARTS,
    generate_requirements,
    grid_reference,
    requirements_catalogue,
)
from algoprint.errors import InputError
from algoprint.kader.catalogue import measure

CONSIDERATIONS = {
    "con-need",
    "con-reuse-finetune",
    "con-reuse-government",
    "con-smaller-model",
    "con-saas",
    "con-cloud",
    "con-serverless",
    "con-source-code",
    "con-component-lifetime",
    "con-open-standards",
    "con-containerisation",
    "con-scaling",
    "con-footprint-figures",
}
COMMON_KPIS = {"co2e_location_kg", "pue", "ref", "wue_l_per_kwh", "erf", "sroi_pct"}
KIND_KPIS = {
    "saas": {"energy_per_transaction_wh"},
    "custom-development": {"energy_per_transaction_wh"},
    "ai-model": {"energy_per_request_wh", "model_params_b"},
    "hosting": set(),
}
REPORT_FIELDS = {
    "energy_kwh",
    "co2e_location_kg",
    "co2e_market_kg",
    "pue",
    "wue_l_per_kwh",
    "ref",
    "period_start",
    "period_end",
    "measurement_method",
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_category_kpi_and_consideration_is_present(kind: str) -> None:
    rs = generate_requirements(kind)
    assert {r.category for r in rs.requirements} == set(CATEGORIES)
    assert {k.name for k in rs.kpis()} == COMMON_KPIS | KIND_KPIS[kind]
    ai_only = {"con-smaller-model", "con-reuse-finetune"} if kind == "hosting" else set()
    assert {r.id for r in rs.by_category("consideration")} == CONSIDERATIONS - ai_only
    assert {r.id for r in rs.by_category("social")} == {"soc-imvo", "soc-sroi"}
    assert {r.id for r in rs.by_category("contract")} == {"contract-bonus-malus"}
    assert {"cert-iso14001", "cert-iso50001", "cert-eu-coc", "cert-eed"} <= set(rs.ids())
    assert {"rep-annual", "rep-method"} <= set(rs.ids())
    assert len(rs.ids()) == len(set(rs.ids()))


@pytest.mark.parametrize("kind", KINDS)
def test_kpis_and_report_fields_are_questions_of_the_questionnaire(kind: str) -> None:
    rs = generate_requirements(kind)
    asked = {q.id: q for q in questions(kind)}
    for kpi in rs.kpis():
        assert kpi.name in asked, kpi.name
        assert asked[kpi.name].unit == kpi.unit or asked[kpi.name].unit == ""
    fields = {f["id"]: f for f in rs.reporting_fields()}
    assert fields.keys() <= asked.keys()
    assert fields.keys() >= REPORT_FIELDS
    assert fields["energy_kwh"]["unit"] == "kWh"
    assert fields["energy_kwh"]["run_field"].startswith("energy_j")


def test_co2e_requirement_names_both_methods() -> None:
    (req,) = [r for r in requirements_catalogue() if r.id == "kpi-co2e"]
    for text in (req.text_nl, req.text_en):
        assert "location-based" in text and "market-based" in text
    assert "Scope 2" in req.text_en


def test_social_criteria_name_their_frameworks() -> None:
    reqs = {r.id: r for r in requirements_catalogue()}
    assert "OESO" in reqs["soc-imvo"].text_nl and "OECD" in reqs["soc-imvo"].text_en
    for word in ("SROI", "Participatiewet", "banenafspraak"):
        assert word in reqs["soc-sroi"].text_nl


def test_owp12_quotes_are_verbatim_in_the_measure_text() -> None:
    text = measure("owp-12").text("nl")
    quoted = [r for r in requirements_catalogue() if r.owp12_quote]
    assert {r.id for r in quoted} >= CONSIDERATIONS | {"contract-bonus-malus", "rep-annual"}
    for r in quoted:
        assert r.owp12_quote in text, r.id


def test_every_requirement_is_complete_in_both_languages() -> None:
    for r in requirements_catalogue():
        assert r.category in CATEGORIES
        assert set(r.kinds) <= {"all", *KINDS}
        for value in (r.title_nl, r.title_en, r.text_nl, r.text_en):
            assert value.strip(), r.id
        assert r.verification_nl.strip() and r.verification_en.strip(), r.id
        assert r.source, r.id
        assert r.text_nl != r.text_en, r.id


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_is_self_contained_and_structured() -> None:
    rs = generate_requirements("ai-model", fmt="html")
    page = rs.text()
    parser = _Collect()
    parser.feed(page)
    tags = {t for t, _ in parser.tags}
    assert not tags & {"script", "link", "img", "iframe"}
    assert all("src" not in a for _, a in parser.tags)
    articles = {a["id"] for t, a in parser.tags if t == "article"}
    assert articles == set(rs.ids())
    kpis = {a["data-kpi"] for t, a in parser.tags if "data-kpi" in a}
    assert kpis == {k.name for k in rs.kpis()}
    assert "<style>" in page and page.startswith("<!DOCTYPE html>")


def test_markdown_has_every_requirement_and_the_citation() -> None:
    rs = generate_requirements("saas")
    md = rs.to_markdown("nl+en")
    for r in rs.requirements:
        assert f"({r.id})" in md
        assert r.text_nl.splitlines()[0] in md and r.text_en.splitlines()[0] in md
    assert "EUPL-1.2" in md.splitlines()[-1]


def test_docx_text_is_plain_headings_and_numbered_lists() -> None:
    text = generate_requirements("hosting", fmt="docx").text()
    assert "*" not in text and "<" not in text and "|" not in text
    assert "energy_kwh (kWh)" in text
    headings = [x for x in text.splitlines() if x.startswith("#")]
    assert headings[0].startswith("# ") and any(x.startswith("## 1. ") for x in headings)


def test_single_language_renderings() -> None:
    rs = generate_requirements("saas")
    en, nl = rs.to_markdown("en"), rs.to_markdown("nl")
    assert "Energy per transaction" in en and "Energie per transactie" not in en
    assert "Energie per transactie" in nl and "Energy per transaction" not in nl


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"kind": "cloud"}, "unknown tender type"),
        ({"kind": "saas", "lang": "de"}, "unknown language"),
        ({"kind": "saas", "fmt": "pdf"}, "unknown format"),
    ],
)
def test_bad_arguments(kw: dict[str, str], match: str) -> None:
    kind = kw.pop("kind")
    with pytest.raises(InputError, match=match):
        generate_requirements(kind, **kw)


def test_analysis_record() -> None:
    rs = generate_requirements("ai-model")
    record = rs.to_analysis("chatbot")
    assert (record.kind, record.measure, record.algorithm) == (
        "procurement-requirements",
        "owp-12",
        "chatbot",
    )
    ids = [r["id"] for r in record.result["requirements"]]
    assert ids == rs.ids()
    assert record.summary_nl and record.summary_en
    assert rs.render("en")[0].startswith("AI model or API")


def test_roles_sources_proportionality_and_the_smaller_model_tool() -> None:
    rs = generate_requirements("saas", lang="en")
    roles = {r.id: r.role for r in rs.requirements}
    assert roles["cert-iso14001"] == "knock-out" and roles["kpi-co2e"] == "award"
    assert roles["contract-bonus-malus"] == "contract-clause"
    doc = rs.to_dict()
    assert any("PIANOo" in s for s in doc["sources"])
    assert any("SWD(2020) 55" in s for s in doc["sources"])
    assert "Proportionaliteit" in doc["proportionality_nl"]
    text = rs.to_markdown("en")
    assert "award criterion" in text and "requirement (knock-out)" in text
    smaller = next(r for r in rs.requirements if r.id == "con-smaller-model")
    assert "advise simplicity" in smaller.verification("en")
    hosting = generate_requirements("hosting")
    assert not {"con-smaller-model", "kpi-model-size"} & set(hosting.ids())


PLACEHOLDER = re.compile(r"\[[^\]\n]*\]")
"""A bracketed placeholder for the buyer ([X], [1,3], [definitie transactie]); ``[]`` in the
field path ``components[].method`` is not one."""


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["nl", "en", "nl+en"])
def test_no_placeholder_remains_every_value_is_a_reference(kind: str, lang: str) -> None:
    rs = generate_requirements(kind, lang=lang)
    for text in (rs.to_markdown(), rs.to_docx_text(), rs.to_html()):
        found = [m for m in PLACEHOLDER.findall(text) if m != "[]"]
        assert found == [], found
    raw = json.dumps(rs.to_dict(), ensure_ascii=False)
    assert "[X]" not in raw and "{grid_nl}" not in raw


def test_every_kpi_is_measurable_in_both_languages() -> None:
    kpis = [r for r in requirements_catalogue() if r.kpi is not None]
    assert len(kpis) >= 9
    for r in kpis:
        assert r.kpi is not None
        assert r.kpi.missing() == [], r.id
        assert r.kpi.name and r.kpi.unit and r.kpi.direction in {"lower", "higher"}
        assert r.kpi.to_dict().keys() >= {
            f"{part}_{code}" for part in KPI_PARTS for code in ("nl", "en")
        }
    # The rendering carries every part: method, frequency, baseline, consequence, reference.
    nl = generate_requirements("ai-model", lang="nl").to_markdown()
    en = generate_requirements("ai-model", lang="en").to_markdown()
    for label in ("Meetmethode", "Frequentie", "Nulmeting", "Gevolg", "Referentiewaarde"):
        assert nl.count(f"- {label}: ") >= 5, label
    for label in ("Measurement method", "Frequency", "Baseline", "Consequence", "Reference"):
        assert en.count(f"- {label}") >= 5, label
    page = generate_requirements("saas", lang="en").to_html()
    assert page.count('<ul class="meta kpi">') == len(generate_requirements("saas").kpis())


def test_reference_values_cite_their_public_sources() -> None:
    by_id = {r.id: r for r in requirements_catalogue()}
    pue = by_id["kpi-pue-dcie"].kpi
    assert pue is not None and "2.0" in pue.target_en and "1.3" in pue.target_en
    assert "dat-06" in pue.reference_en and "Climate Neutral Data Centre Pact" in pue.reference_en
    assert "ITU-T L.1470" in by_id["kpi-co2e"].kpi.reference_en  # type: ignore[union-attr]
    assert "0.4" in by_id["kpi-wue"].kpi.target_en  # type: ignore[union-attr]
    assert "Energieeffizienzgesetz" in by_id["kpi-erf"].kpi.reference_en  # type: ignore[union-attr]
    assert "2024/1364" in by_id["rep-annual"].reference_en
    assert "Gids Proportionaliteit" in by_id["contract-bonus-malus"].reference_nl


def test_the_dutch_grid_factor_comes_from_the_shipped_reference_data() -> None:
    from algoprint.impact import factors

    g = factors.grid_intensity("NL")
    ref = grid_reference("NL")
    assert f"{round(g.value)} g CO2e/kWh" in ref["en"] and str(g.year_used) in ref["en"]
    assert "net NL" in ref["nl"] and "bron:" in ref["nl"]
    co2e = next(r for r in requirements_catalogue() if r.id == "kpi-co2e").kpi
    assert co2e is not None and ref["en"] in co2e.method_en and ref["nl"] in co2e.method_nl
    assert "no grid factor" in grid_reference("XX")["en"]


def test_knock_out_and_award_roles_per_item() -> None:
    roles = {r.id: r.role for r in requirements_catalogue()}
    # dat-06's DCiE of 50 % is a minimum, not a score; disclosure of the model is a must.
    assert roles["kpi-pue-dcie"] == "knock-out" and roles["kpi-model-size"] == "knock-out"
    assert roles["kpi-ref"] == roles["kpi-erf"] == roles["kpi-energy-per-request"] == "award"
    # Social return and the international social conditions are contract conditions.
    assert roles["soc-sroi"] == roles["soc-imvo"] == "contract-clause"
    nl = generate_requirements("hosting", lang="nl").to_markdown()
    assert "eis (knock-out)" in nl and "gunningscriterium" in nl and "contractbepaling" in nl
    assert "Wh/transaction" not in nl and "(verhouding)" in nl
