"""The framework integrations with the real libraries on CPU (tiny model, seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from algoprint.advice.training.budget import TrainingBudget
from algoprint.tracking.record import RunStatus
from tests.training._drivers import FRAMEWORKS, J_PER_EPOCH, Boom, make
from tests.training._meters import StepMeter
from tests.training.conftest import FakeStore

# The ML libraries warn about each other's deprecations (not ours to fix).
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]


def _record(cb: object) -> object:
    return cb.record  # type: ignore[attr-defined]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_records_energy_per_epoch(framework: str, tmp_path: Path, fake_store: FakeStore) -> None:
    meter = StepMeter()
    cb, fit = make(
        framework, 4, algorithm="tiny", meters=[meter], store=False, analysis_store=fake_store
    )
    ran = fit(cb, meter, 4, tmp_path, None)
    assert ran == 4
    record = cb.record
    assert record is not None
    assert record.phase == "training"
    assert record.algorithm == "tiny"
    assert record.status is RunStatus.COMPLETED
    (phase,) = record.phases
    assert phase.name == "epoch"
    assert phase.count == 4
    assert phase.energy_j == pytest.approx(4 * J_PER_EPOCH)
    assert [e.energy_j for e in cb.recorder.epochs] == pytest.approx([J_PER_EPOCH] * 4)
    assert all(e.duration_s > 0 for e in cb.recorder.epochs)
    # prediction after 2 epochs: a constant 40 J/epoch gives exactly 160 J for 4 epochs
    assert cb.recorder.prediction is not None
    assert cb.recorder.prediction.energy_j.value == pytest.approx(4 * J_PER_EPOCH)
    (analysis,) = fake_store.analyses
    assert analysis.kind == "training-prediction"
    assert analysis.result["actual"]["comparable"] is True
    assert analysis.result["actual"]["error_rel"] == pytest.approx(0.0, abs=1e-9)
    assert [e["energy_j"] for e in analysis.result["epochs"]] == pytest.approx([J_PER_EPOCH] * 4)
    assert record.tags["training.analysis_id"] == analysis.analysis_id
    assert record.tags["training.epochs"] == "4"


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_budget_stops_at_the_exceeding_epoch(framework: str, tmp_path: Path) -> None:
    meter = StepMeter()
    budget = TrainingBudget(energy_j=2.5 * J_PER_EPOCH)  # exceeded during epoch 3
    cb, fit = make(
        framework,
        8,
        algorithm="tiny",
        meters=[meter],
        store=False,
        budget=budget,
        analysis_store=False,
        predict_after=2,
    )
    ran = fit(cb, meter, 8, tmp_path, None)
    assert ran == 3
    assert len(cb.recorder.epochs) == 3
    events = [e["event"] for e in cb.recorder.monitor.events]
    assert events == ["warning", "predicted-over", "exceeded"]
    assert cb.recorder.monitor.events[-1]["epoch"] == 3
    # A run the budget stopped has its own status: not completed, not interrupted.
    assert cb.record.status is RunStatus.STOPPED_BY_BUDGET
    assert cb.analysis.result["status"] == "stopped-by-budget"
    assert cb.analysis.result["stopped_by_budget"] is True
    assert cb.analysis.result["actual"]["comparable"] is False


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_exception_ends_the_run_as_failed(framework: str, tmp_path: Path) -> None:
    meter = StepMeter()
    cb, fit = make(
        framework, 4, algorithm="tiny", meters=[meter], store=False, analysis_store=False
    )
    with pytest.raises(Boom):
        fit(cb, meter, 4, tmp_path, 2)
    assert cb.record is not None
    assert cb.record.status is RunStatus.FAILED
    assert cb.analysis.result["error"] == "Boom"


def test_auto_detected_meters_record_the_epochs() -> None:
    from algoprint.advice.training.torch_helper import EpochTracker

    tracker = EpochTracker(3, algorithm="tiny", store=False, analysis_store=False)
    for _ in tracker:  # iterator form: the run stops with the loop
        sum(i * i for i in range(20_000))
    record = tracker.record
    assert record is not None and record.status in {RunStatus.COMPLETED, RunStatus.DEGRADED}
    assert record.meters, "auto-detection found no meter at all"
    assert [e.epoch for e in tracker.recorder.epochs] == [1, 2, 3]
    for epoch in tracker.recorder.epochs:
        # a number, or None with the reason recorded on the run: never a silent 0
        assert epoch.energy_j is None or epoch.energy_j >= 0
        if epoch.energy_j is None:
            assert record.degradations


def test_given_run_is_not_stopped(fake_store: FakeStore) -> None:
    import algoprint.tracking.tracker as tracking
    from algoprint.advice.training.torch_helper import EpochTracker

    meter = StepMeter()
    with tracking.track(algorithm="outer", meters=[meter], store=False) as run:
        tracker = EpochTracker(2, run=run, analysis_store=fake_store)
        for _ in tracker:
            meter.bump(5.0)
        assert tracker.record is None
        assert run.record is None  # still running
    assert run.record is not None
    assert run.record.tags["training.epochs"] == "2"
    assert fake_store.analyses[0].algorithm == "outer"


@pytest.mark.parametrize("module", ["callbacks_lightning", "callbacks_hf", "callbacks_keras"])
def test_missing_library_gives_install_hint(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import sys

    from algoprint.errors import InputError

    mod = importlib.import_module(f"algoprint.advice.training.{module}")
    mod.callback_class.cache_clear()
    for name in ("lightning", "lightning.pytorch", "pytorch_lightning", "transformers", "keras"):
        monkeypatch.setitem(sys.modules, name, None)  # import of a None entry fails
    try:
        with pytest.raises(InputError, match="not installed") as info:
            mod.EnergyCallback  # noqa: B018
        assert "algoprint[train]" in str(info.value)
    finally:
        mod.callback_class.cache_clear()


def test_stop_before_the_epoch_that_would_cross_the_budget(tmp_path: Path) -> None:
    meter = StepMeter()
    budget = TrainingBudget(energy_j=2.5 * J_PER_EPOCH, stop_before_crossing=True)
    cb, fit = make(
        "torch", 8, algorithm="tiny", meters=[meter], store=False, budget=budget,
        analysis_store=False,
    )  # fmt: skip
    ran = fit(cb, meter, 8, tmp_path, None)
    assert ran == 2  # epoch 3 would have crossed 2.5 epochs' energy
    events = [e["event"] for e in cb.recorder.monitor.events]
    assert "next-epoch-over" in events and "exceeded" not in events
    assert cb.analysis.result["status"] == "stopped-by-budget"
