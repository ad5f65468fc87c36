"""Small estimators and dataset functions that the advice tests import by path."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin


def _burn(cpu_s: float) -> None:
    end = time.process_time() + cpu_s
    while time.process_time() < end:
        pass


class AlwaysMinority(ClassifierMixin, BaseEstimator):
    """Predicts the rarest training class after ``delay_s`` of CPU work: clearly worse and
    costlier (in process CPU time too) than a baseline."""

    def __init__(self, delay_s: float = 0.05) -> None:
        self.delay_s = delay_s

    def fit(self, X: Any, y: Any) -> AlwaysMinority:
        _burn(self.delay_s)
        values, counts = np.unique(y, return_counts=True)
        self.classes_ = values
        self.label_ = values[np.argmin(counts)]
        return self

    def predict(self, X: Any) -> Any:
        _burn(self.delay_s)
        return np.full(len(X), self.label_)


class Broken(ClassifierMixin, BaseEstimator):
    """Fails to fit, as a user's candidate might."""

    def fit(self, X: Any, y: Any) -> Broken:
        raise ValueError("this candidate cannot fit")

    def predict(self, X: Any) -> Any:
        raise AssertionError("never fitted")


def wine_xy() -> tuple[Any, Any]:
    from sklearn.datasets import load_wine

    X, y = load_wine(return_X_y=True)
    return X, y


def not_a_pair() -> str:
    return "oops"


class BusyLogistic(ClassifierMixin, BaseEstimator):
    """The logistic baseline plus ``busy_s`` of CPU work per fit and per predict call: the same
    quality at a higher, known energy cost."""

    def __init__(self, busy_s: float = 0.01) -> None:
        self.busy_s = busy_s

    def fit(self, X: Any, y: Any) -> BusyLogistic:
        from sklearn.linear_model import LogisticRegressionCV
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        from algoprint.advice._candidates import logistic_cv_params

        _burn(self.busy_s)
        model = LogisticRegressionCV(**logistic_cv_params())  # as the "logistic" baseline
        self.model_ = make_pipeline(StandardScaler(), model).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X: Any) -> Any:
        _burn(self.busy_s)
        return self.model_.predict(X)


class BusyLinear(ClassifierMixin, BaseEstimator):
    """Plain logistic regression plus ``busy_s`` of CPU work per fit and per predict call: the
    quality of the simple model at a clearly higher cost."""

    def __init__(self, busy_s: float = 0.01) -> None:
        self.busy_s = busy_s

    def fit(self, X: Any, y: Any) -> BusyLinear:
        from sklearn.linear_model import LogisticRegression

        _burn(self.busy_s)
        self.model_ = LogisticRegression().fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X: Any) -> Any:
        _burn(self.busy_s)
        return self.model_.predict(X)
