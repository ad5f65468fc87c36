"""Measuring the energy of candidates: fit and predict windows, commands, and the budget.

Every measured window is its own in-memory tracked run (``Tracker(store=False)``), so its energy
is known as soon as it ends and the analysis can keep a running total against its energy
budget. All k fits of a candidate are one window and all k predict passes another: longer
windows measure better than many tiny ones and cost less tracking overhead. The predict pass
is repeated until the window lasts at least :data:`MIN_PREDICT_S`, so a fast model on a small
dataset is not measured in a window shorter than the meters can resolve.
"""

from __future__ import annotations

import contextlib
import pickle
import resource
import subprocess
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from algoprint._format import number
from algoprint.errors import InputError
from algoprint.meters.common import Meter
from algoprint.tracking.record import RunRecord

__all__ = [
    "MIN_PREDICT_S",
    "BudgetExceeded",
    "Evaluation",
    "ImpactCalculator",
    "Measurer",
    "MetersFactory",
    "Window",
    "evaluate_estimator",
    "resolve_profile",
    "store_analysis",
]

MIN_PREDICT_S = 0.05
"""Shortest predict window (s); the predict pass repeats until it is reached (at most 50×)."""
MAX_PREDICT_REPEATS = 50

MetersFactory = Callable[[], Sequence[Meter]]


@dataclass(slots=True)
class Window:
    """The energy of one measured window.

    Attributes:
        energy_j: headline energy (J), ``None`` when a meter had a gap (reason in ``note``).
        uncertainty_rel: relative half-width of the ~95 % interval.
        duration_s: wall time of the window (s).
        run_id: id of the in-memory run.
        note: why the energy is missing, if it is.
    """

    energy_j: float | None
    uncertainty_rel: float | None
    duration_s: float
    run_id: str
    note: str | None = None
    methods: tuple[str, ...] = ()
    cpu_s: float | None = None
    """CPU time of a command's child processes (s); ``None`` for in-process windows."""


class BudgetExceeded(Exception):
    """The analysis reached its energy budget; raised between windows, never inside one."""

    def __init__(self, spent_j: float, budget_j: float) -> None:
        super().__init__(
            f"energy budget {number(budget_j, 'en')} J reached ({number(spent_j, 'en')} J spent)"
        )
        self.spent_j = spent_j
        self.budget_j = budget_j


def _uncertainty(record: RunRecord) -> float | None:
    if record.uncertainty_rel is not None:
        return record.uncertainty_rel
    rels = [c.uncertainty_rel for c in record.components if c.energy_j is not None]
    return max(rels) if rels else None


class Measurer:
    """Measures windows and keeps the running total against an optional energy budget.

    Args:
        meters: builds the meters for each window (tests pass constant-power meters);
            ``None`` lets each window discover the machine's meters.
        settings: tracking settings; ``None`` loads them once from config and environment.
        budget_j: stop the analysis once this much measured energy (J) is spent.
        algorithm: slug recorded on the in-memory runs.

    Raises:
        InputError: a budget that is not a positive number.
    """

    def __init__(
        self,
        *,
        meters: MetersFactory | None = None,
        settings: Any = None,
        budget_j: float | None = None,
        algorithm: str | None = None,
    ) -> None:
        if budget_j is not None and not budget_j > 0:
            raise InputError(f"energy budget must be > 0 J, got {budget_j}", hint="e.g. 5000")
        if settings is None:
            from algoprint.config import load_settings

            settings = load_settings()
        self.settings = settings
        self.meters = meters
        self.budget_j = budget_j
        self.algorithm = algorithm
        self.spent_j = 0.0
        self.windows = 0
        self.gaps: list[str] = []
        self.run_ids: list[str] = []
        self.methods: set[str] = set()
        self.whole_energy: Callable[[], float | None] | None = None
        """Energy (J) of the whole analysis so far (set by :meth:`count_whole`), so the budget
        also counts loading, preparation and everything between the measured windows."""

    def count_whole(self, tracker: Any) -> None:
        """Count the budget on ``tracker`` (the analysis's own run, started) as a whole."""
        try:
            start = tracker.snapshot()
        except Exception:  # no snapshot: the budget counts the windows only
            return

        def so_far() -> float | None:
            from algoprint.tracking.summary import summarise, window

            try:
                items = list(window(start, tracker.snapshot()))
                return summarise(items, scope=tracker.settings.scope).energy_j
            except Exception:
                return None

        self.whole_energy = so_far

    def _tracker(self, label: str, pids: Sequence[int] | None = None) -> Any:
        from algoprint.tracking import Tracker

        return Tracker(
            store=False,
            settings=self.settings,
            meters=list(self.meters()) if self.meters is not None else None,
            algorithm=self.algorithm,
            phase="analysis",
            tags={"window": label},
            pids=pids,
        )

    def check_budget(self) -> None:
        """Raise :class:`BudgetExceeded` when the budget is spent (the whole analysis so far,
        when :meth:`count_whole` was called, else the measured windows)."""
        if self.budget_j is None:
            return
        spent = self.spent_j
        if self.whole_energy is not None:
            whole = self.whole_energy()
            if whole is not None:
                spent = max(spent, whole)
        if spent >= self.budget_j:
            raise BudgetExceeded(spent, self.budget_j)

    def _finish(self, label: str, record: RunRecord) -> Window:
        self.windows += 1
        self.run_ids.append(record.run_id)
        note = None
        if record.energy_j is None:
            note = f"{label}: a meter had a gap; measured part {record.measured_energy_j:g} J"
            self.gaps.append(note)
            self.spent_j += record.measured_energy_j
        else:
            self.spent_j += record.energy_j
        methods = tuple(
            sorted({str(c.method) for c in record.components if c.energy_j is not None})
        )
        self.methods.update(methods)
        return Window(
            record.energy_j, _uncertainty(record), record.duration_s, record.run_id, note, methods
        )

    @contextlib.contextmanager
    def window(self, label: str) -> Iterator[list[Window]]:
        """Measure the block; the :class:`Window` is appended to the yielded list on exit.

        Raises:
            BudgetExceeded: before the block runs, when the budget is already spent.
        """
        self.check_budget()
        tracker = self._tracker(label)
        tracker.start()
        out: list[Window] = []
        try:
            yield out
        finally:
            record = tracker.stop()
            out.append(self._finish(label, record))

    def command(self, label: str, argv: Sequence[str], timeout_s: float | None) -> Any:
        """Run ``argv`` as a measured child process; return ``(Window, stdout, returncode)``.

        Raises:
            BudgetExceeded: before it runs, when the budget is spent.
            InputError: the command cannot be started.
        """
        self.check_budget()
        tracker = self._tracker(label, pids=())
        tracker.start()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            child = subprocess.Popen(
                list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        except OSError as e:
            tracker.stop(exit_code=127)
            raise InputError(
                f"candidate command {argv[0]!r} cannot be started: {e}",
                hint="check the command line in the candidate spec",
            ) from e
        tracker.set_process_roots([child.pid])
        try:
            stdout, stderr = child.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            child.kill()
            stdout, stderr = child.communicate()
            record = tracker.stop(exit_code=124)
            return self._finish(label, record), stdout, 124, "timed out"
        record = tracker.stop(exit_code=child.returncode)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        window = self._finish(label, record)
        window.cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return window, stdout, child.returncode, stderr[-500:]


@dataclass(slots=True)
class Evaluation:
    """Quality and measured energy of one candidate on one set of folds.

    Attributes:
        name: the candidate.
        status: ``ok``, ``failed`` (error says why) or ``incomplete`` (budget reached).
        scores: the quality per fold (higher is better).
        fit_energy_j: mean energy of one fit (J) on ``train_rows`` rows.
        fit_duration_s: mean wall time of one fit (s).
        inference_j_per_1000: energy of 1,000 predictions (J).
        latency_s: wall time per prediction in batch (s).
        uncertainty_rel: relative uncertainty of the energies (the larger of fit/predict).
        model_size_bytes: size of the pickled fitted model.
        train_rows: mean number of training rows per fit.
        fit_cpu_s: process CPU time (s) of each fit, one per fold (the deciding metric where
            energy is modelled, :mod:`algoprint.advice._decide`).
        inference_cpu_s_per_1000: process CPU time (s) of 1,000 predictions.
        inference_cpu_passes_s: CPU time (s) of each repeated predict pass over all folds
            (their spread is the inference cost's uncertainty).
        errors_target_units: regression only: root-mean-square error per fold, in the
            target's own unit.
        warnings: warnings the estimator raised (convergence, ...), deduplicated.
        notes: anything else to say (energy gaps, command output).
    """

    name: str
    status: str = "ok"
    error: str | None = None
    scores: list[float] = field(default_factory=list)
    fit_energy_j: float | None = None
    fit_duration_s: float | None = None
    inference_j_per_1000: float | None = None
    latency_s: float | None = None
    uncertainty_rel: float | None = None
    model_size_bytes: int | None = None
    train_rows: float | None = None
    fit_cpu_s: list[float] = field(default_factory=list)
    inference_cpu_s_per_1000: float | None = None
    inference_cpu_passes_s: list[float] = field(default_factory=list)
    errors_target_units: list[float] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fitted: tuple[Any, Any, int] | None = field(default=None, compare=False, repr=False)
    """``(model, X_test, batch)`` of the first split measured (not serialised): the final
    interleaved re-measurement of the finalists' inference cost predicts with it."""

    @property
    def mean(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None

    @property
    def std(self) -> float | None:
        n = len(self.scores)
        if n < 2:
            return None
        m = sum(self.scores) / n
        return float((sum((s - m) ** 2 for s in self.scores) / (n - 1)) ** 0.5)

    @property
    def se(self) -> float:
        """Standard error of the mean score (0 with fewer than two folds)."""
        std = self.std
        return 0.0 if std is None else std / len(self.scores) ** 0.5

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "error": self.error,
            "scores": list(self.scores),
            "score_mean": self.mean,
            "score_std": self.std,
            "fit_energy_j": self.fit_energy_j,
            "fit_duration_s": self.fit_duration_s,
            "inference_j_per_1000": self.inference_j_per_1000,
            "latency_s": self.latency_s,
            "energy_uncertainty_rel": self.uncertainty_rel,
            "model_size_bytes": self.model_size_bytes,
            "train_rows": self.train_rows,
            "fit_cpu_s": list(self.fit_cpu_s),
            "inference_cpu_s_per_1000": self.inference_cpu_s_per_1000,
            "rmse_target_units": (
                sum(self.errors_target_units) / len(self.errors_target_units)
                if self.errors_target_units
                else None
            ),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


def _max(*values: float | None) -> float | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def evaluate_estimator(
    candidate: Any,
    X: Any,
    y: Any,
    *,
    folds: Sequence[tuple[Any, Any]],
    scorer: Any,
    measurer: Measurer,
    serving_batch: int | None = None,
    regression: bool = False,
    cpu_clock: Callable[[], float] = time.process_time,
    min_predict_s: float | None = MIN_PREDICT_S,
) -> Evaluation:
    """Cross-validate one estimator candidate, measuring its fits and predict passes.

    A candidate that raises while fitting, predicting or scoring is reported as ``failed``
    with the error, and the analysis goes on. Each fit's process CPU time is recorded (the
    deciding metric where energy is modelled). ``serving_batch`` predicts in batches of that
    many rows, as the model will be served (1: one row at a time); default: the whole fold.
    ``cpu_clock`` is the CPU clock (default ``time.process_time``: every thread of the
    process, so joblib and OpenMP workers count). The predict pass repeats until the window
    lasts ``min_predict_s``; ``None`` skips the predict window (a later chunk of splits of a
    candidate whose inference the first chunk measured: one cold pass would bias it).

    Raises:
        BudgetExceeded: the energy budget was reached before a window (the caller stops).
    """
    ev = Evaluation(candidate.name)
    models: list[Any] = []
    caught: list[warnings.WarningMessage] = []
    # Slice the folds before measuring, so the windows hold only fit and predict.
    train_sets = [(X[tr], y[tr]) for tr, _ in folds]
    test_sets = [(X[te], y[te]) for _, te in folds]
    batch = serving_batch or max(len(te) for _, te in folds)
    try:
        with warnings.catch_warnings(record=True) as caught_list:
            warnings.simplefilter("always")
            with measurer.window(f"{candidate.name}:fit") as fit_w:
                for X_train, y_train in train_sets:
                    cpu0_s = cpu_clock()
                    model = candidate.build()
                    model.fit(X_train, y_train)
                    ev.fit_cpu_s.append(cpu_clock() - cpu0_s)
                    models.append(model)
            n_pred, pred_cpu_s, pred_w = 0, 0.0, []
            if min_predict_s is not None:
                with measurer.window(f"{candidate.name}:predict") as pred_w:
                    started = time.monotonic()
                    for _ in range(MAX_PREDICT_REPEATS):
                        cpu0_s = cpu_clock()
                        for model, (X_test, _) in zip(models, test_sets, strict=True):
                            for lo in range(0, len(X_test), batch):
                                model.predict(X_test[lo : lo + batch])
                            n_pred += len(X_test)
                        ev.inference_cpu_passes_s.append(cpu_clock() - cpu0_s)
                        if time.monotonic() - started >= min_predict_s:
                            break
                    pred_cpu_s = sum(ev.inference_cpu_passes_s)
            ev.scores = [
                float(scorer(model, X_test, y_test))
                for model, (X_test, y_test) in zip(models, test_sets, strict=True)
            ]
            if regression:
                ev.errors_target_units = [
                    _rmse(model.predict(X_test), y_test)
                    for model, (X_test, y_test) in zip(models, test_sets, strict=True)
                ]
            caught = list(caught_list)
    except BudgetExceeded:
        raise
    except Exception as e:
        ev.status = "failed"
        ev.error = f"{type(e).__name__}: {e}"
        return ev
    ev.warnings = sorted({f"{w.category.__name__}: {str(w.message)[:200]}" for w in caught})
    fit, pred = fit_w[0], (pred_w[0] if pred_w else None)
    k = len(folds)
    ev.fit_energy_j = None if fit.energy_j is None else fit.energy_j / k
    ev.fit_duration_s = fit.duration_s / k
    ev.train_rows = sum(len(tr) for tr, _ in folds) / k
    ev.uncertainty_rel = _max(fit.uncertainty_rel, pred.uncertainty_rel if pred else None)
    ev.notes.extend(n for n in (fit.note, pred.note if pred else None) if n)
    if pred is None:
        return ev  # fits and scores only: inference is measured in the first chunk
    if pred.energy_j is not None and n_pred:
        ev.inference_j_per_1000 = pred.energy_j / n_pred * 1000
    ev.latency_s = pred.duration_s / n_pred if n_pred else None
    ev.inference_cpu_s_per_1000 = pred_cpu_s / n_pred * 1000 if n_pred else None
    ev.fitted = (models[0], test_sets[0][0], batch)
    try:
        ev.model_size_bytes = len(pickle.dumps(models[0]))
    except Exception as e:  # an unpicklable model: size unknown, say why
        ev.notes.append(f"model size unknown: cannot pickle ({type(e).__name__})")
    return ev


def _rmse(predicted: Any, actual: Any) -> float:
    import numpy as np

    diff = np.asarray(predicted, dtype=np.float64) - np.asarray(actual, dtype=np.float64)
    return float(np.sqrt(np.mean(diff**2)))


# -- shared by both analyses: impacts, location, storage ---------------------------------------


def resolve_profile(location: Any) -> tuple[Any, str | None]:
    """The location profile to use and, when it is a default, the sentence that says so.

    Args:
        location: a :class:`~algoprint.impact.location.LocationProfile`, a zone code
            (``"NL"``) or ``None`` (nothing configured: the Dutch grid, said plainly).

    Raises:
        ImpactError: an unknown zone code.
    """
    from algoprint.impact.location import LocationProfile, default_location

    if isinstance(location, LocationProfile) and location.configured and location.zone:
        return location, None
    if isinstance(location, str):
        return default_location(location), None
    return default_location("NL"), (
        "no location configured: impacts use the Dutch (NL) grid average with default PUE "
        "and WUE; set --location or [location] in algoprint.toml for your datacentre"
    )


class ImpactCalculator:
    """Turns energies into CO2e and water intervals for one location (factors resolved once).

    Args:
        profile: where the energy is used.
        year: the year of the grid intensity (default: this year).
    """

    KEYS = ("energy_facility_j", "co2e_location_g", "co2e_market_g", "water_l")

    def __init__(self, profile: Any, *, year: int | None = None) -> None:
        from algoprint.impact.compute import resolve_factors
        from algoprint.refdata import FACTOR_VERSION

        self.year = year or time.gmtime().tm_year
        self.profile = profile
        self.factors = resolve_factors(profile, year=self.year)
        self.factor_version = FACTOR_VERSION

    def figures(self, energy_j: float | None, uncertainty_rel: float | None) -> dict[str, Any]:
        """``{key: {value, low, high, unit}}`` for :attr:`KEYS`, and ``missing`` reasons."""
        if energy_j is None:
            return {"missing": {"all": "energy unknown (a meter gap or not measured)"}}
        from algoprint.impact.compute import EnergyInput, compute_from_factors

        doc = compute_from_factors(
            EnergyInput.single(max(energy_j, 0.0), uncertainty_rel or 0.0),
            self.factors,
            duration_s=0.0,
            factor_version=self.factor_version,
        )
        out: dict[str, Any] = {}
        for key in self.KEYS:
            impact = doc.get(key)
            if impact is not None:
                out[key] = {
                    "value": impact.value,
                    "low": impact.low,
                    "high": impact.high,
                    "unit": impact.unit,
                }
        missing = {k: v for k, v in doc.missing.items() if k in self.KEYS}
        if missing:
            out["missing"] = missing
        return out

    def describe(self) -> dict[str, Any]:
        """The profile, year, factor version and defaults applied, for the result document."""
        from algoprint.impact.compute import EnergyInput, compute_from_factors

        doc = compute_from_factors(EnergyInput.single(1.0, 0.0), self.factors, duration_s=0.0)
        return {
            "profile": self.profile.to_dict(),
            "year": self.year,
            "factor_version": self.factor_version,
            "factors": doc.factors,
            "defaults": list(doc.defaults),
            "notes": list(doc.notes),
        }


def store_analysis(store: Any, record: Any) -> None:
    """Save ``record`` through ``store.save_analysis(record)`` (the run store or a fake).

    Raises:
        InputError: ``store`` has no ``save_analysis`` method.
    """
    save = getattr(store, "save_analysis", None)
    if not callable(save):
        raise InputError(
            f"{type(store).__name__} cannot keep analyses (no save_analysis method)",
            hint="pass algoprint.store.open_store(...) or an object with save_analysis(record)",
        )
    save(record)
