"""Dashboard page times (whole pages, in-process HTTP) on an organisation with many runs.

    PYTHONPATH=src python bench/dashboard_pages.py --algorithms 200 --runs-per-algorithm 20

Builds a server on a temporary SQLite database, registers ``--algorithms`` algorithms, uploads
``--runs-per-algorithm`` runs of each through ``POST /api/v1/runs`` (batches of 500), logs in
and times every page as a browser gets it: the organisation overview, an algorithm page, the
runs explorer (first page and a filtered one), one run, and budgets. Each page is timed 5 times
after one warm-up; the median is printed. Unlike bench/server_queries.py (the aggregate
queries on PostgreSQL at 10 million runs), this includes everything a page does: the measures
matrix with its evidence rules, the report of one algorithm computed from its runs, rendering.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PASSWORD = "bench-wachtwoord-2026"


def timed(fn: Any, repeat: int = 5) -> float:
    fn()
    values = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        values.append(time.perf_counter() - t0)
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--algorithms", type=int, default=200)
    parser.add_argument("--runs-per-algorithm", type=int, default=20)
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from algoprint.kader.register import Algorithm, add_algorithm
    from algoprint.report.sample import sample_run
    from algoprint.server.accounts import create_org, create_token, create_user, set_membership
    from algoprint.server.app import create_app
    from algoprint.server.settings import server_settings

    folder = Path(tempfile.mkdtemp(prefix="algoprint-bench-dashboard-"))
    settings = server_settings({"db": str(folder / "server.sqlite"), "secure_cookies": False})
    app = create_app(settings)
    ctx = app.state.ctx
    org = create_org(ctx.db, "bench", "Bench")
    token = create_token(ctx.db, org, "ingest")
    user = create_user(ctx.db, "admin@bench.nl", password=PASSWORD)
    set_membership(ctx.db, user, org, "admin")
    store = ctx.stores.get(org.id)
    rng = random.Random(11)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    slugs = [f"alg-{i:04d}" for i in range(args.algorithms)]
    for slug in slugs:
        add_algorithm(store, Algorithm(slug=slug, name=slug.title(), zone="NL"))
    runs = [
        sample_run(
            rng,
            algorithm=slug,
            phase="training" if k % 5 == 0 else "inference",
            started=start + timedelta(hours=rng.randint(0, 24 * 300)),
            gpu=k % 5 == 0,
        ).to_dict()
        for slug in slugs
        for k in range(args.runs_per_algorithm)
    ]
    t0 = time.perf_counter()
    with TestClient(app) as api:
        for i in range(0, len(runs), 500):
            reply = api.post(
                "/api/v1/runs", json=runs[i : i + 500], headers={"Authorization": f"Bearer {token}"}
            )
            assert reply.status_code == 200, reply.text
    took = time.perf_counter() - t0
    print(f"uploaded {len(runs):,} runs of {len(slugs)} algorithms in {took:.1f} s")
    client = TestClient(app)
    login = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert csrf is not None
    client.post(
        "/login",
        data={"email": "admin@bench.nl", "password": PASSWORD, "csrf_token": csrf.group(1)},
    )
    run_id = runs[0]["run_id"]
    pages = {
        "overview /": "/",
        "algorithm page": f"/algorithms/{slugs[0]}",
        "runs explorer, first page": "/runs",
        "runs explorer, one algorithm": f"/runs?algorithm={slugs[1]}",
        "one run": f"/runs/{run_id}",
        "budgets": "/budgets",
    }
    print(f"{'page':32} median of 5")
    for label, path in pages.items():
        assert client.get(path).status_code == 200, path
        print(f"{label:32} {timed(lambda p=path: client.get(p)) * 1000:8.0f} ms")
    ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
