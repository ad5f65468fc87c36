"""Organisation overview and algorithm page query times on generated data in PostgreSQL.

    PYTHONPATH=src python bench/server_queries.py --runs 1000000 --algorithms 10000

Generates ``--runs`` runs of one organisation spread evenly over 2025 and ``--algorithms``
algorithms straight into the server's run index with SQL (the organisation store's full run
records are not needed by these views), builds the daily and monthly aggregates the way
ingest keeps them, and times what the pages run: the overview (totals, monthly trend,
training vs use, top 10 algorithms by CO2e) and an algorithm page (daily series by phase,
training vs use, first page of its runs). Each is timed 5 times after one warm-up; the median
is printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _pg import throwaway_postgres


def timed(fn: Any, repeat: int = 5) -> float:
    fn()
    values = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        values.append(time.perf_counter() - t0)
    return statistics.median(values)


def generate(ctx: Any, org_id: int, runs: int, algorithms: int) -> None:
    from sqlalchemy import text

    from algoprint.server.factors import factor_description

    with ctx.db.engine().begin() as conn:
        key = ctx.factors.ensure(conn, factor_description(None), 2025)
        conn.execute(text("SET LOCAL synchronous_commit = off"))
        step = 365 * 86400 / runs
        conn.execute(
            text(
                "INSERT INTO run_index (org_id, run_id, digest, algorithm, phase, day, status, "
                "hostname, started_at, ended_at, checkpoint_at, duration_s, energy_j, power_w, "
                "factor_key) "
                "SELECT :org, 'run-' || g, md5(g::text), 'alg-' || (g % :algs), "
                "CASE WHEN g % 3 = 0 THEN 'training' ELSE 'inference' END, "
                "to_char(ts, 'YYYY-MM-DD'), 'completed', 'node-' || (g % 50), ts, "
                "ts + interval '60 seconds', ts + interval '60 seconds', 60, 1000 + (g % 997), "
                "NULL, :key FROM (SELECT g, timestamptz '2025-01-01 00:00+00' "
                "+ make_interval(secs => g * :step) AS ts "
                "FROM generate_series(0, :n - 1) AS g) AS s"
            ),
            {"org": org_id, "algs": algorithms, "key": key, "n": runs, "step": step},
        )
        conn.execute(
            text(
                "INSERT INTO agg_daily SELECT org_id, algorithm, day, phase, factor_key, "
                "count(*), 0, sum(energy_j), sum(duration_s) FROM run_index "
                "GROUP BY org_id, algorithm, day, phase, factor_key"
            )
        )
        conn.execute(
            text(
                "INSERT INTO agg_monthly SELECT org_id, algorithm, substr(day, 1, 7), phase, "
                "factor_key, sum(runs), sum(gaps), sum(energy_j), sum(duration_s) FROM agg_daily "
                "GROUP BY org_id, algorithm, substr(day, 1, 7), phase, factor_key"
            )
        )
        conn.execute(
            text(
                "INSERT INTO agg_org_monthly SELECT org_id, month, phase, factor_key, sum(runs), "
                "sum(gaps), sum(energy_j), sum(duration_s) FROM agg_monthly "
                "GROUP BY org_id, month, phase, factor_key"
            )
        )
        conn.execute(
            text(
                "INSERT INTO agg_algorithm SELECT org_id, algorithm, factor_key, sum(runs), "
                "sum(gaps), sum(energy_j), sum(duration_s) FROM agg_monthly "
                "GROUP BY org_id, algorithm, factor_key"
            )
        )
    with ctx.db.engine().connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--algorithms", type=int, default=10_000)
    args = parser.parse_args()
    with throwaway_postgres() as url:
        from fastapi.testclient import TestClient
        from sqlalchemy import func, select, text

        from algoprint.server import aggregates as agg
        from algoprint.server._schema import agg_daily, agg_monthly, run_index
        from algoprint.server.accounts import create_org, create_token
        from algoprint.server.app import create_app
        from algoprint.server.settings import ServerSettings

        app = create_app(ServerSettings(db=url))
        ctx = app.state.ctx
        org = create_org(ctx.db.open(), "bench")
        token = create_token(ctx.db, org, "read")
        t0 = time.perf_counter()
        generate(ctx, org.id, args.runs, args.algorithms)
        built = time.perf_counter() - t0
        with ctx.db.engine().connect() as conn:
            sizes = [
                conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (run_index, agg_daily, agg_monthly)
            ]
            db_size = conn.execute(
                text("SELECT pg_size_pretty(pg_database_size('bench'))")
            ).scalar()
        print(
            f"generated {sizes[0]:,} runs over {args.algorithms:,} algorithms in {built:.0f} s: "
            f"{sizes[1]:,} daily and {sizes[2]:,} monthly aggregate rows; database {db_size}"
        )
        slug = "alg-42"

        def overview() -> None:
            agg.organisation_totals(ctx, org)
            agg.monthly_trend(ctx, org)
            agg.phase_split(ctx, org)
            agg.top_algorithms(ctx, org, limit=10)

        def algorithm_page() -> None:
            agg.algorithm_series(ctx, org, slug)
            agg.phase_split(ctx, org, algorithm=slug)
            query = (
                select(run_index)
                .where(run_index.c.org_id == org.id, run_index.c.algorithm == slug)
                .order_by(run_index.c.started_at.desc(), run_index.c.run_id.desc())
                .limit(50)
            )
            ctx.db.read(lambda c: c.execute(query).all(), "runs")

        parts = {
            "organisation_totals": lambda: agg.organisation_totals(ctx, org),
            "monthly_trend": lambda: agg.monthly_trend(ctx, org),
            "phase_split": lambda: agg.phase_split(ctx, org),
            "top_algorithms": lambda: agg.top_algorithms(ctx, org, limit=10),
        }
        for name, fn in parts.items():
            print(f"  {name}: {timed(fn) * 1000:.0f} ms")
        print(f"organisation overview (all four): {timed(overview) * 1000:.0f} ms")
        print(
            f"algorithm page ({slug}: series, training vs use, 50 newest runs): "
            f"{timed(algorithm_page) * 1000:.1f} ms"
        )
        with TestClient(app) as client:
            headers = {"Authorization": f"Bearer {token}"}
            http = timed(lambda: client.get("/api/v1/organisation", headers=headers))
            page = timed(
                lambda: client.get(f"/api/v1/runs?algorithm={slug}&limit=50", headers=headers)
            )
        print(
            f"GET /api/v1/organisation: {http * 1000:.0f} ms; "
            f"GET /api/v1/runs?algorithm={slug}&limit=50: {page * 1000:.1f} ms"
        )
        ctx.close()


if __name__ == "__main__":
    main()
