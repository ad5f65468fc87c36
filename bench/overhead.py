#!/usr/bin/env python3
"""Overhead of tracking: bare workload vs algoprint vs CodeCarbon, in one run.

Each mode runs the same CPU-bound workload (a pure-Python sieve, fixed amount of work) in a
fresh interpreter, interleaved over ``--repeats`` rounds so that machine noise hits all modes
alike. Reported per mode (medians):
- workload wall time and the slowdown ratio against the bare run;
- tracker CPU time: CPU seconds of the whole process minus the CPU seconds the main thread
  spent inside the workload (so: import, start, background threads, stop, storing);
- import + start time of the tracker (wall, main thread);
- added peak RSS against the bare run.

Usage:  .venv/bin/python bench/overhead.py [--repeats 5] [--work 12] [--no-codecarbon]
CodeCarbon (3.3.2, offline tracker, country NLD) is optional: pip install 'algoprint[bench]'.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODES = ("bare", "algoprint", "codecarbon")


def workload(rounds: int) -> int:
    total = 0
    for _ in range(rounds):
        limit = 1_500_000
        sieve = bytearray([1]) * limit
        sieve[0:2] = b"\x00\x00"
        for n in range(2, int(limit**0.5) + 1):
            if sieve[n]:
                sieve[n * n :: n] = bytearray(len(range(n * n, limit, n)))
        total += sum(sieve)
        # a pure-Python loop too, so the interpreter (not only memset) is busy
        acc = 0
        for i in range(400_000):
            acc += i * i % 7
        total += acc
    return total


def child(mode: str, rounds: int, db: str) -> None:
    t0 = time.perf_counter()
    stop = None
    if mode == "algoprint":
        import algoprint

        tracker = algoprint.Tracker(algorithm="bench", db=db)
        tracker.start()
        stop = tracker.stop
    elif mode == "codecarbon":
        import logging

        from codecarbon import OfflineEmissionsTracker

        logging.getLogger("codecarbon").setLevel(logging.ERROR)
        cc = OfflineEmissionsTracker(country_iso_code="NLD", save_to_file=False, log_level="error")
        cc.start()
        stop = cc.stop
    started = time.perf_counter() - t0
    w0, c0 = time.perf_counter(), time.thread_time()
    workload(rounds)
    work_wall, work_cpu = time.perf_counter() - w0, time.thread_time() - c0
    if stop is not None:
        stop()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    proc_cpu = usage.ru_utime + usage.ru_stime
    print(
        json.dumps(
            {
                "mode": mode,
                "start_s": started,
                "work_wall_s": work_wall,
                "tracker_cpu_s": max(0.0, proc_cpu - work_cpu),
                "maxrss_mb": usage.ru_maxrss / 1024,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--work", type=int, default=12, help="workload rounds (~0.3 s each)")
    parser.add_argument("--no-codecarbon", action="store_true")
    parser.add_argument("--child", choices=MODES)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.work, args.db)
        return 0
    modes = ["bare", "algoprint"]
    if not args.no_codecarbon:
        try:
            import codecarbon  # noqa: F401
        except ImportError:
            print("codecarbon not installed: pip install 'algoprint[bench]' (skipping it)")
        else:
            modes.append("codecarbon")
    results: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite")
        env = dict(os.environ, ALGOPRINT_DB=db)
        # Measure imports as installed code runs: with bytecode caches (pip compiles installed
        # packages such as CodeCarbon; an editable algoprint compiles on first import).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(Path(__file__).parents[1] / "src")],
            check=True,
            env=env,
        )
        for i in range(-1, args.repeats):
            for mode in modes:
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        mode,
                        "--work",
                        str(args.work),
                        "--db",
                        db,
                    ],
                    capture_output=True,
                    text=True,
                    env=env,
                    check=True,
                )
                line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
                if i >= 0:  # round -1 warms caches (bytecode, CPU table cache) and is dropped
                    results[mode].append(json.loads(line))
            print(f"round {i + 1}/{args.repeats} done", file=sys.stderr)

    def med(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in results[mode])

    bare_wall, bare_rss = med("bare", "work_wall_s"), med("bare", "maxrss_mb")
    summary = {}
    print(f"\nworkload: {args.work} rounds, {args.repeats} interleaved repeats, medians")
    print(
        f"{'mode':<11} {'work wall s':>11} {'slowdown':>9} {'tracker CPU s':>14} "
        f"{'import+start ms':>16} {'added RSS MB':>13}"
    )
    for mode in modes:
        row = {
            "work_wall_s": med(mode, "work_wall_s"),
            "slowdown": med(mode, "work_wall_s") / bare_wall,
            "tracker_cpu_s": med(mode, "tracker_cpu_s") - med("bare", "tracker_cpu_s"),
            "start_ms": med(mode, "start_s") * 1000,
            "added_rss_mb": med(mode, "maxrss_mb") - bare_rss,
        }
        summary[mode] = row
        print(
            f"{mode:<11} {row['work_wall_s']:>11.3f} {row['slowdown']:>9.3f} "
            f"{row['tracker_cpu_s']:>14.3f} {row['start_ms']:>16.1f} {row['added_rss_mb']:>13.1f}"
        )
    if "codecarbon" in summary:
        a, c = summary["algoprint"], summary["codecarbon"]
        ratio = a["tracker_cpu_s"] / c["tracker_cpu_s"] if c["tracker_cpu_s"] > 0 else float("nan")
        print(f"\nalgoprint tracker CPU / CodeCarbon tracker CPU = {ratio:.3f} (target <= 0.05)")
        summary["ratio_tracker_cpu_algoprint_over_codecarbon"] = {"value": ratio}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
