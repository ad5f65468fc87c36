"""dat-09: learning curve, feature reduction, duplicates, columns, storage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from algoprint.advice._datasets import load_dataset
from algoprint.advice.minimisation import (
    STORAGE_FACTORS,
    data_checks,
    k_grid,
    run_data_minimisation,
)
from algoprint.errors import InputError
from tests.advice.conftest import FakeStore


@pytest.fixture(scope="module")
def redundant() -> tuple[Any, Any]:
    """60 wine rows, each repeated 15 times: a small fraction holds all the information."""
    from sklearn.datasets import load_wine

    X, y = load_wine(return_X_y=True)
    rows = np.random.default_rng(1).choice(len(y), size=60, replace=False)
    return np.repeat(X[rows], 15, axis=0), np.repeat(y[rows], 15)


@pytest.fixture(scope="module")
def easy() -> tuple[Any, Any]:
    """About 1,000 rows of a linear signal with a margin: a clear plateau at a small fraction."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(1600, 5))
    X = X[np.abs(X[:, 0] + X[:, 1]) > 0.6]
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def test_learning_curve_finds_a_plateau(easy: Any, meters: Any, settings: Any) -> None:
    result = run_data_minimisation(
        easy, folds=3, full_curve=True, features=False, meters=meters, settings=settings
    )
    curve = result.learning_curve
    assert curve["smallest_fraction"] <= 0.2
    fractions = [p["fraction"] for p in curve["points"]]
    assert fractions == [0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0]  # full curve: every point
    assert all(p["fit_energy_j"] > 0 for p in curve["points"])
    # A plateau: every fraction from the advised one up is within tolerance.
    full = curve["points"][-1]["score_mean"]
    for p in curve["points"]:
        if p["fraction"] >= curve["smallest_fraction"]:
            assert p["score_mean"] >= full - result.tolerance - 1e-12
    assert result.model["default"] and result.model["name"] == "logistic"


def test_duplicates_are_removed_before_the_curve(
    redundant: Any, meters: Any, settings: Any
) -> None:
    result = run_data_minimisation(
        redundant, folds=3, fractions=(0.5,), features=False, meters=meters, settings=settings
    )
    assert result.duplicates["exact_share"] == pytest.approx(14 / 15)
    # 900 rows, 60 distinct: the curve runs on the 60 (copies would leak across folds).
    assert result.duplicates["removed_before_curve"] == 840
    assert result.learning_curve["points"][-1]["train_rows"] == pytest.approx(40.0)
    assert "840" in "\n".join(result.render("en"))


def test_frugal_curve_measures_largest_first(easy: Any, meters: Any, settings: Any) -> None:
    result = run_data_minimisation(
        easy, folds=3, fractions=(0.1, 0.5), features=False, retrains_per_year=12,
        meters=meters, settings=settings,
    )  # fmt: skip
    curve = result.learning_curve
    assert curve["smallest_fraction"] == 0.1
    assert [p["fraction"] for p in curve["points"]] == [0.1, 0.5, 1.0]
    saving = curve["training_saving"]
    assert saving["per_retrain_j"] is not None and saving["retrains_per_year"] == 12
    assert saving["per_year_j"] == pytest.approx(saving["per_retrain_j"] * 12)


def test_noise_columns_are_named_and_the_combined_point_validated(
    meters: Any, settings: Any
) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1600, 8))
    X = X[np.abs(X[:, 0] + X[:, 1]) > 0.6]  # a margin: a small fraction suffices
    y = (X[:, 0] + X[:, 1] > 0).astype(int)  # x2..x7 are noise
    result = run_data_minimisation(
        (X, y), folds=3, fractions=(0.2,), meters=meters, settings=settings
    )
    noise = set(result.features["no_signal"]["columns"])
    assert noise <= {f"x{i}" for i in range(2, 8)} and len(noise) >= 4
    combined = result.learning_curve["combined"]
    assert combined["validated"] and combined["k"] == 2
    assert result.storage["kept_share"] == pytest.approx(0.2 * 2 / 8)


def test_feature_reduction_finds_the_informative_features(meters: Any, settings: Any) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 12))
    y = (X[:, 3] + X[:, 7] > 0).astype(int)
    result = run_data_minimisation(
        (X, y), folds=3, fractions=(0.5,), meters=meters, settings=settings
    )
    feats = result.features
    assert feats["smallest_k"] == 2
    assert {r["feature"] for r in feats["ranking"][:2]} == {"x3", "x7"}
    assert "coef_" in feats["importance_method"]
    point = next(p for p in feats["points"] if p["k"] == 2)
    assert set(point["features"]) == {"x3", "x7"}
    # storage saving follows rows fraction × columns kept
    storage = result.storage
    kept = result.learning_curve["smallest_fraction"] * 2 / 12
    assert storage["kept_share"] == pytest.approx(kept)
    assert storage["saving_energy_j_per_year"] == pytest.approx(
        storage["energy_j_per_year"] * (1 - kept)
    )


def test_permutation_importance_when_the_model_has_none(meters: Any, settings: Any) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] > 0).astype(int)
    result = run_data_minimisation(
        (X, y),
        model="sklearn.neighbors.KNeighborsClassifier(n_neighbors=5)",
        folds=3,
        fractions=(0.5,),
        meters=meters,
        settings=settings,
    )
    assert result.features["importance_method"].startswith("permutation")
    assert result.features["ranking"][0]["feature"] == "x0"


def test_data_checks_counts_duplicates_and_redundant_columns() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(100, 2))
    X = np.column_stack(
        [
            base,
            base[:, 0] * 2 + 1e-6 * rng.normal(size=100),  # correlated with column 0
            np.zeros(100),  # constant
            np.r_[np.zeros(50), np.ones(1), np.zeros(49)],  # quasi-constant (99 % one value)
        ]
    )
    X[10] = X[0]  # one exact duplicate
    X[20] = X[1]
    X[20, :2] += 1e-5  # one near duplicate
    y = np.zeros(100)
    data = load_dataset((X, y))
    duplicates, columns = data_checks(data)
    assert duplicates["exact_rows"] == 1
    assert duplicates["near_rows"] == 2
    assert columns["constant"] == ["x3"]
    assert columns["quasi_constant"] == ["x4"]
    assert columns["redundant"] == ["x2"]
    assert columns["correlated_pairs"][0]["a"] == "x0"


def test_storage_footprint_from_file_size(tmp_path: Path, meters: Any, settings: Any) -> None:
    rng = np.random.default_rng(0)
    path = tmp_path / "data.csv"
    rows = ["a,b,y"] + [f"{a:.4f},{b:.4f},{int(a > 0)}" for a, b in rng.normal(size=(120, 2))]
    path.write_text("\n".join(rows) + "\n")
    result = run_data_minimisation(
        path,
        target="y",
        folds=3,
        fractions=(0.5,),
        replicas=3,
        storage_kwh_per_tb_year=10.0,
        meters=meters,
        settings=settings,
    )
    storage = result.storage
    assert storage["size_basis"] == "file"
    expected = path.stat().st_size / 1e12 * 3 * 10.0 * 3.6e6
    assert storage["energy_j_per_year"] == pytest.approx(expected)
    assert storage["factor"]["source"] == "user"
    co2 = storage["impacts_per_year"]["co2e_location_g"]
    assert co2["value"] > 0


def test_shipped_storage_factors_are_sourced() -> None:
    for factor in STORAGE_FACTORS.values():
        assert factor["needs_check"] is True
        assert "Shehabi" in factor["source"] and "Cloud Carbon Footprint" in factor["source"]
        assert factor["kwh_per_tb_year"] == pytest.approx(factor["wh_per_tb_hour"] * 8.766)
    assert STORAGE_FACTORS["ssd"]["kwh_per_tb_year"] > STORAGE_FACTORS["hdd"]["kwh_per_tb_year"]


def test_record_render_and_store(redundant: Any, meters: Any, settings: Any) -> None:
    result = run_data_minimisation(
        redundant, folds=3, fractions=(0.2,), meters=meters, settings=settings
    )
    record = result.to_analysis("toeslagen")
    assert record.kind == "data-minimisation" and record.measure == "dat-09"
    assert record.result["learning_curve"]["points"]
    assert record.result["features"]["points"]
    json.dumps(record.to_dict())
    assert record.own_energy_j is not None and record.own_energy_j > 0
    assert "rijen" in record.summary_nl and "rows" in record.summary_en
    store = FakeStore()
    from algoprint.advice._measure import store_analysis

    store_analysis(store, record)
    assert store.saved == [record]
    assert any("Dubbele rijen" in line for line in result.render("nl"))
    assert any("Duplicate rows" in line for line in result.render("en"))


def test_budget_stops_the_data_analysis(redundant: Any, meters: Any, settings: Any) -> None:
    result = run_data_minimisation(
        redundant, folds=3, budget_j=0.01, meters=meters, settings=settings
    )
    assert result.stopped_early and "budget" in (result.stop_reason or "")
    assert result.duplicates["exact_rows"] > 0  # the cheap checks still ran


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fractions": (0.0, 0.5)}, "fractions must lie"),
        ({"media": "tape"}, "unknown storage media"),
        ({"replicas": 0}, "replicas must be"),
        ({"model": "sklearn.nothing.Here"}, "cannot import"),
    ],
)
def test_bad_options(
    redundant: Any, meters: Any, settings: Any, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        run_data_minimisation(
            redundant, folds=3, features=False, meters=meters, settings=settings, **kwargs
        )


@pytest.mark.parametrize(
    ("d", "grid"),
    [
        (1, [1]),
        (4, [1, 2, 3, 4]),
        (12, [1, 2, 3, 5, 6, 9, 10, 12]),
        (30, [1, 2, 3, 5, 8, 10, 15, 20, 23, 30]),
    ],
)
def test_k_grid(d: int, grid: list[int]) -> None:
    assert k_grid(d) == grid
