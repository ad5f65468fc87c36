"""Candidate models for the simplicity analysis: baselines, import paths, spec files, commands.

A candidate is either a scikit-learn-compatible estimator (anything with ``fit`` and
``predict``), built fresh for every fit by a factory, or a *command* that trains and evaluates
a model itself and prints one JSON line with its quality (``{"score": 0.93}``), for work that
is not scikit-learn. The simple baselines are always added: the question of owp-13 is whether
something simple is good enough, so the simple things must be in the comparison.

Estimator text form (``--candidate``)::

    sklearn.ensemble.RandomForestClassifier
    sklearn.ensemble.RandomForestClassifier(n_estimators=100, max_depth=8)

Parameter values must be Python literals (numbers, strings, booleans, None, lists, dicts).

Spec file form (YAML or TOML)::

    candidates:
      - name: forest
        estimator: sklearn.ensemble.RandomForestClassifier
        params: {n_estimators: 100}
      - name: my-net
        command: [python, train.py]          # prints {"score": 0.91}
        predict_command: [python, predict.py]  # optional, prints {"predictions": 10000}
"""

from __future__ import annotations

import ast
import importlib
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from algoprint.errors import InputError

__all__ = [
    "Candidate",
    "baselines",
    "load_spec",
    "parse_candidate",
    "resolve_candidates",
    "with_preprocessing",
]


@dataclass(slots=True)
class Candidate:
    """One model to compare.

    Attributes:
        name: unique label shown in tables.
        kind: ``baseline``, ``estimator`` or ``command``.
        spec: the import path (estimators) or the command line (commands), for the record.
        params: constructor parameters (estimators).
        factory: builds a fresh unfitted estimator (estimators only).
        command: argv of the training command (commands only).
        predict_command: argv of an optional inference command (commands only).
        rank: order of simplicity among the candidates (lower is simpler); breaks ties.
    """

    name: str
    kind: str
    spec: str
    params: dict[str, Any] = field(default_factory=dict)
    factory: Callable[[], Any] | None = None
    command: list[str] | None = None
    predict_command: list[str] | None = None
    rank: int = 100

    def build(self) -> Any:
        """A fresh, unfitted estimator.

        Raises:
            InputError: the candidate is a command, or its constructor rejects the params.
        """
        if self.factory is None:
            raise InputError(f"candidate {self.name!r} is a command, not an estimator")
        return self.factory()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "kind": self.kind, "spec": self.spec}
        if self.params:
            data["params"] = {k: _jsonable(v) for k, v in self.params.items()}
        if self.command is not None:
            data["command"] = list(self.command)
        if self.predict_command is not None:
            data["predict_command"] = list(self.predict_command)
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)


def baselines(task: str, *, seed: int = 0) -> list[Candidate]:
    """The simple baselines for ``task`` (``classification`` or ``regression``), simplest first.

    Classification: the majority class, a one-rule stump (depth-1 tree), logistic regression
    with its regularisation tuned by internal cross-validation (``LogisticRegressionCV``), a
    linear SVM, trees of depth 3 and 6, and gradient boosting with early stopping. Regression:
    the mean, ridge regression with tuned regularisation (``RidgeCV``), trees of depth 3 and 6,
    and boosting with early stopping. Scale-sensitive models are scaled inside the pipeline
    (so inside the cross-validation folds). Tuning is only the cheap, built-in kind
    (regularisation path, early stopping): no family gets a grid search the others lack.
    """
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.linear_model import LogisticRegressionCV, RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import LinearSVC
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    def tree(depth: int, rank: int, cls: Any, name: str | None = None) -> Candidate:
        return Candidate(
            name or f"tree-depth-{depth}",
            "baseline",
            f"sklearn.tree.{cls.__name__}",
            {"max_depth": depth, "random_state": seed},
            lambda: cls(max_depth=depth, random_state=seed),
            rank=rank,
        )

    if task == "classification":
        logistic_cv = logistic_cv_params()
        return [
            Candidate(
                "majority",
                "baseline",
                "sklearn.dummy.DummyClassifier",
                {"strategy": "most_frequent"},
                lambda: DummyClassifier(strategy="most_frequent"),
                rank=0,
            ),
            tree(1, 1, DecisionTreeClassifier, "one-rule"),
            Candidate(
                "logistic",
                "baseline",
                "StandardScaler + sklearn.linear_model.LogisticRegressionCV",
                logistic_cv,
                lambda: make_pipeline(StandardScaler(), LogisticRegressionCV(**logistic_cv)),
                rank=2,
            ),
            Candidate(
                "linear-svm",
                "baseline",
                "StandardScaler + sklearn.svm.LinearSVC",
                {"max_iter": 5000},
                lambda: make_pipeline(StandardScaler(), LinearSVC(max_iter=5000)),
                rank=3,
            ),
            tree(3, 4, DecisionTreeClassifier),
            tree(6, 5, DecisionTreeClassifier),
            Candidate(
                "boosting-early-stop",
                "baseline",
                "sklearn.ensemble.HistGradientBoostingClassifier",
                {"early_stopping": True, "max_iter": 200, "random_state": seed},
                lambda: HistGradientBoostingClassifier(
                    early_stopping=True, max_iter=200, random_state=seed
                ),
                rank=6,
            ),
        ]
    alphas = [10.0**e for e in range(-3, 4)]
    return [
        Candidate(
            "mean",
            "baseline",
            "sklearn.dummy.DummyRegressor",
            {"strategy": "mean"},
            lambda: DummyRegressor(strategy="mean"),
            rank=0,
        ),
        Candidate(
            "linear",
            "baseline",
            "StandardScaler + sklearn.linear_model.RidgeCV",
            {"alphas": alphas},
            lambda: make_pipeline(StandardScaler(), RidgeCV(alphas=alphas)),
            rank=1,
        ),
        tree(3, 2, DecisionTreeRegressor),
        tree(6, 3, DecisionTreeRegressor),
        Candidate(
            "boosting-early-stop",
            "baseline",
            "sklearn.ensemble.HistGradientBoostingRegressor",
            {"early_stopping": True, "max_iter": 200, "random_state": seed},
            lambda: HistGradientBoostingRegressor(
                early_stopping=True, max_iter=200, random_state=seed
            ),
            rank=4,
        ),
    ]


def logistic_cv_params() -> dict[str, Any]:
    """Parameters of the tuned logistic baseline: 5 regularisation strengths, 3 inner folds.

    The scoring is set explicitly (log loss) and, where scikit-learn has it, the new fitted
    attributes are chosen, so no version emits a FutureWarning about changed defaults.
    """
    import inspect

    from sklearn.linear_model import LogisticRegressionCV

    params: dict[str, Any] = {"Cs": 5, "cv": 3, "max_iter": 1000, "scoring": "neg_log_loss"}
    accepted = inspect.signature(LogisticRegressionCV).parameters
    if "use_legacy_attributes" in accepted:
        params["use_legacy_attributes"] = False
    if "l1_ratios" in accepted:
        params["l1_ratios"] = (0.0,)
    return params


_SCALE_FREE = ("Tree", "Forest", "Boost", "Dummy", "Bagging", "NaiveBayes", "NB")


def _scale_sensitive(candidate: Candidate) -> bool:
    """Whether an estimator's result depends on feature scale (SVC, KNN, MLP, linear, ...)."""
    name = candidate.spec.rsplit(".", 1)[-1]
    return candidate.kind == "estimator" and not any(part in name for part in _SCALE_FREE)


def with_preprocessing(candidate: Candidate, *, impute: bool) -> Candidate:
    """The candidate as a pipeline fitted inside each fold: imputation and scaling.

    A scale-sensitive user estimator (SVC, k-NN, MLP, linear models) gets a ``StandardScaler``
    in front; every estimator gets a median ``SimpleImputer`` when the data has missing values.
    Baselines already scale where they need it. Commands are returned unchanged.
    """
    if candidate.factory is None:
        return candidate
    steps: list[str] = []
    if impute:
        steps.append("SimpleImputer(median)")
    scale = _scale_sensitive(candidate)
    if scale:
        steps.append("StandardScaler")
    if not steps:
        return candidate
    inner = candidate.factory

    def build() -> Any:
        from sklearn.impute import SimpleImputer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        parts: list[Any] = [SimpleImputer(strategy="median")] if impute else []
        if scale:
            parts.append(StandardScaler())
        return make_pipeline(*parts, inner())

    return Candidate(
        candidate.name,
        candidate.kind,
        " + ".join([*steps, candidate.spec]),
        dict(candidate.params),
        build,
        candidate.command,
        candidate.predict_command,
        candidate.rank,
    )


def _import_estimator(path: str) -> type[Any]:
    module, sep, attr = path.rpartition(":") if ":" in path else path.rpartition(".")
    if not sep or not module or not attr:
        raise InputError(
            f"estimator {path!r} is not an import path",
            hint="write the full path, e.g. sklearn.ensemble.RandomForestClassifier",
        )
    try:
        mod = importlib.import_module(module)
    except ImportError as e:
        raise InputError(
            f"cannot import {module!r} for estimator {path!r}: {e}",
            hint="check the spelling and install the package that provides it",
        ) from e
    cls = getattr(mod, attr, None)
    if cls is None:
        raise InputError(
            f"{module!r} has no {attr!r} (estimator {path!r})",
            hint="check the class name, e.g. sklearn.ensemble.RandomForestClassifier",
        )
    if not callable(cls) or not all(hasattr(cls, m) for m in ("fit", "predict")):
        raise InputError(
            f"{path!r} is not a scikit-learn-compatible estimator (needs fit and predict)",
            hint="name an estimator class, or wrap other work as a command candidate",
        )
    return cls  # type: ignore[no-any-return]


def _estimator(name: str, path: str, params: Mapping[str, Any], rank: int) -> Candidate:
    cls = _import_estimator(path)
    params = dict(params)
    try:
        cls(**params)
    except Exception as e:
        raise InputError(
            f"{path} does not accept the parameters {params}: {e}",
            hint="check the parameter names in the estimator's documentation",
        ) from e
    return Candidate(name, "estimator", path, params, lambda: cls(**params), rank=rank)


def parse_candidate(text: str, *, rank: int = 10, name: str | None = None) -> Candidate:
    """A candidate from ``path`` or ``path(key=value, ...)``.

    Raises:
        InputError: not an import path, parameters that are not literals, an import that
            fails, or parameters the constructor rejects.
    """
    text = text.strip()
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError as e:
        raise InputError(
            f"cannot read candidate {text!r}: {e.msg}",
            hint="write e.g. sklearn.ensemble.RandomForestClassifier(n_estimators=100)",
        ) from e
    params: dict[str, Any] = {}
    if isinstance(node, ast.Call):
        if node.args:
            raise InputError(
                f"candidate {text!r} has positional arguments",
                hint="pass parameters by name, e.g. (n_estimators=100)",
            )
        for kw in node.keywords:
            if kw.arg is None:
                raise InputError(f"candidate {text!r} uses ** arguments", hint="name each one")
            try:
                params[kw.arg] = ast.literal_eval(kw.value)
            except ValueError as e:
                raise InputError(
                    f"parameter {kw.arg} of {text!r} is not a literal value",
                    hint="use numbers, strings, True/False/None, lists or dicts",
                ) from e
        node = node.func
    path = ast.unparse(node)
    if not isinstance(node, ast.Attribute):
        raise InputError(
            f"candidate {text!r} is not a dotted import path",
            hint="write the full path, e.g. sklearn.ensemble.RandomForestClassifier",
        )
    label = name or path.rsplit(".", 1)[-1]
    return _estimator(label, path, params, rank)


def _command_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        import shlex

        value = shlex.split(value)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise InputError(
            f"{where} must be a command (a string or a list of strings)",
            hint='e.g. command: ["python", "train.py"]',
        )
    return list(value)


def load_spec(path: str | Path, *, first_rank: int = 10) -> list[Candidate]:
    """Candidates from a YAML (``.yaml``/``.yml``) or TOML (``.toml``) spec file.

    Raises:
        InputError: unreadable file, wrong shape, unknown keys, or a failing import.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read candidate spec {p}: {e}", hint="check the path") from e
    try:
        if p.suffix.lower() == ".toml":
            doc: Any = tomllib.loads(raw.decode("utf-8"))
        else:
            import yaml

            doc = yaml.safe_load(raw)
    except Exception as e:
        raise InputError(
            f"cannot parse candidate spec {p}: {e}", hint="fix the YAML/TOML syntax"
        ) from e
    entries = doc.get("candidates") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not entries:
        raise InputError(
            f"{p} has no 'candidates' list",
            hint="write candidates: [{name: ..., estimator: ..., params: {...}}, ...]",
        )
    allowed = {"name", "estimator", "params", "command", "predict_command"}
    result: list[Candidate] = []
    for i, entry in enumerate(entries):
        where = f"{p} candidate {i + 1}"
        if not isinstance(entry, dict):
            raise InputError(f"{where} is not a table", hint="give name and estimator or command")
        unknown = set(entry) - allowed
        if unknown:
            raise InputError(
                f"{where} has unknown key(s) {', '.join(sorted(unknown))}",
                hint=f"use {', '.join(sorted(allowed))}",
            )
        rank = first_rank + i
        if "command" in entry:
            cmd = _command_list(entry["command"], f"{where} command")
            pred = entry.get("predict_command")
            name = str(entry.get("name") or Path(cmd[-1]).stem)
            result.append(
                Candidate(
                    name,
                    "command",
                    " ".join(cmd),
                    command=cmd,
                    predict_command=(
                        _command_list(pred, f"{where} predict_command") if pred else None
                    ),
                    rank=rank,
                )
            )
            continue
        est = entry.get("estimator")
        if not isinstance(est, str):
            raise InputError(f"{where} needs 'estimator' (an import path) or 'command'")
        params = entry.get("params") or {}
        if not isinstance(params, dict):
            raise InputError(f"{where} params must be a table of name = value")
        name = str(entry.get("name") or est.rsplit(".", 1)[-1])
        result.append(_estimator(name, est, params, rank))
    return result


def resolve_candidates(
    task: str,
    *,
    candidates: Sequence[str | Candidate] = (),
    spec: str | Path | None = None,
    include_baselines: bool = True,
    seed: int = 0,
) -> list[Candidate]:
    """Baselines plus the user's candidates, with unique names.

    Raises:
        InputError: a candidate cannot be built, or two candidates share a name.
    """
    found: list[Candidate] = baselines(task, seed=seed) if include_baselines else []
    for i, item in enumerate(candidates):
        found.append(item if isinstance(item, Candidate) else parse_candidate(item, rank=10 + i))
    if spec is not None:
        found.extend(load_spec(spec, first_rank=10 + len(candidates)))
    seen: dict[str, int] = {}
    for c in found:
        if c.name in seen:
            seen[c.name] += 1
            c.name = f"{c.name}-{seen[c.name]}"
        else:
            seen[c.name] = 1
    if not found:
        raise InputError("no candidates to compare", hint="add --candidate or keep the baselines")
    return found
