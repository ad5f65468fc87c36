"""Fixtures for `algoprint where`: the fixture datacentre tables and a fake analysis store."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest

from algoprint.records import AnalysisRecord

FIXTURES = Path(__file__).parent.parent / "fixtures" / "where"
TODAY = dt.date(2026, 1, 15)


class FakeStore:
    """Records what would be saved (the real store's save_analysis is added elsewhere)."""

    def __init__(self) -> None:
        self.saved: list[AnalysisRecord] = []

    def save_analysis(self, record: AnalysisRecord) -> None:
        self.saved.append(record)


@pytest.fixture
def settings_extra() -> dict[str, Any]:
    with (FIXTURES / "datacentres.toml").open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()
