"""Retraining policy: retrain only when drift is worth the energy.

:func:`decide_retraining` puts the expected cost of a retraining (the energy of past training
runs of the algorithm, and its CO2e when an intensity is given) next to a drift measure between
reference and current data: the population stability index (PSI, bins at the reference's
quantiles) or the two-sample Kolmogorov–Smirnov statistic, per feature (the largest counts), or
a drift score the user computed. Drift at or above the threshold means *retrain*, unless the
expected cost is over ``max_energy_j``. The decision, and what was actually done, is stored as an
``AnalysisRecord(kind="retraining-policy")``.

Default thresholds are the usual rules of thumb, to be tuned per algorithm: PSI 0.2 (between
"moderate" 0.1 and "major" 0.25 shift), KS 0.1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from algoprint import _format as fmt
from algoprint.errors import InputError
from algoprint.records import AnalysisRecord
from algoprint.tracking.record import RunRecord, RunStatus

__all__ = ["RetrainingDecision", "decide_retraining", "ks_statistic", "psi"]

DEFAULT_THRESHOLDS = {"psi": 0.2, "ks": 0.1}
_EPS = 1e-6


def _columns(values: Any, name: str) -> Any:
    import numpy as np

    array = np.asarray(values, dtype=float)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] < 2:
        raise InputError(f"{name} must be a 1-D or 2-D array with at least 2 rows")
    if not np.isfinite(array).all():
        raise InputError(f"{name} contains NaN or infinite values", hint="clean or impute first")
    return array


def psi(reference: Any, current: Any, *, bins: int = 10) -> list[float]:
    """Population stability index per feature (column).

    Bins are the reference's quantiles, so each holds about the same share of the reference;
    empty bins count as a tiny share (1e-6) so the index stays finite.
    """
    import numpy as np

    ref, cur = _columns(reference, "reference"), _columns(current, "current")
    if ref.shape[1] != cur.shape[1]:
        raise InputError(f"reference has {ref.shape[1]} features, current {cur.shape[1]}")
    out = []
    for j in range(ref.shape[1]):
        edges = np.unique(np.quantile(ref[:, j], np.linspace(0, 1, bins + 1)))
        inner = edges[1:-1]
        p = np.bincount(np.searchsorted(inner, ref[:, j], side="right"), minlength=len(edges) - 1)
        q = np.bincount(np.searchsorted(inner, cur[:, j], side="right"), minlength=len(edges) - 1)
        p = np.maximum(p / p.sum(), _EPS)
        q = np.maximum(q / q.sum(), _EPS)
        out.append(float(np.sum((q - p) * np.log(q / p))))
    return out


def ks_statistic(reference: Any, current: Any) -> list[float]:
    """Two-sample Kolmogorov–Smirnov statistic per feature: the largest gap between the two
    empirical distribution functions (0 = same, 1 = disjoint)."""
    import numpy as np

    ref, cur = _columns(reference, "reference"), _columns(current, "current")
    if ref.shape[1] != cur.shape[1]:
        raise InputError(f"reference has {ref.shape[1]} features, current {cur.shape[1]}")
    out = []
    for j in range(ref.shape[1]):
        a, b = np.sort(ref[:, j]), np.sort(cur[:, j])
        grid = np.concatenate([a, b])
        fa = np.searchsorted(a, grid, side="right") / len(a)
        fb = np.searchsorted(b, grid, side="right") / len(b)
        out.append(float(np.max(np.abs(fa - fb))))
    return out


@dataclass(slots=True)
class RetrainingDecision:
    """The recommendation and its basis.

    Attributes:
        retrain: the recommendation.
        drift_metric / drift_score / threshold: the drift measure (largest over features).
        per_feature: the measure of each feature (empty for a user-given score).
        cost_energy_j: median energy of the usable past training runs (J); ``None`` without.
        cost_range_j: lowest and highest of those runs (J).
        cost_co2e_g: ``cost_energy_j`` × the given intensity (g).
        runs_used: ids of the past runs used for the cost.
        reason: one sentence why.
    """

    retrain: bool
    drift_metric: str
    drift_score: float
    threshold: float
    reason: str
    per_feature: list[float] = field(default_factory=list)
    cost_energy_j: float | None = None
    cost_range_j: tuple[float, float] | None = None
    cost_co2e_g: float | None = None
    cost_reason: str | None = None
    max_energy_j: float | None = None
    runs_used: list[str] = field(default_factory=list)

    def to_analysis(
        self, algorithm: str | None, *, retrained: bool | None = None
    ) -> AnalysisRecord:
        """The ``retraining-policy`` record; ``retrained`` is what was done (default: as
        recommended)."""
        done = self.retrain if retrained is None else retrained
        result = {**asdict(self), "decision": "retrained" if done else "skipped"}
        result["followed_recommendation"] = done == self.retrain
        cost_en = cost_nl = ""
        if self.cost_energy_j is not None:
            cost_en = f" (about {fmt.quantity(self.cost_energy_j, 'J', 'en')})"
            cost_nl = f" (ongeveer {fmt.quantity(self.cost_energy_j, 'J', 'nl')})"
        verb_en, verb_nl = (
            ("Retrained", "Opnieuw getraind") if done else ("Skipped", "Overgeslagen")
        )
        return AnalysisRecord(
            kind="retraining-policy",
            algorithm=algorithm,
            title=f"Retraining decision: {result['decision']}",
            result=result,
            summary_en=f"{verb_en}{cost_en}: {self.reason}",
            summary_nl=f"{verb_nl}{cost_nl}: {self.drift_metric} = "
            f"{fmt.number(self.drift_score, 'nl')} (drempel {fmt.number(self.threshold, 'nl')}).",
            run_ids=list(self.runs_used),
        )


def _cost(runs: Sequence[RunRecord]) -> tuple[list[RunRecord], str | None]:
    usable = [
        r
        for r in runs
        if r.energy_j is not None
        and r.status in {RunStatus.COMPLETED, RunStatus.DEGRADED}
        and r.phase in {None, "training"}
    ]
    if not runs:
        return [], "no past training runs given"
    if not usable:
        return [], "no past training run is completed with a known energy"
    return usable, None


def decide_retraining(
    past_runs: Sequence[RunRecord],
    *,
    reference: Any = None,
    current: Any = None,
    drift_score: float | None = None,
    metric: str = "psi",
    threshold: float | None = None,
    max_energy_j: float | None = None,
    grid_intensity_g_per_kwh: float | None = None,
) -> RetrainingDecision:
    """Recommend retraining or not.

    Args:
        past_runs: earlier training runs of the algorithm (their energy is the expected cost).
        reference / current: feature arrays (rows = samples) to compute the drift from.
        drift_score: a drift score computed elsewhere (then ``threshold`` is required).
        metric: ``psi`` or ``ks`` (for arrays).
        threshold: drift at or above it calls for retraining (default per metric).
        max_energy_j: do not retrain when the expected cost is above this (J).
        grid_intensity_g_per_kwh: to state the cost in CO2e.

    Raises:
        InputError: neither arrays nor a score, an unknown metric, a score without threshold,
            a non-positive threshold or cap.
    """
    per_feature: list[float] = []
    if drift_score is not None:
        if threshold is None:
            raise InputError("a user-given drift_score needs its threshold", hint="threshold=...")
        metric = "user"
        score = float(drift_score)
    elif reference is not None and current is not None:
        if metric not in DEFAULT_THRESHOLDS:
            raise InputError(f"unknown drift metric {metric!r}", hint="use 'psi' or 'ks'")
        per_feature = (
            psi(reference, current) if metric == "psi" else ks_statistic(reference, current)
        )
        score = max(per_feature)
        threshold = DEFAULT_THRESHOLDS[metric] if threshold is None else threshold
    else:
        raise InputError(
            "no drift measure: pass reference and current arrays, or drift_score",
            hint="e.g. decide_retraining(runs, reference=X_train, current=X_recent)",
        )
    assert threshold is not None
    if not math.isfinite(score) or threshold <= 0:
        raise InputError(f"drift score {score!r} / threshold {threshold!r} must be finite, > 0")
    if max_energy_j is not None and max_energy_j <= 0:
        raise InputError(f"max_energy_j must be > 0, got {max_energy_j!r}")
    usable, cost_reason = _cost(past_runs)
    energies = sorted(float(r.energy_j) for r in usable if r.energy_j is not None)
    cost = None
    if energies:
        mid = len(energies) // 2
        cost = energies[mid] if len(energies) % 2 else (energies[mid - 1] + energies[mid]) / 2
    drifted = score >= threshold
    too_costly = cost is not None and max_energy_j is not None and cost > max_energy_j
    if not drifted:
        reason = f"{metric} drift {_n(score)} is below the threshold {_n(threshold)}"
    elif too_costly:
        reason = (
            f"{metric} drift {_n(score)} reaches the threshold {_n(threshold)}, but the expected "
            f"cost {fmt.quantity(cost, 'J', 'en')} is over the cap "
            f"{fmt.quantity(max_energy_j, 'J', 'en')}"
        )
    else:
        reason = f"{metric} drift {_n(score)} reaches the threshold {_n(threshold)}"
        if cost is None:
            reason += f"; the cost is unknown ({cost_reason})"
    return RetrainingDecision(
        retrain=drifted and not too_costly,
        drift_metric=metric,
        drift_score=score,
        threshold=threshold,
        reason=reason,
        per_feature=per_feature,
        cost_energy_j=cost,
        cost_range_j=(energies[0], energies[-1]) if energies else None,
        cost_co2e_g=(
            cost * grid_intensity_g_per_kwh / 3.6e6
            if cost is not None and grid_intensity_g_per_kwh is not None
            else None
        ),
        cost_reason=cost_reason,
        max_energy_j=max_energy_j,
        runs_used=[r.run_id for r in usable],
    )


def _n(value: float | None) -> str:
    """A drift score or threshold for the English reason (no exponent notation)."""
    return fmt.number(value, "en")
