"""Supplier evaluation: every implausibility rule, evidence rules, scoring and storage."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from algoprint.advice.procurement.evaluate import (
    LLM_PLAUSIBILITY_FACTOR,
    evaluate_suppliers,
)
from algoprint.advice.procurement.questionnaire import blank_rows
from algoprint.errors import InputError
from algoprint.impact.llm import estimate_llm

from .conftest import BAD, GOOD, PARAMS_ONLY, TODAY, FakeStore, variant

CATEGORIES = {"reporting", "kpi", "certification", "consideration", "social"}


def _flags(path: Path, kind: str = "ai-model") -> set[tuple[str, str | None]]:
    (sup,) = evaluate_suppliers([path], kind=kind, today=TODAY).suppliers
    return {(f.code, f.field) for f in sup.flags}


def test_good_supplier_has_no_flags_and_ranks_first() -> None:
    result = evaluate_suppliers([BAD, GOOD], kind="ai-model", today=TODAY)
    good, bad = result.suppliers
    assert good.supplier == "GroenAI BV" and good.flags == []
    assert good.total is not None and bad.total is not None and good.total > bad.total
    assert set(good.scores) == CATEGORIES
    assert all(v is not None and 0 <= v <= 100 for v in good.scores.values())


@pytest.mark.parametrize(
    ("code", "field"),
    [
        ("implausible", "pue"),  # PUE < 1
        ("implausible", "dcie"),  # DCiE > 1
        ("implausible", "ref"),  # REF > 1
        ("implausible", "erf"),
        ("implausible", "sroi_pct"),
        ("implausible", "period_end"),
        ("implausible", "energy_per_request_wh"),  # far below the EcoLogits estimate
        ("pue-dcie-mismatch", "dcie"),
        ("market-only-green", "renewable_basis"),
        ("eed-report-missing", "eed_report_url"),
        ("inconsistent", "co2e_location_kg"),
        ("unverifiable", "energy_kwh"),  # no evidence
        ("unverifiable", "iso14001"),  # certificate claimed without evidence
        ("unverifiable", "wue_l_per_kwh"),  # evidence older than a year
        ("missing", "measurement_method"),
        ("missing", "model_params_b"),
    ],
)
def test_bad_supplier_rule(code: str, field: str) -> None:
    assert (code, field) in _flags(BAD)


def test_implausible_answers_score_zero() -> None:
    (bad,) = evaluate_suppliers([BAD], kind="ai-model", today=TODAY).suppliers
    for qid in ("pue", "dcie", "ref", "erf", "energy_per_request_wh"):
        assert bad.question_scores[qid] == 0.0


def test_unverified_answer_scores_half(tmp_path: Path) -> None:
    path = variant(tmp_path, {"iso14001": {"evidence_url": ""}})
    (sup,) = evaluate_suppliers([path], kind="ai-model", today=TODAY).suppliers
    assert sup.question_scores["iso14001"] == 0.5
    assert ("unverifiable", "iso14001") in {(f.code, f.field) for f in sup.flags}


def _llm_bounds_wh() -> tuple[float, float]:
    e = estimate_llm(model="gpt-4o", output_tokens=500, year=TODAY.year)
    f = e.per_request.impacts["energy_facility_j"]
    return f.low / 3600, f.high / 3600


@pytest.mark.parametrize(
    ("scale", "flagged"),
    [(0.9, False), (1.1, True)],
)
def test_llm_energy_factor_boundary_high(tmp_path: Path, scale: float, flagged: bool) -> None:
    _, high = _llm_bounds_wh()
    wh = high * LLM_PLAUSIBILITY_FACTOR * scale
    path = variant(tmp_path, {"energy_per_request_wh": {"answer": f"{wh:.6f}"}})
    assert (("implausible", "energy_per_request_wh") in _flags(path)) is flagged


@pytest.mark.parametrize(
    ("scale", "flagged"),
    [(1.1, False), (0.9, True)],
)
def test_llm_energy_factor_boundary_low(tmp_path: Path, scale: float, flagged: bool) -> None:
    low, _ = _llm_bounds_wh()
    wh = low / LLM_PLAUSIBILITY_FACTOR * scale
    path = variant(tmp_path, {"energy_per_request_wh": {"answer": f"{wh:.6f}"}})
    assert (("implausible", "energy_per_request_wh") in _flags(path)) is flagged


def test_parameter_count_alone_is_checked() -> None:
    flags = _flags(PARAMS_ONLY)
    assert ("implausible", "energy_per_request_wh") in flags
    assert ("model-unknown", "model_name") not in flags


def test_unknown_model_without_parameters_cannot_be_checked(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        {"model_name": {"answer": "geheim-model"}, "model_params_b": {"answer": ""}},
    )
    flags = _flags(path)
    assert ("model-unknown", "model_name") in flags
    assert ("implausible", "energy_per_request_wh") not in flags


def test_pue_above_two_fails_dat06(tmp_path: Path) -> None:
    (sup,) = evaluate_suppliers(
        [variant(tmp_path, {"pue": {"answer": "2.4"}})], kind="ai-model", today=TODAY
    ).suppliers
    assert ("dcie-below-50", "dcie") in {(f.code, f.field) for f in sup.flags}
    assert sup.question_scores["pue"] == 0.0


def _saas(tmp_path: Path, name: str, per_tx: str) -> Path:
    answers = {
        "supplier_name": name,
        "energy_kwh": "12000",
        "requests": "8000000",
        "energy_per_transaction_wh": per_tx,
    }
    rows = [dict(r, answer=answers.get(r["id"], "")) for r in blank_rows("saas")]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"kind": "saas", "questions": rows}), encoding="utf-8")
    return path


def test_energy_per_transaction_must_fit_the_totals(tmp_path: Path) -> None:
    # 12000 kWh / 8e6 requests = 1.5 Wh per transaction
    assert ("inconsistent", "energy_per_transaction_wh") not in _flags(
        _saas(tmp_path, "ok", "1.6"), "saas"
    )
    assert ("inconsistent", "energy_per_transaction_wh") in _flags(
        _saas(tmp_path, "off", "9"), "saas"
    )


def test_future_evidence_is_unverifiable(tmp_path: Path) -> None:
    path = variant(tmp_path, {"pue": {"evidence_date": "2027-01-01"}})
    assert ("unverifiable", "pue") in _flags(path)


def test_side_by_side_render_and_order() -> None:
    result = evaluate_suppliers([BAD, PARAMS_ONLY, GOOD], kind="ai-model", today=TODAY)
    assert result.suppliers[0].supplier == "GroenAI BV"
    totals = [s.total or 0 for s in result.suppliers]
    assert totals == sorted(totals, reverse=True)
    en, nl = result.render("en"), result.render("nl")
    assert all(name[:16] in en[0] for name in ("GroenAI BV", "Wolk & Co", "Eigen Model NV"))
    assert en[0].startswith("Category") and nl[0].startswith("Categorie")
    assert any(x.startswith("Total") for x in en) and any(x.startswith("Totaal") for x in nl)
    assert max(len(x) for x in en + nl) <= 80


# English words and number forms that must not appear in the Dutch evaluation.
_NOT_DUTCH = re.compile(
    r"\[(warning|error)\]|\brow \d|\bquestion \d|location-based|market-based|"
    r"\bestimate for\b|\bdense\b|\d\.\d{1,2} (Wh|kg)|e[+-]\d\d"
)


def test_the_dutch_evaluation_is_dutch_with_dutch_numbers() -> None:
    result = evaluate_suppliers([BAD, PARAMS_ONLY], kind="ai-model", today=TODAY)
    nl = "\n".join(result.render("nl"))
    assert _NOT_DUTCH.findall(nl) == [], _NOT_DUTCH.findall(nl)
    assert "[fout]" in nl and "[waarschuwing]" in nl and "rij " in nl
    assert "0,01 Wh per verzoek" in nl and "EcoLogits-schatting voor" in nl
    assert "dicht model van 70 miljard parameters" in nl
    en = "\n".join(result.render("en"))
    assert "[error]" in en and "row " in en and "0.01 Wh per request" in en
    assert not re.search(r"e[+-]\d\d", en)  # no exponent notation in English either


def test_stored_as_procurement_evaluation(store: FakeStore) -> None:
    result = evaluate_suppliers(
        [GOOD, BAD], kind="ai-model", today=TODAY, store=store, algorithm="chatbot"
    )
    (record,) = store.saved
    assert (record.kind, record.measure) == ("procurement-evaluation", "owp-12")
    assert record.result == result.to_dict()
    assert "GroenAI BV" in record.summary_en and "GroenAI BV" in record.summary_nl


@pytest.mark.parametrize(
    ("paths", "kind", "match"),
    [
        ([], "ai-model", "no questionnaires"),
        ([GOOD, GOOD], "ai-model", "more than one file"),
        ([GOOD], "printer", "unknown tender type"),
    ],
)
def test_bad_calls(paths: list[Path], kind: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        evaluate_suppliers(paths, kind=kind, today=TODAY)


def test_default_today_is_used() -> None:
    result = evaluate_suppliers([GOOD], kind="ai-model")
    assert result.today == dt.date.today()


def test_an_inconsistent_supplier_never_outscores_an_honest_one(tmp_path: Path) -> None:
    honest = _saas(tmp_path, "honest", "1.5")  # 12000 kWh / 8e6 requests = 1.5 Wh
    flattering = _saas(tmp_path, "flattering", "0.01")  # far better than its own totals
    result = evaluate_suppliers([flattering, honest], kind="saas", today=TODAY)
    by = {s.supplier: s for s in result.suppliers}
    assert ("inconsistent", "error") in {(f.code, f.severity) for f in by["flattering"].flags}
    assert by["flattering"].question_scores["energy_per_transaction_wh"] == 0.0
    assert (by["honest"].total or 0.0) >= (by["flattering"].total or 0.0)


def test_implausible_erf_and_lifetime_score_nothing(tmp_path: Path) -> None:
    answers = {"supplier_name": "x", "erf": "0.95", "component_lifetime_years": "25"}
    rows = [dict(r, answer=answers.get(r["id"], "")) for r in blank_rows("hosting")]
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"kind": "hosting", "questions": rows}), encoding="utf-8")
    (sup,) = evaluate_suppliers([path], kind="hosting", today=TODAY).suppliers
    codes = {(f.code, f.field) for f in sup.flags}
    assert {("implausible", "erf"), ("implausible", "component_lifetime_years")} <= codes
    assert sup.question_scores.get("erf", 0.0) == 0.0


def test_model_name_must_fit_the_parameter_count_and_methods_are_checked(tmp_path: Path) -> None:
    answers = {
        "supplier_name": "m",
        "model_name": "gpt-4o-mini",  # 8-28 billion parameters in the EcoLogits catalogue
        "model_params_b": "400",
        "measurement_method": "guesswork",
    }
    rows = [dict(r, answer=answers.get(r["id"], "")) for r in blank_rows("ai-model")]
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"kind": "ai-model", "questions": rows}), encoding="utf-8")
    codes = _flags(path)
    assert ("inconsistent", "model_params_b") in codes
    assert ("invalid-choice", "measurement_method") in codes
