#!/usr/bin/env python3
"""How often do the racing stops of ``advise simplicity`` fire wrongly? A simulation at the
worst case, a candidate exactly on the tolerance boundary.

The race (``src/algoprint/advice/_measure_race.py``) looks at a candidate after its chunks and
whenever its partner moves. Each look is a one-sided test on the paired score differences
(mean and its standard error over the splits so far):

* **cost-settled**: stop when ``gain + 1 × se <= tolerance``. A wrong stop here is one of a
  candidate whose true advantage over the incumbent is *exactly* the tolerance (any larger
  and it should go on, any smaller and stopping is right).
* **out of reach**: stop when ``lead − 2 × se > tolerance``. A wrong stop is one of a
  candidate exactly the tolerance below the best.

Differences are normal with unit spread, the tolerance 0.5 spreads (the scale does not matter:
only the ratio of the true difference to the tolerance and of both to the spread do, and at
the boundary the stop probability does not depend on them). The probability of ever stopping
is counted over the looks of the old rung schedule (3, 5, 10, 15 splits) and the current one
(3, 5, then every split up to 15).

Run:  .venv/bin/python bench/race_stop_error.py [--sims 20000]
"""

from __future__ import annotations

import argparse

import numpy as np

OLD = (3, 5, 10, 15)
NEW = (3, 5, *range(6, 16))


def ever_stopped(looks: tuple[int, ...], rule: str, sims: int, seed: int = 0) -> float:
    """Share of simulated races in which the rule stops a boundary candidate at some look."""
    rng = np.random.default_rng(seed)
    tol = 0.5
    diffs = rng.normal(tol, 1.0, size=(sims, max(looks)))
    stopped = np.zeros(sims, dtype=bool)
    for n in looks:
        x = diffs[:, :n]
        mean, se = x.mean(axis=1), x.std(axis=1, ddof=1) / np.sqrt(n)
        stopped |= mean + se <= tol if rule == "settled" else mean - 2.0 * se > tol
    return float(stopped.mean())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=20000)
    args = parser.parse_args()
    for rule, name in (("settled", "cost-settled (z = 1)"), ("out", "out of reach (z = 2)")):
        old, new = ever_stopped(OLD, rule, args.sims), ever_stopped(NEW, rule, args.sims)
        print(f"{name}: stops a boundary candidate in {old:.1%} of races with looks at "
              f"{OLD}, {new:.1%} with looks at every split from 5")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
