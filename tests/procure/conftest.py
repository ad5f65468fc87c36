"""Fixtures for `algoprint procure`: supplier questionnaires and a helper to vary them."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from algoprint.records import AnalysisRecord

FIXTURES = Path(__file__).parent.parent / "fixtures" / "procure"
TODAY = dt.date(2026, 1, 15)
GOOD = FIXTURES / "supplier-groenai.csv"
BAD = FIXTURES / "supplier-wolk.csv"
PARAMS_ONLY = FIXTURES / "supplier-eigenmodel.json"


class FakeStore:
    """Records what would be saved."""

    def __init__(self) -> None:
        self.saved: list[AnalysisRecord] = []

    def save_analysis(self, record: AnalysisRecord) -> None:
        self.saved.append(record)


def variant(
    tmp_path: Path, changes: dict[str, dict[str, str]], *, src: Path = GOOD, name: str = "v.csv"
) -> Path:
    """A copy of CSV ``src`` with cells changed: {question id: {column: value}}."""
    with src.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row.update(changes.get(row["id"], {}))
    out = tmp_path / name
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()
