"""Fit and predict energy per estimator as phases (algoprint.integrations.sklearn)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("numpy")
pytest.importorskip("sklearn")

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from algoprint.integrations.sklearn import EstimatorEnergy, measure

from .conftest import replay_meters


def data() -> tuple[object, object]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 8))
    return x, (x[:, 0] > 0).astype(int)


def test_fit_and_predict_are_phases_per_estimator(tmp_path: Path) -> None:
    x, y = data()
    meters = replay_meters()
    with measure(algorithm="clf", phase="development", meters=meters, store=False) as m:
        lr = m.wrap(LogisticRegression())
        tree = m.wrap(DecisionTreeClassifier(random_state=0), name="tree")
        assert lr.fit(x, y) is lr  # fit returns the wrapper, as sklearn returns self
        tree.fit(x, y)
        predicted = lr.predict(x[:100])
        lr.predict(x[:50])
    assert (predicted == LogisticRegression().fit(x, y).predict(x[:100])).all()
    assert lr.coef_.shape == (1, 8)  # attributes are the estimator's
    summary = m.summary()
    assert set(summary) == {"LogisticRegression", "tree"}
    fit = summary["LogisticRegression"]["fit"]
    predict = summary["LogisticRegression"]["predict"]
    assert fit["calls"] == 1 and fit["samples"] == 400 and fit["energy_j"] > 0
    assert predict["calls"] == 2 and predict["samples"] == 150
    assert predict["energy_j_per_sample"] == pytest.approx(predict["energy_j"] / 150)
    assert m.record is not None and m.record.tags["samples:tree.fit"] == "400"


def test_exceptions_propagate_and_the_run_is_failed(tmp_path: Path) -> None:
    meters = replay_meters()
    with pytest.raises(ValueError), measure(meters=meters, store=False) as m:
        est = m.wrap(LogisticRegression())
        est.fit([[1.0], [2.0]], [0, 0])  # one class: sklearn raises ValueError
    assert m.record is not None and m.record.status.value == "failed"
    assert isinstance(est, EstimatorEnergy)
