"""The framework-neutral part of every training integration.

:class:`TrainingRecorder` owns (or borrows) one tracked run with phase ``training`` and opens
the phase ``epoch`` around each epoch. Phases with the same name accumulate, so the run document
keeps *one* ``epoch`` phase (energy of all epochs, ``count`` = epochs) however long the training
is; the per-epoch series (energy, duration) is kept here from snapshots taken at the epoch edges
and stored in the ``training-prediction`` analysis with the prediction, its actual error and the
budget events. The run is tagged with the analysis id. A phase per epoch (``epoch-1``, ...) would
put hundreds of phases into the run document of a long training and still not carry the
prediction, so the series lives in the analysis instead.

Tracking never breaks training: faults after start are logged and training goes on.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Mapping
from typing import Any

from algoprint import _format as fmt
from algoprint.advice.training._measure import energy_between, snapshot
from algoprint.advice.training._store import save_analysis, save_to_default
from algoprint.advice.training.budget import BudgetMonitor, TrainingBudget
from algoprint.advice.training.predict import EpochEnergy, TrainingPrediction, predict_training
from algoprint.errors import InputError
from algoprint.records import AnalysisRecord
from algoprint.tracking.record import RunRecord, RunStatus
from algoprint.tracking.tracker import Run, Tracker

__all__ = ["TrainingRecorder"]

log = logging.getLogger("algoprint")
EPOCH_PHASE = "epoch"


class TrainingRecorder:
    """Per-epoch energy, prediction and budget of one training run.

    Args:
        algorithm: slug of the algorithm (for a run this recorder starts).
        run: an already running :class:`~algoprint.tracking.tracker.Run` to record into; it is
            not stopped here (its owner stops it).
        planned_epochs: epochs the training will run; the frameworks fill it in.
        predict_after: epochs to measure before predicting (>= 1; default 5: earlier
            predictions missed by -53 % to +63 % on real runs; see docs/training.md).
        budget: an optional :class:`TrainingBudget`.
        grid_intensity_g_per_kwh / location: for the CO2e of the prediction (see
            :func:`~algoprint.advice.training.predict.co2e_factor_g_per_j`).
        analysis_store: where the analysis goes: ``None`` = the run's store when the run is
            stored, ``False`` = nowhere, or any object with ``save_analysis``.
        tracker_kwargs: keyword arguments for the :class:`Tracker` started here (``meters``,
            ``store``, ``db``, ``tags``, ...).

    Raises:
        InputError: ``predict_after`` < 1, or both ``run`` and tracker arguments given.
    """

    def __init__(
        self,
        *,
        algorithm: str | None = None,
        run: Run | None = None,
        planned_epochs: int | None = None,
        predict_after: int = 5,
        budget: TrainingBudget | None = None,
        grid_intensity_g_per_kwh: float | None = None,
        location: Any = None,
        analysis_store: Any = None,
        tracker_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        if predict_after < 1:
            raise InputError(f"predict_after must be >= 1, got {predict_after!r}")
        if run is not None and tracker_kwargs:
            raise InputError(
                "pass either run= or tracker arguments, not both",
                hint="the given run already has its meters and store",
            )
        self.algorithm = algorithm
        self.planned_epochs = planned_epochs
        self.predict_after = predict_after
        self.monitor = BudgetMonitor(budget) if budget is not None else None
        self.grid_intensity_g_per_kwh = grid_intensity_g_per_kwh
        self.location = location
        self.analysis_store = analysis_store
        self._tracker_kwargs = dict(tracker_kwargs or {})
        self._given_run = run
        self._tracker: Tracker | None = None
        self._own = run is None
        self.run: Run | None = run
        self.epochs: list[EpochEnergy] = []
        self.prediction: TrainingPrediction | None = None
        self.prediction_reason: str | None = None
        self.analysis: AnalysisRecord | None = None
        self.record: RunRecord | None = None
        self._phase: contextlib.AbstractContextManager[None] | None = None
        self._before: Any = None
        self._t0 = 0.0
        self._start_snapshot: Any = None
        self._finished = False

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def should_stop(self) -> bool:
        """True once the budget is exceeded and asks training to stop."""
        return self.monitor is not None and self.monitor.stop_requested

    def start(self) -> Run:
        """Start (or attach to) the run; idempotent."""
        if self.run is not None and self._tracker is not None:
            return self.run
        if self._given_run is not None:
            self._tracker = self._given_run._tracker
            self.run = self._given_run
        else:
            kwargs = {"phase": "training", **self._tracker_kwargs}
            self._tracker = Tracker(algorithm=self.algorithm, **kwargs)
            self.run = self._tracker.start()
        if self.algorithm is None:
            self.algorithm = self._tracker.algorithm
        self._start_snapshot = self._snapshot()
        return self.run

    def _snapshot(self) -> Any:
        # A snapshot reads the meters synchronously (Tracker.snapshot()).
        return snapshot(self._tracker)

    def _energy_between(self, before: Any, after: Any) -> float | None:
        machine, process = energy_between(self._tracker, before, after)
        if self._tracker is not None and self._tracker.settings.scope == "process":
            return process
        return machine

    def epoch_start(self) -> None:
        """Open the ``epoch`` phase (call at the start of every epoch)."""
        if self._tracker is None:
            self.start()
        if self._phase is not None:  # a framework that skipped the end hook
            self.epoch_end()
        try:
            assert self._tracker is not None
            phase = self._tracker.phase(EPOCH_PHASE)
            phase.__enter__()
            self._phase = phase
        except Exception as e:
            log.warning("algoprint: could not open the epoch phase: %s", e)
            self._phase = None
        self._before = self._snapshot()
        self._t0 = time.monotonic()

    def epoch_end(self) -> EpochEnergy | None:
        """Close the epoch: record its energy, predict when due, check the budget."""
        if self._phase is None and self._before is None:
            return None
        duration_s = time.monotonic() - self._t0
        after = self._snapshot()
        if self._phase is not None:
            try:
                self._phase.__exit__(None, None, None)
            except Exception as e:
                log.warning("algoprint: could not close the epoch phase: %s", e)
        self._phase = None
        epoch = EpochEnergy(
            epoch=len(self.epochs) + 1,
            energy_j=self._energy_between(self._before, after),
            duration_s=duration_s,
        )
        self._before = None
        self.epochs.append(epoch)
        if self.monitor is not None:
            self.monitor.update(
                self._energy_between(self._start_snapshot, after),
                epoch=epoch.epoch,
                last_epoch_j=epoch.energy_j,
            )
        due = self.predict_after
        if self.planned_epochs is not None:
            due = min(due, self.planned_epochs)
        if len(self.epochs) == due:
            self._predict()
        return epoch

    def _predict(self) -> None:
        if self.planned_epochs is None:
            self.prediction_reason = "the planned number of epochs is unknown"
            return
        try:
            self.prediction = predict_training(
                self.epochs,
                self.planned_epochs,
                grid_intensity_g_per_kwh=self.grid_intensity_g_per_kwh,
                location=self.location,
            )
        except InputError as e:
            self.prediction_reason = e.message
            log.warning("algoprint: no training prediction: %s", e.message)
            return
        p = self.prediction
        log.info(
            "algoprint: predicted training energy %s, duration %s s, over %d epochs",
            fmt.interval(p.energy_j.value, p.energy_j.low, p.energy_j.high, "J", "en"),
            fmt.integer(p.duration_s.value, "en"),
            p.planned_epochs,
        )
        if self.monitor is not None:
            self.monitor.check_prediction(p.energy_j.value, epoch=len(self.epochs))

    def stop(self, error: BaseException | None = None) -> RunRecord | None:
        """End of training (also after an exception): build the analysis, stop the own run.

        Idempotent. Returns the run record when this recorder owned the run.
        """
        if self._finished:
            return self.record
        self._finished = True
        if self._phase is not None:
            self.epoch_end()
        if self._tracker is None:
            return None
        self.analysis = self._build_analysis(error)
        if self.run is not None:
            with contextlib.suppress(Exception):
                self.run.tag("training.epochs", str(len(self.epochs)))
                self.run.tag("training.analysis_id", self.analysis.analysis_id)
        if self._own:
            try:
                # A run its budget stopped ended on purpose, early: status stopped-by-budget
                # (not completed, not interrupted), tagged training.stopped_by=energy-budget.
                status = RunStatus.STOPPED_BY_BUDGET if self.should_stop and error is None else None
                if status is not None and self.run is not None:
                    with contextlib.suppress(Exception):
                        self.run.tag("training.stopped_by", "energy-budget")
                self.record = self._tracker.stop(error=error, status=status)
            except Exception as e:
                log.warning("algoprint: stopping the training run failed: %s", e)
        self._store_analysis()
        return self.record

    # -- analysis ----------------------------------------------------------------------------

    def _actual(self) -> dict[str, Any] | None:
        p = self.prediction
        if p is None:
            return None
        if len(self.epochs) != p.planned_epochs:
            return {
                "comparable": False,
                "reason": f"training ran {len(self.epochs)} of {p.planned_epochs} planned epochs",
            }
        values = [e.energy_j for e in self.epochs]
        if any(v is None for v in values):
            return {"comparable": False, "reason": "an epoch had a meter gap"}
        actual = sum(v for v in values if v is not None)
        return {"comparable": True, **p.error(actual)}

    def _build_analysis(self, error: BaseException | None) -> AnalysisRecord:
        assert self._tracker is not None
        actual = self._actual()
        result: dict[str, Any] = {
            "run_id": self._tracker.run_id,
            "phase_name": EPOCH_PHASE,
            "planned_epochs": self.planned_epochs,
            "epochs": [
                {"epoch": e.epoch, "energy_j": e.energy_j, "duration_s": e.duration_s}
                for e in self.epochs
            ],
            "prediction": None if self.prediction is None else self.prediction.to_dict(),
            "prediction_reason": self.prediction_reason,
            "actual": actual,
            "budget": None if self.monitor is None else self.monitor.budget.to_dict(),
            "budget_events": [] if self.monitor is None else list(self.monitor.events),
            "stopped_by_budget": self.should_stop,
            "status": (
                "failed"
                if error is not None
                else "stopped-by-budget"
                if self.should_stop
                else "completed"
            ),
            "error": None if error is None else type(error).__name__,
        }
        total = sum(e.energy_j or 0.0 for e in self.epochs)
        n = len(self.epochs)
        en = f"{n} epochs measured, {fmt.quantity(total, 'J', 'en')} inside epochs."
        nl = f"{n} epochs gemeten, {fmt.quantity(total, 'J', 'nl')} binnen de epochs."
        if actual and actual.get("comparable") and actual.get("error_rel") is not None:
            err = actual["error_rel"]
            sign = "+" if err >= 0 else "-"
            en += f" Prediction error {sign}{fmt.percent(abs(err), 'en', 1)}."
            nl += f" Fout van de voorspelling {sign}{fmt.percent(abs(err), 'nl', 1)}."
        if self.should_stop:
            en += " Stopped by the energy budget."
            nl += " Gestopt door het energiebudget."
        return AnalysisRecord(
            kind="training-prediction",
            algorithm=self.algorithm,
            title=f"Training energy per epoch and prediction (run {self._tracker.run_id[:8]})",
            result=result,
            summary_en=en,
            summary_nl=nl,
            run_ids=[self._tracker.run_id],
        )

    def _store_analysis(self) -> None:
        if self.analysis is None or self.analysis_store is False:
            return
        if self.analysis_store is not None:
            try:
                save_analysis(self.analysis, self.analysis_store)
            except Exception as e:
                log.warning("algoprint: the training analysis could not be stored: %s", e)
            return
        tracker = self._tracker
        if tracker is not None and getattr(tracker, "_store_enabled", False):
            save_to_default(self.analysis, tracker.settings.db)
