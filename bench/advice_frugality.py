#!/usr/bin/env python3
"""How frugal is ``algoprint advise simplicity``? Its own cost against an exhaustive search.

Runs the simplicity analysis on the same data, candidates and splits:

* **exhaustive**: every candidate cross-validated on every split of the full protocol
  (``--repeats`` × 5-fold, default 3 × 5), no racing (``race=False``);
* **frugal** (the default): racing. Every candidate's first split, the baselines' full 5-fold
  cross-validation, then more splits only for candidates that can still change the advice
  (docs/analyses.md, owp-13 "Frugal by design");
* for reference, **one 5-fold CV of every candidate** (``repeats=1``, exhaustive): what the
  analysis did before repeats and racing.

The cost is the process CPU time of the whole analysis (the shared decision rule's metric
where energy is modelled; BLAS/OpenMP threads pinned to one, so the ratio does not depend on
how threads collide on a shared machine). Per dataset it prints the ratios, both
recommendations and whether they agree: ``same``, ``equivalent`` (the frugal choice is
within the exhaustive run's tolerance of its best score and not clearly costlier than the
exhaustive choice, on the exhaustive measurements: the interleaved finalist rounds where both
were finalists, else the single-window costs) or ``DIFFERENT``, and the expected cost
the analysis announced against its actual cost. ``--aa`` runs the exhaustive search a second
time and says whether it agrees with itself (near-ties in cost flip between identical runs on
a loaded machine, so this is the yardstick for the frugal search's agreement).
``--dataset all`` runs every bundled scikit-learn dataset (iris, wine, breast cancer, digits,
diabetes).

Run:  PYTHONPATH=src .venv/bin/python bench/advice_frugality.py [--dataset all|digits|...]
"""

from __future__ import annotations

import argparse
import math
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


def _run(
    data: tuple[Any, Any], *, race: bool, volume: float, name: str, repeats: int
) -> tuple[Any, float]:
    """The result and the process CPU time (s) of one analysis."""
    from algoprint.advice.simplicity import run_simplicity

    cands = REGRESSORS if name == "diabetes" else CANDIDATES
    cpu0_s = time.process_time()
    result = run_simplicity(
        data, candidates=cands, folds=5, race=race, repeats=repeats, yearly_predictions=volume,
        seed=0, threads=1,
    )  # fmt: skip
    return result, time.process_time() - cpu0_s


def agreement(frugal: Any, exhaustive: Any) -> str:
    """``same``, ``equivalent`` or ``DIFFERENT`` (module doc), judged on the exhaustive run."""
    from algoprint.advice._decide import clearly_less, paired_verdict

    if frugal.recommended == exhaustive.recommended:
        return "same"
    if frugal.recommended is None or exhaustive.recommended is None:
        return "DIFFERENT"
    mine = exhaustive.outcome(frugal.recommended)
    theirs = exhaustive.outcome(exhaustive.recommended)
    best = exhaustive.outcome(exhaustive.best)
    if mine.full is None or best.full is None or mine.decision_cost is None:
        return "DIFFERENT"
    close = (mine.full.mean or 0.0) >= (best.full.mean or 0.0) - exhaustive.tolerance - 1e-12
    if mine.final_cost is not None and theirs.final_cost is not None:
        # Both were the exhaustive run's finalists: the interleaved rounds decide, as there.
        extra = math.hypot(mine.final_cost[1], theirs.final_cost[1])
        verdict = paired_verdict(theirs.final_cost[0], mine.final_cost[0], extra_rel=extra)[3]
        costlier = verdict == "more"
    else:
        costlier = theirs.decision_cost is not None and clearly_less(
            theirs.decision_cost, mine.decision_cost
        )
    if close and not costlier:
        return "equivalent"
    ratio = mine.decision_cost.value / theirs.decision_cost.value if theirs.decision_cost else 0
    return (
        f"DIFFERENT (on the exhaustive measurements {frugal.recommended} scores "
        f"{mine.full.mean:.4f} vs {theirs.full.mean if theirs.full else 0:.4f}, best "
        f"{best.full.mean:.4f}, tolerance {exhaustive.tolerance:.4f}, and costs "
        f"{ratio:.2f}× {exhaustive.recommended})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["all", *DATASETS], default="all")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of 5-fold CV")
    parser.add_argument("--runs", type=int, default=1, help="runs per dataset")
    parser.add_argument("--volume", type=float, default=1e6, help="yearly predictions")
    parser.add_argument("--no-reference", action="store_true", help="skip the 1 × 5-fold run")
    parser.add_argument(
        "--aa", action="store_true", help="run the exhaustive search twice: its own agreement"
    )
    args = parser.parse_args(argv)

    import logging
    import warnings

    from algoprint.advice._measure_expected import render_expected

    warnings.simplefilter("ignore")
    logging.getLogger("algoprint").setLevel(logging.ERROR)
    names = DATASETS if args.dataset == "all" else (args.dataset,)
    summary: list[str] = []
    for name in names:
        data = _data(name)
        small = (data[0][:150], data[1][:150])
        _run(small, race=False, volume=args.volume, name=name, repeats=1)  # imports, warm-up
        ratios: list[float] = []
        for i in range(args.runs):
            exhaustive, c_ex = _run(
                data, race=False, volume=args.volume, name=name, repeats=args.repeats
            )
            frugal, c_fr = _run(
                data, race=True, volume=args.volume, name=name, repeats=args.repeats
            )
            ratios.append(c_fr / c_ex)
            ref = ""
            if not args.no_reference:
                _, c_one = _run(data, race=False, volume=args.volume, name=name, repeats=1)
                ref = f"; one 5-fold CV of every candidate {c_one:.1f} s (ratio {c_fr / c_one:.2f})"
            if args.aa:
                again, _ = _run(
                    data, race=False, volume=args.volume, name=name, repeats=args.repeats
                )
                ref += (
                    f"; A/A: a second exhaustive search recommends {again.recommended}: "
                    f"{agreement(again, exhaustive)}"
                )
            fits_fr = sum(o.splits for o in frugal.outcomes)
            fits_ex = sum(o.splits for o in exhaustive.outcomes)
            stopped = [
                f"{o.candidate.name}@{o.splits}"
                for o in frugal.outcomes
                if o.splits < args.repeats * 5
            ]
            print(
                f"{name} run {i + 1}: CPU exhaustive {c_ex:.1f} s, frugal {c_fr:.1f} s, "
                f"ratio {c_fr / c_ex:.2f}{ref}; fits {fits_fr} of {fits_ex}; "
                f"stopped early (splits): {', '.join(stopped) or 'none'}; recommended "
                f"{frugal.recommended} (exhaustive: {exhaustive.recommended}, best "
                f"{exhaustive.best}): {agreement(frugal, exhaustive)}",
                flush=True,
            )
            for line in render_expected(frugal.expected_cost, "en"):
                print("   frugal " + line)
            for line in render_expected(exhaustive.expected_cost, "en"):
                print("   exhaustive " + line)
        summary.append(
            f"{name}: median frugal/exhaustive CPU ratio {statistics.median(ratios):.2f} "
            f"over {len(ratios)} run(s)"
        )
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
