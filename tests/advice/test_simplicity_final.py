"""owp-13: the finalists' cost re-measured in interleaved rounds, decided on the paired ratio.

The A/A and 2× cases run fake models on a fake CPU clock with a drifting machine (every round
slower or faster for all finalists alike, plus seeded per-pass noise): the decision is checked
without timing anything. One small end-to-end run (the exhaustive search: both twins get a full
cross-validation) checks that the analysis re-measures its finalists and says so.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from algoprint.advice._candidates import Candidate
from algoprint.advice._decide import order_by_paired, paired_verdict
from algoprint.advice._measure import Evaluation
from algoprint.advice._measure_final import FINAL_ROUNDS, finalists, remeasure
from algoprint.advice._simplicity_result import CandidateOutcome
from algoprint.advice.simplicity import run_simplicity


class Machine:
    """A fake CPU clock; each predict call costs ``per_row`` × rows × the machine's current
    slowness (drifting between rounds by up to ±40 %) × seeded noise (±3 %)."""

    def __init__(self, seed: int = 1) -> None:
        self.now = 0.0
        self.calls = 0
        self.rng = random.Random(seed)

    def clock(self) -> float:
        return self.now

    def charge(self, cpu_s: float) -> None:
        self.calls += 1
        slowness = 1.0 + 0.4 * np.sin(self.calls / 7.0)
        self.now += cpu_s * slowness * (1.0 + self.rng.uniform(-0.03, 0.03))


class FakeModel:
    def __init__(self, machine: Machine, per_row_s: float) -> None:
        self.machine = machine
        self.per_row_s = per_row_s

    def predict(self, X: Any) -> Any:
        self.machine.charge(self.per_row_s * len(X))
        return np.zeros(len(X))


def _finalist(name: str, rank: int, machine: Machine, per_row_s: float) -> CandidateOutcome:
    X = np.zeros((50, 3))
    ev = Evaluation(
        name,
        scores=[0.9] * 5,
        fit_cpu_s=[0.01] * 5,
        inference_cpu_s_per_1000=per_row_s * 1000,
        inference_cpu_passes_s=[per_row_s * 50] * 3,
    )
    ev.fitted = (FakeModel(machine, per_row_s), X, 50)
    return CandidateOutcome(
        Candidate(name, "estimator", name, factory=object, rank=rank), full=ev, stage="full"
    )


def _decide(outcomes: list[CandidateOutcome], machine: Machine) -> str:
    rounds = remeasure(outcomes, yearly_predictions=1e6, retrains=None, clock=machine.clock)
    assert all(len(totals) == FINAL_ROUNDS for totals, _ in rounds.values())
    items = [(o.candidate.name, *rounds[o.candidate.name][:1], o.candidate.rank,
              rounds[o.candidate.name][1]) for o in outcomes]  # fmt: skip
    return order_by_paired(items)[0]


def test_aa_identical_models_tie_and_the_simpler_is_chosen() -> None:
    for seed in range(5):
        machine = Machine(seed)
        # The more complex one listed first and measured first in odd rounds: no order effect.
        pair = [_finalist("complex", 5, machine, 1e-4), _finalist("simple", 1, machine, 1e-4)]
        assert _decide(pair, machine) == "simple"


def test_a_model_twice_as_costly_loses_even_when_simpler() -> None:
    for seed in range(5):
        machine = Machine(seed)
        pair = [_finalist("simple-but-slow", 1, machine, 2e-4), _finalist("fast", 5, machine, 1e-4)]
        assert _decide(pair, machine) == "fast"


def test_paired_verdict_on_a_drifting_machine() -> None:
    drift = [1.0, 1.4, 0.7, 1.2, 0.9, 1.3, 0.8, 1.1]
    a = [10.0 * d for d in drift]
    same = [10.0 * d * (1.005 if i % 2 else 0.995) for i, d in enumerate(drift)]
    double = [20.0 * d for d in drift]
    assert paired_verdict(a, same)[3] == "no clear difference"
    assert paired_verdict(a, double)[3] == "more"
    assert paired_verdict(double, a)[3] == "less"
    # The fit part's own uncertainty widens the interval: a 3 % difference becomes a tie.
    slightly = [10.3 * d for d in drift]
    assert paired_verdict(a, slightly)[3] == "more"
    assert paired_verdict(a, slightly, extra_rel=0.05)[3] == "no clear difference"


def test_finalists_are_the_eligible_near_the_cheapest() -> None:
    machine = Machine()
    cheap = _finalist("cheap", 3, machine, 1e-4)
    near = _finalist("near", 1, machine, 2e-4)
    far = _finalist("far", 0, machine, 1e-2)

    def cost(o: CandidateOutcome) -> Any:
        from algoprint.advice._decide import Cost

        assert o.full is not None and o.full.inference_cpu_s_per_1000 is not None
        return Cost(o.full.inference_cpu_s_per_1000, 0.05)

    assert [o.candidate.name for o in finalists([far, near, cheap], cost)] == ["cheap", "near"]
    assert finalists([cheap, far], cost) == []  # one near the cheapest: nothing to decide


def test_the_analysis_re_measures_its_finalists(
    meters: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sklearn.linear_model import LogisticRegression

    from algoprint.advice import _measure_final

    # Twins, but one window each on a loaded machine may still put them 3× apart: no span.
    monkeypatch.setattr(_measure_final, "FINALIST_SPAN", 1e9)

    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] + X[:, 1] + rng.normal(scale=0.3, size=200) > 0).astype(int)
    twins = [
        Candidate("simple", "baseline", "LogisticRegression", factory=LogisticRegression, rank=0),
        Candidate("twin", "estimator", "LogisticRegression", factory=LogisticRegression, rank=5),
    ]
    result = run_simplicity(
        (X, y), candidates=twins, include_baselines=False, folds=3, repeats=1,
        yearly_predictions=1e6, meters=meters, settings=settings, race=False,
    )  # fmt: skip
    assert any(n.startswith("finalists re-measured interleaved") for n in result.notes)
    doc = {c["name"]: c for c in result.to_dict()["candidates"]}
    assert len(doc["simple"]["final_cost_rounds"]) == FINAL_ROUNDS
    assert len(doc["twin"]["final_cost_rounds"]) == FINAL_ROUNDS
    assert "interleaved rounds" in result.recommendation_reason
