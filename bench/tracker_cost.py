#!/usr/bin/env python3
"""Where a tracker's CPU time goes: import + start, sampling per second, stop.

Each run is a fresh interpreter that imports what bench/overhead.py's child imports, then
imports algoprint, starts a tracker, sleeps (so the process's CPU time while sleeping is the
sampler thread's), and stops it. With ``--busy`` the main thread runs a pure-Python loop
instead of sleeping, as a tracked program does: the sampler then competes with it for the GIL
and the caches, and its CPU time is the process's minus the main thread's. CPU time is the
process's (``getrusage``), so it counts every thread and the kernel time of the /proc reads
and spool writes. Given several source trees (``--src``), the runs alternate between them so
that machine noise hits all alike; medians (and the best import + start) are printed. Use it
to compare a change with its base:

    git archive <base> src | tar -x -C /tmp/base
    .venv/bin/python bench/tracker_cost.py --src /tmp/base/src --src src --runs 6 --seconds 5
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


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _busy(seconds: float) -> float:
    """Run a pure-Python loop for ``seconds``; returns the main thread's CPU seconds."""
    t0, c0 = time.monotonic(), time.thread_time()
    acc = 0
    while time.monotonic() - t0 < seconds:
        for i in range(20_000):
            acc += i * i % 7
    return time.thread_time() - c0


def child(seconds: float, db: str, busy: bool) -> None:
    c0 = _cpu_s()
    import algoprint

    tracker = algoprint.Tracker(algorithm="bench", db=db)
    tracker.start()
    c1 = _cpu_s()
    if busy:
        main_s = _busy(seconds)
    else:
        main_s = 0.0
        time.sleep(seconds)
    c2 = _cpu_s()
    tracker.stop()
    c3 = _cpu_s()
    print(
        json.dumps(
            {
                "start_ms": (c1 - c0) * 1e3,
                "sampling_ms_per_s": (c2 - c1 - main_s) * 1e3 / seconds,
                "stop_ms": (c3 - c2) * 1e3,
                "modules": len(sys.modules),
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", help="a src/ directory (repeatable)")
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--busy", action="store_true", help="a busy main thread, not sleep")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    if args.child:
        child(args.seconds, args.db, args.busy)
        return 0
    sources = args.src or [str(Path(__file__).resolve().parents[1] / "src")]
    results: dict[str, list[dict[str, float]]] = {s: [] for s in sources}
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with bytecode caches, as installed
        for src in sources:
            subprocess.run([sys.executable, "-m", "compileall", "-q", src], check=True, env=env)
        for i in range(args.runs):
            for n, src in enumerate(sources):
                db = str(Path(tmp) / f"{n}.sqlite")
                command = [sys.executable, __file__, "--child", "--seconds", str(args.seconds)]
                command += ["--busy"] if args.busy else []
                out = subprocess.run(
                    [*command, "--db", db],
                    capture_output=True,
                    text=True,
                    check=True,
                    env=dict(env, PYTHONPATH=src, ALGOPRINT_DB=db),
                )
                results[src].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"round {i + 1}/{args.runs} done", file=sys.stderr)
    what = "busy main thread" if args.busy else "sleeping main thread"
    print(f"\n{args.runs} runs per tree, {args.seconds:g} s tracked ({what}), medians (CPU time)")
    print(f"{'src':<40} {'import+start ms':>16} {'best':>6} {'sampling ms/s':>14} {'stop ms':>8}")
    for src, rows in results.items():

        def med(key: str, rows: list[dict[str, float]] = rows) -> float:
            return statistics.median(r[key] for r in rows)

        best = min(r["start_ms"] for r in rows)
        print(
            f"{src[-40:]:<40} {med('start_ms'):>16.1f} {best:>6.1f} "
            f"{med('sampling_ms_per_s'):>14.2f} {med('stop_ms'):>8.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
