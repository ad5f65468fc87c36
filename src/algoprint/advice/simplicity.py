"""owp-13 "design algorithms as simply as possible": the simplest adequate model.

:func:`run_simplicity` compares candidate models (simple baselines always included) on
cross-validated quality and *measured* energy (training, and inference per 1,000 predictions),
finds the Pareto front of quality against energy and recommends the least energy-intensive
model whose quality is within tolerance of the best. docs/analyses.md (section owp-13)
documents the rules; in short:

* **Tolerance**: ``max(tolerance, SE_best)`` where ``SE_best`` is the best model's fold-score
  standard error corrected for overlapping training sets (Nadeau & Bengio's corrected
  resampled t-test: ``std × sqrt(1/k + 1/(k-1))``): a difference smaller than the CV noise is no
  evidence that the best model is better. Default tolerance 0.01 (1 percentage point on a 0..1
  score); for ``neg_*`` scorers 1 % of the best score's magnitude.
* **Cost**: training (× retrainings per year when given, else once) plus inference for a year
  of the declared use volume (1,000 predictions when no volume is declared), on the deciding
  metric of :mod:`algoprint.advice._decide` (process CPU time where energy is modelled, counter
  energy otherwise). Among the candidates within tolerance, the cheapest wins only when it is
  cheaper beyond the combined uncertainty; otherwise the simplest of the tied ones.
* **Frugal**: when it can pay (a subsample of at least 300 rows and 3 × the features, and at
  least two candidates besides the baselines), candidates are first screened on a subsample
  with fewer folds; a non-baseline that is clearly dominated (worse than another by more than
  the tolerance plus twice the standard error of the paired fold-score differences, *and*
  costlier beyond the uncertainty), or out of reach (below the best screened candidate by more
  than that margin, so neither best nor within tolerance), is not cross-validated in full. An
  energy budget stops the analysis between windows; the advice then rests on what was
  measured.
* **Threads**: BLAS/OpenMP pools are pinned (default one thread) and recorded.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from algoprint.advice._candidates import Candidate, resolve_candidates, with_preprocessing
from algoprint.advice._datasets import Dataset, DatasetSource, detect_task, load_dataset
from algoprint.advice._decide import Basis, Cost, choose_basis, clearly_less, pinned_threads
from algoprint.advice._measure import (
    BudgetExceeded,
    Evaluation,
    ImpactCalculator,
    Measurer,
    MetersFactory,
    evaluate_estimator,
    resolve_profile,
    store_analysis,
)
from algoprint.advice._measure_command import evaluate_command
from algoprint.advice._simplicity_result import (
    CandidateOutcome,
    SimplicityResult,
    conclude,
    decision_cost,
    pareto_front,
    ranking_energy,
    yearly_energy,
)
from algoprint.errors import InputError

__all__ = [
    "CandidateOutcome",
    "SimplicityResult",
    "make_folds",
    "make_scorer",
    "pareto_front",
    "ranking_energy",
    "run_simplicity",
    "store_analysis",
    "yearly_energy",
]


def make_scorer(metric: str | None, task: str, y: Any) -> tuple[str, Any]:
    """The metric name and scikit-learn scorer; the default depends on the task.

    Classification: ``accuracy``; ``balanced_accuracy`` when the smallest class is less than
    half the largest; for two classes with the smaller under a fifth of the larger (strong
    imbalance), the threshold-free ``roc_auc``. Regression: ``r2`` (each candidate's RMSE in
    the target's unit is reported too).

    Raises:
        InputError: an unknown scorer name.
    """
    import numpy as np
    from sklearn.metrics import get_scorer, get_scorer_names

    if metric is None:
        if task == "classification":
            counts = np.unique(y, return_counts=True)[1]
            if len(counts) == 2 and counts.min() < 0.2 * counts.max():
                metric = "roc_auc"
            elif counts.min() >= 0.5 * counts.max():
                metric = "accuracy"
            else:
                metric = "balanced_accuracy"
        else:
            metric = "r2"
    try:
        return metric, get_scorer(metric)
    except ValueError as e:
        close = [n for n in get_scorer_names() if metric.split("_")[0] in n][:8]
        raise InputError(
            f"unknown metric {metric!r}",
            hint=f"use a scikit-learn scorer name, e.g. {', '.join(close or ['accuracy', 'r2'])}",
        ) from e


def make_folds(y: Any, task: str, k: int, seed: int, rows: Any = None) -> list[tuple[Any, Any]]:
    """k shuffled folds (stratified for classification) over ``rows`` (default: all rows).

    Raises:
        InputError: k < 2, or fewer rows (or members of a class) than folds.
    """
    import numpy as np
    from sklearn.model_selection import KFold, StratifiedKFold

    if k < 2:
        raise InputError(f"cross-validation needs at least 2 folds, got {k}", hint="use k >= 2")
    idx = np.arange(len(y)) if rows is None else np.asarray(rows)
    yy = np.asarray(y)[idx]
    if len(idx) < k:
        raise InputError(f"{len(idx)} rows cannot be split into {k} folds", hint="lower --folds")
    if task == "classification" and np.unique(yy, return_counts=True)[1].min() >= k:
        splitter: Any = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    else:
        splitter = KFold(n_splits=k, shuffle=True, random_state=seed)
    return [(idx[tr], idx[te]) for tr, te in splitter.split(np.zeros(len(idx)), yy)]


def _screen_rows(data: Dataset, task: str, fraction: float, seed: int) -> Any:
    import numpy as np

    n = data.n_rows
    m = max(min(n, 100), round(n * fraction))
    if m >= n:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    if task == "classification":
        # Keep every class represented in proportion (at least 3 rows each where possible).
        rows: list[Any] = []
        for cls in np.unique(data.y):
            members = np.flatnonzero(data.y == cls)
            take = max(min(3, len(members)), round(len(members) * m / n))
            rows.append(rng.choice(members, size=take, replace=False))
        return np.sort(np.concatenate(rows))
    return np.sort(rng.choice(n, size=m, replace=False))


MIN_SCREEN_ROWS = 300
"""Screening needs at least this many rows (and 3 × the features) in its subsample."""


def screening_plan(data: Dataset, outcomes: Sequence[CandidateOutcome], fraction: float) -> str:
    """Why screening is skipped (a sentence), or ``""`` when it can pay."""
    m = round(data.n_rows * fraction)
    droppable = [o for o in outcomes if o.candidate.kind == "estimator"]
    if len(droppable) < 2:
        return (
            "screening skipped: fewer than two candidates besides the baselines, so it cannot "
            "save more than it costs"
        )
    if m < MIN_SCREEN_ROWS or m < 3 * data.n_features:
        return (
            f"screening skipped: a {fraction:.0%} subsample has {m} rows, fewer than "
            f"{MIN_SCREEN_ROWS} or 3 × the {data.n_features} features"
        )
    return ""


def describe_plan(
    data: Dataset,
    outcomes: Sequence[CandidateOutcome],
    *,
    folds: int,
    fraction: float,
    screen_folds: int,
    skip: str,
) -> str:
    """What the analysis will run, in one sentence (its cost grows with the fits listed)."""
    n = len(outcomes)
    base = sum(1 for o in outcomes if o.candidate.kind == "baseline")
    full = f"up to {n} × {folds} fits on {data.n_rows:,} rows"
    if skip:
        return f"plan: {n} candidates ({base} baselines), no screening; {full}"
    m = round(data.n_rows * fraction)
    screened = sum(1 for o in outcomes if o.candidate.kind != "command")
    return (
        f"plan: {n} candidates ({base} baselines); screening {screened} × {screen_folds} fits "
        f"on {m:,} rows, then {full} (fewer when screening drops candidates)"
    )


def _evaluate(
    c: Candidate,
    data: Dataset,
    folds: Any,
    *,
    scorer: Any,
    m: Measurer,
    timeout_s: float | None,
    serving_batch: int | None = None,
    regression: bool = False,
    cpu_clock: Any = None,
) -> Evaluation:
    if c.kind == "command":
        return evaluate_command(c, m, timeout_s=timeout_s)
    return evaluate_estimator(
        c, data.X, data.y, folds=folds, scorer=scorer, measurer=m,
        serving_batch=serving_batch, regression=regression,
        cpu_clock=cpu_clock or time.process_time,
    )  # fmt: skip


def _diff_se(a: Evaluation, b: Evaluation) -> float:
    """Standard error of the mean score difference: paired over the same folds when possible."""
    k = len(a.scores)
    if k == len(b.scores) and k > 1:
        diffs = [x - y for x, y in zip(a.scores, b.scores, strict=True)]
        m = sum(diffs) / k
        return math.sqrt(sum((d - m) ** 2 for d in diffs) / (k - 1) / k)
    return math.hypot(a.se, b.se)


def _dominated(
    a: CandidateOutcome, others: Sequence[CandidateOutcome], tol: float, cost: Any
) -> str | None:
    """Why ``a`` is dominated at screening, or None; baselines are never dropped."""
    ea, ca = a.screening, cost(a.screening)
    if a.candidate.kind == "baseline" or ea is None or ea.mean is None or ca is None:
        return None
    for b in others:
        eb = b.screening
        if b is a or eb is None or eb.mean is None or b.stage == "failed":
            continue
        cb = cost(eb)
        margin = tol + 2 * _diff_se(ea, eb)
        if cb is not None and eb.mean - ea.mean > margin and clearly_less(cb, ca):
            return (
                f"dominated at screening by {b.candidate.name}: quality {ea.mean:.4f} vs "
                f"{eb.mean:.4f} (margin {margin:.4f}) at a clearly higher cost "
                f"({ca.value:.3g} vs {cb.value:.3g}, uncertainty included)"
            )
    return None


def _out_of_reach(
    a: CandidateOutcome, others: Sequence[CandidateOutcome], tol: float
) -> str | None:
    """Why a non-baseline cannot come within ``tol`` of the best at screening, or None.

    A candidate worse than the best screened one by more than the tolerance plus twice the
    standard error of the paired differences can be neither the best nor within tolerance of
    it, so it cannot be recommended, whatever its cost.
    """
    ea = a.screening
    if a.candidate.kind == "baseline" or ea is None or ea.mean is None:
        return None
    scored = [o for o in others if o.screening and o.screening.mean is not None]
    best = max(scored, key=lambda o: o.screening.mean or 0.0, default=None)  # type: ignore[union-attr]
    if best is None or best is a or best.screening is None or best.screening.mean is None:
        return None
    margin = tol + 2 * _diff_se(ea, best.screening)
    if best.screening.mean - ea.mean > margin:
        return (
            f"out of reach at screening: quality {ea.mean:.4f} vs the best "
            f"{best.screening.mean:.4f} ({best.candidate.name}), more than the tolerance plus "
            f"twice the standard error ({margin:.4f}) below it"
        )
    return None


def run_simplicity(
    dataset: DatasetSource | Dataset,
    *,
    target: str | None = None,
    candidates: Sequence[str | Candidate] = (),
    spec: str | Path | None = None,
    include_baselines: bool = True,
    task: str | None = None,
    metric: str | None = None,
    folds: int = 5,
    tolerance: float | None = None,
    yearly_predictions: float | None = None,
    retrains_per_year: float | None = None,
    current: str | None = None,
    location: Any = None,
    budget_j: float | None = None,
    screen: bool = True,
    screen_fraction: float = 0.3,
    screen_folds: int = 3,
    encode: bool = False,
    serving_batch: int | None = None,
    threads: int | None = 1,
    seed: int = 0,
    command_timeout_s: float | None = 3600.0,
    on_plan: Any = None,
    meters: MetersFactory | None = None,
    settings: Any = None,
    algorithm: str | None = None,
) -> SimplicityResult:
    """Compare candidate models on quality and measured energy; recommend the simplest adequate.

    Args:
        dataset: a CSV/Parquet path, ``module:function``, callable, ``(X, y)`` or a
            :class:`~algoprint.advice._datasets.Dataset`.
        target: the target column of a file.
        candidates: estimator import paths (``pkg.mod.Class(param=value)``) or candidates.
        spec: a YAML/TOML candidate spec file (estimators and commands).
        include_baselines: add the dummy, linear and depth-3 tree baselines (default on).
        task: ``classification`` or ``regression`` (default: detected from the target).
        metric: a scikit-learn scorer name (default by task: accuracy / balanced_accuracy / r2).
        folds: k of the k-fold cross-validation.
        tolerance: quality the recommendation may give up (default 0.01, see module doc).
        yearly_predictions: the algorithm's declared yearly use volume (predictions/year).
        retrains_per_year: how often the model is retrained per year, if known.
        current: the candidate in use now; the saving is computed against it (default: the
            best-quality candidate).
        location: a LocationProfile or zone code (default: NL, said in the result).
        budget_j: stop once the analysis has spent this much measured energy (J).
        screen: screen candidates on a subsample first and skip dominated ones.
        screen_fraction: share of rows used for screening (at least 100 rows).
        screen_folds: folds used for screening.
        encode: one-hot encode text columns of a file.
        serving_batch: predict in batches of this many rows, as the model will be served
            (1: one request at a time); default the whole fold.
        threads: BLAS/OpenMP threads during the measurements (``None``: leave them alone).
        seed: random seed for folds and subsamples.
        command_timeout_s: limit for each command candidate.
        on_plan: called with one sentence saying what the analysis will run (fits, rows,
            folds), before the first measurement (the CLI prints it first).
        meters: meter factory for every measured window (tests); default auto-detection.
        settings: tracking settings; default loaded from config.
        algorithm: slug recorded on the measured windows.

    Raises:
        InputError: bad dataset, candidates, metric, task, folds or tolerance.
        ImpactError: an unknown location zone.
    """
    from algoprint.tracking import Tracker

    if tolerance is not None and not tolerance >= 0:
        raise InputError(f"tolerance must be >= 0, got {tolerance}", hint="e.g. 0.01")
    if yearly_predictions is not None and not yearly_predictions >= 0:
        raise InputError(f"yearly_predictions must be >= 0, got {yearly_predictions}")
    if not 0 < screen_fraction <= 1:
        raise InputError(f"screen_fraction must be in (0, 1], got {screen_fraction}")
    if serving_batch is not None and serving_batch < 1:
        raise InputError(f"serving batch must be >= 1 row, got {serving_batch}", hint="e.g. 1")
    profile, location_note = resolve_profile(location)
    calc = ImpactCalculator(profile)
    measurer = Measurer(meters=meters, settings=settings, budget_j=budget_j, algorithm=algorithm)
    own_tracker = Tracker(
        store=False,
        settings=measurer.settings,
        meters=list(meters()) if meters is not None else None,
        algorithm=algorithm,
        phase="analysis",
        tags={"analysis": "simplicity"},
    )
    own_tracker.start()
    if budget_j is not None:
        measurer.count_whole(own_tracker)
    try:
        data = (
            dataset
            if isinstance(dataset, Dataset)
            else load_dataset(dataset, target=target, encode=encode, allow_missing=True)
        )
        task = task or detect_task(data.y)
        if task not in {"classification", "regression"}:
            raise InputError(f"unknown task {task!r}", hint="use classification or regression")
        metric_name, scorer = make_scorer(metric, task, data.y)
        impute = bool(data.missing)
        outcomes = [
            CandidateOutcome(with_preprocessing(c, impute=impute))
            for c in resolve_candidates(
                task,
                candidates=candidates,
                spec=spec,
                include_baselines=include_baselines,
                seed=seed,
            )
        ]
        if current is not None and current not in {o.candidate.name for o in outcomes}:
            raise InputError(
                f"current model {current!r} is not among the candidates",
                hint="name one of: " + ", ".join(o.candidate.name for o in outcomes),
            )
        full_folds = make_folds(data.y, task, folds, seed)
        base_tol = tolerance if tolerance is not None else 0.01
        skip = screening_plan(data, outcomes, screen_fraction) if screen else "screening off"
        plan = describe_plan(
            data, outcomes, folds=folds, fraction=screen_fraction, screen_folds=screen_folds,
            skip=skip,
        )  # fmt: skip
        if on_plan is not None:
            on_plan(plan)
        with pinned_threads(threads) as thread_info:
            stop_reason = _stages(
                outcomes, data, task=task, scorer=scorer, measurer=measurer,
                full_folds=full_folds, tol=base_tol, screen=not skip,
                reach=tolerance is not None or not metric_name.startswith("neg_"),
                cpu_clock=time.process_time,  # counts joblib/OpenMP workers too
                screen_fraction=screen_fraction, screen_folds=screen_folds, seed=seed,
                timeout_s=command_timeout_s, yearly=yearly_predictions,
                retrains=retrains_per_year, serving_batch=serving_batch,
            )  # fmt: skip
    finally:
        own_record = own_tracker.stop()
    notes = [plan, *([skip] if skip and skip != "screening off" else [])]
    return conclude(
        outcomes=outcomes, data=data, task=task, metric=metric_name, folds=folds,
        tolerance=tolerance, yearly_predictions=yearly_predictions,
        retrains_per_year=retrains_per_year, current=current, calc=calc,
        location_note=location_note, measurer=measurer, own_record=own_record,
        stop_reason=stop_reason, threads=thread_info, notes=notes,
        serving_batch=serving_batch,
    )  # fmt: skip


def _stages(
    outcomes: list[CandidateOutcome],
    data: Dataset,
    *,
    task: str,
    scorer: Any,
    measurer: Measurer,
    full_folds: Any,
    tol: float,
    screen: bool,
    screen_fraction: float,
    screen_folds: int,
    seed: int,
    timeout_s: float | None,
    yearly: float | None,
    retrains: float | None,
    serving_batch: int | None = None,
    reach: bool = True,
    cpu_clock: Any = None,
) -> str | None:
    """Screening then full CV; returns why it stopped early, or None."""
    regression = task == "regression"

    def cost(ev: Evaluation | None) -> Cost | None:
        basis: Basis = choose_basis(measurer.methods)
        return None if ev is None else decision_cost(ev, basis, yearly, retrains)

    try:
        if screen and len(outcomes) > 1:
            rows = _screen_rows(data, task, screen_fraction, seed)
            sfolds = make_folds(data.y, task, min(screen_folds, len(full_folds)), seed, rows)
            for o in outcomes:
                if o.candidate.kind == "command":
                    continue  # a command is run once, in full
                o.screening = _evaluate(
                    o.candidate, data, sfolds, scorer=scorer, m=measurer, timeout_s=timeout_s,
                    serving_batch=serving_batch, regression=regression, cpu_clock=cpu_clock,
                )  # fmt: skip
                if o.screening.status == "failed":
                    o.stage, o.reason = "failed", o.screening.error
            for o in outcomes:
                if o.stage == "pending":
                    why = _dominated(o, outcomes, tol, cost) or (
                        _out_of_reach(o, outcomes, tol) if reach else None
                    )
                    if why:
                        o.stage, o.reason = "discarded", why
        for o in outcomes:
            if o.stage != "pending":
                continue
            o.full = _evaluate(
                o.candidate, data, full_folds, scorer=scorer, m=measurer, timeout_s=timeout_s,
                serving_batch=serving_batch, regression=regression, cpu_clock=cpu_clock,
            )  # fmt: skip
            if o.full.status == "failed":
                o.stage, o.reason = "failed", o.full.error
            else:
                o.stage = "full"
    except BudgetExceeded as e:
        for o in outcomes:
            if o.stage == "pending":
                o.stage = "not-evaluated"
                o.reason = "the analysis's energy budget was reached first"
        return str(e)
    return None
