#!/usr/bin/env python3
"""Multi-rank tracking cost: tracker CPU per rank with 8 ranks vs 1, on one node.

Each rank is a fresh interpreter that sleeps ``--seconds`` inside two phases (so the rank's own
work costs ~no CPU and what is measured is tracking). Modes:

- ``job-1``: one rank with :class:`~algoprint.fleet.ranks.JobTracker` (it leads the node);
- ``job-8``: eight ranks with JobTracker (one leads and measures, seven attach);
- ``tracker-8``: eight ranks each with its own ``algoprint.track()`` — what the field does,
  counting the node eight times;
- ``bare``: the same sleeping rank without tracking (the interpreter's own cost).

Reported: median CPU seconds per rank above ``bare`` (user + system, from ``wait4``), and the
total over the ranks.

Usage:  .venv/bin/python bench/fleet_ranks.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")

RANK = textwrap.dedent(
    """
    import sys, time
    mode, seconds, job_dir = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    if mode == "bare":
        time.sleep(seconds)
    elif mode == "tracker":
        import algoprint
        with algoprint.track(algorithm="bench-ranks", store=False) as run:
            with run.phase("train"):
                time.sleep(seconds / 2)
            with run.phase("eval"):
                time.sleep(seconds / 2)
    else:
        from algoprint.fleet.ranks import JobTracker
        with JobTracker(algorithm="bench-ranks", job_dir=job_dir, sink=None) as job:
            with job.phase("train"):
                time.sleep(seconds / 2)
            with job.phase("eval"):
                time.sleep(seconds / 2)
    """
)


def launch(mode: str, ranks: int, seconds: float, tmp: Path) -> list[float]:
    job_dir = tempfile.mkdtemp(dir=tmp)
    env = {**os.environ, "PYTHONPATH": SRC, "ALGOPRINT_DB": str(tmp / "runs.sqlite")}
    env |= {"WORLD_SIZE": str(ranks), "TORCHELASTIC_RUN_ID": os.path.basename(job_dir)}
    procs = []
    for rank in range(ranks):
        rank_env = {**env, "RANK": str(rank), "LOCAL_RANK": str(rank)}
        cmd = [sys.executable, "-c", RANK, mode, str(seconds), job_dir]
        procs.append(subprocess.Popen(cmd, env=rank_env))
    cpu = []
    for p in procs:
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            raise SystemExit(f"{mode}: a rank failed with {p.returncode}")
        cpu.append(usage.ru_utime + usage.ru_stime)
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    bare = statistics.median(launch("bare", 8, args.seconds, tmp))
    print(f"{args.seconds:g} s per rank; bare interpreter {bare:.3f} CPU s per rank")
    for label, mode, ranks in (
        ("job-1", "job", 1),
        ("job-8", "job", 8),
        ("tracker-8", "tracker", 8),
    ):
        cpu = [c - bare for c in launch(mode, ranks, args.seconds, tmp)]
        print(
            f"{label:<10} tracking CPU per rank: median {statistics.median(cpu):.3f} s, "
            f"max {max(cpu):.3f} s; all ranks {sum(cpu):.3f} s"
        )


if __name__ == "__main__":
    main()
