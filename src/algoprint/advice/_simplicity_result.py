"""The owp-13 result: per-candidate outcomes, the ranking and yearly energy, the Pareto
front, and the conclusion (recommendation and saving) drawn from measured outcomes.

:mod:`algoprint.advice.simplicity` runs the analysis and re-exports these names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from algoprint.advice._candidates import Candidate
from algoprint.advice._datasets import Dataset
from algoprint.advice._decide import (
    MIN_REL_UNCERTAINTY,
    Basis,
    Cost,
    choose_basis,
    cost_from_samples,
    order_by_cost,
    order_by_paired,
)
from algoprint.advice._measure import (
    Evaluation,
    ImpactCalculator,
    Measurer,
)
from algoprint.records import AnalysisRecord

__all__ = [
    "CandidateOutcome",
    "SimplicityResult",
    "conclude",
    "decision_cost",
    "pareto_front",
    "ranking_energy",
    "tolerance_for",
    "yearly_energy",
]


@dataclass(slots=True)
class CandidateOutcome:
    """What the analysis found for one candidate."""

    candidate: Candidate
    screening: Evaluation | None = None
    full: Evaluation | None = None
    stage: str = "pending"
    """``full`` (cross-validated in full), ``discarded`` (dominated at screening), ``failed``,
    ``not-evaluated`` (budget reached first)."""
    reason: str | None = None
    ranking_energy_j: float | None = None
    yearly_energy_j: float | None = None
    impacts_yearly: dict[str, Any] = field(default_factory=dict)
    impacts_training: dict[str, Any] = field(default_factory=dict)
    decision_cost: Cost | None = None
    """The cost the decision is made on (:func:`decision_cost`)."""
    splits: int = 0
    """Cross-validation splits measured (repeats × folds when measured on all of them)."""
    final_cost: tuple[list[float], float] | None = None
    """A finalist's decision cost per interleaved round (CPU s) and the fit part's relative
    uncertainty (:mod:`algoprint.advice._measure_final`)."""

    @property
    def final(self) -> Evaluation | None:
        return self.full if self.full is not None else self.screening

    def to_dict(self) -> dict[str, Any]:
        final = self.final
        return {
            **self.candidate.to_dict(),
            "stage": self.stage,
            "reason": self.reason,
            "rank": self.candidate.rank,
            "splits": self.splits,
            "score_mean": None if final is None else final.mean,
            "score_std": None if final is None else final.std,
            "ranking_energy_j": self.ranking_energy_j,
            "decision_cost": None if self.decision_cost is None else self.decision_cost.to_dict(),
            "final_cost_rounds": None if self.final_cost is None else list(self.final_cost[0]),
            "yearly_energy_j": self.yearly_energy_j,
            "impacts_yearly": self.impacts_yearly,
            "impacts_training": self.impacts_training,
            "screening": None if self.screening is None else self.screening.to_dict(),
            "full": None if self.full is None else self.full.to_dict(),
        }


def tolerance_for(
    metric: str, tolerance: float | None, best: Evaluation | None, folds: int
) -> tuple[float, str]:
    """The tolerance and its rule: ``max(tolerance, corrected SE of the best's scores)``.

    The standard error is Nadeau & Bengio's corrected resampled one for ``n`` scores from
    repeated k-fold cross-validation: ``sd × sqrt(1/n + 1/(k-1))`` (training sets overlap, so
    the naive ``sd / sqrt(n)`` is too small; repeats shrink only the first term). The default
    ``tolerance`` is 0.01, for ``neg_*`` scorers 1 % of the best score's magnitude.
    """
    tol = 0.01 if tolerance is None else tolerance
    rule = f"max(tolerance {tol:g}, standard error of the best model's fold scores)"
    mean = None if best is None else best.mean
    if tolerance is None and metric.startswith("neg_") and mean is not None:
        tol = 0.01 * abs(mean)
        rule = "max(1 % of the best score's magnitude, standard error of the best model's scores)"
    noise = 0.0
    if best is not None and best.std is not None and folds > 1:
        noise = best.std * (1 / len(best.scores) + 1 / (folds - 1)) ** 0.5
    return max(tol, noise), rule


def ranking_energy(
    ev: Evaluation, yearly_predictions: float | None, retrains_per_year: float | None
) -> float | None:
    """Training (× retrainings per year, else once) plus a year of inference (J)."""
    if ev.fit_energy_j is None or ev.inference_j_per_1000 is None:
        return None
    preds = 1000.0 if yearly_predictions is None else yearly_predictions
    trainings = 1.0 if retrains_per_year is None else retrains_per_year
    return ev.fit_energy_j * trainings + ev.inference_j_per_1000 * preds / 1000.0


def decision_cost(
    ev: Evaluation, basis: Basis, yearly_predictions: float | None, retrains: float | None
) -> Cost | None:
    """The cost the recommendation is decided on, with its relative uncertainty.

    ``basis.metric == "cpu"``: process CPU seconds of the trainings plus a year of inference
    (1,000 predictions when no volume is declared); the uncertainty from the spread of the
    per-fold fit times (at least :data:`~algoprint.advice._decide.MIN_REL_UNCERTAINTY`).
    ``"energy"``: :func:`ranking_energy` with the meters' uncertainty, widened by that spread.
    """
    preds = 1000.0 if yearly_predictions is None else yearly_predictions
    trainings = 1.0 if retrains is None else retrains
    if not ev.fit_cpu_s:
        return None
    fit = cost_from_samples(ev.fit_cpu_s)
    if basis.metric == "energy":
        energy = ranking_energy(ev, yearly_predictions, retrains)
        if energy is None:
            return None
        return Cost(energy, max(fit.uncertainty_rel, ev.uncertainty_rel or 0.0))
    infer = ev.inference_cpu_s_per_1000
    if infer is None:
        return None
    passes = ev.inference_cpu_passes_s
    infer_rel = cost_from_samples(passes).uncertainty_rel if passes else MIN_REL_UNCERTAINTY
    train_part = fit.value * trainings
    infer_part = infer * preds / 1000.0
    value = train_part + infer_part
    spread = ((fit.uncertainty_rel * train_part) ** 2 + (infer_rel * infer_part) ** 2) ** 0.5
    return Cost(value, max(MIN_REL_UNCERTAINTY, spread / value if value > 0 else 1.0))


def yearly_energy(
    ev: Evaluation, yearly_predictions: float | None, retrains_per_year: float | None
) -> float | None:
    """Inference for the declared yearly volume plus the declared retrainings (J/year)."""
    if yearly_predictions is None or ev.inference_j_per_1000 is None:
        return None
    train = 0.0
    if retrains_per_year:
        if ev.fit_energy_j is None:
            return None
        train = ev.fit_energy_j * retrains_per_year
    return ev.inference_j_per_1000 * yearly_predictions / 1000.0 + train


def pareto_front(points: Sequence[tuple[str, float, float]]) -> list[str]:
    """Names of the points ``(name, quality, energy)`` no other point dominates.

    A point dominates another when its quality is at least as high and its energy at most as
    high, and one of the two strictly.
    """
    front = []
    for name, q, e in points:
        dominated = any(
            (q2 >= q and e2 <= e) and (q2 > q or e2 < e) for n2, q2, e2 in points if n2 != name
        )
        if not dominated:
            front.append(name)
    return front


@dataclass(slots=True)
class SimplicityResult:
    """The outcome of :func:`run_simplicity`; :meth:`to_dict` is the stored document."""

    task: str
    metric: str
    folds: int
    dataset: dict[str, Any]
    outcomes: list[CandidateOutcome]
    tolerance: float
    tolerance_rule: str
    best: str | None
    recommended: str | None
    recommendation_reason: str
    pareto: list[str]
    yearly_predictions: float | None
    retrains_per_year: float | None
    reference: str | None
    saving: dict[str, Any]
    location: dict[str, Any]
    location_note: str | None
    own: dict[str, Any]
    stopped_early: bool = False
    stop_reason: str | None = None
    run_ids: list[str] = field(default_factory=list)
    basis: dict[str, str] = field(default_factory=dict)
    threads: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    serving_batch: int | None = None
    repeats: int = 1
    search: str = "racing"
    """``racing`` (the frugal default) or ``exhaustive`` (every candidate on every split)."""
    expected_cost: dict[str, Any] = field(default_factory=dict)
    """The analysis's own expected cost (from its first look) and, after the run, ``actual``."""

    def outcome(self, name: str) -> CandidateOutcome:
        for o in self.outcomes:
            if o.candidate.name == name:
                return o
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The result document (docs/analyses.md, owp-13); JSON-ready."""
        points = []
        for o in self.outcomes:
            final = o.final
            if o.stage == "full" and final is not None and o.ranking_energy_j is not None:
                points.append(
                    {
                        "name": o.candidate.name,
                        "quality": final.mean,
                        "quality_std": final.std,
                        "energy_j": o.ranking_energy_j,
                        "on_front": o.candidate.name in self.pareto,
                        "recommended": o.candidate.name == self.recommended,
                    }
                )
        return {
            "measure": "owp-13",
            "task": self.task,
            "metric": self.metric,
            "folds": self.folds,
            "dataset": self.dataset,
            "candidates": [o.to_dict() for o in self.outcomes],
            "tolerance": self.tolerance,
            "tolerance_rule": self.tolerance_rule,
            "best": self.best,
            "recommended": self.recommended,
            "recommendation_reason": self.recommendation_reason,
            "pareto": {
                "x": "ranking_energy_j",
                "y": self.metric,
                "front": list(self.pareto),
                "points": points,
            },
            "yearly_predictions": self.yearly_predictions,
            "retrains_per_year": self.retrains_per_year,
            "reference": self.reference,
            "saving": self.saving,
            "location": self.location,
            "location_note": self.location_note,
            "own_footprint": self.own,
            "stopped_early": self.stopped_early,
            "stop_reason": self.stop_reason,
            "decided_on": self.basis,
            "threads": self.threads,
            "serving_batch": self.serving_batch,
            "repeats": self.repeats,
            "search": self.search,
            "expected_cost": self.expected_cost,
            "notes": list(self.notes),
        }

    def render(self, lang: str = "en") -> list[str]:
        """Plain-language explanation and a table, one line per item (``nl`` or ``en``)."""
        from algoprint.advice._render import render_simplicity

        return render_simplicity(self.to_dict(), lang)

    def to_analysis(self, algorithm: str | None) -> AnalysisRecord:
        """The :class:`~algoprint.records.AnalysisRecord` (kind ``simplicity``) to store."""
        from algoprint.advice._render import summary_simplicity

        doc = self.to_dict()
        return AnalysisRecord(
            kind="simplicity",
            algorithm=algorithm,
            title=f"Simplest adequate model: {self.recommended or 'none found'}",
            result=doc,
            summary_nl=summary_simplicity(doc, "nl"),
            summary_en=summary_simplicity(doc, "en"),
            own_energy_j=self.own.get("energy_j"),
            run_ids=list(self.run_ids),
        )


def conclude(
    *,
    outcomes: list[CandidateOutcome],
    data: Dataset,
    task: str,
    metric: str,
    folds: int,
    tolerance: float | None,
    yearly_predictions: float | None,
    retrains_per_year: float | None,
    current: str | None,
    calc: ImpactCalculator,
    location_note: str | None,
    measurer: Measurer,
    own_record: Any,
    stop_reason: str | None,
    threads: dict[str, Any] | None = None,
    notes: Sequence[str] = (),
    serving_batch: int | None = None,
    repeats: int = 1,
    search: str = "racing",
    expected: dict[str, Any] | None = None,
    cpu_s: float | None = None,
) -> SimplicityResult:
    """Rank, recommend and compute the saving (module :mod:`algoprint.advice.simplicity`)."""
    basis = choose_basis(measurer.methods)
    notes = list(notes)
    full_done = [o for o in outcomes if o.stage == "full" and o.full and o.full.mean is not None]
    if stop_reason is not None and not full_done:
        # The budget ran out before any full cross-validation: advise on the first splits.
        for o in outcomes:
            if o.stage == "not-evaluated" and o.screening and o.screening.status == "ok":
                o.full, o.stage = o.screening, "full"
                o.reason = (
                    f"{o.splits} split(s) only: the budget ran out before a full cross-validation"
                )
        notes.append(
            "the budget ran out: the advice rests on the splits measured before it (fewer than "
            "one full cross-validation per candidate)"
        )
    for o in outcomes:
        ev = o.full if o.stage == "full" else None
        if ev is None:
            continue
        o.decision_cost = decision_cost(ev, basis, yearly_predictions, retrains_per_year)
        o.ranking_energy_j = ranking_energy(ev, yearly_predictions, retrains_per_year)
        o.yearly_energy_j = yearly_energy(ev, yearly_predictions, retrains_per_year)
        if o.yearly_energy_j is not None:
            o.impacts_yearly = calc.figures(o.yearly_energy_j, ev.uncertainty_rel)
        o.impacts_training = calc.figures(ev.fit_energy_j, ev.uncertainty_rel)
    done = [o for o in outcomes if o.stage == "full" and o.full and o.full.mean is not None]
    best_o = max(done, key=lambda o: (o.full.mean, -o.candidate.rank)) if done else None  # type: ignore[union-attr]
    best_mean = best_o.full.mean if best_o and best_o.full else None
    tol, rule = tolerance_for(metric, tolerance, best_o.full if best_o else None, folds)
    recommended: CandidateOutcome | None = None
    reason = "no candidate was cross-validated in full"
    if best_o is not None and best_mean is not None:
        eligible = [
            o
            for o in done
            if o.full and o.full.mean is not None and o.full.mean >= best_mean - tol - 1e-12
        ]
        costed = [
            (o.candidate.name, o.decision_cost, o.candidate.rank)
            for o in eligible
            if o.decision_cost is not None
        ]
        if costed:
            first = order_by_cost(costed)[0]
            final = [o for o in eligible if o.final_cost is not None]
            interleaved = len(final) >= 2 and first in {o.candidate.name for o in final}
            if interleaved:
                first = order_by_paired(
                    [
                        (o.candidate.name, rounds, o.candidate.rank, fit_rel)
                        for o in final
                        for rounds, fit_rel in [o.final_cost or ([], 0.0)]
                    ]
                )[0]
            recommended = next(o for o in eligible if o.candidate.name == first)
            reason = (
                f"lowest cost ({basis.metric}, {basis.scope} scope; ties within the "
                f"measurement uncertainty go to the simpler model) among the {len(eligible)} "
                f"candidate(s) within {tol:.4g} of the best score {best_mean:.4f} "
                f"({best_o.candidate.name})"
                + (
                    f"; the {len(final)} finalists' costs re-measured in interleaved rounds"
                    if interleaved
                    else ""
                )
            )
        else:
            reason = "no candidate within tolerance has a measured cost (meter gaps)"
    points = [
        (o.candidate.name, o.full.mean, o.ranking_energy_j)
        for o in done
        if o.full and o.full.mean is not None and o.ranking_energy_j is not None
    ]
    reference = current or (best_o.candidate.name if best_o else None)
    saving = _saving(outcomes, reference, recommended, yearly_predictions, calc)
    _payback(saving, own_record.energy_j)
    own_u = own_record.uncertainty_rel
    expected = dict(expected or {})
    if expected and cpu_s is not None:
        expected["actual"] = {
            "cpu_s": cpu_s,
            "duration_s": own_record.duration_s,
            "energy_j": own_record.energy_j,
        }
    return SimplicityResult(
        task=task,
        metric=metric,
        folds=folds,
        dataset={
            "source": data.source,
            "rows": data.n_rows,
            "features": data.n_features,
            "target": data.target,
            "encoded_columns": list(data.encoded),
            "missing_columns": list(data.missing),
            "imputed": bool(data.missing),
            "warnings": list(data.warnings),
        },
        outcomes=outcomes,
        tolerance=tol,
        tolerance_rule=rule,
        best=best_o.candidate.name if best_o else None,
        recommended=recommended.candidate.name if recommended else None,
        recommendation_reason=reason,
        pareto=pareto_front(points),
        yearly_predictions=yearly_predictions,
        retrains_per_year=retrains_per_year,
        reference=reference,
        saving=saving,
        location=calc.describe(),
        location_note=location_note,
        own={
            "energy_j": own_record.energy_j,
            "uncertainty_rel": own_u,
            "duration_s": own_record.duration_s,
            "measured_windows": measurer.windows,
            "windows_energy_j": measurer.spent_j,
            "budget_j": measurer.budget_j,
            "impacts": calc.figures(own_record.energy_j, own_u),
            "gaps": list(measurer.gaps),
        },
        stopped_early=stop_reason is not None,
        stop_reason=stop_reason,
        run_ids=[own_record.run_id, *measurer.run_ids],
        basis=basis.to_dict(),
        threads=dict(threads or {}),
        notes=notes,
        serving_batch=serving_batch,
        repeats=repeats,
        search=search,
        expected_cost=expected,
    )


PAYBACK_NEGLIGIBLE_DAYS = 1.0
PAYBACK_NEVER_YEARS = 10.0


def _payback(saving: dict[str, Any], own_energy_j: float | None) -> None:
    """Add the analysis's payback time (its own energy / the yearly saving) to ``saving``.

    ``verdict``: ``negligible`` (the analysis pays back within a day), ``pays back`` or
    ``does not pay back`` (not within 10 years, or no saving).
    """
    saved = saving.get("energy_j_per_year")
    saving["analysis_energy_j"] = own_energy_j
    if saved is None or own_energy_j is None:
        saving["payback_years"], saving["payback"] = None, None
        return
    if saved <= 0:
        saving["payback_years"], saving["payback"] = None, "does not pay back"
        return
    years = own_energy_j / saved
    saving["payback_years"] = years
    if years * 365.25 <= PAYBACK_NEGLIGIBLE_DAYS:
        saving["payback"] = "negligible"
    elif years <= PAYBACK_NEVER_YEARS:
        saving["payback"] = "pays back"
    else:
        saving["payback"] = "does not pay back"


def _saving(
    outcomes: list[CandidateOutcome],
    reference: str | None,
    recommended: CandidateOutcome | None,
    yearly_predictions: float | None,
    calc: ImpactCalculator,
) -> dict[str, Any]:
    if recommended is None or reference is None:
        return {"energy_j_per_year": None, "reason": "no recommendation"}
    if yearly_predictions is None:
        return {
            "energy_j_per_year": None,
            "reason": "no yearly use volume declared; declare it in the algorithm register "
            "(or pass yearly_predictions) to get the yearly saving",
        }
    ref = next(o for o in outcomes if o.candidate.name == reference)
    if ref.yearly_energy_j is None or recommended.yearly_energy_j is None:
        return {
            "energy_j_per_year": None,
            "reason": f"yearly energy of {reference} or {recommended.candidate.name} unknown",
        }
    saved = ref.yearly_energy_j - recommended.yearly_energy_j
    u = max((o.full.uncertainty_rel or 0.0) for o in (ref, recommended) if o.full is not None)
    share = saved / ref.yearly_energy_j if ref.yearly_energy_j > 0 else None
    return {
        "against": reference,
        "energy_j_per_year": saved,
        "share": share,
        "impacts": calc.figures(saved, u) if saved > 0 else {},
        "reason": None,
    }
