"""owp-13 rules from issue 15: missing values, pipelines, warnings, screening that pays,
imbalance metric, serving batch, payback, and decisions only beyond the uncertainty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from algoprint.advice._datasets import load_dataset
from algoprint.advice._decide import Cost
from algoprint.advice._simplicity_result import _payback
from algoprint.advice.simplicity import make_scorer, run_simplicity


def _messy_csv(tmp_path: Path, rows: int = 120) -> Path:
    rng = np.random.default_rng(1)
    lines = ["id,age,income,city,y"]
    for i in range(rows):
        age = rng.integers(20, 70)
        income = "NA" if i % 7 == 0 else ("" if i % 11 == 0 else f"{rng.normal(3, 1):.3f}")
        city = ["Utrecht", "Zwolle", "Delft"][i % 3] if i % 13 else "nan"
        y = int(age > 45)
        lines.append(f"{1000 + i},{age},{income},{city},{y}")
    path = tmp_path / "messy.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_na_nan_and_empty_cells_are_missing_not_text(tmp_path: Path) -> None:
    data = load_dataset(_messy_csv(tmp_path), target="y", encode=True, allow_missing=True)
    # income stays ONE numeric column (NA and empty are missing), city is one-hot encoded.
    assert "income" in data.feature_names
    assert data.missing == ["income"]
    assert data.encoded == ["city"]
    assert "city=(missing)" in data.feature_names
    assert len(data.feature_names) == 3 + 4  # id, age, income + 3 cities + missing flag
    assert any("'id'" in w and "identifier" in w for w in data.warnings)
    with pytest.raises(Exception, match="missing values in column"):
        load_dataset(_messy_csv(tmp_path), target="y", encode=True)


def test_missing_values_are_imputed_inside_the_folds(
    tmp_path: Path, meters: Any, settings: Any
) -> None:
    result = run_simplicity(
        _messy_csv(tmp_path),
        target="y",
        encode=True,
        candidates=["sklearn.neighbors.KNeighborsClassifier(n_neighbors=5)"],
        folds=3,
        serving_batch=1,
        meters=meters,
        settings=settings,
    )
    assert result.notes[0].startswith("plan: 8 candidates (7 baselines), racing over 3 × 3-fold")
    knn = result.outcome("KNeighborsClassifier")
    assert knn.final is not None and knn.final.status == "ok"  # raced: full or dropped early
    # Imputation and scaling are pipeline steps, fitted inside each fold.
    assert knn.candidate.spec.startswith("SimpleImputer(median) + StandardScaler + ")
    doc = result.to_dict()
    assert doc["dataset"]["imputed"] and doc["dataset"]["missing_columns"] == ["income"]
    assert doc["serving_batch"] == 1 and doc["decided_on"]["metric"] == "cpu"
    assert doc["threads"]["limit"] == 1
    text = "\n".join(result.render("en"))
    assert "One-hot encoded columns: city" in text
    assert "identifier" in text and "Decided on: process CPU time" in text
    assert "imputed with the median inside each fold" in text
    assert "Rekenthreads" in "\n".join(result.render("nl"))
    # Every costed candidate carries its uncertainty; the recommendation is one of them.
    costs = {o.candidate.name: o.decision_cost for o in result.outcomes if o.decision_cost}
    assert result.recommended in costs
    assert all(c.uncertainty_rel >= 0.05 for c in costs.values())


def test_strong_imbalance_gets_a_threshold_free_metric() -> None:
    y = np.array([0] * 95 + [1] * 5)
    assert make_scorer(None, "classification", y)[0] == "roc_auc"
    assert make_scorer(None, "classification", np.array([0] * 60 + [1] * 40))[0] == "accuracy"
    three = np.array([0] * 70 + [1] * 20 + [2] * 10)
    assert make_scorer(None, "classification", three)[0] == "balanced_accuracy"


def test_regression_errors_are_in_the_target_unit(meters: Any, settings: Any) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    y = 1000.0 * X[:, 0] + rng.normal(scale=10.0, size=150)  # euros, noise 10
    result = run_simplicity(
        (X, y), folds=3, include_baselines=True, meters=meters, settings=settings
    )
    linear = result.outcome("linear").to_dict()["full"]
    assert linear["rmse_target_units"] == pytest.approx(10.0, rel=0.5)


def test_payback_is_negligible_pays_back_or_not() -> None:
    saving: dict[str, Any] = {"energy_j_per_year": 1_000_000.0}
    _payback(saving, 100.0)
    assert saving["payback"] == "negligible"
    saving = {"energy_j_per_year": 1000.0}
    _payback(saving, 500.0)
    assert saving["payback"] == "pays back" and saving["payback_years"] == 0.5
    saving = {"energy_j_per_year": 2.0}
    _payback(saving, 500.0)
    assert saving["payback"] == "does not pay back"


def test_a_tie_within_the_uncertainty_goes_to_the_simpler_model() -> None:
    from algoprint.advice._decide import order_by_cost

    # An MLP 3 % cheaper than boosting with ±60 % each is no evidence: the simpler wins.
    items = [("mlp", Cost(0.97, 0.6), 12), ("boosting", Cost(1.0, 0.6), 6)]
    assert order_by_cost(items)[0] == "boosting"
    assert order_by_cost(list(reversed(items)))[0] == "boosting"  # stable under repeats
