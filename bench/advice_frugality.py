#!/usr/bin/env python3
"""How frugal is ``algoprint advise simplicity``? Its own energy against exhaustive evaluation.

Runs the simplicity analysis twice on the same data, candidates and folds:

* **frugal** (the default): screen every candidate on a 30 % subsample with 3 folds, drop the
  clearly dominated ones, cross-validate the rest in full (5 folds);
* **exhaustive**: every candidate cross-validated in full (5 folds) on all rows, no screening.

The cost is the process CPU time of the whole analysis (the shared decision rule's metric where
energy is modelled; BLAS/OpenMP threads pinned to one, so the ratio does not depend on how
threads collide on a shared machine), and the analysis's own measured energy is printed too.
The ratio frugal / exhaustive is printed per dataset, with the recommendation of each run
(they should agree). ``--dataset all`` runs every bundled scikit-learn dataset (iris, wine,
breast cancer, digits, diabetes).

Run:  .venv/bin/python bench/advice_frugality.py [--dataset all|digits|...] [--repeats 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

REGRESSORS = [
    "sklearn.ensemble.RandomForestRegressor(n_estimators=200, random_state=0)",
    "sklearn.ensemble.GradientBoostingRegressor(n_estimators=100, random_state=0)",
    "sklearn.svm.SVR()",
    "sklearn.neighbors.KNeighborsRegressor(n_neighbors=5)",
    "sklearn.neural_network.MLPRegressor(hidden_layer_sizes=(64,), max_iter=500, random_state=0)",
]
DATASETS = ("iris", "wine", "cancer", "digits", "diabetes")
CANDIDATES = [
    "sklearn.ensemble.RandomForestClassifier(n_estimators=200, random_state=0)",
    "sklearn.ensemble.GradientBoostingClassifier(n_estimators=50, random_state=0)",
    "sklearn.svm.SVC()",
    "sklearn.neighbors.KNeighborsClassifier(n_neighbors=3)",
    "sklearn.neural_network.MLPClassifier(hidden_layer_sizes=(64,), max_iter=300, random_state=0)",
]


def _data(name: str) -> tuple[Any, Any]:
    from sklearn import datasets

    loader = {
        "digits": datasets.load_digits,
        "cancer": datasets.load_breast_cancer,
        "iris": datasets.load_iris,
        "wine": datasets.load_wine,
        "diabetes": datasets.load_diabetes,
    }[name]
    X, y = loader(return_X_y=True)
    return X, y


def _run(data: tuple[Any, Any], *, screen: bool, volume: float, name: str) -> tuple[Any, float]:
    """The result and the process CPU time (s) of one analysis."""
    from algoprint.advice.simplicity import run_simplicity

    cands = REGRESSORS if name == "diabetes" else CANDIDATES
    cpu0_s = time.process_time()
    result = run_simplicity(
        data, candidates=cands, folds=5, screen=screen, yearly_predictions=volume, seed=0,
        threads=1,
    )  # fmt: skip
    return result, time.process_time() - cpu0_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["all", *DATASETS], default="all")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--volume", type=float, default=1e6, help="yearly predictions")
    args = parser.parse_args(argv)

    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.getLogger("algoprint").setLevel(logging.ERROR)
    names = DATASETS if args.dataset == "all" else (args.dataset,)
    summary: list[str] = []
    for name in names:
        data = _data(name)
        _run((data[0][:150], data[1][:150]), screen=False, volume=args.volume, name=name)
        ratios: list[float] = []
        for i in range(args.repeats):
            exhaustive, c_ex = _run(data, screen=False, volume=args.volume, name=name)
            frugal, c_fr = _run(data, screen=True, volume=args.volume, name=name)
            ratios.append(c_fr / c_ex)
            dropped = [o.candidate.name for o in frugal.outcomes if o.stage == "discarded"]
            skipped = "; ".join(frugal.notes) or "screened"
            print(
                f"{name} repeat {i + 1}: CPU exhaustive {c_ex:.1f} s, frugal {c_fr:.1f} s, "
                f"ratio {c_fr / c_ex:.2f}; energy {exhaustive.own['energy_j']:.0f} J vs "
                f"{frugal.own['energy_j']:.0f} J; dropped: {', '.join(dropped) or 'none'} "
                f"({skipped}); recommended {frugal.recommended} "
                f"(exhaustive: {exhaustive.recommended})",
                flush=True,
            )
        summary.append(
            f"{name}: median frugal/exhaustive CPU ratio {statistics.median(ratios):.2f} "
            f"over {len(ratios)} repeat(s)"
        )
    print("\n".join(summary))
    return 0


def _meters(result: Any) -> list[dict[str, Any]]:
    from algoprint.config import load_settings
    from algoprint.tracking import track

    del result
    with track(store=False, settings=load_settings()) as run:
        pass
    return run.record.meters if run.record else []


if __name__ == "__main__":
    raise SystemExit(main())
