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
    host_key: str | None = None,
) -> RunRecord:
    started = T0 + timedelta(seconds=start_s)
    ended = started + timedelta(seconds=duration_s)
    return RunRecord(
        run_id=run_id, algorithm=algorithm, phase="use", status=RunStatus.COMPLETED,
        started_at=started.isoformat(), ended_at=ended.isoformat(),
        duration_s=duration_s, scope=scope, energy_j=energy_j, machine_energy_j=energy_j,
        process_energy_j=energy_j / 10, measured_energy_j=energy_j, uncertainty_rel=0.1,
        components=[ComponentRecord("cpu", "cpu-model", energy_j, "model", 0.1, energy_j / 10)],
        host={"hostname": host, **({"host_key": host_key} if host_key else {})},
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
    # Each machine run counts half the machine, less half the 50 J process run inside both.
    assert counted["train00001"].energy_j == pytest.approx(304.5 - 25)
    assert counted["idle000002"].energy_j == pytest.approx(304.5 - 25)
    assert counted["train00001"].components[0].energy_j == pytest.approx(304.5 - 25)
    assert counted["other00003"].energy_j == 500.0  # another host
    assert counted["proc000004"].energy_j == 50.0  # process scope keeps its own figure
    notes = [d.message for d in counted["train00001"].degradations if d.source == "overlap"]
    assert any("pro rata by time" in m for m in notes)
    assert any("process-scope runs inside" in m for m in notes)
    assert counted["train00001"].tags["overlap_with"] == "idle000002"
    assert counted["train00001"].tags["nested_runs"] == "proc000004"
    assert store.get_run("train00001").energy_j == 609.0  # the stored run is unchanged


def test_one_algorithm_is_split_with_the_runs_of_others(store: Store) -> None:
    train = {r.run_id: r for r in count_overlaps_once(store, store.list_runs(algorithm="train"))}
    assert train["train00001"].energy_j == pytest.approx(304.5 - 25)


def test_report_and_goals_count_the_machine_once(store: Store) -> None:
    # node-1: one machine of 609 J (the 50 J process run is inside it); node-2: 500 J.
    report = build_report(store, period="2026")
    rows = report.footprint.run_rows
    assert sum(r.energy_j or 0 for r in rows) == pytest.approx(609 + 500)
    assert report.footprint.totals["energy_it_j"].value == pytest.approx(609 + 500)
    assert any(d.get("source") == "overlap" for d in report.gaps.degradations)
    summary = organisation_summary(store, year=2026)
    assert summary.years[-1].energy_it_j == pytest.approx(609 + 500)


# ---------------------------------------------------------------- process runs inside machine runs


def _shares(*ivs: Interval) -> dict[str, float]:
    return {k: v.share for k, v in overlap_shares(ivs).items()}


def test_a_process_run_inside_a_machine_run_is_counted_once() -> None:
    shares = _shares(
        Interval("m", "h", 0, 100, energy_j=1000.0),
        Interval("p", "h", 20, 40, scope="process", energy_j=100.0),
    )
    assert shares == {"m": pytest.approx(0.9)}  # the process run keeps its own figure
    assert 1000.0 * shares["m"] + 100.0 == pytest.approx(1000.0)  # not 1100


def test_overlapping_machine_runs_and_a_nested_process_run() -> None:
    # A 0-100 s and B 50-150 s at 1000 J each: 1500 J of machine. P (60-80 s, 100 J) lies in
    # the stretch both hold, so each gives up half of it.
    shares = _shares(
        Interval("a", "h", 0, 100, energy_j=1000.0),
        Interval("b", "h", 50, 150, energy_j=1000.0),
        Interval("p", "h", 60, 80, scope="process", energy_j=100.0),
    )
    assert shares["a"] * 1000 == pytest.approx(750 - 50)
    assert shares["b"] * 1000 == pytest.approx(750 - 50)
    assert shares["a"] * 1000 + shares["b"] * 1000 + 100 == pytest.approx(1500)


def test_only_the_part_inside_is_deducted() -> None:
    # P runs 80-120 s at 5 W: 100 J inside the machine run, 100 J after it ends.
    shares = _shares(
        Interval("m", "h", 0, 100, energy_j=1000.0),
        Interval("p", "h", 80, 120, scope="process", energy_j=200.0),
    )
    assert shares["m"] * 1000 == pytest.approx(900)
    assert shares["m"] * 1000 + 200 == pytest.approx(1100)


def test_a_process_run_on_another_host_or_outside_the_window_is_not_deducted() -> None:
    shares = _shares(
        Interval("m", "h", 0, 100, energy_j=1000.0),
        Interval("p", "other", 20, 40, scope="process", energy_j=100.0),
        Interval("q", "h", 100, 140, scope="process", energy_j=100.0),  # touches, after
    )
    assert shares == {"m": 1.0}


def test_deduction_never_goes_below_zero() -> None:
    shares = _shares(
        Interval("m", "h", 0, 10, energy_j=10.0),
        Interval("p", "h", 0, 10, scope="process", energy_j=50.0),  # a different meter's view
    )
    assert shares["m"] == 0.0


@pytest.fixture
def nested_store(tmp_path: Path) -> Iterator[Store]:
    s = Store(url=f"sqlite:///{tmp_path / 'n.db'}").open()
    s.save_runs(
        [
            _run("machine001", 0, 100, 1000.0, algorithm="batch"),
            _run("process002", 20, 20, 100.0, scope="process", algorithm="notebook"),
        ]
    )
    yield s
    s.close()


def test_planted_runs_total_1000_j_not_1100_j(nested_store: Store) -> None:
    counted = {r.run_id: r for r in count_overlaps_once(nested_store, nested_store.list_runs())}
    assert counted["machine001"].energy_j == pytest.approx(900.0)
    assert counted["process002"].energy_j == pytest.approx(100.0)
    assert counted["machine001"].tags["nested_runs"] == "process002"
    report = build_report(nested_store, period="2026")
    assert report.footprint.totals["energy_it_j"].value == pytest.approx(1000.0)
    assert organisation_summary(nested_store, year=2026).years[-1].energy_it_j == pytest.approx(
        1000.0
    )
    # Per algorithm: the batch job is charged the machine less the notebook's own 100 J.
    batch = count_overlaps_once(nested_store, nested_store.list_runs(algorithm="batch"))
    assert batch[0].energy_j == pytest.approx(900.0)
    notebook = count_overlaps_once(nested_store, nested_store.list_runs(algorithm="notebook"))
    assert notebook[0].energy_j == pytest.approx(100.0)
    assert nested_store.get_run("machine001").energy_j == 1000.0  # show keeps the measurement


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


# ------------------------------------------------------------ host key: containers on one kernel

BOOT = "boot:0b5e1c7a-3f1d-4c55-9a51-9d7f2b1e0c42"


def test_containers_with_their_own_hostnames_share_the_host_key(store_url: str) -> None:
    with Store(url=store_url) as s:
        s.save_runs(
            [
                _run("ctr-a00001", 0, 100, 800.0, host="3f2a9c1d0e4b", host_key=BOOT),
                _run("ctr-b00002", 50, 100, 800.0, host="7d1e0a9b2c3f", host_key=BOOT),
                _run("ctr-p00003", 60, 20, 40.0, host="c0ffee123456", host_key=BOOT,
                     scope="process"),
                # Same hostname, another kernel: another machine, never split with the above.
                _run("vm-c000004", 0, 100, 800.0, host="3f2a9c1d0e4b",
                     host_key="boot:11111111-2222-3333-4444-555555555555"),
            ]
        )  # fmt: skip
        counted = {r.run_id: r for r in count_overlaps_once(s, s.list_runs())}
        # a and b overlap 50 s: each 0.75 of 800 J, less half the 40 J process run inside.
        assert counted["ctr-a00001"].energy_j == pytest.approx(600 - 20)
        assert counted["ctr-b00002"].energy_j == pytest.approx(600 - 20)
        assert counted["ctr-a00001"].tags["overlap_with"] == "ctr-b00002"
        assert counted["ctr-p00003"].energy_j == 40.0
        assert counted["vm-c000004"].energy_j == 800.0
        # A report of one container's algorithm finds the others through the store.
        [alone] = count_overlaps_once(s, [s.get_run("ctr-a00001")])
        assert alone.energy_j == pytest.approx(580.0)


def test_runs_without_a_host_key_fall_back_to_the_hostname() -> None:
    from algoprint.store._overlap import host_key

    assert host_key({"hostname": "node-1"}) == "node-1"
    assert host_key({"hostname": "node-1", "host_key": BOOT}) == BOOT
    assert host_key({}) is None


def test_a_machine_run_without_an_energy_figure_takes_nothing_off() -> None:
    shares = overlap_shares(
        [
            Interval("m", "h", 0, 100, energy_j=None),
            Interval("p", "h", 20, 40, scope="process", energy_j=100.0),
        ]
    )
    assert shares["m"].share == 1.0 and shares["m"].nested == () and shares["m"].nested_j == 0
