"""dat-09 rules from issue 15: deduplicate before the curve, name no-signal columns, a robust
plateau, the combined point validated, and the training-energy saving with its payback.

Used by :mod:`algoprint.advice.minimisation`; the measured points come in through the
``cv_point`` callable (one measured window per point), so this module measures nothing itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from algoprint.advice._datasets import Dataset
from algoprint.advice._measure import ImpactCalculator
from algoprint.errors import InputError

__all__ = [
    "N_PROBES",
    "STORAGE_FACTORS",
    "combined_point",
    "deduplicate",
    "no_signal_columns",
    "plateau",
    "storage_footprint",
    "training_saving",
]

HOURS_PER_YEAR = 8766.0  # 365.25 days
N_PROBES = 5
"""Random probe columns (shuffled copies of real columns) in the no-signal test."""

CvPoint = Callable[[Any, Any, str, float], dict[str, Any]]


def deduplicate(data: Dataset) -> tuple[Dataset, int]:
    """The dataset without exact duplicate rows (features and target equal), first kept.

    Duplicates left in make cross-validation leak (a row's copy in the training fold predicts
    it in the test fold), so the learning curve and the feature test run on this.
    """
    import numpy as np

    both = np.column_stack([data.X, np.asarray(data.y, dtype=float)])
    _, first = np.unique(both, axis=0, return_index=True)
    removed = data.n_rows - len(first)
    if removed == 0:
        return data, 0
    keep = np.sort(first)
    return replace(data, X=data.X[keep], y=data.y[keep]), removed


def no_signal_columns(model: Any, data: Dataset, *, seed: int) -> dict[str, Any]:
    """Columns whose importance is no higher than that of random probes (a null test).

    Adds :data:`N_PROBES` columns, each a random permutation of a random real column (same
    distribution, no relation to the target), fits the model once on the augmented data and
    compares importances (``feature_importances_``, ``|coef_|`` after the model's own scaling,
    else permutation importance on a 25 % holdout). A real column at or below the strongest
    probe is named as carrying no signal the model can use.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    d = data.n_features
    picks = rng.integers(0, d, size=N_PROBES)
    probes = np.column_stack([rng.permutation(data.X[:, j]) for j in picks])
    X = np.column_stack([data.X, probes])
    est = model.build()
    est.fit(X, data.y)
    final = est.steps[-1][1] if hasattr(est, "steps") else est
    raw = getattr(final, "feature_importances_", None)
    coef = getattr(final, "coef_", None)
    if raw is not None and np.size(raw) == d + N_PROBES:
        imp, method = np.asarray(raw, dtype=float), "feature_importances_"
    elif coef is not None and np.size(coef) % (d + N_PROBES) == 0:
        c = np.abs(np.asarray(coef, dtype=float)).reshape(-1, d + N_PROBES)
        imp, method = c.mean(axis=0), "|coef_|"
    else:
        from sklearn.inspection import permutation_importance
        from sklearn.model_selection import train_test_split

        Xa, Xb, ya, yb = train_test_split(X, data.y, test_size=0.25, random_state=seed)
        fitted = model.build().fit(Xa, ya)
        perm = permutation_importance(fitted, Xb, yb, n_repeats=3, random_state=seed)
        imp, method = np.asarray(perm.importances_mean, dtype=float), "permutation"
    threshold = float(imp[d:].max())
    names = [data.feature_names[j] for j in range(d) if imp[j] <= threshold]
    return {
        "method": f"random probes ({N_PROBES} shuffled copies of real columns), {method}",
        "probe_max_importance": threshold,
        "columns": names,
    }


def plateau(points: dict[float, dict[str, Any]], within: Callable[[dict[str, Any]], bool]) -> Any:
    """The smallest fraction from which every larger measured fraction is within tolerance.

    A single lucky fraction is no plateau: with ``points`` measured up to 1.0, a fraction
    qualifies only when it and all larger measured fractions are within tolerance.
    """
    best = 1.0
    for f in sorted(points, reverse=True):
        if f == 1.0:
            continue
        if not within(points[f]):
            break
        best = f
    return best


def combined_point(
    cv_point: CvPoint, data: Dataset, *, fraction: float, columns: Any, within: Any
) -> dict[str, Any]:
    """Measure fewer rows and fewer columns together before claiming both.

    Returns ``{"validated": bool, "point": ..., "kept_share": ...}``: when the combined point is
    not within tolerance, only the larger single reduction is claimed.
    """
    k, d = len(columns), data.n_features
    point = cv_point(data.X[:, columns], data.y, f"rows:{fraction}+k:{k}", fraction)
    ok = within(point)
    share = fraction * k / d if ok else min(fraction, k / d)
    return {"validated": bool(ok), "point": point, "fraction": fraction, "k": k,
            "kept_share": share}  # fmt: skip


def training_saving(
    full: dict[str, Any], reduced: dict[str, Any] | None, retrains: float | None, own_j: Any
) -> dict[str, Any]:
    """The training energy saved per retrain and per year, and the analysis's payback.

    The saving is claimed only when the reduced fit is *clearly* cheaper on the shared rule's
    metric (:mod:`algoprint.advice._decide`: per-fold CPU time where energy is modelled);
    otherwise ``per_retrain_j`` is 0 and ``decision`` says there is no clear difference.
    """
    from algoprint.advice._decide import Cost, choose_basis, clearly_less, cost_from_samples

    out: dict[str, Any] = {"per_retrain_j": None, "retrains_per_year": retrains,
                           "per_year_j": None, "payback_years": None}  # fmt: skip
    if reduced is None or full.get("fit_energy_j") is None or reduced.get("fit_energy_j") is None:
        return out
    basis = choose_basis([*full.get("methods", []), *reduced.get("methods", [])])
    if basis.metric == "cpu" and full.get("fit_cpu_s") and reduced.get("fit_cpu_s"):
        a, b = cost_from_samples(reduced["fit_cpu_s"]), cost_from_samples(full["fit_cpu_s"])
    else:
        a = Cost(reduced["fit_energy_j"], reduced.get("uncertainty_rel") or 0.05)
        b = Cost(full["fit_energy_j"], full.get("uncertainty_rel") or 0.05)
    out["decided_on"] = basis.metric
    if not clearly_less(a, b):
        out["decision"] = "no clear difference"
        out["per_retrain_j"] = 0.0
        out["per_year_j"] = 0.0 if retrains is not None else None
        return out
    out["decision"] = "less"
    saved = full["fit_energy_j"] - reduced["fit_energy_j"]
    out["per_retrain_j"] = saved
    if retrains is not None:
        out["per_year_j"] = saved * retrains
        if saved > 0 and retrains > 0 and own_j is not None:
            out["payback_years"] = own_j / (saved * retrains)
    return out


STORAGE_FACTORS: dict[str, dict[str, Any]] = {
    media: {
        "kwh_per_tb_year": wh_per_tbh * HOURS_PER_YEAR / 1000,
        "wh_per_tb_hour": wh_per_tbh,
        "uncertainty_rel": 0.5,
        "source": (
            f"Cloud Carbon Footprint methodology (Thoughtworks), storage coefficient {wh_per_tbh}"
            f" Wh per TB-hour for {media.upper()} ({basis}), derived from drive capacity and "
            "wattage projections for 2020 based on Shehabi et al. (2016), United States Data "
            "Center Energy Usage Report, LBNL-1005775"
        ),
        "licence": "Apache-2.0 (CCF documentation); figure used as a fact with attribution",
        "vintage": "2020 projection",
        "needs_check": True,
        "note": (
            "drive energy only (no controller or server share); PUE is applied by the impact "
            "model; the ±50 % range is algoprint's assumption, not the source's"
        ),
    }
    for media, wh_per_tbh, basis in (
        ("hdd", 0.65, "6.5 W per 10 TB disk"),
        ("ssd", 1.2, "6 W per 5 TB disk"),
    )
}
"""Storage energy per TB-year by media (IT energy of the drives, before PUE)."""


def storage_footprint(
    data: Dataset,
    calc: ImpactCalculator,
    *,
    replicas: int,
    media: str,
    kwh_per_tb_year: float | None,
    kept_share: float | None,
) -> dict[str, Any]:
    if media not in STORAGE_FACTORS:
        raise InputError(f"unknown storage media {media!r}", hint="use hdd or ssd")
    if replicas < 1:
        raise InputError(f"replicas must be >= 1, got {replicas}")
    if kwh_per_tb_year is not None:
        factor: dict[str, Any] = {
            "kwh_per_tb_year": kwh_per_tb_year,
            "uncertainty_rel": 0.0,
            "source": "user",
            "needs_check": False,
        }
    else:
        factor = dict(STORAGE_FACTORS[media])
    tb = data.size_bytes / 1e12
    energy = tb * replicas * factor["kwh_per_tb_year"] * 3.6e6
    u = factor["uncertainty_rel"]
    out: dict[str, Any] = {
        "size_bytes": data.size_bytes,
        "size_basis": data.size_basis,
        "replicas": replicas,
        "media": media,
        "factor": factor,
        "energy_j_per_year": energy,
        "impacts_per_year": calc.figures(energy, u),
        "kept_share": kept_share,
        "saving_energy_j_per_year": None,
    }
    if kept_share is not None and kept_share < 1:
        saved = energy * (1 - kept_share)
        out["saving_energy_j_per_year"] = saved
        out["saving_impacts_per_year"] = calc.figures(saved, u)
    return out
