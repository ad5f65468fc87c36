#!/usr/bin/env python3
"""Impacts for 100,000 stored runs: load them from SQLite, then compute CO2e, water and embodied
figures for every run, against the baseline of only loading them and summing their energy.

Usage:  .venv/bin/python bench/impact_speed.py [--runs 100000] [--repeats 3]

The runs are realistic sample runs (algoprint.report.sample: CPU, memory, some GPU components,
phases), stored in one temporary SQLite file. Impacts are computed the way reports do it: one
location profile, factors resolved once per year (algoprint.report._compute.ImpactEngine).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from algoprint.impact.compute import impacts_for_run
    from algoprint.impact.location import default_location
    from algoprint.report.sample import sample_run
    from algoprint.store import open_store

    rng = random.Random(0)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite")
        store = open_store(db)
        t0 = time.perf_counter()
        batch = []
        for i in range(args.runs):
            batch.append(
                sample_run(
                    rng,
                    algorithm=f"alg-{i % 20}",
                    phase="training" if i % 5 == 0 else "inference",
                    started=start + timedelta(minutes=5 * i),
                    gpu=i % 10 == 0,
                )
            )
            if len(batch) == 5000:
                store.save_runs(batch)
                batch = []
        store.save_runs(batch)
        print(f"stored {store.count_runs()} runs in {time.perf_counter() - t0:.1f} s")

        profile = default_location(zone="NL")
        load_s, sum_s, impact_s = [], [], []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            runs = store.list_runs()
            load_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            total = sum(r.energy_j or 0.0 for r in runs)
            sum_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            co2 = 0.0
            for r in runs:
                doc = impacts_for_run(r, profile)
                impact = doc.impacts.get("co2e_location_g")
                co2 += impact.value if impact else 0.0
            impact_s.append(time.perf_counter() - t0)
        store.close()
    n = args.runs
    load, imp = statistics.median(load_s), statistics.median(impact_s)
    print(f"runs: {n}, repeats: {args.repeats} (medians)")
    print(f"load all runs (list_runs):        {load:7.2f} s  ({load / n * 1e6:6.0f} us/run)")
    print(f"sum their energy (baseline):      {statistics.median(sum_s):7.3f} s")
    print(f"impacts for every run:            {imp:7.2f} s  ({imp / n * 1e6:6.0f} us/run)")
    print(f"load + impacts:                   {load + imp:7.2f} s")
    print(f"ratio (load + impacts) / load:    {(load + imp) / load:7.2f}")
    print(f"check: {total / 3.6e6:.1f} kWh, {co2 / 1000:.1f} kg CO2e (location-based)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
