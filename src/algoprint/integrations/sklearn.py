"""scikit-learn: fit and predict energy per estimator, as phases of one run.

For users who do not use the training callbacks::

    from algoprint.integrations.sklearn import measure

    with measure(algorithm="risk-model", phase="development") as m:
        clf = m.wrap(LogisticRegression())
        clf.fit(X_train, y_train)          # phase "LogisticRegression.fit"
        clf.predict(X_test)                # phase "LogisticRegression.predict"
    m.summary()   # {"LogisticRegression": {"fit": {"energy_j": ..., "samples": ...}, ...}}

A wrapped estimator forwards every attribute to the estimator; ``fit`` returns the wrapper.
Each measured method call is a phase window (snapshots of the meters at its edges), and the
samples it saw are counted per phase (tags ``samples:<phase>``). Pipelines and grid searches
clone their estimators, so wrap the outer object (the pipeline or the search), not its steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from algoprint.tracking.record import RunRecord
from algoprint.tracking.tracker import Run, Tracker

__all__ = ["METHODS", "EstimatorEnergy", "Measured", "measure"]

METHODS = (
    "fit",
    "partial_fit",
    "fit_transform",
    "fit_predict",
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "transform",
    "score",
)
"""The estimator methods measured as phases."""


def _samples(args: tuple[Any, ...], kwargs: dict[str, Any]) -> int | None:
    data = args[0] if args else kwargs.get("X")
    shape = getattr(data, "shape", None)
    if shape:
        return int(shape[0])
    try:
        return len(data)  # type: ignore[arg-type]
    except TypeError:
        return None


class EstimatorEnergy:
    """An estimator whose measured methods (:data:`METHODS`) run as phases of ``run``.

    Args:
        estimator: the scikit-learn estimator (or pipeline, or search).
        run: the live run to record phases on.
        name: phase prefix (default: the estimator's class name).
    """

    def __init__(self, estimator: Any, *, run: Run, name: str | None = None) -> None:
        self.__dict__["_est"] = estimator
        self.__dict__["_run"] = run
        self.__dict__["_name"] = name or type(estimator).__name__
        self.__dict__["samples"] = {}

    @property
    def estimator(self) -> Any:
        """The wrapped estimator."""
        return self._est

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._est, attr)
        if attr in METHODS and callable(value):
            return self._measured(attr, value)
        return value

    def __setattr__(self, attr: str, value: Any) -> None:
        setattr(self._est, attr, value)

    def _measured(self, method: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        phase = f"{self._name}.{method}"

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._run.phase(phase):
                out = fn(*args, **kwargs)
            n = _samples(args, kwargs)
            if n is not None:
                self.samples[phase] = self.samples.get(phase, 0) + n
                self._run.tag(f"samples:{phase}", str(self.samples[phase]))
            return self if out is self._est else out

        return call

    def __repr__(self) -> str:
        return f"EstimatorEnergy({self._est!r})"


class Measured:
    """The handle :func:`measure` yields: wrap estimators, then read the run."""

    def __init__(self, tracker: Tracker, run: Run) -> None:
        self.tracker = tracker
        self.run = run
        self.wrapped: list[EstimatorEnergy] = []

    def wrap(self, estimator: Any, *, name: str | None = None) -> Any:
        """Wrap ``estimator`` so its fit/predict calls become phases of this run."""
        wrapped = EstimatorEnergy(estimator, run=self.run, name=name)
        self.wrapped.append(wrapped)
        return wrapped

    @property
    def record(self) -> RunRecord | None:
        """The run document once the block ended."""
        return self.tracker.record

    def summary(self) -> dict[str, dict[str, dict[str, float | int | None]]]:
        """``{estimator: {method: {"energy_j", "calls", "samples", "energy_j_per_sample"}}}``
        from the stopped run (joules; ``None`` for a gap or when no samples were counted)."""
        record = self.record
        if record is None:
            return {}
        samples: dict[str, int] = {}
        for w in self.wrapped:
            samples.update(w.samples)
        out: dict[str, dict[str, dict[str, float | int | None]]] = {}
        for p in record.phases:
            if "." not in p.name:
                continue
            est, method = p.name.rsplit(".", 1)
            n = samples.get(p.name)
            per = None if p.energy_j is None or not n else p.energy_j / n
            out.setdefault(est, {})[method] = {
                "energy_j": p.energy_j,
                "calls": p.count,
                "samples": n,
                "energy_j_per_sample": per,
            }
        return out


@contextmanager
def measure(**tracker_kwargs: Any) -> Iterator[Measured]:
    """Track a block and measure the estimators wrapped in it (see the module docs).

    Args:
        **tracker_kwargs: as for :class:`algoprint.Tracker` (``algorithm``, ``phase``, ...).

    Exceptions from the block propagate unchanged; the run is stored as ``failed``.
    """
    tracker = Tracker(**tracker_kwargs)
    measured = Measured(tracker, tracker.start())
    try:
        yield measured
    except BaseException as e:
        tracker.stop(error=e)
        raise
    tracker.stop()
