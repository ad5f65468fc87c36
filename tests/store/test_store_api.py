"""The store API, run against SQLite and PostgreSQL alike (see conftest.store_url)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from algoprint.errors import InputError, NotFound, StoreError
from algoprint.store import Store
from algoprint.store._schema import components, phases
from algoprint.tracking.record import ComponentRecord, RunRecord, RunStatus

MakeRecord = Callable[..., RunRecord]


def _rows(store: Store, table: Any, run_id: str) -> int:
    engine = store._get_engine()
    with engine.connect() as conn:
        query = select(func.count()).select_from(table).where(table.c.run_id == run_id)
        return int(conn.execute(query).scalar_one())


def test_round_trip_keeps_every_field(store: Store, make_record: MakeRecord) -> None:
    record = make_record()
    store.save_run(record)
    assert store.get_run(record.run_id) == record
    assert store.get_run(record.run_id).to_dict() == record.to_dict()


def test_round_trip_of_a_minimal_running_record(store: Store, make_record: MakeRecord) -> None:
    record = RunRecord(
        run_id="minimal-run",
        algorithm=None,
        phase=None,
        status=RunStatus.RUNNING,
        started_at="2024-05-01T10:00:00+00:00",
        scope="process",
    )
    store.save_run(record)
    assert store.get_run("minimal-run") == record


def test_timestamps_come_back_as_the_same_instant_in_utc(
    store: Store, make_record: MakeRecord
) -> None:
    record = make_record(started_at="2024-05-01T12:00:00.5+02:00", ended_at=None)
    store.save_run(record)
    back = store.get_run(record.run_id)
    assert back.started_at == "2024-05-01T10:00:00.500000+00:00"
    assert datetime.fromisoformat(back.started_at) == datetime.fromisoformat(record.started_at)


def test_every_run_status_is_stored_and_listed(store: Store, make_record: MakeRecord) -> None:
    # "stopped-by-budget" is 17 characters: PostgreSQL needs revision 0003's wider column.
    for i, status in enumerate(RunStatus):
        store.save_run(make_record(run_id=f"status-run-{i:04d}", status=status))
    for i, status in enumerate(RunStatus):
        assert store.get_run(f"status-run-{i:04d}").status is status
    listed = store.list_runs(status=RunStatus.STOPPED_BY_BUDGET.value)
    assert [r.status for r in listed] == [RunStatus.STOPPED_BY_BUDGET]


def test_double_save_writes_one_run(store: Store, make_record: MakeRecord) -> None:
    record = make_record()
    store.save_run(record)
    store.save_run(record)
    assert store.count_runs() == 1
    assert len(store.list_runs()) == 1
    assert _rows(store, components, record.run_id) == 3 + 1 + 2


def test_checkpoints_replace_components_and_phases(store: Store, make_record: MakeRecord) -> None:
    first = make_record(status=RunStatus.RUNNING, ended_at=None)
    store.save_run(first)
    final = first.replace(
        status=RunStatus.COMPLETED,
        components=[ComponentRecord("cpu", "package-1", 7.0, "counter", 0.05)],
        phases=[first.phases[1]],
        energy_j=7.0,
    )
    store.save_run(final)
    assert store.get_run(first.run_id) == final
    assert _rows(store, components, first.run_id) == 1 + 2
    assert _rows(store, phases, first.run_id) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"started_at": "2024-05-01T10:00:00"}, "no timezone offset"),
        ({"ended_at": "yesterday"}, "not an ISO 8601"),
        ({"run_id": ""}, "non-empty run_id"),
        (
            {"components": [ComponentRecord("cpu", "p0", 1.0, "counter", 0.1)] * 2},
            "appears twice",
        ),
    ],
)
def test_malformed_record_is_refused_and_nothing_written(
    store: Store, make_record: MakeRecord, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        store.save_run(make_record(**change))
    assert store.count_runs() == 0


def test_repeated_phase_name_is_refused(store: Store, make_record: MakeRecord) -> None:
    record = make_record()
    record.phases.append(record.phases[0])
    with pytest.raises(InputError, match="repeated"):
        store.save_run(record)


def test_prefix_lookup(store: Store, make_record: MakeRecord) -> None:
    for run_id in ("aaaaaa111111", "aaaaaa222222", "bbbbbb333333"):
        store.save_run(make_record(run_id))
    assert store.get_run("aaaaaa1").run_id == "aaaaaa111111"
    assert store.get_run("bbbbbb").run_id == "bbbbbb333333"
    with pytest.raises(InputError) as ambiguous:
        store.get_run("aaaaaa")
    assert "aaaaaa111111" in str(ambiguous.value)
    assert "aaaaaa222222" in str(ambiguous.value)
    assert not isinstance(ambiguous.value, NotFound)


@pytest.mark.parametrize("wanted", ["bbbbb", "cccccc", "aaaaa%", "AAAAAA111111", "aaaaa_111111"])
def test_unknown_or_too_short_id_is_not_found(
    store: Store, make_record: MakeRecord, wanted: str
) -> None:
    store.save_run(make_record("aaaaaa111111"))
    store.save_run(make_record("bbbbbb333333"))
    with pytest.raises(NotFound) as missing:
        store.get_run(wanted)
    assert missing.value.hint is not None
    assert "algoprint runs" in missing.value.hint


def test_empty_id_is_input_error(store: Store) -> None:
    with pytest.raises(InputError):
        store.get_run("")


def _at(hour: int) -> str:
    return datetime(2024, 5, 1, hour, tzinfo=UTC).isoformat()


@pytest.fixture
def six_runs(store: Store, make_record: MakeRecord) -> Store:
    specs = [
        ("run-00", "a", RunStatus.COMPLETED, 0),
        ("run-01", "a", RunStatus.FAILED, 1),
        ("run-02", "b", RunStatus.COMPLETED, 2),
        ("run-03", None, RunStatus.RUNNING, 3),
        ("run-04", "a", RunStatus.COMPLETED, 4),
        ("run-05", "b", RunStatus.DEGRADED, 5),
    ]
    for run_id, algorithm, status, hour in specs:
        store.save_run(
            make_record(run_id, algorithm=algorithm, status=status, started_at=_at(hour))
        )
    return store


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["run-05", "run-04", "run-03", "run-02", "run-01", "run-00"]),
        ({"algorithm": "a"}, ["run-04", "run-01", "run-00"]),
        ({"status": "completed"}, ["run-04", "run-02", "run-00"]),
        ({"status": RunStatus.RUNNING}, ["run-03"]),
        ({"since": datetime(2024, 5, 1, 4, tzinfo=UTC)}, ["run-05", "run-04"]),
        ({"until": datetime(2024, 5, 1, 2, tzinfo=UTC)}, ["run-01", "run-00"]),
        (
            {"since": datetime(2024, 5, 1, 3, tzinfo=timezone(timedelta(hours=2)))},
            ["run-05", "run-04", "run-03", "run-02", "run-01"],
        ),
        ({"algorithm": "b", "since": datetime(2024, 5, 1, 3, tzinfo=UTC)}, ["run-05"]),
        ({"limit": 2}, ["run-05", "run-04"]),
        ({"limit": 0}, []),
        ({"algorithm": "nope"}, []),
    ],
)
def test_list_filters_newest_first(
    six_runs: Store, filters: dict[str, Any], expected: list[str]
) -> None:
    listed = six_runs.list_runs(**filters)
    assert [r.run_id for r in listed] == expected
    count_filters = {k: v for k, v in filters.items() if k != "limit"}
    if "limit" not in filters:
        assert six_runs.count_runs(**count_filters) == len(expected)


def test_listed_records_are_complete(six_runs: Store, make_record: MakeRecord) -> None:
    listed = {r.run_id: r for r in six_runs.list_runs()}
    expected = make_record("run-02", algorithm="b", started_at=_at(2))
    assert listed["run-02"] == expected


@pytest.mark.parametrize(
    "filters",
    [
        {"since": datetime(2024, 5, 1)},
        {"until": datetime(2024, 5, 1)},
        {"status": "finished"},
        {"limit": -1},
    ],
)
def test_bad_list_filters_are_input_errors(store: Store, filters: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        store.list_runs(**filters)


@pytest.fixture
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def test_list_runs_loads_children_in_bulk(
    store: Store, make_record: MakeRecord, statements: list[str]
) -> None:
    for i in range(40):
        store.save_run(make_record(f"bulk-{i:03d}", started_at=_at(i % 24)))
    statements.clear()
    listed = store.list_runs()
    assert len(listed) == 40
    assert all(len(r.components) == 3 and len(r.phases) == 2 for r in listed)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3, selects


def test_delete_run_removes_children(store: Store, make_record: MakeRecord) -> None:
    store.save_run(make_record("keep-me-123"))
    store.save_run(make_record("delete-me-123"))
    store.delete_run("delete-me-123")
    assert [r.run_id for r in store.list_runs()] == ["keep-me-123"]
    assert _rows(store, components, "delete-me-123") == 0
    assert _rows(store, phases, "delete-me-123") == 0
    assert _rows(store, components, "keep-me-123") == 6
    with pytest.raises(NotFound):
        store.delete_run("delete-me-123")


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _running(make_record: MakeRecord, run_id: str, **changes: Any) -> RunRecord:
    values: dict[str, Any] = {
        "status": RunStatus.RUNNING,
        "ended_at": None,
        "checkpoint_at": (NOW - timedelta(minutes=5)).isoformat(),
        "pid": _dead_pid(),
        "host": {"hostname": socket.gethostname()},
        "degradations": [],
    }
    values.update(changes)
    return make_record(run_id, **values)


def test_recover_stale_run_of_a_dead_process(store: Store, make_record: MakeRecord) -> None:
    killed = _running(make_record, "killed-run")
    store.save_run(killed)
    assert store.recover_stale_runs(stale_after_s=60.0, now=NOW) == ["killed-run"]
    back = store.get_run("killed-run")
    assert back.status == RunStatus.INCOMPLETE
    assert back.energy_j == killed.energy_j
    assert back.components == killed.components
    assert back.phases == killed.phases
    assert back.ended_at == killed.checkpoint_at
    assert len(back.degradations) == 1
    assert "recovered" in back.degradations[0].message
    assert str(killed.pid) in back.degradations[0].message
    assert store.recover_stale_runs(stale_after_s=60.0, now=NOW) == []


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"pid": None, "checkpoint_at": None}, id="never-checkpointed-no-pid"),
        pytest.param({"checkpoint_at": None}, id="never-checkpointed-dead-pid"),
    ],
)
def test_recover_uses_started_at_without_checkpoint(
    store: Store, make_record: MakeRecord, changes: dict[str, Any]
) -> None:
    store.save_run(_running(make_record, "quiet-run", **changes))
    assert store.recover_stale_runs(now=NOW) == ["quiet-run"]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"pid": os.getpid()}, id="alive-process"),
        pytest.param({"checkpoint_at": (NOW - timedelta(seconds=30)).isoformat()}, id="fresh"),
        pytest.param({"host": {"hostname": "another-machine"}}, id="other-host"),
        pytest.param({"status": RunStatus.COMPLETED}, id="finished"),
    ],
)
def test_recover_leaves_live_fresh_foreign_and_finished_runs(
    store: Store, make_record: MakeRecord, changes: dict[str, Any]
) -> None:
    before = _running(make_record, "live-run", **changes)
    store.save_run(before)
    assert store.recover_stale_runs(stale_after_s=60.0, now=NOW) == []
    assert store.get_run("live-run") == before


def test_recover_refuses_bad_arguments(store: Store) -> None:
    with pytest.raises(InputError):
        store.recover_stale_runs(stale_after_s=-1)
    with pytest.raises(InputError):
        store.recover_stale_runs(now=datetime(2024, 5, 1))


def test_closed_store_refuses_use(store_url: str, make_record: MakeRecord) -> None:
    opened = Store(url=store_url).open()
    opened.close()
    opened.close()
    with pytest.raises(StoreError, match="closed"):
        opened.save_run(make_record())


def test_save_runs_in_one_transaction(store: Store, make_record: MakeRecord) -> None:
    records = [make_record(run_id=f"{i:032x}") for i in range(1, 6)]
    store.save_runs(records)
    store.save_runs(records[:2])  # replacing existing runs keeps one row each
    assert store.count_runs() == 5
    assert store.get_run(records[3].run_id).components == records[3].components
