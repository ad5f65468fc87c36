#!/usr/bin/env python3
"""How frugal is ``algoprint advise simplicity``? Its own energy against exhaustive evaluation.

Runs the simplicity analysis twice on the same data, candidates and folds:

* **frugal** (the default): screen every candidate on a 30 % subsample with 3 folds, drop the
  clearly dominated ones, cross-validate the rest in full (5 folds);
* **exhaustive**: every candidate cross-validated in full (5 folds) on all rows, no screening.

Both measure themselves with the machine's meters (the analysis's own footprint, one tracked
run around the whole analysis). The ratio frugal / exhaustive is printed, with the
recommendation of each run (they should agree).

Run:  .venv/bin/python bench/advice_frugality.py [--dataset digits|cancer] [--repeats 1]
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

CANDIDATES = [
    "sklearn.ensemble.RandomForestClassifier(n_estimators=200, random_state=0)",
    "sklearn.ensemble.GradientBoostingClassifier(n_estimators=50, random_state=0)",
    "sklearn.svm.SVC()",
    "sklearn.neighbors.KNeighborsClassifier(n_neighbors=3)",
    "sklearn.neural_network.MLPClassifier(hidden_layer_sizes=(64,), max_iter=300, random_state=0)",
]


def _data(name: str) -> tuple[Any, Any]:
    from sklearn import datasets

    loader = {"digits": datasets.load_digits, "cancer": datasets.load_breast_cancer}[name]
    X, y = loader(return_X_y=True)
    return X, y


def _run(data: tuple[Any, Any], *, screen: bool, volume: float) -> Any:
    from algoprint.advice.simplicity import run_simplicity

    return run_simplicity(
        data, candidates=CANDIDATES, folds=5, screen=screen, yearly_predictions=volume, seed=0
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["digits", "cancer"], default="digits")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--volume", type=float, default=1e6, help="yearly predictions")
    args = parser.parse_args(argv)

    import logging

    logging.getLogger("algoprint").setLevel(logging.ERROR)
    data = _data(args.dataset)
    _run((data[0][:200], data[1][:200]), screen=False, volume=args.volume)  # warm imports
    ratios: list[float] = []
    for i in range(args.repeats):
        started = time.monotonic()
        exhaustive = _run(data, screen=False, volume=args.volume)
        frugal = _run(data, screen=True, volume=args.volume)
        e_ex, e_fr = exhaustive.own["energy_j"], frugal.own["energy_j"]
        if e_ex is None or e_fr is None:
            print("energy not measured (a meter gap); see the run degradations")
            return 1
        ratios.append(e_fr / e_ex)
        dropped = [o.candidate.name for o in frugal.outcomes if o.stage == "discarded"]
        print(
            f"repeat {i + 1}: exhaustive {e_ex:.1f} J, frugal {e_fr:.1f} J, "
            f"ratio {e_fr / e_ex:.2f}; dropped at screening: {', '.join(dropped) or 'none'}; "
            f"recommended {frugal.recommended} (exhaustive: {exhaustive.recommended}); "
            f"{time.monotonic() - started:.0f} s"
        )
        meters = {m["name"]: m["method"] for m in _meters(frugal) if m["available"]}
        print(f"  meters: {meters}")
    print(
        f"frugal / exhaustive energy on {args.dataset}: median ratio "
        f"{statistics.median(ratios):.2f} over {len(ratios)} repeat(s)"
    )
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
