"""owp-13 racing rules on planted races: fake candidates with known scores per split and known
CPU cost per split (a fake clock), so every stop is checked without timing anything.

* the cost-settled stop (the one-sided half of an equivalence test against the incumbent):
  a costlier candidate equivalent in quality stops early, the advice is the exhaustive one;
* a costlier candidate clearly better beyond the tolerance is never stopped by it;
* the cheapest chunk runs first: a costly candidate far off stops after at most three splits,
  and its chunks wait while cheaper ones settle the question;
* pacing: a costly best is not dragged along to check cheap challengers when a cheap lane
  within the tolerance (the pace-setter) can check them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from algoprint.advice._candidates import Candidate
from algoprint.advice._decide import Cost
from algoprint.advice._measure import Evaluation
from algoprint.advice._measure_race import Lane, _incumbent, race
from algoprint.advice._simplicity_result import CandidateOutcome

K, TOTAL, TOL = 5, 15, 0.01
WIGGLE = [0.0, 0.01, -0.01, 0.02, -0.02]  # the same fold-to-fold spread for every candidate


def _scores(level: float, noise: Sequence[float] = (0.0,) * TOTAL) -> list[float]:
    return [level + WIGGLE[i % K] + noise[i] for i in range(TOTAL)]


class Planted:
    """Candidates with planted scores, decision costs and CPU seconds per split."""

    def __init__(self, spec: dict[str, tuple[str, int, list[float], float, float]]) -> None:
        # name -> (kind, rank, scores per split, decision cost, CPU seconds per split)
        self.spec = spec
        self.now = 0.0
        self.calls: list[tuple[str, int]] = []

    def outcomes(self) -> list[CandidateOutcome]:
        return [
            CandidateOutcome(Candidate(n, kind, n, factory=object, rank=rank))
            for n, (kind, rank, *_) in self.spec.items()
        ]

    def clock(self) -> float:
        return self.now

    def evaluate(self, cand: Any, chunk: Sequence[int], first: bool) -> Evaluation:
        _, _, scores, _, per_split = self.spec[cand.name]
        self.now += per_split * len(chunk)
        self.calls.append((cand.name, len(chunk)))
        return Evaluation(
            cand.name,
            scores=[scores[i] for i in chunk],
            fit_cpu_s=[per_split] * len(chunk),
            inference_cpu_s_per_1000=1.0 if first else None,
            inference_cpu_passes_s=[0.1] if first else [],
        )

    def cost(self, ev: Evaluation) -> Cost:
        return Cost(self.spec[ev.name][3], 0.05)

    def run(self, *, exhaustive: bool = False) -> list[Lane]:
        return race(
            self.outcomes(), evaluate=self.evaluate, splits=list(range(TOTAL)), k=K,
            tolerance=lambda ev: TOL, cost=self.cost, exhaustive=exhaustive, clock=self.clock,
        )  # fmt: skip


def _advice(lanes: list[Lane], planted: Planted) -> str | None:
    """The incumbent at the end: the advice the race's measurements support."""
    _, inc, _ = _incumbent(lanes, K, lambda ev: TOL, planted.cost)
    return None if inc is None else inc.name


def _by_name(lanes: list[Lane]) -> dict[str, Lane]:
    return {ln.name: ln for ln in lanes}


def test_an_equivalent_costlier_candidate_stops_early_with_the_same_advice() -> None:
    noise = [0.001 * ((i * 7) % 3 - 1) for i in range(TOTAL)]  # within ±0.001 of the simple
    spec = {
        "simple": ("baseline", 0, _scores(0.90), 1.0, 0.01),
        "twin": ("estimator", 5, _scores(0.90, noise), 10.0, 1.0),
    }
    frugal = Planted(spec)
    lanes = _by_name(frugal.run())
    exhaustive = Planted(spec)
    assert _advice(frugal.run(), frugal) == _advice(exhaustive.run(exhaustive=True), exhaustive)
    twin = lanes["twin"]
    assert twin.done < TOTAL and twin.stopped and "cannot change the advice" in twin.stopped
    assert frugal.now < 0.5 * exhaustive.now


def test_a_costlier_candidate_clearly_better_is_never_stopped() -> None:
    planted = Planted(
        {
            "simple": ("baseline", 0, _scores(0.90), 1.0, 0.01),
            "better": ("estimator", 5, _scores(0.95), 10.0, 1.0),
        }
    )
    lanes = planted.run()
    better = _by_name(lanes)["better"]
    assert better.stopped is None and better.done >= K
    assert _advice(lanes, planted) == "better"


def test_the_cheapest_chunk_runs_first_and_a_costly_candidate_far_off_stops_early() -> None:
    planted = Planted(
        {
            "simple": ("baseline", 0, _scores(0.95), 1.0, 0.01),
            "cheap-peer": ("estimator", 4, _scores(0.951), 5.0, 0.02),
            # Cheap to run in service but costly to fit, 0.03 below: it would be the advice if
            # it were within the tolerance, so only its quality can stop it.
            "costly-far": ("estimator", 6, _scores(0.92), 0.5, 3.0),
        }
    )
    lanes = _by_name(planted.run())
    far = lanes["costly-far"]
    assert 1 < far.done <= 3 and far.stopped and "out of reach" in far.stopped
    # After the first look, every chunk of the cheap peer ran before the costly one's next.
    after_first_look = planted.calls[3:]
    names = [n for n, _ in after_first_look]
    assert "costly-far" in names and "cheap-peer" in names
    last_peer = max(i for i, n in enumerate(names) if n == "cheap-peer")
    assert last_peer < names.index("costly-far")
    assert _advice(list(lanes.values()), planted) == "simple"


def test_a_cheap_pace_setter_checks_cheap_challengers_not_the_costly_best() -> None:
    planted = Planted(
        {
            # The costly best, the cheap pace-setter within tolerance of it (the advice), and
            # a cheaper challenger just outside the tolerance that needs many splits to settle.
            "best": ("baseline", 6, _scores(0.951), 20.0, 1.0),
            "pacer": ("baseline", 3, _scores(0.95), 5.0, 0.01),
            "challenger": ("baseline", 1, _scores(0.9325, [0.012 * (-1) ** (i + 1)
                                                           for i in range(15)]), 1.0, 0.01),
        }
    )  # fmt: skip
    lanes = _by_name(planted.run())
    assert _advice(list(lanes.values()), planted) == "pacer"
    assert lanes["challenger"].done > K  # it needed more than one cross-validation
    assert lanes["best"].done <= K  # the costly best was not dragged along
