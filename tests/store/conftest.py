"""Store fixtures: the same tests run against SQLite and a throwaway PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from algoprint.store import Store
from algoprint.tracking.record import (
    ComponentRecord,
    Degradation,
    PhaseRecord,
    RunRecord,
    RunStatus,
)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest) -> str:
    """A fresh store URL, once per back end."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(url=store_url) as opened:
        yield opened


def build_record(run_id: str = "0123456789abcdef", **changes: Any) -> RunRecord:
    """A finished run with whole-run components, two phases and a degradation (UTC times)."""
    values: dict[str, Any] = {
        "run_id": run_id,
        "algorithm": "churn-model",
        "phase": "training",
        "status": RunStatus.COMPLETED,
        "started_at": "2024-05-01T10:00:00+00:00",
        "ended_at": "2024-05-01T10:01:40.250000+00:00",
        "scope": "machine",
        "duration_s": 100.25,
        "exit_code": 0,
        "energy_j": 1500.5,
        "machine_energy_j": 1500.5,
        "process_energy_j": 900.0,
        "measured_energy_j": 1500.5,
        "uncertainty_rel": 0.08,
        "components": [
            ComponentRecord("cpu", "package-0", 1000.0, "counter", 0.05, 600.0),
            ComponentRecord("memory", "dram-0", 500.5, "model", 0.3, 300.0, "RAPL dram absent"),
            ComponentRecord("gpu", "nvidia:0", None, "none", 0.0, None, "driver not loaded"),
        ],
        "phases": [
            PhaseRecord(
                name="load",
                started_at="2024-05-01T10:00:00+00:00",
                ended_at="2024-05-01T10:00:10+00:00",
                duration_s=10.0,
                energy_j=100.0,
                machine_energy_j=100.0,
                process_energy_j=50.0,
                components=[ComponentRecord("cpu", "package-0", 100.0, "counter", 0.05, 50.0)],
            ),
            PhaseRecord(
                name="fit",
                started_at="2024-05-01T10:00:10+00:00",
                ended_at=None,
                duration_s=90.25,
                energy_j=None,
                machine_energy_j=None,
                process_energy_j=None,
                components=[
                    ComponentRecord("cpu", "package-0", 900.0, "counter", 0.05),
                    ComponentRecord("gpu", "nvidia:0", None, "none", 0.0, note="gap"),
                ],
                count=3,
            ),
        ],
        "degradations": [
            Degradation("memory", "no RAPL dram domain; using the memory model", "grant access")
        ],
        "meters": [{"name": "rapl", "available": True, "detail": "package-0"}],
        "host": {"hostname": "test-host", "cpu": {"model": "Xeon", "sockets": 1}},
        "command": ["python", "train.py", "--epochs", "3"],
        "pid": 4242,
        "units": 1000.0,
        "tags": {"team": "data", "ticket": "ALG-1"},
        "checkpoint_at": "2024-05-01T10:01:40+00:00",
    }
    values.update(changes)
    return RunRecord(**values)


@pytest.fixture
def make_record() -> Callable[..., RunRecord]:
    """``make_record(run_id, **changes)``: a full record to save (see build_record)."""
    return build_record
