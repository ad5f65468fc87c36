"""Questionnaire files: round trips, XLSX gate, and malformed input naming row and field."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from algoprint.advice.procurement.questionnaire import (
    COLUMNS,
    KINDS,
    questions,
    read_answers,
    write_questionnaire,
)
from algoprint.errors import InputError

from .conftest import FIXTURES, GOOD, PARAMS_ONLY, variant

HAS_OPENPYXL = importlib.util.find_spec("openpyxl") is not None


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_written_questionnaire_has_one_row_per_question(
    tmp_path: Path, kind: str, fmt: str
) -> None:
    path = write_questionnaire(tmp_path / f"q.{fmt}", kind)
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert list(rows[0]) == list(COLUMNS)
    else:
        doc = json.loads(path.read_text("utf-8"))
        assert doc["kind"] == kind and doc["columns"] == list(COLUMNS)
        rows = doc["questions"]
    assert [r["id"] for r in rows] == [q.id for q in questions(kind)]
    answers = read_answers(path)
    assert set(answers.answers) == {q.id for q in questions(kind)}
    assert all(a.value is None for a in answers.answers.values())
    assert answers.supplier == "q"  # blank supplier_name: the file name


def test_format_from_argument_wins(tmp_path: Path) -> None:
    path = write_questionnaire(tmp_path / "q.txt", "saas", "json")
    assert json.loads(path.read_text("utf-8"))["kind"] == "saas"


def test_xlsx_without_openpyxl_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import now fails as if not installed
    with pytest.raises(InputError, match="openpyxl") as e:
        write_questionnaire(tmp_path / "q.xlsx", "saas")
    assert e.value.hint is not None and "pip install openpyxl" in e.value.hint


@pytest.mark.skipif(not HAS_OPENPYXL, reason="openpyxl not installed")
def test_xlsx_round_trip(tmp_path: Path) -> None:
    path = write_questionnaire(tmp_path / "q.xlsx", "hosting")
    assert set(read_answers(path).answers) == {q.id for q in questions("hosting")}


def test_answers_are_parsed_by_type() -> None:
    answers = read_answers(GOOD)
    assert answers.supplier == "GroenAI BV"
    assert answers.value("energy_per_request_wh") == 1.5  # Dutch decimal comma
    assert answers.value("iso14001") is True and answers.value("eu_coc") is True
    assert answers.value("period_end").isoformat() == "2025-12-31"
    assert answers.answers["pue"].evidence_date is not None
    assert answers.answers["pue"].where == "row 15"


def test_json_answers_accept_numbers() -> None:
    answers = read_answers(PARAMS_ONLY)
    assert answers.value("model_params_b") == 70.0
    assert answers.answers["pue"].where.startswith("question ")


def test_wrong_columns_are_named() -> None:
    with pytest.raises(InputError) as e:
        read_answers(FIXTURES / "malformed-columns.csv")
    assert "missing column(s) answer, evidence_date" in e.value.message
    assert "unknown column(s) antwoord" in e.value.message


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"pue": {"unit": ""}}, r"row 15 \(pue\): unit missing"),
        ({"energy_kwh": {"unit": "MWh"}}, r"row 5 \(energy_kwh\): unit 'MWh' but .* 'kWh'"),
        (
            {"pue": {"answer": "ongeveer 1.3"}},
            r"row 15 \(pue\): the field 'answer' must be a number",
        ),
        ({"requests": {"answer": "8 miljoen"}}, r"row 6 \(requests\): the field 'answer'"),
        ({"iso14001": {"answer": "misschien"}}, r"row 23 \(iso14001\).*ja/nee"),
        ({"period_start": {"answer": "begin 2025"}}, r"row 3 \(period_start\).*not a date"),
        ({"pue": {"evidence_date": "juni"}}, r"row 15 \(pue\) field 'evidence_date'"),
        ({"pue": {"id": "pue_2025"}}, r"row 15: unknown question id 'pue_2025'"),
        ({"dcie": {"id": "pue"}}, r"row 16: question 'pue' appears twice"),
        ({"pue": {"answer": "inf"}}, r"row 15 \(pue\): the field 'answer' must be finite"),
    ],
)
def test_malformed_rows_name_row_and_field(
    tmp_path: Path, changes: dict[str, dict[str, str]], match: str
) -> None:
    with pytest.raises(InputError, match=match):
        read_answers(variant(tmp_path, changes))


def test_blank_answer_may_have_blank_unit(tmp_path: Path) -> None:
    answers = read_answers(variant(tmp_path, {"pue": {"unit": "", "answer": ""}}))
    assert answers.value("pue") is None


@pytest.mark.parametrize(
    ("content", "suffix", "match"),
    [
        ("", ".csv", "is empty"),
        ("{not json", ".json", "not a valid json"),
        ('{"questions": 3}', ".json", "list of question objects"),
    ],
)
def test_broken_files(tmp_path: Path, content: str, suffix: str, match: str) -> None:
    path = tmp_path / f"broken{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        read_answers(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_answers(tmp_path / "absent.csv")


def test_unknown_format_and_kind(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown questionnaire format"):
        write_questionnaire(tmp_path / "q.pdf", "saas")
    with pytest.raises(InputError, match="unknown tender type"):
        write_questionnaire(tmp_path / "q.csv", "printing")
