"""Tracking API: windows, phases, statuses, faults, idempotent stop."""

from __future__ import annotations

import threading
import time

import pytest

from algoprint.errors import ConfigError, TrackingError
from algoprint.meters.common import Domain
from algoprint.tracking import RunStatus, Tracker, track
from tests.tracking._fakes import ConstantPowerMeter


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    x = 0
    while time.perf_counter() < end:
        x += 1


def test_run_energy_is_power_times_duration() -> None:
    meter = ConstantPowerMeter(power_w=50.0)
    with track(store=False, meters=[meter], algorithm="alg") as run:
        busy(0.3)
    rec = run.record
    assert rec is not None
    assert rec.status is RunStatus.COMPLETED
    assert rec.algorithm == "alg"
    assert rec.energy_j == pytest.approx(50.0 * rec.duration_s, rel=0.05)
    assert rec.machine_energy_j == rec.energy_j
    assert rec.uncertainty_rel == pytest.approx(0.1)
    assert [c.device for c in rec.components] == ["fake-0"]
    assert meter.closed == 1
    assert meter.samples >= 3  # start edge, background samples, stop edge


def test_process_share_never_exceeds_machine() -> None:
    meter = ConstantPowerMeter(power_w=20.0, interval_s=0.02)
    with track(store=False, meters=[meter]) as run:
        busy(0.3)
    rec = run.record
    assert rec is not None
    assert rec.process_energy_j is not None
    assert 0 < rec.process_energy_j <= rec.machine_energy_j  # type: ignore[operator]


def test_scope_process_makes_process_the_headline() -> None:
    with track(store=False, meters=[ConstantPowerMeter(power_w=10.0)], scope="process") as run:
        busy(0.2)
    rec = run.record
    assert rec is not None and rec.scope == "process"
    assert rec.energy_j == rec.process_energy_j


def test_phases_accumulate_and_nest() -> None:
    with track(store=False, meters=[ConstantPowerMeter(power_w=100.0)]) as run:
        for _ in range(3):
            with run.phase("epoch"), run.phase("forward"):
                busy(0.05)
        with run.phase("inference"):
            busy(0.1)
    rec = run.record
    assert rec is not None
    phases = {p.name: p for p in rec.phases}
    assert list(phases) == ["epoch", "forward", "inference"]
    assert phases["epoch"].count == 3
    assert phases["forward"].energy_j <= phases["epoch"].energy_j  # type: ignore[operator]
    assert phases["inference"].energy_j == pytest.approx(
        100.0 * phases["inference"].duration_s, rel=0.05
    )
    total_phases = phases["epoch"].energy_j + phases["inference"].energy_j  # type: ignore[operator]
    assert total_phases <= rec.energy_j  # type: ignore[operator]
    doc = rec.to_dict()
    assert "phases" in doc and doc["phases"][0]["count"] == 3


def test_gap_is_none_not_zero() -> None:
    meters = [
        ConstantPowerMeter(power_w=10.0),
        ConstantPowerMeter(power_w=0.0, domain=Domain.GPU, device="gpu-0", gap=True),
    ]
    with track(store=False, meters=meters) as run:
        busy(0.1)
    rec = run.record
    assert rec is not None
    assert rec.energy_j is None
    assert rec.measured_energy_j > 0
    gpu = next(c for c in rec.components if c.domain == "gpu")
    assert gpu.energy_j is None and gpu.note


def test_meter_failure_mid_run_degrades_but_never_raises() -> None:
    meter = ConstantPowerMeter(power_w=10.0, interval_s=0.01, fail_after_samples=2)
    with track(store=False, meters=[meter]) as run:
        busy(0.2)
    rec = run.record
    assert rec is not None
    assert rec.energy_j is None
    assert any("device vanished" in d.message for d in rec.degradations)


def test_exception_marks_failed_and_propagates() -> None:
    holder: dict[str, object] = {}
    with (
        pytest.raises(ValueError, match="boom"),
        track(store=False, meters=[ConstantPowerMeter(power_w=1.0)]) as run,
    ):
        holder["run"] = run
        raise ValueError("boom")
    rec = holder["run"].record  # type: ignore[attr-defined]
    assert rec.status is RunStatus.FAILED


def test_keyboard_interrupt_marks_interrupted() -> None:
    holder: dict[str, object] = {}
    with (
        pytest.raises(KeyboardInterrupt),
        track(store=False, meters=[ConstantPowerMeter(power_w=1.0)]) as run,
    ):
        holder["run"] = run
        raise KeyboardInterrupt
    assert holder["run"].record.status is RunStatus.INTERRUPTED  # type: ignore[attr-defined]


def test_stop_is_idempotent_and_start_once() -> None:
    tracker = Tracker(store=False, meters=[ConstantPowerMeter(power_w=1.0)])
    with pytest.raises(TrackingError):
        tracker.stop()
    tracker.start()
    first = tracker.stop()
    assert tracker.stop() is first
    with pytest.raises(TrackingError):
        tracker.start()


def test_decorator_makes_one_run_per_call() -> None:
    meter = ConstantPowerMeter(power_w=1.0)

    @track(store=False, meters=[meter])
    def work() -> int:
        return 42

    assert work() == 42
    assert work() == 42
    assert meter.closed == 2  # two separate runs, each started and stopped its meters


def test_phases_from_several_threads() -> None:
    with track(store=False, meters=[ConstantPowerMeter(power_w=5.0)]) as run:

        def worker() -> None:
            for _ in range(5):
                with run.phase("worker"):
                    busy(0.01)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    rec = run.record
    assert rec is not None
    assert rec.phases[0].count == 20


def test_invalid_explicit_setting_fails_before_running() -> None:
    with pytest.raises(ConfigError, match="interval_s"):
        Tracker(store=False, interval_s=0)
    with pytest.raises(ConfigError, match="scope"):
        Tracker(store=False, scope="galaxy")


def test_units_and_tags_are_recorded() -> None:
    with track(store=False, meters=[ConstantPowerMeter(power_w=1.0)]) as run:
        run.add_units(10)
        run.add_units(5)
        run.tag("model", "logreg")
    rec = run.record
    assert rec is not None
    assert rec.units == 15
    assert rec.tags == {"model": "logreg"}
