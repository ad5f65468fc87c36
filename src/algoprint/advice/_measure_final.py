"""The finalists' cost, re-measured interleaved: near-tied cost decisions that do not flip.

During the race (or the exhaustive search) each candidate's inference is timed once, in its
own window of at least 50 ms, at its own moment. On a shared machine the same model measures
up to 2× apart in two such windows (other processes, frequency, cache), so two candidates whose
costs are near each other can swap places between runs. After the search, the **finalists**
(the candidates within the tolerance of the best score whose decision cost is within
:data:`FINALIST_SPAN` of the cheapest of them, at most :data:`MAX_FINALISTS`, cheapest first)
are therefore measured again, **interleaved** as ``compare`` does: :data:`FINAL_ROUNDS` rounds,
each finalist predicting once per round in alternating order (A, B, C, then C, B, A), on the
first split's fitted model and test rows, each pass repeated until it lasts about
:data:`FINAL_PASS_S` of CPU time. Slow drift of the machine then falls on every finalist of a
round alike.

Each round gives each finalist a decision cost (its mean fit CPU time × trainings, plus that
round's inference CPU time for the year's predictions). The decision between finalists is then
:func:`algoprint.advice._decide.order_by_paired`: the paired ratio of the rounds with a
t-interval, widened by what the rounds cannot show (the fit time's own uncertainty, and the
shared rule's 5 % floor for effects that differ between processes), decided by the shared
ratio verdict (a difference only when the interval lies outside ``1 ± 2 %``); a tie goes to
the simpler model.
Only process CPU time is re-measured: where a counter measures energy the decision stays on the
windows' energy.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

from algoprint.advice._decide import MIN_REL_UNCERTAINTY, Basis, Cost, cost_from_samples
from algoprint.advice._simplicity_result import CandidateOutcome, decision_cost, tolerance_for

__all__ = [
    "FINALIST_SPAN",
    "FINAL_PASS_S",
    "FINAL_ROUNDS",
    "MAX_FINALISTS",
    "finalists",
    "remeasure",
    "settle_finalists",
]

FINAL_ROUNDS = 12
"""Interleaved rounds of the finalists' re-measurement."""
FINAL_PASS_S = 0.004
"""CPU time (s) one finalist's predict pass lasts at least in a round (repeated until then)."""
FINALIST_SPAN = 3.0
"""Finalists: decision cost within this factor of the cheapest eligible candidate's (one
window's measurement varies up to 2× on a loaded machine)."""
MAX_FINALISTS = 4


def finalists(
    eligible: Sequence[CandidateOutcome], cost: Callable[[CandidateOutcome], Cost | None]
) -> list[CandidateOutcome]:
    """The eligible candidates worth re-measuring (module doc), cheapest first; none when
    fewer than two qualify (nothing to decide)."""
    costed = [
        (c, o)
        for o in eligible
        if o.full is not None and o.full.fitted is not None and (c := cost(o)) is not None
    ]
    if len(costed) < 2:
        return []
    costed.sort(key=lambda co: co[0].value)
    cheapest = costed[0][0].value
    near = [o for c, o in costed if c.value <= FINALIST_SPAN * cheapest][:MAX_FINALISTS]
    return near if len(near) >= 2 else []


def remeasure(
    chosen: Sequence[CandidateOutcome],
    *,
    yearly_predictions: float | None,
    retrains: float | None,
    rounds: int = FINAL_ROUNDS,
    clock: Callable[[], float] = time.process_time,
) -> dict[str, tuple[list[float], float]]:
    """Interleaved rounds over ``chosen`` (module doc).

    Returns:
        ``{name: (decision cost per round in CPU seconds, the relative uncertainty the rounds
        do not show)}``: the fit part's (its share of the cost × its spread) and the shared
        rule's floor :data:`~algoprint.advice._decide.MIN_REL_UNCERTAINTY` (5 %: cache, memory
        layout and frequency effects that differ between processes but not between the rounds
        of one; two exhaustive runs on breast cancer measured the same pair 1.18× and
        no clear difference apart without it), in quadrature.
    """
    preds = 1000.0 if yearly_predictions is None else yearly_predictions
    trainings = 1.0 if retrains is None else retrains
    plans: list[tuple[CandidateOutcome, Any, Any, int, int]] = []
    for o in chosen:
        ev = o.full
        assert ev is not None and ev.fitted is not None
        model, X_test, batch = ev.fitted
        per_pass = (ev.inference_cpu_s_per_1000 or 0.0) * len(X_test) / 1000.0
        repeat = max(1, min(1000, math.ceil(FINAL_PASS_S / per_pass) if per_pass > 0 else 1))
        plans.append((o, model, X_test, batch, repeat))
    per_1000: dict[str, list[float]] = {o.candidate.name: [] for o in chosen}
    for r in range(rounds):
        for o, model, X_test, batch, repeat in plans if r % 2 == 0 else plans[::-1]:
            cpu0_s = clock()
            for _ in range(repeat):
                for lo in range(0, len(X_test), batch):
                    model.predict(X_test[lo : lo + batch])
            spent = clock() - cpu0_s
            per_1000[o.candidate.name].append(spent / (repeat * len(X_test)) * 1000.0)
    out: dict[str, tuple[list[float], float]] = {}
    for o in chosen:
        ev = o.full
        assert ev is not None
        fit = cost_from_samples(ev.fit_cpu_s) if ev.fit_cpu_s else Cost(0.0, 0.0)
        train_part = fit.value * trainings
        totals = [train_part + p * preds / 1000.0 for p in per_1000[o.candidate.name]]
        share = train_part / (sum(totals) / len(totals)) if totals and sum(totals) > 0 else 0.0
        out[o.candidate.name] = (
            totals,
            math.hypot(fit.uncertainty_rel * share, MIN_REL_UNCERTAINTY),
        )
    return out


def settle_finalists(
    outcomes: Sequence[CandidateOutcome],
    *,
    metric: str,
    tolerance: float | None,
    folds: int,
    basis: Basis,
    yearly_predictions: float | None,
    retrains: float | None,
    clock: Callable[[], float] = time.process_time,
) -> str | None:
    """Re-measure the finalists (module doc) and put their rounds on the outcomes
    (``final_cost``); returns a note for the result, or ``None`` when there was nothing to
    re-measure (fewer than two finalists, or the decision is on counter energy)."""
    if basis.metric != "cpu":
        return None
    done = [o for o in outcomes if o.stage == "full" and o.full and o.full.mean is not None]
    if not done:
        return None
    best = max(done, key=lambda o: (o.full.mean, -o.candidate.rank))  # type: ignore[union-attr]
    assert best.full is not None and best.full.mean is not None
    tol, _ = tolerance_for(metric, tolerance, best.full, folds)
    eligible = [o for o in done if (o.full.mean or 0.0) >= best.full.mean - tol - 1e-12]  # type: ignore[union-attr]

    def cost(o: CandidateOutcome) -> Cost | None:
        assert o.full is not None
        return decision_cost(o.full, basis, yearly_predictions, retrains)

    chosen = finalists(eligible, cost)
    if not chosen:
        return None
    rounds = remeasure(
        chosen, yearly_predictions=yearly_predictions, retrains=retrains, clock=clock
    )
    if any(v <= 0 for totals, _ in rounds.values() for v in totals):
        return "finalists not re-measured: a round measured no CPU time (timer resolution)"
    for o in chosen:
        o.final_cost = rounds[o.candidate.name]
    return f"finalists re-measured interleaved ({FINAL_ROUNDS} rounds): " + ", ".join(
        o.candidate.name for o in chosen
    )
