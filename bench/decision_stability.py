#!/usr/bin/env python3
"""How stable are the shared decision rule's verdicts? Planted cases with known answers, repeated.

* **known 2×**: ``compare`` of a hot loop against the same loop doing twice the work;
  expected "B uses more" every time.
* **A/A under load**: the same hot loop on both sides while a busy co-tenant process spins on
  the machine; expected "no clear difference" every time.
* **sleep vs hot loop**: ``profile`` of a 0.4 s sleep then a 0.15 s CPU loop; expected the hot
  loop ranked first at process scope (the default) every time.
* ``--simplicity N``: ``advise simplicity`` N times on breast cancer and wine (baselines only);
  the recommendation should be the same every time.

Energy comes from the machine's meters (on a machine without counters: the CPU model, so the
rule decides on process CPU time). Prints the share of repeats with the expected answer.

Run:  .venv/bin/python bench/decision_stability.py [--repeats 10]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def spin(n: int) -> int:
    x = 0
    for i in range(n):
        x += i
    return x


def sleeper() -> None:
    time.sleep(0.4)


def hot_loop() -> None:
    end = time.process_time() + 0.15
    while time.process_time() < end:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--simplicity", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    if args.simplicity:
        return _simplicity(args.simplicity)
    import logging

    logging.getLogger("algoprint").setLevel(logging.ERROR)
    from algoprint.advice.code import compare_callables, profile

    twice: Counter[str] = Counter()
    same: Counter[str] = Counter()
    ranked: Counter[str] = Counter()
    for _ in range(args.repeats):
        r = compare_callables(lambda: spin(300_000), lambda: spin(600_000), repeats=5)
        twice[f"{r.verdict()} ({r.deciding_metric()})"] += 1
        busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            r = compare_callables(lambda: spin(300_000), lambda: spin(300_000), repeats=5)
        finally:
            busy.kill()
            busy.wait()
        same[f"{r.verdict()} ({r.deciding_metric()})"] += 1
        with profile() as p:
            sleeper()
            hot_loop()
        top = p.result.hotspots[0].function.rsplit(".", 1)[-1] if p.result else "none"
        ranked[top] += 1
    n = args.repeats
    print(f"known 2x (expected 'B uses more'): {dict(twice)} of {n}")
    print(f"A/A under a busy co-tenant (expected 'no clear difference'): {dict(same)} of {n}")
    print(f"sleep vs hot loop, top function at process scope (expected hot_loop): {dict(ranked)}")
    return 0


def _simplicity(n: int) -> int:
    import logging
    import warnings

    from sklearn.datasets import load_breast_cancer, load_wine

    from algoprint.advice.simplicity import run_simplicity

    warnings.simplefilter("ignore")
    logging.getLogger("algoprint").setLevel(logging.ERROR)
    for name, loader in (("cancer", load_breast_cancer), ("wine", load_wine)):
        data = loader(return_X_y=True)
        picks: Counter[str] = Counter()
        for _ in range(n):
            picks[run_simplicity(data, yearly_predictions=1e6).recommended or "none"] += 1
        print(f"advise simplicity on {name}: recommendations over {n} runs: {dict(picks)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
