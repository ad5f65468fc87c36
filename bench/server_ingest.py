"""Ingest speed of the server on PostgreSQL, over HTTP on loopback (uvicorn, one process).

    PYTHONPATH=src python bench/server_ingest.py [--batches 40 --batch-size 500 --singles 300]

Starts a throwaway PostgreSQL and ``algoprint serve``-equivalent uvicorn process, then sends
batches of new runs to ``POST /api/v1/runs`` (runs/s over the whole series, p50/p99 latency per
batch), then single runs one by one (per-run cost). Client, server and database share the
machine's cores, as on a small VM.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _pg import throwaway_postgres


def run_doc(i: int) -> dict[str, Any]:
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i)
    end = start + timedelta(seconds=30)
    return {
        "run_id": uuid.uuid4().hex,
        "algorithm": f"alg-{i % 50}",
        "phase": "training" if i % 3 == 0 else "inference",
        "status": "completed",
        "started_at": start.isoformat(),
        "ended_at": end.isoformat(),
        "scope": "machine",
        "duration_s": 30.0,
        "energy_j": 1000.0 + i % 97,
        "measured_energy_j": 1000.0,
        "uncertainty_rel": 0.1,
        "components": [
            {
                "domain": "cpu",
                "device": "package-0",
                "energy_j": 800.0,
                "method": "counter",
                "uncertainty_rel": 0.05,
            },
            {
                "domain": "memory",
                "device": "dram-0",
                "energy_j": 200.0 + i % 97,
                "method": "counter",
                "uncertainty_rel": 0.05,
            },
        ],
        "host": {"hostname": f"node-{i % 8}"},
        "checkpoint_at": end.isoformat(),
    }


def post(url: str, token: str, body: Any) -> float:
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    t0 = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as r:
        r.read()
        assert r.status == 200
    return time.perf_counter() - t0


def cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of these processes and their children (PostgreSQL backends)."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            for p in [proc, *proc.children(recursive=True)]:
                t = p.cpu_times()
                total += t.user + t.system
        except psutil.NoSuchProcess:
            continue
    return total


def postmaster_pids() -> list[int]:
    import psutil

    return [
        p.pid
        for p in psutil.process_iter(["name", "cmdline"])
        if p.info["name"] == "postgres"
        and "algoprint-bench-pg" in " ".join(p.info["cmdline"] or [])
        and "-D" in (p.info["cmdline"] or [])
    ]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--singles", type=int, default=300)
    args = parser.parse_args()
    with throwaway_postgres() as db_url:
        from algoprint.server.accounts import create_org, create_token
        from algoprint.server.db import ServerDB

        db = ServerDB(db_url).open()
        token = create_token(db, create_org(db, "bench"), "ingest")
        db.close()
        port = 18765
        code = (
            "import uvicorn\nfrom algoprint.server import create_app\n"
            "from algoprint.server.settings import ServerSettings\n"
            f"uvicorn.run(create_app(ServerSettings(db={db_url!r}, ingest_rate_per_min=0,"
            f" max_body_bytes=50_000_000, max_batch_runs=5000)), host='127.0.0.1', port={port},"
            " log_level='warning')\n"
        )
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
        server = subprocess.Popen([sys.executable, "-c", code], env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/readyz", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.2)
            url = f"{base}/api/v1/runs"
            post(url, token, [run_doc(i) for i in range(50)])  # warm up: store schema, caches
            n = 0
            latencies = []
            pg = postmaster_pids()
            server_cpu0, pg_cpu0, own_cpu0 = cpu_s([server.pid]), cpu_s(pg), time.process_time()
            t0 = time.perf_counter()
            for _ in range(args.batches):
                batch = [run_doc(n + i) for i in range(args.batch_size)]
                n += args.batch_size
                latencies.append(post(url, token, batch))
            wall = time.perf_counter() - t0
            print(
                f"batch ingest: {n} runs in {wall:.1f} s = {n / wall:,.0f} runs/s "
                f"(batches of {args.batch_size}: p50 {pct(latencies, 0.5) * 1000:.0f} ms, "
                f"p99 {pct(latencies, 0.99) * 1000:.0f} ms per batch)"
            )
            server_cpu = cpu_s([server.pid]) - server_cpu0
            pg_cpu = cpu_s(pg) - pg_cpu0
            own_cpu = time.process_time() - own_cpu0
            per_run = (server_cpu + pg_cpu + own_cpu) / n
            print(
                f"CPU per run: server {server_cpu / n * 1000:.2f} ms, PostgreSQL "
                f"{pg_cpu / n * 1000:.2f} ms, client {own_cpu / n * 1000:.2f} ms; two idle "
                f"cores would ingest about {2 / per_run:,.0f} runs/s"
            )
            singles = [post(url, token, run_doc(n + i)) for i in range(args.singles)]
            print(
                f"single-run endpoint: {args.singles} runs, mean "
                f"{statistics.mean(singles) * 1000:.1f} ms, p50 {pct(singles, 0.5) * 1000:.1f} ms,"
                f" p99 {pct(singles, 0.99) * 1000:.1f} ms per run "
                f"({1 / statistics.mean(singles):,.0f} runs/s sequentially)"
            )
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
