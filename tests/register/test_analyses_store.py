"""Storing analyses: upsert, lookup by prefix, filters, bad input (SQLite and PostgreSQL)."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest

from algoprint.errors import InputError, NotFound
from algoprint.records import AnalysisRecord
from algoprint.store import Store
from tests.register._fixtures import NOW, store_fixture  # noqa: F401


def _analysis(kind: str = "simplicity", days_ago: int = 1, **changes: Any) -> AnalysisRecord:
    values: dict[str, object] = {
        "kind": kind,
        "algorithm": "churn",
        "title": f"{kind} analysis",
        "result": {"best": "logreg", "scores": [0.91, 0.93], "nested": {"ok": True}},
        "summary_nl": "Eenvoudig model volstaat.",
        "summary_en": "A simple model is enough.",
        "own_energy_j": 12.5,
        "run_ids": ["r1", "r2"],
        "created_at": (NOW - timedelta(days=days_ago)).isoformat(timespec="milliseconds"),
    }
    values.update(changes)
    return AnalysisRecord(**values)  # type: ignore[arg-type]


def test_round_trip_and_idempotent_upsert(store: Store) -> None:
    record = _analysis()
    store.save_analysis(record)
    store.save_analysis(record)
    assert store.list_analyses() == [record]
    changed = _analysis(analysis_id=record.analysis_id, title="second look")
    store.save_analysis(changed)
    assert store.get_analysis(record.analysis_id) == changed
    assert len(store.list_analyses()) == 1


def test_default_timestamp_round_trips_unchanged(store: Store) -> None:
    record = AnalysisRecord(kind="location", algorithm=None, title="t", result={})
    store.save_analysis(record)
    assert store.get_analysis(record.analysis_id).created_at == record.created_at


def test_prefix_lookup(store: Store) -> None:
    a = _analysis(analysis_id="abcdef111111")
    b = _analysis(analysis_id="abcdef222222")
    store.save_analysis(a)
    store.save_analysis(b)
    assert store.get_analysis("abcdef1") == a
    with pytest.raises(InputError, match="matches 2 analyses"):
        store.get_analysis("abcdef")
    with pytest.raises(NotFound):
        store.get_analysis("abc")
    with pytest.raises(NotFound):
        store.get_analysis("ffffffff")


def test_filters_and_order(store: Store) -> None:
    old = _analysis("simplicity", days_ago=400)
    mid = _analysis("code-profile", days_ago=10)
    new = _analysis("code-compare", days_ago=1)
    other = _analysis("code-profile", days_ago=2, algorithm="other")
    for r in (old, mid, new, other):
        store.save_analysis(r)
    assert [a.analysis_id for a in store.list_analyses(algorithm="churn")] == [
        new.analysis_id,
        mid.analysis_id,
        old.analysis_id,
    ]
    assert store.list_analyses(kind="code-profile", algorithm="churn") == [mid]
    assert {a.analysis_id for a in store.list_analyses(measure="owk-05")} == {
        mid.analysis_id,
        new.analysis_id,
        other.analysis_id,
    }
    assert store.list_analyses(measure="urn:nl:ak:mtr:owp-13") == [old]
    assert old not in store.list_analyses(since=NOW - timedelta(days=365))
    assert store.list_analyses(limit=1) == [new]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"result": {"x": math.nan}}, "cannot be stored as JSON"),
        ({"result": {"x": {1, 2}}}, "cannot be stored as JSON"),
        ({"own_energy_j": math.inf}, "own_energy_j"),
        ({"analysis_id": ""}, "non-empty analysis_id"),
        ({"created_at": "2025-01-01T00:00:00"}, "no timezone"),
    ],
)
def test_bad_records_are_refused_and_nothing_is_written(
    store: Store, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        store.save_analysis(_analysis(**changes))
    assert store.list_analyses() == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "nope"}, "unknown analysis kind"),
        ({"measure": "abc-01"}, "no analysis kind"),
        ({"limit": -1}, "limit"),
        ({"since": NOW.replace(tzinfo=None)}, "no timezone"),
    ],
)
def test_bad_filters(store: Store, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        store.list_analyses(**kwargs)  # type: ignore[arg-type]
