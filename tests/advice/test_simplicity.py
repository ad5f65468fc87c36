"""owp-13: the simplest adequate model."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from algoprint.advice._measure import Evaluation, store_analysis
from algoprint.advice.simplicity import (
    SimplicityResult,
    pareto_front,
    ranking_energy,
    run_simplicity,
)
from algoprint.errors import InputError
from tests.advice.conftest import FakeStore, constant_meters, isolated_settings, wall_meters

LINEAR = {"logistic", "linear-svm"}
"""The linear baselines: tuned logistic regression and a linear SVM (either may be cheapest)."""
FOREST = "sklearn.ensemble.RandomForestClassifier(n_estimators=30, random_state=0)"


@pytest.fixture(scope="module")
def cancer_result(cancer: Any) -> SimplicityResult:
    """One breast-cancer analysis shared by several tests (the suite stays fast)."""
    return run_simplicity(
        cancer,
        candidates=[FOREST, "tests.advice._estimators.BusyLogistic(busy_s=0.02)"],
        folds=3,
        yearly_predictions=10_000_000,
        retrains_per_year=12,
        current="BusyLogistic",
        race=False,  # every candidate measured: these tests read all of them
        repeats=1,
        meters=constant_meters,
        settings=isolated_settings(),
    )


def test_linear_model_is_recommended_when_it_matches_the_forest(
    cancer_result: SimplicityResult,
) -> None:
    result = cancer_result
    assert result.task == "classification"
    assert result.metric == "accuracy"
    assert result.recommended in LINEAR
    forest = result.outcome("RandomForestClassifier")
    logistic = result.outcome("logistic")
    busy = result.outcome("BusyLogistic")
    assert forest.full is not None and logistic.full is not None and busy.full is not None
    # The same model at a higher cost ties on quality and loses on energy.
    assert busy.full.scores == pytest.approx(logistic.full.scores)
    assert busy.ranking_energy_j > logistic.ranking_energy_j  # type: ignore[operator]
    assert forest.full.model_size_bytes > logistic.full.model_size_bytes  # type: ignore[operator]
    assert logistic.full.latency_s is not None and logistic.full.latency_s > 0
    doc = result.to_dict()
    json.dumps(doc)  # the document is JSON-ready
    assert "logistic" in doc["pareto"]["front"]
    assert {p["name"] for p in doc["pareto"]["points"]} >= {"logistic", "RandomForestClassifier"}
    assert "BusyLogistic" not in doc["pareto"]["front"]  # dominated by logistic


def test_forest_is_recommended_when_linear_is_far_worse(
    checkerboard: Any, meters: Any, settings: Any
) -> None:
    result = run_simplicity(
        checkerboard,
        candidates=["sklearn.ensemble.RandomForestClassifier(n_estimators=15, random_state=0)"],
        folds=3,
        meters=meters,
        settings=settings,
    )
    # Only the non-linear models learn a checkerboard: the forest or the boosting baseline.
    assert result.recommended in {"RandomForestClassifier", "boosting-early-stop"}
    assert result.best in {"RandomForestClassifier", "boosting-early-stop"}
    logistic = result.outcome("logistic").final
    forest = result.outcome("RandomForestClassifier").final
    assert logistic is not None and forest is not None
    assert forest.mean - logistic.mean > 0.2  # type: ignore[operator]
    # The cheapest (majority) and the best are both on the Pareto front.
    assert {"majority", result.best} <= set(result.pareto)


def test_regression_prefers_linear_on_diabetes(meters: Any, settings: Any) -> None:
    from sklearn.datasets import load_diabetes

    result = run_simplicity(
        load_diabetes(return_X_y=True),
        candidates=["sklearn.ensemble.RandomForestRegressor(n_estimators=10, random_state=0)"],
        folds=3,
        meters=meters,
        settings=settings,
    )
    assert result.task == "regression"
    assert result.metric == "r2"
    assert result.recommended == "linear"


def test_out_of_reach_candidate_is_dropped_early_and_failures_are_reported(
    cancer: Any, meters: Any, settings: Any
) -> None:
    result = run_simplicity(
        cancer,
        candidates=[
            "tests.advice._estimators.AlwaysMinority(delay_s=0.02)",
            "tests.advice._estimators.Broken",
        ],
        folds=3,
        meters=meters,
        settings=settings,
    )
    slow = result.outcome("AlwaysMinority")
    assert slow.stage == "discarded" and slow.splits == 1
    assert slow.full is None and slow.reason and "out of reach" in slow.reason
    broken = result.outcome("Broken")
    assert broken.stage == "failed"
    assert broken.reason and "cannot fit" in broken.reason
    assert result.recommended in LINEAR  # the analysis went on
    lines = "\n".join(result.render("en"))
    assert "cannot fit" in lines and "out of reach" in lines


def test_energy_budget_stops_and_reports(cancer: Any, settings: Any) -> None:
    result = run_simplicity(
        cancer, candidates=[FOREST], folds=3, budget_j=0.2, meters=wall_meters, settings=settings
    )
    assert result.stopped_early
    assert result.stop_reason and "budget" in result.stop_reason
    assert any(o.stage == "not-evaluated" for o in result.outcomes)
    own = result.to_dict()["own_footprint"]
    assert own["budget_j"] == 0.2
    # The budget counts the whole analysis (loading and preparation too), not only the windows.
    assert own["energy_j"] >= 0.2


def test_own_footprint_covers_every_window(cancer_result: SimplicityResult) -> None:
    result = cancer_result
    own = result.own
    assert own["measured_windows"] >= 6  # fit + predict for each of 3 baselines, at least
    assert own["energy_j"] >= own["windows_energy_j"] > 0
    assert "co2e_location_g" in own["impacts"]
    assert result.location_note and "NL" in result.location_note


def test_saving_against_the_current_model(cancer_result: SimplicityResult) -> None:
    result = cancer_result
    saving = result.saving
    assert saving["against"] == "BusyLogistic"
    busy = result.outcome("BusyLogistic")
    rec = result.outcome(result.recommended or "")
    assert saving["energy_j_per_year"] == pytest.approx(
        busy.yearly_energy_j - rec.yearly_energy_j  # type: ignore[operator]
    )
    assert saving["energy_j_per_year"] > 0
    co2 = saving["impacts"]["co2e_location_g"]
    assert co2["low"] < co2["value"] < co2["high"]
    assert "water_l" in saving["impacts"]
    nl = " ".join(result.render("nl"))
    assert f"Advies: gebruik {result.recommended}" in nl and "per jaar" in nl
    en = " ".join(result.render("en"))
    assert f"Advice: use {result.recommended}" in en and "a year" in en


def test_analysis_record_is_stored_through_a_store(cancer_result: SimplicityResult) -> None:
    result = cancer_result
    record = result.to_analysis("fraude-risico")
    assert record.kind == "simplicity" and record.measure == "owp-13"
    assert record.algorithm == "fraude-risico"
    assert record.result["pareto"]["points"]
    assert record.summary_nl.startswith("Advies") and record.summary_en.startswith("Advice")
    assert record.own_energy_j == result.own["energy_j"]
    assert len(record.run_ids) == 1 + result.own["measured_windows"]
    store = FakeStore()
    store_analysis(store, record)
    assert store.saved == [record]
    with pytest.raises(InputError, match="save_analysis"):
        store_analysis(object(), record)


def test_metric_override_and_unknown_metric(cancer: Any, meters: Any, settings: Any) -> None:
    result = run_simplicity(
        cancer, metric="f1_macro", folds=3, race=False, repeats=1, meters=meters, settings=settings
    )
    assert result.metric == "f1_macro"
    assert result.saving["energy_j_per_year"] is None  # no use volume declared
    assert "yearly use volume" in result.saving["reason"]
    with pytest.raises(InputError, match="unknown metric 'f1_magic'"):
        run_simplicity(cancer, metric="f1_magic", folds=3, meters=meters, settings=settings)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("sklearn.ensemble.NoSuchForest", "has no 'NoSuchForest'"),
        ("nosuchpackage_xyz.Model", "cannot import 'nosuchpackage_xyz'"),
        ("sklearn.ensemble.RandomForestClassifier(n_trees=3)", "does not accept"),
        ("sklearn.ensemble.RandomForestClassifier(n_estimators=foo)", "not a literal"),
    ],
)
def test_bad_estimator_paths_are_input_errors(
    cancer: Any, meters: Any, settings: Any, path: str, message: str
) -> None:
    with pytest.raises(InputError, match=message) as info:
        run_simplicity(cancer, candidates=[path], folds=3, meters=meters, settings=settings)
    assert info.value.hint


def _script(tmp_path: Path, name: str, body: str) -> list[str]:
    path = tmp_path / name
    path.write_text(body)
    return [sys.executable, str(path)]


def test_command_candidates_from_a_spec(
    cancer: Any, meters: Any, settings: Any, tmp_path: Path
) -> None:
    train = _script(tmp_path, "train.py", 'print("training...")\nprint(\'{"score": 0.99}\')\n')
    predict = _script(tmp_path, "predict.py", "print('{\"predictions\": 5000}')\n")
    failing = _script(tmp_path, "fail.py", "import sys\nsys.exit(3)\n")
    spec = tmp_path / "candidates.yaml"
    spec.write_text(
        json.dumps(
            {
                "candidates": [
                    {"name": "external", "command": train, "predict_command": predict},
                    {"name": "crashes", "command": failing},
                ]
            }
        )
    )
    result = run_simplicity(
        cancer, spec=spec, include_baselines=False, folds=3, meters=meters, settings=settings
    )
    ext = result.outcome("external")
    assert ext.stage == "full" and ext.full is not None
    assert ext.full.scores == [0.99]
    assert ext.full.fit_energy_j is not None and ext.full.fit_energy_j > 0
    assert ext.full.inference_j_per_1000 is not None
    crash = result.outcome("crashes")
    assert crash.stage == "failed" and crash.reason and "exit code 3" in crash.reason


def _ev(name: str, scores: list[float], fit: float, inf: float) -> Evaluation:
    return Evaluation(name, scores=scores, fit_energy_j=fit, inference_j_per_1000=inf)


def test_pareto_front() -> None:
    points = [("a", 0.9, 10.0), ("b", 0.8, 1.0), ("c", 0.85, 20.0), ("d", 0.9, 12.0)]
    assert pareto_front(points) == ["a", "b"]


def test_ranking_energy_uses_volume_and_retraining() -> None:
    ev = _ev("x", [0.9], fit=100.0, inf=2.0)
    assert ranking_energy(ev, None, None) == pytest.approx(102.0)
    assert ranking_energy(ev, 1_000_000, 4) == pytest.approx(400.0 + 2000.0)
    assert ranking_energy(Evaluation("y", fit_energy_j=1.0), 10, None) is None
