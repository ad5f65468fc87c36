"""Candidate models: baselines, import paths, spec files."""

from __future__ import annotations

from pathlib import Path

import pytest

from algoprint.advice._candidates import (
    baselines,
    load_spec,
    parse_candidate,
    resolve_candidates,
)
from algoprint.errors import InputError

CLASSIFICATION = [
    "majority", "one-rule", "logistic", "linear-svm", "tree-depth-3", "tree-depth-6",
    "boosting-early-stop",
]  # fmt: skip


@pytest.mark.parametrize(
    ("task", "names"),
    [
        ("classification", CLASSIFICATION),
        ("regression", ["mean", "linear", "tree-depth-3", "tree-depth-6", "boosting-early-stop"]),
    ],
)
def test_baselines_are_simple_and_ordered(task: str, names: list[str]) -> None:
    found = baselines(task)
    assert [c.name for c in found] == names
    assert [c.rank for c in found] == list(range(len(names)))
    tree = next(c for c in found if c.name == "tree-depth-3").build()
    assert tree.max_depth == 3
    linear = next(c for c in found if c.name in {"logistic", "linear"})
    assert "StandardScaler" in linear.spec  # the linear model is scaled


def test_parse_candidate_with_params() -> None:
    c = parse_candidate("sklearn.ensemble.RandomForestClassifier(n_estimators=7, max_depth=None)")
    assert c.name == "RandomForestClassifier"
    assert c.params == {"n_estimators": 7, "max_depth": None}
    model = c.build()
    assert model.n_estimators == 7
    assert c.build() is not model  # a fresh estimator per fit


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("RandomForestClassifier", "not a dotted import path"),
        ("sklearn.ensemble.RandomForestClassifier(3)", "positional"),
        ("sklearn.ensemble.RandomForestClassifier(", "cannot read candidate"),
        ("sklearn.metrics.accuracy_score", "not a scikit-learn-compatible estimator"),
    ],
)
def test_parse_candidate_errors(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_candidate(text)


def test_yaml_and_toml_specs(tmp_path: Path) -> None:
    yaml_spec = tmp_path / "c.yaml"
    yaml_spec.write_text(
        "candidates:\n"
        "  - name: forest\n"
        "    estimator: sklearn.ensemble.RandomForestClassifier\n"
        "    params: {n_estimators: 5}\n"
        "  - name: ext\n"
        "    command: python train.py --fast\n"
    )
    found = load_spec(yaml_spec)
    assert [c.name for c in found] == ["forest", "ext"]
    assert found[0].build().n_estimators == 5
    assert found[1].kind == "command" and found[1].command == ["python", "train.py", "--fast"]
    toml_spec = tmp_path / "c.toml"
    toml_spec.write_text(
        '[[candidates]]\nestimator = "sklearn.neighbors.KNeighborsClassifier"\n'
        "params = { n_neighbors = 3 }\n"
    )
    (knn,) = load_spec(toml_spec)
    assert knn.name == "KNeighborsClassifier" and knn.build().n_neighbors == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("other: []\n", "no 'candidates' list"),
        ("candidates:\n  - estimator: x.Y\n    colour: red\n", "unknown key"),
        ("candidates:\n  - name: a\n", "needs 'estimator'"),
        ("candidates: [\n", "cannot parse"),
    ],
)
def test_bad_specs(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        load_spec(path)


def test_resolve_adds_baselines_and_makes_names_unique() -> None:
    found = resolve_candidates(
        "classification",
        candidates=["sklearn.tree.DecisionTreeClassifier", "sklearn.tree.DecisionTreeClassifier"],
    )
    names = [c.name for c in found]
    assert names[:7] == CLASSIFICATION
    assert names[7:] == ["DecisionTreeClassifier", "DecisionTreeClassifier-2"]
    with pytest.raises(InputError, match="no candidates"):
        resolve_candidates("classification", include_baselines=False)
