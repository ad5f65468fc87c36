"""The part the framework callbacks share: arguments, results and the exception guard."""

from __future__ import annotations

from typing import Any

from algoprint.advice.training._core import TrainingRecorder
from algoprint.advice.training.budget import TrainingBudget
from algoprint.advice.training.predict import EpochEnergy, TrainingPrediction
from algoprint.records import AnalysisRecord
from algoprint.tracking.record import RunRecord
from algoprint.tracking.tracker import Run

__all__ = ["CallbackMixin"]


class CallbackMixin:
    """Mixed into each framework's callback class (before the framework base class).

    Args:
        algorithm: slug of the algorithm (for the run started at train start).
        run: record into this running run instead (it is not stopped at train end).
        budget: an energy or CO2e :class:`~algoprint.advice.training.budget.TrainingBudget`.
        predict_after: epochs measured before the prediction (default 5).
        grid_intensity_g_per_kwh / location: for the CO2e of the prediction.
        analysis_store: ``None`` = the run's store, ``False`` = none, or an object with
            ``save_analysis``.
        **tracker_kwargs: passed to :class:`~algoprint.Tracker` (``meters``, ``store``, ``db``,
            ``tags``, ...).

    Use the callback as a context manager (``with cb: trainer.train()``) where the framework
    has no exception hook (Transformers, Keras), so a failed training still ends its run as
    ``failed``.
    """

    def __init__(
        self,
        *,
        algorithm: str | None = None,
        run: Run | None = None,
        budget: TrainingBudget | None = None,
        predict_after: int = 5,
        grid_intensity_g_per_kwh: float | None = None,
        location: Any = None,
        analysis_store: Any = None,
        **tracker_kwargs: Any,
    ) -> None:
        super().__init__()
        self.recorder = TrainingRecorder(
            algorithm=algorithm,
            run=run,
            predict_after=predict_after,
            budget=budget,
            grid_intensity_g_per_kwh=grid_intensity_g_per_kwh,
            location=location,
            analysis_store=analysis_store,
            tracker_kwargs=tracker_kwargs,
        )

    @property
    def epochs(self) -> list[EpochEnergy]:
        """Energy and duration of each finished epoch."""
        return self.recorder.epochs

    @property
    def prediction(self) -> TrainingPrediction | None:
        """The prediction made after ``predict_after`` epochs."""
        return self.recorder.prediction

    @property
    def analysis(self) -> AnalysisRecord | None:
        """The ``training-prediction`` analysis, after train end."""
        return self.recorder.analysis

    @property
    def record(self) -> RunRecord | None:
        """The run document after train end (``None`` when a run was given)."""
        return self.recorder.record

    @property
    def energy_run(self) -> Run | None:
        """The live run (named so it does not clash with framework attributes)."""
        return self.recorder.run

    def _begin(self, planned_epochs: int | None) -> None:
        if planned_epochs is not None and planned_epochs > 0:
            self.recorder.planned_epochs = int(planned_epochs)
        self.recorder.start()

    def __enter__(self) -> CallbackMixin:
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        self.recorder.stop(exc)
