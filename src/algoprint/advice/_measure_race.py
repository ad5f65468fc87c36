"""Racing: the frugal search of owp-13, and the expected cost of the analysis.

Every candidate is cross-validated on the same ordered list of splits (``repeats`` × k
folds, repeat after repeat), in chunks. The exhaustive search measures every candidate on
every split. Racing (the default) measures:

1. **a first look**: the first split of every candidate (the expected cost of the whole
   analysis is estimated from it, :func:`expected_cost`);
2. every **baseline** on one full k-fold cross-validation (baselines are never dropped before
   it: the simple models are what the analysis is about);
3. then **one chunk at a time, the cheapest first**. After every chunk the standing is
   recomputed: the **best** (highest mean among the lanes with a full cross-validation), the
   **incumbent** (the advice those measurements support, by the same rule as the final
   conclusion) and the **pace-setter** (of the lanes within the tolerance of the best, the one
   with the least CPU time per split). Every candidate still able to change the advice wants
   its next rung (2, 3, k splits, then one split at a time, up to all splits), paired
   with its **partner**: the incumbent when the incumbent is preferred to it on cost (its
   question: is it better beyond the tolerance?), else the best or the pace-setter, whichever
   is expected to settle it for less CPU (its question: is it within the tolerance of the
   best?). A candidate does not run ahead of its partner: when it
   has as many splits, the partner's next rung is the step. Of all the steps the one with the
   least expected CPU time (CPU per split so far × splits) runs, and the stops are re-checked:
   a costly chunk waits while cheaper ones may settle the question. A candidate stops, by the
   shared decision rule, when it is

   * **out of reach**: the best, or the pace-setter, is ahead of it on the same splits by more
     than the tolerance plus two standard errors of the paired differences (it cannot be within
     the tolerance of the best: the best's mean is at least the pace-setter's). One-sided
     z = 2: about 2.3 % per look that a candidate truly within the tolerance is stopped; the
     pace-setter is chosen on CPU cost, not on the comparison, so it adds one test, not a
     search for the most favourable one;
   * **not preferred on cost and not better beyond the tolerance**: the shared decision rule
     prefers the incumbent on cost (its cost is above the incumbent's beyond the combined
     uncertainty, or it is less simple and not cheaper, so a tie would go to the incumbent),
     and its paired quality advantage plus one standard error stays within the tolerance (the
     question is whether a simpler model suffices, and the incumbent does). When the
     incumbent has more splits than the candidate, the difference of their means over all
     their splits must stay within it too (the incumbent's later splits count). This is the
     upper half of an equivalence test (TOST) against the incumbent with the tolerance as the
     margin; the lower half is not needed: a candidate that is worse and costlier cannot
     change the advice either. A wrong stop (z = 1) costs at most about the tolerance plus one
     standard error of quality.

   The thresholds hold per look; over all the looks of a race a candidate exactly on the
   tolerance boundary is stopped more often (``bench/race_stop_error.py``: about 43 % for the
   cost-settled rule, 17 % for out of reach; docs/analyses.md).

   Stops are re-checked after every chunk against the current standing (a candidate resumes
   when the incumbent changes under it). The race ends when no candidate but the incumbent can
   change the advice, or every split is measured.

A candidate stopped before one full cross-validation is ``discarded`` (dropped early) with the
reason; one stopped later keeps its cross-validated result (stage ``full``) and says how many
splits it had. The decision between near-tied finalists is re-measured after the search
(:mod:`algoprint.advice._measure_final`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from algoprint._format import number
from algoprint.advice._decide import Cost, clearly_less, order_by_cost
from algoprint.advice._measure import Evaluation
from algoprint.advice._simplicity_result import CandidateOutcome

__all__ = [
    "Z_OUT_OF_REACH",
    "Z_SETTLED",
    "Lane",
    "merge_evaluations",
    "paired",
    "race",
]

Z_OUT_OF_REACH = 2.0
"""Standard errors by which the best must lead beyond the tolerance for "out of reach"."""
Z_SETTLED = 1.0
"""Standard errors added to a costlier candidate's advantage before it is "not better"."""


def merge_evaluations(parts: Sequence[Evaluation]) -> Evaluation:
    """One evaluation from the chunks of splits a candidate was measured on, in order.

    Scores, fit CPU times and errors are concatenated; per-fit figures are averaged weighted by
    each chunk's number of splits, per-prediction figures over the chunks that measured
    inference (the first); the predict passes are rescaled to CPU seconds per 1,000
    predictions (their spread stays the inference cost's uncertainty).
    A failed chunk makes the whole evaluation failed.
    """
    if len(parts) == 1:
        return parts[0]
    out = Evaluation(parts[0].name)
    failed = next((p for p in parts if p.status != "ok"), None)
    if failed is not None:
        out.status, out.error = failed.status, failed.error
        return out
    weights = [len(p.scores) for p in parts]

    def mean(values: Sequence[float | None], *, known: bool = False) -> float | None:
        """Weighted by splits; ``known``: over the chunks that measured it (inference)."""
        pairs = [(w, v) for w, v in zip(weights, values, strict=True) if v is not None]
        if (len(pairs) < len(values) and not known) or not pairs or not sum(w for w, _ in pairs):
            return None
        return sum(w * v for w, v in pairs) / sum(w for w, _ in pairs)

    for p in parts:
        out.scores.extend(p.scores)
        out.fit_cpu_s.extend(p.fit_cpu_s)
        out.errors_target_units.extend(p.errors_target_units)
        per_1000, passes = p.inference_cpu_s_per_1000, p.inference_cpu_passes_s
        if per_1000 is not None and passes and sum(passes) > 0:
            avg = sum(passes) / len(passes)
            out.inference_cpu_passes_s.extend(x / avg * per_1000 for x in passes)
        out.notes.extend(n for n in p.notes if n not in out.notes)
    out.fit_energy_j = mean([p.fit_energy_j for p in parts])
    out.fit_duration_s = mean([p.fit_duration_s for p in parts])
    out.inference_j_per_1000 = mean([p.inference_j_per_1000 for p in parts], known=True)
    out.latency_s = mean([p.latency_s for p in parts], known=True)
    out.inference_cpu_s_per_1000 = mean([p.inference_cpu_s_per_1000 for p in parts], known=True)
    out.train_rows = mean([p.train_rows for p in parts])
    rels = [p.uncertainty_rel for p in parts if p.uncertainty_rel is not None]
    out.uncertainty_rel = max(rels) if rels else None
    out.model_size_bytes = next(
        (p.model_size_bytes for p in parts if p.model_size_bytes is not None), None
    )
    out.warnings = sorted({w for p in parts for w in p.warnings})
    out.fitted = next((p.fitted for p in parts if p.fitted is not None), None)
    return out


@dataclass(slots=True)
class Lane:
    """One candidate in the race: its measured chunks and where it stands."""

    outcome: CandidateOutcome
    parts: list[Evaluation] = field(default_factory=list)
    done: int = 0
    """Splits measured so far (a prefix of the split list)."""
    stopped: str | None = None
    cpu_s: float = 0.0
    """Process CPU time (s) of this candidate's chunks, windows included."""
    wall_s: float = 0.0
    energy_j: float = 0.0
    """Measured energy (J) of this candidate's windows."""
    merged: tuple[int, Evaluation] | None = field(default=None, repr=False, compare=False)
    """The merged evaluation and the number of chunks it merges (the standings read it many
    times between two chunks)."""

    @property
    def name(self) -> str:
        return self.outcome.candidate.name

    @property
    def ev(self) -> Evaluation | None:
        if not self.parts:
            return None
        if self.merged is None or self.merged[0] != len(self.parts):
            self.merged = (len(self.parts), merge_evaluations(self.parts))
        return self.merged[1]

    @property
    def ok(self) -> bool:
        return bool(self.parts) and all(p.status == "ok" for p in self.parts)

    @property
    def mean(self) -> float | None:
        ev = self.ev
        return None if ev is None else ev.mean


def paired(a: Evaluation, b: Evaluation) -> tuple[float, float, int]:
    """Mean and standard error of ``a − b`` over the splits both have (a common prefix).

    With three or more common splits the standard error comes from the paired differences;
    with fewer, from the larger fold-score standard deviation of the two (a conservative
    stand-in while the paired spread is unknown).
    """
    n = min(len(a.scores), len(b.scores))
    if n == 0:
        return 0.0, math.inf, 0
    diffs = [x - y for x, y in zip(a.scores[:n], b.scores[:n], strict=True)]
    mean = sum(diffs) / n
    if n >= 3:
        sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1))
    else:
        sd = max(a.std or 0.0, b.std or 0.0)
        if sd == 0.0:
            return mean, math.inf, n
    return mean, sd / math.sqrt(n), n


def _incumbent(
    lanes: Sequence[Lane],
    k: int,
    tolerance: Callable[[Evaluation], float],
    cost: Callable[[Evaluation], Cost | None],
) -> tuple[Lane | None, Lane | None, float]:
    """The best and the recommended lane among those with a full cross-validation, and the
    tolerance; the same rule as the final conclusion."""
    done = [ln for ln in lanes if ln.ok and ln.done >= k and ln.mean is not None]
    if not done:
        return None, None, 0.0
    best = max(done, key=lambda ln: (ln.mean or 0.0, -ln.outcome.candidate.rank))
    best_ev = best.ev
    assert best_ev is not None and best.mean is not None
    tol = tolerance(best_ev)
    costed: list[tuple[str, Cost, int]] = []
    for ln in done:
        ev = ln.ev
        c = None if ev is None else cost(ev)
        if c is not None and (ln.mean or 0.0) >= best.mean - tol - 1e-12:
            costed.append((ln.name, c, ln.outcome.candidate.rank))
    if not costed:
        return best, None, tol
    first = order_by_cost(costed)[0]
    return best, next(ln for ln in done if ln.name == first), tol


def _not_preferred(lane: Lane, inc: Lane, cost: Callable[[Evaluation], Cost | None]) -> str | None:
    """Why the shared rule prefers ``inc`` to ``lane`` on cost whatever their quality, or
    ``None`` (``lane`` would displace ``inc`` if it were within tolerance)."""
    ev, inc_ev = lane.ev, inc.ev
    mine = None if ev is None else cost(ev)
    theirs = None if inc_ev is None else cost(inc_ev)
    if mine is None or theirs is None:
        return None
    if clearly_less(theirs, mine):
        return "clearly costlier"
    if lane.outcome.candidate.rank > inc.outcome.candidate.rank and mine.value >= theirs.value:
        return "not cheaper than the simpler incumbent (a tie goes to the simpler model)"
    return None


@dataclass(frozen=True, slots=True)
class Standing:
    """Where the race stands: the best lane, the pace-setter, the incumbent and the tolerance."""

    best: Lane | None
    leader: Lane | None
    inc: Lane | None
    tol: float


def _stop_reason(lane: Lane, st: Standing, cost: Callable[[Evaluation], Cost | None]) -> str | None:
    """Why ``lane`` cannot change the advice any more, or ``None``."""
    best, leader, inc, tol = st.best, st.leader, st.inc, st.tol
    ev = lane.ev
    if ev is None or lane is inc:
        return None
    for ahead, role in ((best, "the best"), (leader, "the pace-setter")):
        if (
            ahead is None
            or ahead is lane
            or ahead.ev is None
            or (role != "the best" and ahead is best)
        ):
            continue
        lead, se, n = paired(ahead.ev, ev)
        if lead - Z_OUT_OF_REACH * se > tol:
            return (
                f"out of reach after {n} split(s): {lead:.4f} below {role} ({ahead.name}) on "
                f"the same splits, more than the tolerance {tol:.4f} plus "
                f"{Z_OUT_OF_REACH:g} standard errors ({se:.4f})"
            )
    if inc is None or inc.ev is None:
        return None
    why = _not_preferred(lane, inc, cost)
    if why is None:
        return None
    mine, theirs = cost(ev), cost(inc.ev)
    assert mine is not None and theirs is not None
    gain, se, n = paired(ev, inc.ev)
    if inc.done > n and ev.mean is not None and inc.ev.mean is not None:
        # The incumbent has splits this lane lacks: its mean over all of them counts too.
        gain = max(gain, ev.mean - inc.ev.mean)
    if gain + Z_SETTLED * se <= tol:
        return (
            f"stopped after {n} split(s): no better than {inc.name} beyond the tolerance "
            f"({gain:+.4f} ± {se:.4f}, tolerance {tol:.4f}) and {why} "
            f"({number(mine.value, 'en')} vs {number(theirs.value, 'en')}), so it cannot "
            "change the advice"
        )
    return None


def _next_rung(done: int, k: int, total: int) -> int:
    """1 → 2 → 3 → k → k + 1 → …: single splits while the stand-in standard error is replaced
    by the paired one (a costly candidate far off stops after two or three splits), the rest
    of the first cross-validation in one chunk, then one split at a time (a chunk costs a few
    milliseconds of overhead; the stops are re-checked after each)."""
    if done < k:
        return done + 1 if done < 3 and done + 1 < k else k
    return min(total, done + 1)


def race(
    outcomes: Sequence[CandidateOutcome],
    *,
    evaluate: Callable[[Any, Sequence[Any], bool], Evaluation],
    splits: Sequence[Any],
    k: int,
    tolerance: Callable[[Evaluation], float],
    cost: Callable[[Evaluation], Cost | None],
    exhaustive: bool = False,
    on_first_look: Callable[[Sequence[Lane]], None] | None = None,
    clock: Callable[[], float] = time.process_time,
    spent_j: Callable[[], float] = lambda: 0.0,
) -> list[Lane]:
    """Race the estimator candidates over ``splits`` (module doc); outcomes are updated.

    Args:
        outcomes: every candidate's outcome; commands and failed ones are left alone.
        evaluate: ``(candidate, splits, first_chunk) -> Evaluation``.
        splits: the ordered ``(train, test)`` index pairs (repeats × k).
        k: folds per repeat.
        tolerance: the tolerance for a best evaluation (as the final conclusion has it).
        cost: the decision cost of an evaluation (the shared rule's metric).
        exhaustive: measure every candidate on every split (no racing).
        on_first_look: called once the first split of every candidate is measured.
        clock: the CPU clock charged to each lane.
        spent_j: the measured energy (J) of the analysis's windows so far.

    Raises:
        BudgetExceeded: the energy budget ran out (outcomes hold what was measured).
    """
    total = len(splits)
    lanes = [Lane(o) for o in outcomes if o.candidate.kind != "command" and o.stage == "pending"]
    cost = _once_per_evaluation(cost)

    def advance(lane: Lane, upto: int) -> None:
        if upto <= lane.done or not (lane.ok or not lane.parts):
            return
        cpu0_s, wall0_s, j0 = clock(), time.monotonic(), spent_j()
        ev = evaluate(lane.outcome.candidate, splits[lane.done : upto], not lane.parts)
        lane.cpu_s += clock() - cpu0_s
        lane.wall_s += time.monotonic() - wall0_s
        lane.energy_j += spent_j() - j0
        lane.parts.append(ev)
        lane.done = upto
        _publish(lane, k)

    for lane in lanes:
        advance(lane, 1)
    if on_first_look is not None:
        on_first_look(lanes)
    if exhaustive:
        for lane in lanes:
            advance(lane, total)
        return lanes
    for lane in _cheapest_first(ln for ln in lanes if ln.outcome.candidate.kind == "baseline"):
        advance(lane, min(k, total))
    while True:
        best, inc, tol = _incumbent(lanes, k, tolerance, cost)
        st = Standing(best, _pace_setter(lanes, k, best, tol), inc, tol)
        for lane in lanes:
            lane.stopped = _stop_reason(lane, st, cost) if lane.ok else None
        step = _cheapest_step(lanes, st, (k, total), cost)
        if step is None:
            break
        advance(*step)
    return lanes


def _pace_setter(lanes: Sequence[Lane], k: int, best: Lane | None, tol: float) -> Lane | None:
    """The lane a candidate's "out of reach" is measured against besides the best: of the
    lanes with a full cross-validation within the tolerance of the best, the one with the
    least CPU time per split (chosen on cost, not on the comparison, so it adds one test, not
    a search for the most favourable one). A candidate more than the tolerance below it is
    more than the tolerance below the best, whose mean is at least as high."""
    if best is None or best.mean is None:
        return None
    near = [
        ln
        for ln in lanes
        if ln.ok and ln.done >= k and ln.mean is not None and ln.mean >= best.mean - tol - 1e-12
    ]
    return min(near, key=lambda ln: (ln.cpu_s / max(ln.done, 1), -(ln.mean or 0.0)), default=best)


def _partner(lane: Lane, st: Standing, total: int, cost: Any) -> Lane | None:
    """The lane whose paired splits ``lane``'s stop rule needs: the incumbent for a candidate
    the incumbent is preferred to on cost (can it be better beyond the tolerance?), else the
    best or the pace-setter (is it within the tolerance of the best?), whichever is expected
    to settle that for less CPU time (:func:`_settle_cpu`). Both are tested at every look
    whichever is paced, so this choice does not change the stop rule's error rate."""
    inc = st.inc
    if inc is not None and inc is not lane and _not_preferred(lane, inc, cost) is not None:
        return inc
    ahead = [p for p in (st.best, st.leader) if p is not None and p is not lane and p.ev]
    if not ahead:
        return None
    return min(ahead, key=lambda p: _settle_cpu(lane, p, st.tol, total))


def _settle_cpu(lane: Lane, ahead: Lane, tol: float, total: int) -> float:
    """Expected CPU time (s) until ``ahead`` shows ``lane`` out of reach: the splits needed for
    its lead beyond the tolerance to exceed two standard errors (at the paired spread seen so
    far; all splits when the lead is not beyond the tolerance) × both lanes' CPU per split."""
    per_split = lane.cpu_s / max(lane.done, 1) + ahead.cpu_s / max(ahead.done, 1)
    assert lane.ev is not None and ahead.ev is not None
    lead, se, n = paired(ahead.ev, lane.ev)
    needed = float(total)
    if n and math.isfinite(se) and lead > tol:
        needed = min(needed, (Z_OUT_OF_REACH * se * math.sqrt(n) / (lead - tol)) ** 2)
    return needed * per_split


def _cheapest_step(
    lanes: Sequence[Lane], st: Standing, protocol: tuple[int, int], cost: Any
) -> tuple[Lane, int] | None:
    """The cheapest next chunk among those that can change the advice, or ``None``.

    Every candidate still able to change the advice (not the incumbent, not stopped) wants its
    next rung; it does not run ahead of its partner (:func:`_partner`): when it has as many
    splits as the partner, the partner's next rung is the step instead. Of those steps the one
    with the least expected CPU time (the lane's CPU time per split so far × splits) runs
    first, and the stops are re-checked after it: a costly chunk waits while cheaper ones may
    settle the question.
    """
    k, total = protocol
    inc = st.inc
    steps: dict[str, tuple[Lane, int]] = {}
    for lane in lanes:
        if not lane.ok or lane is inc or lane.stopped or lane.done >= total:
            continue
        partner = _partner(lane, st, total, cost)
        if partner is None or not partner.ok or partner.done >= total:
            step = (lane, _next_rung(lane.done, k, total))
        elif lane.done < partner.done:
            step = (lane, min(_next_rung(lane.done, k, total), partner.done))
        else:
            step = (partner, _next_rung(partner.done, k, total))
        if step[1] > steps.get(step[0].name, (lane, 0))[1]:
            steps[step[0].name] = step
    if not steps:
        return None
    return min(
        steps.values(), key=lambda st: st[0].cpu_s / max(st[0].done, 1) * (st[1] - st[0].done)
    )


def _once_per_evaluation(
    cost: Callable[[Evaluation], Cost | None],
) -> Callable[[Evaluation], Cost | None]:
    """``cost``, computed once per merged evaluation (its t-quantile is not free, and the
    standings read every lane's cost after every chunk)."""
    known: dict[int, tuple[Evaluation, Cost | None]] = {}

    def cached(ev: Evaluation) -> Cost | None:
        hit = known.get(id(ev))
        if hit is None or hit[0] is not ev:
            hit = known[id(ev)] = (ev, cost(ev))
        return hit[1]

    return cached


def _cheapest_first(lanes: Any) -> list[Lane]:
    return sorted(lanes, key=lambda ln: ln.cpu_s / max(ln.done, 1))


def _publish(lane: Lane, k: int) -> None:
    """Put the lane's measurements on its outcome (so a budget stop keeps them)."""
    o, ev = lane.outcome, lane.ev
    assert ev is not None
    o.splits = lane.done
    if ev.status == "failed":
        o.stage, o.reason, o.screening, o.full = "failed", ev.error, ev, None
    elif lane.done >= k:
        o.full, o.screening = ev, None
    else:
        o.screening, o.full = ev, None


def finish(lanes: Sequence[Lane], k: int, total: int) -> None:
    """Final stages: ``full`` (at least one cross-validation), ``discarded`` (stopped before)."""
    for lane in lanes:
        o = lane.outcome
        if o.stage == "failed" or not lane.parts:
            continue
        if lane.done >= k:
            o.stage = "full"
            if lane.done < total:
                o.reason = lane.stopped or (
                    f"{lane.done} of {total} splits: further repeats could not change the advice"
                )
        else:
            o.stage, o.reason = "discarded", lane.stopped or "stopped early"
