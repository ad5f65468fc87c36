#!/usr/bin/env python3
"""``algoprint monitor`` cost: CPU overhead per hour of monitoring, and memory over a day.

1. Overhead: a :class:`~algoprint.fleet.monitor.Monitor` with this machine's real meters
   (auto-detected, as the CLI uses them), ``--tick`` 10 s and a Prometheus registry, runs for
   ``--seconds`` on an otherwise idle process; its CPU time (user + system of the whole process
   after start-up) divided by the wall time is the share of one core, which is also the CPU
   seconds per hour / 3600. Target: below 0.1 % of one core.
2. Memory over a simulated day: the same monitor with 1,440 interval runs (a day of 1-minute
   runs, time compressed: each interval a few ms), RSS after 10 runs vs after 1,440.

Usage:  .venv/bin/python bench/fleet_monitor.py [--seconds 120] [--intervals 1440]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from algoprint.fleet.metrics import PrometheusMetrics
from algoprint.fleet.monitor import Monitor


class NullSink:
    def save(self, record: object, *, durable: bool = False) -> None:
        del record, durable


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--tick", type=float, default=10.0)
    parser.add_argument("--sample", type=float, default=10.0)
    parser.add_argument("--intervals", type=int, default=1440)
    args = parser.parse_args()

    from algoprint.config import load_settings

    prom = PrometheusMetrics()
    # As the CLI: the utilisation models sample at --sample (default 10 s); their counters
    # are cumulative (/proc/stat), so a slower cadence loses no energy, only time resolution.
    settings = load_settings({"interval_s": args.sample})
    import threading

    def measure(seconds: float) -> tuple[float, float, object]:
        mon = Monitor(
            interval_s=3600, sink=NullSink(), instruments=[prom], tick_s=args.tick,
            settings=settings,
        )  # fmt: skip
        timer = threading.Timer(seconds, mon.stop_event.set)
        t0, c0 = time.perf_counter(), cpu_s()
        timer.start()
        record = mon.run_interval()
        return time.perf_counter() - t0, cpu_s() - c0, record

    measure(2.0)  # warm-up: imports and first discovery are paid once per process
    short_wall, short_cpu, _ = measure(10.0)
    wall, cpu, record = measure(args.seconds)
    rate = (cpu - short_cpu) / (wall - short_wall)  # CPU s per s in steady state
    start = max(0.0, short_cpu - rate * short_wall)  # tracker start + stop, once per run
    meters = ", ".join(str(m["name"]) for m in record.meters if m.get("available"))  # type: ignore[attr-defined]
    print(
        f"monitor, {wall:.0f} s and {short_wall:.0f} s runs (tick {args.tick:g} s, sampling "
        f"{args.sample:g} s, meters: {meters}):"
    )
    per_hour = start + rate * 3600
    print(
        f"  steady state {100 * rate:.4f} % of one core; start+stop {start * 1000:.0f} ms per run;"
        f" 1 h interval: {per_hour:.2f} CPU s per hour = {100 * per_hour / 3600:.4f} % of one core"
    )

    day = Monitor(interval_s=0.005, sink=NullSink(), instruments=[prom], tick_s=0.002)
    rss_start = rss_mb()
    day.run(max_intervals=10)
    rss_10 = rss_mb()
    day.run(max_intervals=args.intervals)
    rss_day = rss_mb()
    print(
        f"memory: RSS {rss_start:.1f} MB at start, {rss_10:.1f} MB after 10 runs, "
        f"{rss_day:.1f} MB after {day.runs} runs (a day of 1-minute runs, time compressed)"
    )


if __name__ == "__main__":
    main()
