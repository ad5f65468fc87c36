"""dat-09 "limit dataset size for energy efficiency": how much data does the model need?

:func:`run_data_minimisation` answers four questions for one model and one dataset
(docs/analyses.md, section dat-09, documents the rules):

1. **Learning curve**: cross-validated quality and measured fit energy when training on a
   fraction of the rows (5 … 100 %); the smallest fraction within tolerance of full-data quality.
   Full data is measured first, then the fractions from small to large; the curve stops at the
   first fraction within tolerance unless ``full_curve=True`` (frugal by default).
2. **Feature reduction**: quality and fit energy with only the top-k features, ranked once by
   importance on the full data (model-based ``feature_importances_`` or ``|coef_|``, else
   permutation importance on a 25 % holdout); the smallest k within tolerance.
3. **Duplicates and redundant columns**: exact duplicate rows, near duplicates (each numeric
   column divided by its standard deviation and rounded to ``near_tolerance`` standard
   deviations, then rows compared), constant and quasi-constant columns (one value in at
   least 99 % of rows), highly correlated numeric pairs (|r| >= 0.98).
4. **Storage footprint**: size × replicas × storage energy per TB-year, through the impact
   model, and the yearly saving when the data is reduced as advised.

Tolerance: ``max(tolerance, SE_full)`` with ``SE_full`` the standard error of the full-data fold
scores, default tolerance 0.01 (1 percentage point).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from algoprint.advice._candidates import Candidate, baselines, parse_candidate
from algoprint.advice._data_rules import (
    STORAGE_FACTORS,
    combined_point,
    deduplicate,
    no_signal_columns,
    plateau,
    storage_footprint,
    training_saving,
)
from algoprint.advice._datasets import Dataset, DatasetSource, detect_task, load_dataset
from algoprint.advice._measure import (
    BudgetExceeded,
    ImpactCalculator,
    Measurer,
    MetersFactory,
    resolve_profile,
)
from algoprint.advice.simplicity import make_folds, make_scorer
from algoprint.errors import InputError
from algoprint.records import AnalysisRecord

LINEAR_BASELINES = ("logistic", "linear")
"""The default model of the data analysis: the linear baseline of the task."""

__all__ = ["STORAGE_FACTORS", "DataResult", "run_data_minimisation"]

DEFAULT_FRACTIONS = (0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass(slots=True)
class DataResult:
    """The outcome of :func:`run_data_minimisation`; :meth:`to_dict` is the stored document."""

    task: str
    metric: str
    model: dict[str, Any]
    dataset: dict[str, Any]
    tolerance: float
    learning_curve: dict[str, Any]
    features: dict[str, Any]
    duplicates: dict[str, Any]
    columns: dict[str, Any]
    storage: dict[str, Any]
    location: dict[str, Any]
    location_note: str | None
    own: dict[str, Any]
    stopped_early: bool = False
    stop_reason: str | None = None
    run_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The result document (docs/analyses.md, dat-09); JSON-ready."""
        return {
            "measure": "dat-09",
            "task": self.task,
            "metric": self.metric,
            "model": self.model,
            "dataset": self.dataset,
            "tolerance": self.tolerance,
            "learning_curve": self.learning_curve,
            "features": self.features,
            "duplicates": self.duplicates,
            "columns": self.columns,
            "storage": self.storage,
            "location": self.location,
            "location_note": self.location_note,
            "own_footprint": self.own,
            "stopped_early": self.stopped_early,
            "stop_reason": self.stop_reason,
        }

    def render(self, lang: str = "en") -> list[str]:
        """Plain-language explanation and tables (``nl`` or ``en``)."""
        from algoprint.advice._render import render_data

        return render_data(self.to_dict(), lang)

    def to_analysis(self, algorithm: str | None) -> AnalysisRecord:
        """The :class:`~algoprint.records.AnalysisRecord` (kind ``data-minimisation``)."""
        from algoprint.advice._render import summary_data

        doc = self.to_dict()
        frac = self.learning_curve.get("smallest_fraction")
        return AnalysisRecord(
            kind="data-minimisation",
            algorithm=algorithm,
            title=(
                "Data minimisation: "
                + (f"{frac:.0%} of rows suffice" if frac is not None else "no curve")
            ),
            result=doc,
            summary_nl=summary_data(doc, "nl"),
            summary_en=summary_data(doc, "en"),
            own_energy_j=self.own.get("energy_j"),
            run_ids=list(self.run_ids),
        )


def _subsample(train: Any, y: Any, fraction: float, task: str, rng: Any) -> Any:
    import numpy as np

    if fraction >= 1:
        return train
    if task == "classification":
        parts = []
        for cls in np.unique(y[train]):
            members = train[y[train] == cls]
            take = max(1, math.ceil(len(members) * fraction))
            parts.append(rng.choice(members, size=take, replace=False))
        return np.concatenate(parts)
    take = max(2, math.ceil(len(train) * fraction))
    return rng.choice(train, size=take, replace=False)


@dataclass(slots=True)
class _Ctx:
    """What every measured point of one analysis shares."""

    model: Candidate
    folds: Sequence[tuple[Any, Any]]
    scorer: Any
    measurer: Measurer
    task: str
    seed: int
    tol: float
    full_curve: bool


def _cv_point(ctx: _Ctx, X: Any, y: Any, label: str, fraction: float) -> dict[str, Any]:
    """Fit on ``fraction`` of each training fold (one measured window), score every fold."""
    import warnings

    import numpy as np

    model, folds, scorer, measurer = ctx.model, ctx.folds, ctx.scorer, ctx.measurer
    rng = np.random.default_rng(ctx.seed)
    subs = [_subsample(tr, y, fraction, ctx.task, rng) for tr, _ in folds]
    models = []
    cpu_s: list[float] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with measurer.window(label) as w:
                for sub in subs:
                    cpu0_s = time.process_time()
                    est = model.build()
                    est.fit(X[sub], y[sub])
                    cpu_s.append(time.process_time() - cpu0_s)
                    models.append(est)
            scores = [
                float(scorer(est, X[te], y[te])) for est, (_, te) in zip(models, folds, strict=True)
            ]
    except BudgetExceeded:
        raise
    except Exception as e:
        return {"status": "failed", "error": f"{type(e).__name__}: {e}"}
    k = len(folds)
    mean = sum(scores) / k
    std = (sum((s - mean) ** 2 for s in scores) / (k - 1)) ** 0.5 if k > 1 else None
    return {
        "status": "ok",
        "scores": scores,
        "score_mean": mean,
        "score_std": std,
        "fit_energy_j": None if w[0].energy_j is None else w[0].energy_j / k,
        "uncertainty_rel": w[0].uncertainty_rel,
        "fit_cpu_s": cpu_s,
        "methods": list(w[0].methods),
        "train_rows": sum(len(s) for s in subs) / k,
    }


def _importance(model: Candidate, data: Dataset, scorer: Any, seed: int) -> tuple[Any, str]:
    import numpy as np

    est = model.build()
    est.fit(data.X, data.y)
    final = est.steps[-1][1] if hasattr(est, "steps") else est
    d = data.n_features
    raw = getattr(final, "feature_importances_", None)
    if raw is not None and np.size(raw) == d:
        return np.asarray(raw, dtype=float), "model-based (feature_importances_)"
    coef = getattr(final, "coef_", None)
    if coef is not None:
        c = np.abs(np.asarray(coef, dtype=float))
        c = c.reshape(-1, d).mean(axis=0) if c.size % d == 0 else None
        if c is not None:
            return c, "model-based (|coef_| on the model's input scale)"
    from sklearn.inspection import permutation_importance
    from sklearn.model_selection import train_test_split

    strat = data.y if detect_task(data.y) == "classification" else None
    try:
        Xa, Xb, ya, yb = train_test_split(
            data.X, data.y, test_size=0.25, random_state=seed, stratify=strat
        )
    except ValueError:
        Xa, Xb, ya, yb = train_test_split(data.X, data.y, test_size=0.25, random_state=seed)
    est = model.build().fit(Xa, ya)
    perm = permutation_importance(est, Xb, yb, scoring=scorer, n_repeats=3, random_state=seed)
    return np.asarray(perm.importances_mean, dtype=float), "permutation (25 % holdout, 3 repeats)"


def k_grid(d: int) -> list[int]:
    """A sensible grid of feature counts for ``d`` features, ascending, ending at ``d``."""
    candidates = {1, 2, 5, 10, 20, 50} | {math.ceil(d * p) for p in (0.1, 0.25, 0.5, 0.75)}
    return sorted({k for k in candidates if 1 <= k < d} | {d})


def data_checks(data: Dataset, *, near_tolerance: float = 0.01) -> tuple[dict[str, Any], ...]:
    """Duplicate rows and constant/redundant columns (see the module doc for the rules)."""
    import numpy as np

    X, n, d = data.X, data.n_rows, data.n_features
    both = np.column_stack([X, np.asarray(data.y, dtype=float)])
    exact = n - len(np.unique(both, axis=0))
    std = X.std(axis=0)
    scale = np.where(std > 0, std, 1.0)
    rounded = np.round(X / scale / near_tolerance)
    near = n - len(np.unique(np.column_stack([rounded, both[:, -1]]), axis=0))
    duplicates = {
        "exact_rows": int(exact),
        "exact_share": exact / n,
        "near_rows": int(near),
        "near_share": near / n,
        "near_rule": f"columns divided by their standard deviation, rounded to {near_tolerance} "
        "standard deviations; rows equal after rounding (target included) are near duplicates; "
        "near_rows includes the exact ones",
    }
    names = data.feature_names
    constant = [names[j] for j in range(d) if std[j] == 0]
    quasi: list[str] = []
    for j in range(d):
        if std[j] == 0:
            continue
        top = np.unique(X[:, j], return_counts=True)[1].max()
        if top / n >= 0.99:
            quasi.append(names[j])
    live = [j for j in range(d) if std[j] > 0]
    pairs: list[dict[str, Any]] = []
    redundant: list[str] = []
    note = None
    if 2 <= len(live) <= 2000:
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.corrcoef(X[:, live], rowvar=False)
        dropped: set[int] = set()
        for a in range(len(live)):
            for b in range(a + 1, len(live)):
                if abs(r[a, b]) >= 0.98:
                    pairs.append({"a": names[live[a]], "b": names[live[b]], "r": float(r[a, b])})
                    if a not in dropped and b not in dropped:
                        dropped.add(b)
        redundant = [names[live[b]] for b in sorted(dropped)]
    elif len(live) > 2000:
        note = "more than 2,000 columns: correlation check skipped"
    columns = {
        "constant": constant,
        "quasi_constant": quasi,
        "quasi_rule": "one value in at least 99 % of rows",
        "correlated_pairs": pairs[:50],
        "redundant": redundant,
        "redundant_rule": "second column of each pair with |r| >= 0.98 (kept: the first)",
        "removable_share": (len(constant) + len(quasi) + len(redundant)) / d if d else 0.0,
        "note": note,
    }
    return duplicates, columns


def run_data_minimisation(
    dataset: DatasetSource | Dataset,
    *,
    target: str | None = None,
    model: str | Candidate | None = None,
    task: str | None = None,
    metric: str | None = None,
    folds: int = 5,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
    tolerance: float | None = None,
    full_curve: bool = False,
    features: bool = True,
    near_tolerance: float = 0.01,
    replicas: int = 1,
    media: str = "hdd",
    storage_kwh_per_tb_year: float | None = None,
    location: Any = None,
    budget_j: float | None = None,
    encode: bool = False,
    retrains_per_year: float | None = None,
    seed: int = 0,
    meters: MetersFactory | None = None,
    settings: Any = None,
    algorithm: str | None = None,
) -> DataResult:
    """Learning curve, feature reduction, duplicates, redundant columns and storage footprint.

    Args:
        dataset: a CSV/Parquet path, ``module:function``, callable, ``(X, y)`` or a Dataset.
        target: the target column of a file.
        model: the model to study, as an import path (``pkg.Class(param=...)``) or candidate;
            default the linear baseline (logistic / linear regression with scaling), said in
            the result.
        task / metric / folds / tolerance / seed: as for the simplicity analysis.
        fractions: training-set fractions of the learning curve (in (0, 1]).
        full_curve: measure every fraction even after one is within tolerance.
        features: run the feature-reduction part.
        near_tolerance: near-duplicate rounding step, in standard deviations.
        replicas: copies of the dataset kept (backups, replication).
        media: ``hdd`` or ``ssd`` (storage energy factor).
        storage_kwh_per_tb_year: your own storage factor, replacing the shipped one.
        location: LocationProfile or zone code (default NL, said in the result).
        budget_j: stop once the analysis has spent this much measured energy (J).
        encode: one-hot encode text columns of a file.
        retrains_per_year: retrainings a year, for the yearly training-energy saving.
        meters / settings / algorithm: as for the simplicity analysis.

    Raises:
        InputError: bad dataset, model, fractions, media, replicas, folds or metric.
        ImpactError: an unknown location zone.
    """
    from algoprint.tracking import Tracker

    fr = sorted({float(f) for f in fractions})
    if not fr or fr[0] <= 0 or fr[-1] > 1:
        raise InputError(f"fractions must lie in (0, 1], got {list(fractions)}")
    if fr[-1] != 1.0:
        fr.append(1.0)
    profile, location_note = resolve_profile(location)
    calc = ImpactCalculator(profile)
    measurer = Measurer(meters=meters, settings=settings, budget_j=budget_j, algorithm=algorithm)
    own_tracker = Tracker(
        store=False,
        settings=measurer.settings,
        meters=list(meters()) if meters is not None else None,
        algorithm=algorithm,
        phase="analysis",
        tags={"analysis": "data-minimisation"},
    )
    own_tracker.start()
    if budget_j is not None:
        measurer.count_whole(own_tracker)
    stop_reason = None
    curve: dict[str, Any] = {"points": [], "smallest_fraction": None}
    feats: dict[str, Any] = {"points": [], "smallest_k": None}
    try:
        data = (
            dataset
            if isinstance(dataset, Dataset)
            else load_dataset(dataset, target=target, encode=encode)
        )
        task = task or detect_task(data.y)
        metric_name, scorer = make_scorer(metric, task, data.y)
        if model is None:
            chosen = next(c for c in baselines(task, seed=seed) if c.name in LINEAR_BASELINES)
        elif isinstance(model, str):
            chosen = parse_candidate(model)
        else:
            chosen = model
        duplicates, columns = data_checks(data, near_tolerance=near_tolerance)
        work, duplicates["removed_before_curve"] = deduplicate(data)
        cv = make_folds(work.y, task, folds, seed)
        ctx = _Ctx(
            chosen, cv, scorer, measurer, task, seed,
            0.01 if tolerance is None else tolerance, full_curve,
        )  # fmt: skip
        tol = ctx.tol
        try:
            tol = ctx.tol = _curve(ctx, work, fr, curve)
            if features and work.n_features > 1 and curve.get("full"):
                _features(ctx, work, feats, curve["full"])
                with measurer.window("probes"):
                    feats["no_signal"] = no_signal_columns(chosen, work, seed=seed)
            combined = _combine(ctx, work, curve, feats)
        except BudgetExceeded as e:
            stop_reason = str(e)
            combined = None
    finally:
        own_record = own_tracker.stop()
    frac = curve.get("smallest_fraction")
    k = feats.get("smallest_k")
    kept = None
    if frac is not None:
        kept = frac * ((k / data.n_features) if k else 1.0)
    if combined is not None:
        kept, curve["combined"] = combined["kept_share"], combined
    reduced = (combined or {}).get("point") if (combined or {}).get("validated") else None
    curve["training_saving"] = training_saving(
        curve.get("full") or {}, reduced or _point_at(curve, frac), retrains_per_year,
        own_record.energy_j,
    )  # fmt: skip
    storage = storage_footprint(
        data, calc, replicas=replicas, media=media, kwh_per_tb_year=storage_kwh_per_tb_year,
        kept_share=kept,
    )  # fmt: skip
    curve.pop("full", None)
    return DataResult(
        task=task,
        metric=metric_name,
        model={**chosen.to_dict(), "default": model is None},
        dataset={
            "source": data.source,
            "rows": data.n_rows,
            "features": data.n_features,
            "target": data.target,
            "size_bytes": data.size_bytes,
            "size_basis": data.size_basis,
        },
        tolerance=tol,
        learning_curve=curve,
        features=feats,
        duplicates=duplicates,
        columns=columns,
        storage=storage,
        location=calc.describe(),
        location_note=location_note,
        own={
            "energy_j": own_record.energy_j,
            "uncertainty_rel": own_record.uncertainty_rel,
            "duration_s": own_record.duration_s,
            "measured_windows": measurer.windows,
            "windows_energy_j": measurer.spent_j,
            "budget_j": measurer.budget_j,
            "impacts": calc.figures(own_record.energy_j, own_record.uncertainty_rel),
            "gaps": list(measurer.gaps),
        },
        stopped_early=stop_reason is not None,
        stop_reason=stop_reason,
        run_ids=[own_record.run_id, *measurer.run_ids],
    )


def _point_at(curve: dict[str, Any], frac: float | None) -> dict[str, Any] | None:
    return next((p for p in curve["points"] if p.get("fraction") == frac), None)


def _combine(
    ctx: _Ctx, data: Dataset, curve: dict[str, Any], feats: dict[str, Any]
) -> dict[str, Any] | None:
    """Validate fewer rows and fewer columns together (when both were reduced)."""
    frac, k, full = curve.get("smallest_fraction"), feats.get("smallest_k"), curve.get("full")
    if full is None or frac is None or k is None or frac >= 1 or k >= data.n_features:
        return None
    names = next(p["features"] for p in feats["points"] if p["k"] == k)
    cols = [data.feature_names.index(n) for n in names]
    return combined_point(
        lambda X, y, label, f: _cv_point(ctx, X, y, label, f), data, fraction=frac,
        columns=cols, within=lambda p: _within(p, full, ctx.tol),
    )  # fmt: skip


def _within(point: dict[str, Any], full: dict[str, Any], tol: float) -> bool:
    return point.get("status") == "ok" and point["score_mean"] >= full["score_mean"] - tol - 1e-12


def _curve(ctx: _Ctx, data: Dataset, fractions: list[float], out: dict[str, Any]) -> float:
    full = _cv_point(ctx, data.X, data.y, "rows:1.0", 1.0)
    if full["status"] != "ok":
        raise InputError(
            f"the model {ctx.model.name} fails on the full data: {full['error']}",
            hint="check the model and the data with a plain fit first",
        )
    k = len(full["scores"])
    # Corrected resampled standard error (Nadeau & Bengio): k-fold training sets overlap.
    se = (full["score_std"] or 0.0) * math.sqrt(1 / k + 1 / (k - 1))
    tol = max(ctx.tol, se)
    out["full"] = full
    out["tolerance_rule"] = "max(tolerance, corrected standard error of the full-data scores)"
    if tol > ctx.tol:
        out["tolerance_note"] = (
            f"the tolerance grew to {tol:.4g} (the full-data cross-validation noise), beyond "
            f"the {ctx.tol:.4g} asked"
        )
    points = {1.0: {**full, "fraction": 1.0}}
    # Largest first: a fraction counts only when every larger one is within tolerance too
    # (a plateau, not one lucky point); stop at the first that is not (frugal).
    for f in sorted(fractions[:-1], reverse=True):
        p = _cv_point(ctx, data.X, data.y, f"rows:{f}", f)
        points[f] = {**p, "fraction": f}
        if not _within(p, full, tol) and not ctx.full_curve:
            break
    out["smallest_fraction"] = plateau(points, lambda p: _within(p, full, tol))
    out["plateau_rule"] = "every measured larger fraction is within tolerance too"
    out["points"] = [points[f] for f in sorted(points)]
    out["skipped"] = [f for f in fractions if f not in points]
    return tol


def _features(ctx: _Ctx, data: Dataset, out: dict[str, Any], full: dict[str, Any]) -> None:
    import numpy as np

    try:
        with ctx.measurer.window("importance"):
            importance, method = _importance(ctx.model, data, ctx.scorer, ctx.seed)
    except BudgetExceeded:
        raise
    except Exception as e:
        out["error"] = f"feature importance failed: {type(e).__name__}: {e}"
        return
    order = np.argsort(-importance, kind="stable")
    d = data.n_features
    out.update(
        n_features=d,
        importance_method=method,
        ranking=[
            {"feature": data.feature_names[j], "importance": float(importance[j])} for j in order
        ],
        note="importance is computed once on all rows, so the top-k scores are slightly "
        "optimistic (selection saw the test folds)",
    )
    points = [{**full, "k": d}]
    for k in k_grid(d)[:-1]:
        cols = order[:k]
        p = _cv_point(ctx, data.X[:, cols], data.y, f"k:{k}", 1.0)
        points.append({**p, "k": k, "features": [data.feature_names[j] for j in cols]})
        if _within(p, full, ctx.tol) and out["smallest_k"] is None:
            out["smallest_k"] = k
            if not ctx.full_curve:
                break
    if out["smallest_k"] is None:
        out["smallest_k"] = d
    out["points"] = sorted(points, key=lambda p: p["k"])
