"""Overlapping machine-scope runs are counted once in every total."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from algoprint.kader.goals import organisation_summary
from algoprint.report import build_report
from algoprint.store import Store, count_overlaps_once, overlap_shares
from algoprint.store._overlap import Interval
from algoprint.tracking.record import ComponentRecord, RunRecord, RunStatus

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _run(
    run_id: str,
    start_s: float,
    duration_s: float,
    energy_j: float,
    *,
    host: str = "node-1",
    scope: str = "machine",
    algorithm: str = "a",
) -> RunRecord:
    started = T0 + timedelta(seconds=start_s)
    ended = started + timedelta(seconds=duration_s)
    return RunRecord(
        run_id=run_id, algorithm=algorithm, phase="use", status=RunStatus.COMPLETED,
        started_at=started.isoformat(), ended_at=ended.isoformat(),
        duration_s=duration_s, scope=scope, energy_j=energy_j, machine_energy_j=energy_j,
        process_energy_j=energy_j / 10, measured_energy_j=energy_j, uncertainty_rel=0.1,
        components=[ComponentRecord("cpu", "cpu-model", energy_j, "model", 0.1, energy_j / 10)],
        host={"hostname": host},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([(0, 10), (0, 10)], [0.5, 0.5]),  # full overlap: each counts half
        ([(0, 10), (5, 15)], [0.75, 0.75]),
        ([(0, 10), (10, 20)], [1.0, 1.0]),  # touching, not overlapping
        ([(0, 10), (2, 4), (3, 4)], [(8 + 0.5 + 1 / 3) / 10, (0.5 + 1 / 3) / 2, 1 / 3]),
        ([(0, 10), (5, 5)], [1.0, 1.0]),  # zero length
    ],
)
def test_overlap_shares(spans: list[tuple[float, float]], expected: list[float]) -> None:
    shares = overlap_shares(Interval(str(i), "h", a, b) for i, (a, b) in enumerate(spans))
    assert [shares[str(i)].share for i in range(len(spans))] == pytest.approx(expected)


def test_other_hosts_never_overlap() -> None:
    shares = overlap_shares([Interval("a", "h1", 0, 10), Interval("b", "h2", 0, 10)])
    assert shares["a"].share == shares["b"].share == 1.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(url=f"sqlite:///{tmp_path / 'o.db'}").open()
    s.save_runs(
        [
            _run("train00001", 0, 100, 609.0, algorithm="train"),  # the double count of #18
            _run("idle000002", 0, 100, 609.0, algorithm="idle"),
            _run("other00003", 0, 100, 500.0, host="node-2", algorithm="train"),
            _run("proc000004", 0, 100, 50.0, scope="process", algorithm="idle"),
        ]
    )
    yield s
    s.close()


def test_count_overlaps_once_splits_and_states_the_method(store: Store) -> None:
    counted = {r.run_id: r for r in count_overlaps_once(store, store.list_runs())}
    assert counted["train00001"].energy_j == pytest.approx(304.5)
    assert counted["idle000002"].energy_j == pytest.approx(304.5)
    assert counted["train00001"].components[0].energy_j == pytest.approx(304.5)
    assert counted["other00003"].energy_j == 500.0  # another host
    assert counted["proc000004"].energy_j == 50.0  # process scope is attributed, not split
    [note] = [d for d in counted["train00001"].degradations if d.source == "overlap"]
    assert "pro rata by time" in note.message
    assert counted["train00001"].tags["overlap_with"] == "idle000002"
    assert store.get_run("train00001").energy_j == 609.0  # the stored run is unchanged


def test_one_algorithm_is_split_with_the_runs_of_others(store: Store) -> None:
    train = {r.run_id: r for r in count_overlaps_once(store, store.list_runs(algorithm="train"))}
    assert train["train00001"].energy_j == pytest.approx(304.5)


def test_report_and_goals_count_the_machine_once(store: Store) -> None:
    report = build_report(store, period="2026")
    rows = report.footprint.run_rows
    assert sum(r.energy_j or 0 for r in rows) == pytest.approx(609 + 500 + 50)
    assert report.footprint.totals["energy_it_j"].value == pytest.approx(609 + 500 + 50)
    assert any(d.get("source") == "overlap" for d in report.gaps.degradations)
    summary = organisation_summary(store, year=2026)
    assert summary.years[-1].energy_it_j == pytest.approx(609 + 500 + 50)


def test_second_machine_scope_run_warns_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    from tests.tracking._fakes import ConstantPowerMeter

    from algoprint.tracking import Tracker
    from algoprint.tracking._machine_runs import active_runs

    db = str(tmp_path / "w.db")
    first = Tracker(
        db=db, scope="machine", algorithm="train", meters=[ConstantPowerMeter(power_w=1)]
    )
    second = Tracker(
        db=db, scope="machine", algorithm="idle", meters=[ConstantPowerMeter(power_w=1)]
    )
    first.start()
    with caplog.at_level(logging.WARNING, logger="algoprint"):
        second.start()
    assert len(active_runs()) == 2
    second_rec = second.stop()
    first_rec = first.stop()
    assert active_runs() == []
    [note] = [d for d in second_rec.degradations if d.source == "overlap"]
    assert first.run_id[:8] in note.message and "train" in note.message
    assert any("another machine-scope run" in r.getMessage() for r in caplog.records)
    assert not [d for d in first_rec.degradations if d.source == "overlap"]
