"""A sample store shared by the report and export tests (read-only tests share one);
imported by their conftest files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from algoprint.report.sample import fill_sample_store
from algoprint.store import Store

NOW = datetime(2026, 10, 15, tzinfo=UTC)


def make_store(path: Path, **kwargs: object) -> Store:
    store = Store(url=f"sqlite:///{path}").open()
    fill_sample_store(store, **kwargs)  # type: ignore[arg-type]
    return store


@pytest.fixture(scope="session")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The sample store; tests must not write to it."""
    store = make_store(tmp_path_factory.mktemp("report") / "sample.db")
    yield store
    store.close()


@pytest.fixture
def fresh_store(tmp_path: Path) -> Iterator[Store]:
    """A sample store of one's own (for tests that write)."""
    store = make_store(tmp_path / "sample.db", runs=12)
    yield store
    store.close()
