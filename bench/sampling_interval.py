#!/usr/bin/env python3
"""What the sampling interval of the CPU utilisation model does to modelled energy.

The CPU model turns the utilisation of each sampling interval into power through the shipped
load curve, which is not linear (idle is 15 % of full power, 10 % load already 29 %): a long
interval averages bursts of load away. This script integrates synthetic utilisation traces at
0.1 s resolution (the reference) and at 1, 2 and 5 s intervals, and prints each interval's
energy as a ratio to the 0.1 s reference and to the 1 s interval. With an energy counter
(RAPL, NVML) the interval changes nothing: counters are cumulative.

Usage:  PYTHONPATH=src .venv/bin/python bench/sampling_interval.py
"""

from __future__ import annotations

import random
from collections.abc import Callable

from algoprint.meters.cpu_model import resolve_cpu_power

STEP_S = 0.1
TRACE_S = 600.0


def traces() -> dict[str, Callable[[int], float]]:
    rng = random.Random(1)
    return {
        "steady 60 %": lambda i: 0.6,
        "on/off, 0.5 s each": lambda i: 1.0 if (i // 5) % 2 == 0 else 0.0,
        "on/off, 1.5 s each (worst case for 2 s)": lambda i: 1.0 if (i // 15) % 2 == 0 else 0.05,
        "on/off, 10 s each": lambda i: 1.0 if (i // 100) % 2 == 0 else 0.05,
        "random every 0.1 s": lambda i: rng.random(),
    }


def main() -> int:
    model = resolve_cpu_power(tdp_w=100.0, warn=False)
    n = int(TRACE_S / STEP_S)
    curve = [round(model.curve(u / 10), 3) for u in range(11)]
    print(f"load curve P(u)/P_max at u = 0, 0.1 ... 1: {curve}")
    header = ("1 s / 0.1 s", "2 s / 0.1 s", "5 s / 0.1 s", "2 s / 1 s")
    print(f"\n{'trace':<42} " + " ".join(f"{h:>11}" for h in header))
    for name, gen in traces().items():
        trace = [gen(i) for i in range(n)]

        def energy(interval_s: float, trace: list[float] = trace) -> float:
            k = round(interval_s / STEP_S)
            return sum(
                model.power_w(sum(trace[j : j + k]) / len(trace[j : j + k]))
                * STEP_S
                * len(trace[j : j + k])
                for j in range(0, n, k)
            )

        ref = energy(STEP_S)
        e1, e2, e5 = energy(1.0), energy(2.0), energy(5.0)
        ratios = (e1 / ref, e2 / ref, e5 / ref, e2 / e1)
        print(f"{name:<42} " + " ".join(f"{r:>11.3f}" for r in ratios))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
