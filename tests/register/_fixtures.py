"""Fixtures shared by the register and kader tests (imported by their modules).

Import ``store_fixture`` to get the ``store`` fixture (named so that test parameters called
``store`` do not shadow the import).

The store runs on SQLite and on the throwaway PostgreSQL of tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from algoprint.kader.register import Algorithm, add_algorithm
from algoprint.store import Store
from algoprint.tracking.record import PhaseRecord, RunRecord, RunStatus

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(name="store", params=BACKENDS)
def store_fixture(request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty, opened store, once per back end."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    with Store(url=str(request.getfixturevalue(name))) as opened:
        yield opened


def run(
    run_id: str,
    *,
    algorithm: str | None = "churn",
    phase: str | None = "training",
    days_ago: float = 1.0,
    energy_j: float | None = 3.6e6,
    status: RunStatus = RunStatus.COMPLETED,
    phases: list[str] | None = None,
    **changes: Any,
) -> RunRecord:
    """A finished run of ``energy_j`` joules started ``days_ago`` days before NOW."""
    started = (NOW - timedelta(days=days_ago)).isoformat()
    values: dict[str, Any] = {
        "run_id": run_id,
        "algorithm": algorithm,
        "phase": phase,
        "status": status,
        "started_at": started,
        "scope": "machine",
        "duration_s": 60.0,
        "energy_j": energy_j,
        "machine_energy_j": energy_j,
        "measured_energy_j": energy_j or 0.0,
        "uncertainty_rel": 0.1,
        "phases": [
            PhaseRecord(name, started, started, 1.0, 1.0, 1.0, None) for name in phases or []
        ],
    }
    values.update(changes)
    return RunRecord(**values)


def register(store: Store, slug: str = "churn", **fields: Any) -> Algorithm:
    """Register ``slug`` (name "Churn model" unless given) at NOW - 30 days."""
    extra = fields.pop("settings_extra", None)
    fields.setdefault("name", "Churn model")
    return add_algorithm(
        store, Algorithm(slug=slug, **fields), settings_extra=extra, now=NOW - timedelta(days=30)
    )
