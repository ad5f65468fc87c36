"""owp-13 racing: fewer fits than the exhaustive search for the same advice, costly models that
are clearly better kept, baselines never dropped, a budget that still leaves advice, and the
expected cost of the analysis shown before the bulk of the work."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from algoprint.advice._candidates import Candidate
from algoprint.advice._measure import Evaluation
from algoprint.advice._measure_race import merge_evaluations, paired
from algoprint.advice.simplicity import SimplicityResult, run_simplicity
from tests.advice._estimators import AlwaysMinority, BusyLinear

FOLDS, REPEATS = 3, 2
TOTAL = FOLDS * REPEATS


def _simple() -> Candidate:
    from sklearn.linear_model import LogisticRegression

    return Candidate("simple", "baseline", "LogisticRegression", factory=LogisticRegression, rank=0)


def _linear_data(rows: int = 240) -> tuple[Any, Any]:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(rows, 4))
    y = (X[:, 0] + X[:, 1] + rng.normal(scale=0.3, size=rows) > 0).astype(int)
    return X, y


def _run(data: Any, cands: list[Any], meters: Any, settings: Any, **kw: Any) -> SimplicityResult:
    return run_simplicity(
        data, candidates=cands, include_baselines=False, folds=FOLDS, repeats=REPEATS,
        meters=meters, settings=settings, **kw,
    )  # fmt: skip


def test_racing_stops_a_costly_twin_and_keeps_the_advice(meters: Any, settings: Any) -> None:
    data = _linear_data()
    costly = Candidate("costly", "estimator", "BusyLinear", factory=lambda: BusyLinear(0.01))
    frugal = _run(data, [_simple(), costly], meters, settings)
    exhaustive = _run(data, [_simple(), costly], meters, settings, race=False)
    assert frugal.recommended == exhaustive.recommended == "simple"
    assert frugal.search == "racing" and exhaustive.search == "exhaustive"
    assert all(o.splits == TOTAL for o in exhaustive.outcomes)
    twin = frugal.outcome("costly")
    assert twin.splits < TOTAL
    assert twin.reason and "cannot change the advice" in twin.reason
    assert sum(o.splits for o in frugal.outcomes) < sum(o.splits for o in exhaustive.outcomes)


def test_a_costly_model_that_is_clearly_better_is_kept(
    checkerboard: Any, meters: Any, settings: Any
) -> None:
    forest = "sklearn.ensemble.RandomForestClassifier(n_estimators=15, random_state=0)"
    result = _run(checkerboard, [_simple(), forest], meters, settings)
    kept = result.outcome("RandomForestClassifier")
    assert kept.stage == "full" and kept.splits >= FOLDS
    assert result.recommended == result.best == "RandomForestClassifier"
    # The simple model stays in the comparison with its full cross-validation.
    simple = result.outcome("simple")
    assert simple.stage == "full" and simple.splits >= FOLDS


def test_baselines_are_never_dropped_user_candidates_are(meters: Any, settings: Any) -> None:
    slow_base = Candidate(
        "slow-baseline", "baseline", "AlwaysMinority", factory=lambda: AlwaysMinority(0.005)
    )
    result = _run(
        _linear_data(),
        [_simple(), slow_base, "tests.advice._estimators.AlwaysMinority(delay_s=0.005)"],
        meters,
        settings,
    )
    base = result.outcome("slow-baseline")
    assert base.stage == "full" and base.splits >= FOLDS and base.full is not None
    user = result.outcome("AlwaysMinority")
    assert user.stage == "discarded" and user.splits == 1
    assert user.reason and "out of reach" in user.reason
    assert result.recommended == "simple"


def test_a_budget_that_runs_out_still_gives_the_supported_advice(settings: Any) -> None:
    from tests.advice.conftest import constant_meters  # energy = 10 W × process CPU time

    # The costly twin's first split alone costs about 0.9 s of CPU (9 J): the 5 J budget runs
    # out during the first look, before any full cross-validation.
    costly = Candidate("costly", "estimator", "BusyLinear", factory=lambda: BusyLinear(0.3))
    result = _run(_linear_data(), [_simple(), costly], constant_meters, settings, budget_j=5.0)
    assert result.stopped_early and result.stop_reason and "budget" in result.stop_reason
    assert result.recommended == "simple"  # the advice the measured splits support
    assert result.outcome("simple").splits >= 1
    assert any("budget ran out" in note for note in result.notes)


def test_expected_cost_is_announced_first_and_compared_after(meters: Any, settings: Any) -> None:
    announced: list[dict[str, Any]] = []
    result = _run(
        _linear_data(), [_simple(), "sklearn.tree.DecisionTreeClassifier(max_depth=2)"],
        meters, settings, on_estimate=announced.append,
    )  # fmt: skip
    assert len(announced) == 1 and "actual" not in announced[0]
    doc = result.to_dict()["expected_cost"]
    assert doc["low"]["cpu_s"] <= doc["high"]["cpu_s"] == doc["exhaustive"]["cpu_s"]
    assert doc["actual"]["cpu_s"] > 0 and doc["actual"]["energy_j"] > 0
    for lang, words in (("en", "Expected cost"), ("nl", "Verwachte kosten")):
        text = "\n".join(result.render(lang))
        assert words in text
        assert not re.search(r"\de[+-]?\d", text)  # no exponent notation for people


def test_paired_differences_and_merged_chunks() -> None:
    a = Evaluation("a", scores=[0.9, 0.8, 0.85, 0.95])
    b = Evaluation("b", scores=[0.88, 0.79, 0.84, 0.93, 0.9, 0.9])
    mean, se, n = paired(a, b)
    assert n == 4 and mean == pytest.approx(0.015)
    assert 0 < se < 0.01  # paired: much smaller than either model's fold spread
    _, se_one, _ = paired(Evaluation("c", scores=[0.9]), b)
    assert se_one == pytest.approx(b.std)  # one split: the fold spread stands in
    first = Evaluation("m", scores=[0.9], fit_cpu_s=[1.0], fit_energy_j=10.0,
                       inference_cpu_s_per_1000=2.0, inference_cpu_passes_s=[0.1, 0.1])  # fmt: skip
    rest = Evaluation("m", scores=[0.8, 0.7], fit_cpu_s=[3.0, 3.0], fit_energy_j=40.0,
                      inference_cpu_s_per_1000=5.0, inference_cpu_passes_s=[1.0])  # fmt: skip
    merged = merge_evaluations([first, rest])
    assert merged.scores == [0.9, 0.8, 0.7] and merged.fit_cpu_s == [1.0, 3.0, 3.0]
    assert merged.fit_energy_j == pytest.approx(30.0)  # weighted by splits: (10 + 2 × 40) / 3
    assert merged.inference_cpu_s_per_1000 == pytest.approx(4.0)
    assert merged.inference_cpu_passes_s == pytest.approx([2.0, 2.0, 5.0])
