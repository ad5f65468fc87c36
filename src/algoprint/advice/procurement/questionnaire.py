"""The supplier questionnaire (owp-12): write it as CSV/JSON/XLSX and read answers back strictly.

One row (CSV, XLSX) or object (JSON) per question, with the columns of :data:`COLUMNS`. The
questions live in ``templates/questions.toml``; their ids and units are also the fields of the
annual report that requirement ``rep-annual`` asks for, so a report can be read with the same
reader. Reading is strict: wrong columns, a unit that is missing or changed, text in a number
field, a bad date or an unknown question id raise :class:`~algoprint.errors.InputError` naming
the file, the row and the field.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from algoprint.advice._greenwash import parse_date
from algoprint.errors import InputError

__all__ = [
    "COLUMNS",
    "KINDS",
    "Answer",
    "Question",
    "SupplierAnswers",
    "questions",
    "read_answers",
    "write_questionnaire",
]

KINDS: tuple[str, ...] = ("saas", "ai-model", "custom-development", "hosting")
"""Tender types: SaaS/cloud service, AI model or API (incl. generative AI), custom development,
hosting."""

COLUMNS: tuple[str, ...] = (
    "id",
    "category",
    "question_nl",
    "question_en",
    "unit",
    "answer",
    "evidence_url",
    "evidence_date",
)
"""The columns of the questionnaire file, in order."""

FORMATS = ("csv", "json", "xlsx")
_YES = {"ja", "yes", "y", "j", "true", "1", "waar"}
_NO = {"nee", "no", "n", "false", "0", "onwaar"}


@dataclass(frozen=True, slots=True)
class Question:
    """One question (see ``templates/questions.toml`` for the meaning of each key)."""

    id: str
    category: str
    kinds: tuple[str, ...]
    type: str
    question_nl: str
    question_en: str
    unit: str = ""
    required: bool = False
    evidence: bool = False
    weight: float = 1.0
    direction: str | None = None
    bands: tuple[tuple[float, float], ...] = ()
    min: float | None = None
    max: float | None = None
    run_field: str | None = None

    def applies_to(self, kind: str) -> bool:
        """Whether the question is asked for tender type ``kind``."""
        return "all" in self.kinds or kind in self.kinds


def check_kind(kind: str) -> str:
    """``kind`` normalised, or InputError naming the accepted kinds."""
    key = kind.strip().lower()
    if key not in KINDS:
        raise InputError(f"unknown tender type {kind!r}", hint=f"use one of {', '.join(KINDS)}")
    return key


@functools.cache
def _all_questions() -> tuple[Question, ...]:
    text = resources.files(__package__).joinpath("templates/questions.toml").read_text("utf-8")
    out = []
    for q in tomllib.loads(text)["question"]:
        out.append(
            Question(
                id=q["id"],
                category=q["category"],
                kinds=tuple(q["kinds"]),
                type=q["type"],
                question_nl=q["question_nl"],
                question_en=q["question_en"],
                unit=q.get("unit", ""),
                required=bool(q.get("required", False)),
                evidence=bool(q.get("evidence", False)),
                weight=float(q.get("weight", 1.0)),
                direction=q.get("direction"),
                bands=tuple((float(a), float(b)) for a, b in q.get("bands", [])),
                min=q.get("min"),
                max=q.get("max"),
                run_field=q.get("run_field"),
            )
        )
    return tuple(out)


def questions(kind: str | None = None) -> list[Question]:
    """The questions for tender type ``kind`` (all questions when ``None``), in file order.

    Raises:
        InputError: unknown kind.
    """
    if kind is None:
        return list(_all_questions())
    key = check_kind(kind)
    return [q for q in _all_questions() if q.applies_to(key)]


def _question_index() -> dict[str, Question]:
    return {q.id: q for q in _all_questions()}


def write_questionnaire(path: str | Path, kind: str, fmt: str | None = None) -> Path:
    """Write the empty questionnaire for ``kind`` to ``path`` as CSV, JSON or XLSX.

    Args:
        path: the file to write; its suffix chooses the format when ``fmt`` is ``None``.
        kind: tender type (:data:`KINDS`).
        fmt: ``csv``, ``json`` or ``xlsx``.

    Returns:
        The path written.

    Raises:
        InputError: unknown kind or format; XLSX asked but openpyxl is not installed.
    """
    out = Path(path)
    form = (fmt or out.suffix.lstrip(".") or "csv").lower()
    if form not in FORMATS:
        raise InputError(f"unknown questionnaire format {form!r}", hint="use csv, json or xlsx")
    rows = [
        {
            "id": q.id,
            "category": q.category,
            "question_nl": q.question_nl + (" *" if q.required else ""),
            "question_en": q.question_en + (" *" if q.required else ""),
            "unit": q.unit,
            "answer": "",
            "evidence_url": "",
            "evidence_date": "",
        }
        for q in questions(kind)
    ]
    if form == "csv":
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
            writer.writeheader()
            writer.writerows(rows)
    elif form == "json":
        doc = {"kind": check_kind(kind), "columns": list(COLUMNS), "questions": rows}
        out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        _write_xlsx(out, rows)
    return out


def _openpyxl() -> Any:
    try:
        import openpyxl  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise InputError(
            "XLSX needs the openpyxl package, which is not installed",
            hint="pip install openpyxl, or use the csv or json format",
        ) from None
    return openpyxl


def _write_xlsx(out: Path, rows: list[dict[str, str]]) -> None:
    book = _openpyxl().Workbook()
    sheet = book.active
    sheet.title = "questionnaire"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    book.save(out)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Answer:
    """One answered (or blank) question.

    Attributes:
        question: the question.
        value: parsed answer (float, str, bool, date), ``None`` when blank.
        unit: the unit as written in the file.
        evidence_url / evidence_date: the evidence given, if any.
        where: ``row N`` (CSV/XLSX line) or ``question N`` (JSON), for messages.
    """

    question: Question
    value: float | str | bool | dt.date | None
    unit: str
    evidence_url: str | None
    evidence_date: dt.date | None
    where: str


@dataclass(frozen=True, slots=True)
class SupplierAnswers:
    """The answers of one supplier, by question id."""

    supplier: str
    path: str
    answers: Mapping[str, Answer]

    def value(self, qid: str) -> Any:
        """The parsed answer to ``qid`` (``None`` when blank or not in the file)."""
        a = self.answers.get(qid)
        return None if a is None else a.value


def _records(path: Path) -> list[tuple[str, dict[str, Any]]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            doc = json.loads(path.read_text("utf-8"))
            items = doc.get("questions") if isinstance(doc, dict) else doc
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise InputError(
                    f"{path}: expected a list of question objects under 'questions'",
                    hint="start from algoprint procure questionnaire --format json",
                )
            _check_columns(path, set().union(*(i.keys() for i in items)) if items else set())
            return [(f"question {n}", i) for n, i in enumerate(items, start=1)]
        if suffix == ".xlsx":
            book = _openpyxl().load_workbook(path, read_only=True)
            try:  # read-only workbooks keep the file open until closed
                rows = book.active.iter_rows(values_only=True)
                table = [["" if c is None else c for c in r] for r in rows]
            finally:
                book.close()
        else:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                table = list(csv.reader(fh))
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    except (json.JSONDecodeError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{path} is not a valid {suffix.lstrip('.') or 'csv'} file: {e}") from None
    if not table:
        raise InputError(f"{path} is empty", hint="start from algoprint procure questionnaire")
    header = [str(h).strip() for h in table[0]]
    _check_columns(path, set(header))
    out = []
    for n, row in enumerate(table[1:], start=2):
        if not any(str(c).strip() for c in row):
            continue
        if len(row) > len(header):
            raise InputError(f"{path} row {n}: {len(row)} cells but {len(header)} columns")
        out.append((f"row {n}", dict(zip(header, row, strict=False))))
    return out


def _check_columns(path: Path, found: set[str]) -> None:
    missing = [c for c in COLUMNS if c not in found]
    extra = sorted(found - set(COLUMNS))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if extra:
            parts.append(f"unknown column(s) {', '.join(extra)}")
        raise InputError(
            f"{path}: {'; '.join(parts)}",
            hint=f"the columns are {', '.join(COLUMNS)} (algoprint procure questionnaire)",
        )


def _cell(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value).strip()


def _parse_value(q: Question, raw: Any, unit: str, where: str) -> Any:
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None
    if q.type == "number":
        if not unit:
            raise InputError(
                f"{where} ({q.id}): unit missing for the answer {text!r}",
                hint=f"keep the unit column as written: {q.unit!r}",
            )
        if unit.casefold() != q.unit.casefold():
            raise InputError(
                f"{where} ({q.id}): unit {unit!r} but this question asks for {q.unit!r}",
                hint=f"convert the answer to {q.unit} and keep the unit column as written",
            )
        number_text = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
        try:
            number = float(raw) if isinstance(raw, int | float) else float(number_text)
        except ValueError:
            raise InputError(
                f"{where} ({q.id}): the field 'answer' must be a number in {q.unit}, got {text!r}",
                hint="write only the number (e.g. 1.25); put remarks in a separate document",
            ) from None
        if not math.isfinite(number):
            raise InputError(f"{where} ({q.id}): the field 'answer' must be finite, got {text!r}")
        return number
    if q.type == "bool":
        key = text.lower()
        if key in _YES:
            return True
        if key in _NO:
            return False
        raise InputError(
            f"{where} ({q.id}): the field 'answer' must be ja/nee (yes/no), got {text!r}"
        )
    if q.type == "date":
        return parse_date(raw, f"{where} ({q.id}) field 'answer'")
    return text


def read_answers(path: str | Path) -> SupplierAnswers:
    """Read one supplier's filled-in questionnaire (CSV, JSON or XLSX).

    Raises:
        InputError: unreadable file, wrong columns, unknown or repeated question id, missing or
            changed unit, text in a number field, a bad yes/no or date, each naming the row
            and the field.
    """
    p = Path(path)
    index = _question_index()
    answers: dict[str, Answer] = {}
    for where, record in _records(p):
        qid = _cell(record, "id")
        if qid not in index:
            raise InputError(
                f"{p} {where}: unknown question id {qid!r} in the field 'id'",
                hint="do not change the id column; start from algoprint procure questionnaire",
            )
        if qid in answers:
            raise InputError(f"{p} {where}: question {qid!r} appears twice")
        q = index[qid]
        unit = _cell(record, "unit")
        value = _parse_value(q, record.get("answer"), unit, f"{p} {where}")
        date_raw = _cell(record, "evidence_date")
        date = (
            parse_date(date_raw, f"{p} {where} ({qid}) field 'evidence_date'") if date_raw else None
        )
        answers[qid] = Answer(q, value, unit, _cell(record, "evidence_url") or None, date, where)
    name = answers.get("supplier_name")
    supplier = str(name.value) if name is not None and name.value else p.stem
    return SupplierAnswers(supplier, str(p), answers)


def blank_rows(kind: str) -> Sequence[dict[str, str]]:
    """The questionnaire rows for ``kind`` as dictionaries (for tests and other writers)."""
    return [
        {
            "id": q.id,
            "category": q.category,
            "question_nl": q.question_nl,
            "question_en": q.question_en,
            "unit": q.unit,
            "answer": "",
            "evidence_url": "",
            "evidence_date": "",
        }
        for q in questions(kind)
    ]
