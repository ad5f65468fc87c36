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
* **Frugal**: racing over repeated cross-validation (:mod:`algoprint.advice._measure_race`):
  every candidate is measured on its first split, the baselines on one full k-fold
  cross-validation, and only the candidates that can still change the advice get more splits
  (up to ``repeats`` × k); one that is out of reach, or clearly costlier and not better
  beyond the tolerance, stops; the cheapest chunk runs first and the stops are re-checked
  after every chunk. ``race=False`` is the exhaustive search (every candidate on every split).
  In both, the finalists (within tolerance, cost within 3× of the cheapest) have their
  inference cost re-measured in interleaved rounds, decided on the paired ratio
  (:mod:`algoprint.advice._measure_final`). The expected cost of the analysis is estimated
  after the first look and set against the actual cost in the result. An energy budget
  stops the analysis between windows; the advice then rests on what was measured.
* **Threads**: BLAS/OpenMP pools are pinned (default one thread) and recorded.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from algoprint.advice._candidates import Candidate, resolve_candidates, with_preprocessing
from algoprint.advice._datasets import Dataset, DatasetSource, detect_task, load_dataset
from algoprint.advice._decide import Cost, choose_basis, pinned_threads
from algoprint.advice._measure import (
    MIN_PREDICT_S,
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
from algoprint.advice._measure_expected import expected_cost
from algoprint.advice._measure_final import settle_finalists
from algoprint.advice._measure_race import finish
from algoprint.advice._measure_race import race as race_candidates
from algoprint.advice._simplicity_result import (
    CandidateOutcome,
    SimplicityResult,
    conclude,
    decision_cost,
    pareto_front,
    ranking_energy,
    tolerance_for,
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


def make_folds(
    y: Any, task: str, k: int, seed: int, rows: Any = None, *, repeats: int = 1
) -> list[tuple[Any, Any]]:
    """k shuffled folds (stratified for classification) over ``rows`` (default: all rows),
    ``repeats`` times with a different shuffle each time (seed, seed + 1, ...), repeat after
    repeat.

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
    if repeats < 1:
        raise InputError(f"repeats must be >= 1, got {repeats}", hint="e.g. 3")
    stratify = task == "classification" and np.unique(yy, return_counts=True)[1].min() >= k
    out: list[tuple[Any, Any]] = []
    for r in range(repeats):
        splitter: Any = (StratifiedKFold if stratify else KFold)(
            n_splits=k, shuffle=True, random_state=seed + r
        )
        out.extend((idx[tr], idx[te]) for tr, te in splitter.split(np.zeros(len(idx)), yy))
    return out


def describe_plan(
    data: Dataset, outcomes: Sequence[CandidateOutcome], *, folds: int, repeats: int, race: bool
) -> str:
    """What the analysis will run, in one sentence (its cost grows with the fits listed)."""
    n = len(outcomes)
    base = sum(1 for o in outcomes if o.candidate.kind == "baseline")
    splits = folds * repeats
    cv = f"{repeats} × {folds}-fold cross-validation" if repeats > 1 else f"{folds}-fold CV"
    if not race:
        return (
            f"plan: {n} candidates ({base} baselines), exhaustive: {n} × {splits} fits on "
            f"{data.n_rows:,} rows ({cv})"
        )
    low = base * folds + (n - base)
    return (
        f"plan: {n} candidates ({base} baselines), racing over {cv} on {data.n_rows:,} rows: "
        f"{low} to {n * splits} fits (baselines get one full cross-validation, the others "
        "more splits only while they can change the advice)"
    )


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
    race: bool = True,
    repeats: int = 3,
    encode: bool = False,
    serving_batch: int | None = None,
    threads: int | None = 1,
    seed: int = 0,
    command_timeout_s: float | None = 3600.0,
    on_plan: Any = None,
    on_estimate: Any = None,
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
        race: race the candidates (the frugal default); ``False`` measures every candidate on
            every split (the exhaustive search).
        repeats: repeats of the k-fold cross-validation (different shuffles); racing gives
            the extra repeats only to candidates that can still change the advice.
        encode: one-hot encode text columns of a file.
        serving_batch: predict in batches of this many rows, as the model will be served
            (1: one request at a time); default the whole fold.
        threads: BLAS/OpenMP threads during the measurements (``None``: leave them alone).
        seed: random seed for folds and subsamples.
        command_timeout_s: limit for each command candidate.
        on_plan: called with one sentence saying what the analysis will run (fits, rows,
            folds), before the first measurement (the CLI prints it first).
        on_estimate: called with the expected cost (``expected_cost`` of the result
            document, without ``actual``) once the first split of every candidate is measured.
        meters: meter factory for every measured window (tests); default auto-detection.
        settings: tracking settings; default loaded from config.
        algorithm: slug recorded on the measured windows.

    Raises:
        InputError: bad dataset, candidates, metric, task, folds or tolerance.
        ImpactError: an unknown location zone.
    """
    from algoprint.tracking import Tracker

    cpu0_s = time.process_time()
    if tolerance is not None and not tolerance >= 0:
        raise InputError(f"tolerance must be >= 0, got {tolerance}", hint="e.g. 0.01")
    if yearly_predictions is not None and not yearly_predictions >= 0:
        raise InputError(f"yearly_predictions must be >= 0, got {yearly_predictions}")
    if repeats < 1:
        raise InputError(f"repeats must be >= 1, got {repeats}", hint="e.g. 3")
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
        splits = make_folds(data.y, task, folds, seed, repeats=repeats)
        plan = describe_plan(data, outcomes, folds=folds, repeats=repeats, race=race)
        if on_plan is not None:
            on_plan(plan)
        expected: dict[str, Any] = {}

        def first_look(lanes: Sequence[Any]) -> None:
            setup_s = time.process_time() - cpu0_s - sum(ln.cpu_s for ln in lanes)
            expected.update(
                expected_cost(
                    lanes, k=folds, total=len(splits), setup_cpu_s=setup_s, exhaustive=not race
                )
            )
            if on_estimate is not None:
                on_estimate(dict(expected))

        with pinned_threads(threads) as thread_info:
            stop_reason = _stages(
                outcomes, data, task=task, scorer=scorer, measurer=measurer, splits=splits,
                folds=folds, race=race, on_first_look=first_look, timeout_s=command_timeout_s,
                tolerance=lambda ev: tolerance_for(metric_name, tolerance, ev, folds)[0],
                yearly=yearly_predictions, retrains=retrains_per_year,
                serving_batch=serving_batch,
            )  # fmt: skip
            final_note = None
            if stop_reason is None:
                final_note = settle_finalists(
                    outcomes, metric=metric_name, tolerance=tolerance, folds=folds,
                    basis=choose_basis(measurer.methods), yearly_predictions=yearly_predictions,
                    retrains=retrains_per_year,
                )  # fmt: skip
    finally:
        own_record = own_tracker.stop()
    return conclude(
        outcomes=outcomes, data=data, task=task, metric=metric_name, folds=folds,
        tolerance=tolerance, yearly_predictions=yearly_predictions,
        retrains_per_year=retrains_per_year, current=current, calc=calc,
        location_note=location_note, measurer=measurer, own_record=own_record,
        stop_reason=stop_reason, threads=thread_info,
        notes=[plan] + ([final_note] if final_note else []),
        serving_batch=serving_batch, repeats=repeats,
        search="racing" if race else "exhaustive", expected=expected,
        cpu_s=time.process_time() - cpu0_s,
    )  # fmt: skip


def _stages(
    outcomes: list[CandidateOutcome],
    data: Dataset,
    *,
    task: str,
    scorer: Any,
    measurer: Measurer,
    splits: Sequence[Any],
    folds: int,
    race: bool,
    on_first_look: Any,
    timeout_s: float | None,
    tolerance: Any,
    yearly: float | None,
    retrains: float | None,
    serving_batch: int | None = None,
) -> str | None:
    """Commands once, then the race (or the exhaustive search); why it stopped early, or None."""
    regression = task == "regression"

    def cost(ev: Evaluation) -> Cost | None:
        return decision_cost(ev, choose_basis(measurer.methods), yearly, retrains)

    def evaluate(c: Candidate, chunk: Sequence[Any], first: bool) -> Evaluation:
        return evaluate_estimator(
            c, data.X, data.y, folds=chunk, scorer=scorer, measurer=measurer,
            serving_batch=serving_batch, regression=regression, cpu_clock=time.process_time,
            min_predict_s=MIN_PREDICT_S if first else None,
        )  # fmt: skip

    lanes: list[Any] = []
    try:
        for o in outcomes:
            if o.candidate.kind == "command":
                o.full = evaluate_command(o.candidate, measurer, timeout_s=timeout_s)
                o.stage, o.reason = (
                    ("failed", o.full.error) if o.full.status == "failed" else ("full", None)
                )
        lanes = race_candidates(
            outcomes, evaluate=evaluate, splits=splits, k=folds, tolerance=tolerance,
            cost=cost, exhaustive=not race, on_first_look=on_first_look,
            spent_j=lambda: measurer.spent_j,
        )  # fmt: skip
    except BudgetExceeded as e:
        for o in outcomes:
            if o.stage == "pending":
                o.stage = "not-evaluated"
                o.reason = "the analysis's energy budget was reached first" + (
                    f" ({o.splits} of {len(splits)} splits measured)" if o.splits else ""
                )
                if o.full is not None:
                    o.stage, o.reason = "full", o.reason.replace("reached first", "reached")
        return str(e)
    finish(lanes, folds, len(splits))
    return None
