"""Per-epoch energy for a plain PyTorch (or any hand-written) training loop.

Two forms; the context manager records the run's status correctly when the loop raises::

    with EpochTracker(10, algorithm="my-model") as epochs:  # or without `with`: the run
                                                            # then stops when the loop ends
        for epoch in epochs:           # yields 0..9, one "epoch" phase each
            train_one_epoch(model, loader)
        save_checkpoint(model)         # the loop ended normally, also after a budget stop

    tracker = EpochTracker(algorithm="my-model", planned_epochs=10)
    with tracker:
        for epoch in range(10):
            with tracker.epoch():
                train_one_epoch(model, loader)
            if tracker.should_stop:    # the budget was exceeded
                break

Nothing here imports torch: the helper only measures around the user's own loop.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from algoprint.advice.training._core import TrainingRecorder
from algoprint.advice.training.budget import TrainingBudget
from algoprint.records import AnalysisRecord
from algoprint.tracking.record import RunRecord
from algoprint.tracking.tracker import Run

__all__ = ["EpochTracker"]


class EpochTracker:
    """Measure each epoch of a hand-written loop in a run with phase ``training``.

    Args:
        epochs: the epochs to iterate: a count (``range(epochs)``) or any iterable; ``None``
            when only :meth:`epoch` blocks are used.
        algorithm: slug of the algorithm.
        planned_epochs: planned epochs for the prediction (default: the length of ``epochs``).
        run: record into this running run instead of starting one.
        budget: stop iterating (and set :attr:`should_stop`) when it is exceeded.
        predict_after / grid_intensity_g_per_kwh / location / analysis_store: see
            :class:`~algoprint.advice.training._core.TrainingRecorder`.
        **tracker_kwargs: passed to :class:`~algoprint.Tracker` (``meters``, ``store``, ...).
    """

    def __init__(
        self,
        epochs: int | Iterable[Any] | None = None,
        *,
        algorithm: str | None = None,
        planned_epochs: int | None = None,
        run: Run | None = None,
        budget: TrainingBudget | None = None,
        predict_after: int = 5,
        grid_intensity_g_per_kwh: float | None = None,
        location: Any = None,
        analysis_store: Any = None,
        **tracker_kwargs: Any,
    ) -> None:
        self._iterable: Iterable[Any] | None = range(epochs) if isinstance(epochs, int) else epochs
        if planned_epochs is None and self._iterable is not None:
            with contextlib.suppress(TypeError):
                planned_epochs = len(self._iterable)  # type: ignore[arg-type]
        self.recorder = TrainingRecorder(
            algorithm=algorithm,
            run=run,
            planned_epochs=planned_epochs,
            predict_after=predict_after,
            budget=budget,
            grid_intensity_g_per_kwh=grid_intensity_g_per_kwh,
            location=location,
            analysis_store=analysis_store,
            tracker_kwargs=tracker_kwargs,
        )
        self._in_context = False

    # -- results -----------------------------------------------------------------------------

    @property
    def should_stop(self) -> bool:
        """True once the budget is exceeded: end the loop and save as usual."""
        return self.recorder.should_stop

    @property
    def run(self) -> Run | None:
        return self.recorder.run

    @property
    def record(self) -> RunRecord | None:
        """The run document after :meth:`stop` (``None`` when the run was given)."""
        return self.recorder.record

    @property
    def analysis(self) -> AnalysisRecord | None:
        """The ``training-prediction`` analysis after :meth:`stop`."""
        return self.recorder.analysis

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Run:
        """Start (or attach to) the run."""
        return self.recorder.start()

    def stop(self, error: BaseException | None = None) -> RunRecord | None:
        """Stop; idempotent."""
        return self.recorder.stop(error)

    def __enter__(self) -> EpochTracker:
        self._in_context = True
        self.start()
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        self.stop(exc)

    @contextlib.contextmanager
    def epoch(self) -> Iterator[None]:
        """One epoch: ``with tracker.epoch(): ...``."""
        self.recorder.epoch_start()
        try:
            yield
        finally:
            self.recorder.epoch_end()

    def __iter__(self) -> Iterator[Any]:
        if self._iterable is None:
            from algoprint.errors import InputError

            raise InputError(
                "EpochTracker has no epochs to iterate", hint="pass EpochTracker(n_epochs, ...)"
            )
        self.recorder.start()
        for item in self._iterable:
            self.recorder.epoch_start()
            try:
                yield item
            finally:  # also when the loop body breaks or raises (generator closed)
                self.recorder.epoch_end()
            if self.should_stop:
                break
        if not self._in_context:  # without `with`, the run ends with the loop
            self.stop()
