"""Fixtures for the training tests: a fake analysis store and deterministic meters."""

from __future__ import annotations

import os
from typing import Any

import pytest

# Keras 3 reads its backend once, at import: torch (no TensorFlow here).
os.environ.setdefault("KERAS_BACKEND", "torch")


class FakeStore:
    """Keeps saved analyses in a list (stands in for the run store's save_analysis)."""

    def __init__(self) -> None:
        self.analyses: list[Any] = []

    def save_analysis(self, record: Any) -> None:
        self.analyses.append(record)


@pytest.fixture
def fake_store() -> FakeStore:
    return FakeStore()
