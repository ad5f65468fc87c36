"""The server on PostgreSQL (the suite's throwaway server): one schema per organisation,
ingest, aggregates, isolation, and a second app on the same database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.server.conftest import build_server, drop_org_schemas, make_run

pytestmark = pytest.mark.postgres


def test_server_on_postgresql(postgres_url: str) -> None:
    pytest.importorskip("psycopg")
    drop_org_schemas(postgres_url)
    srv = build_server(postgres_url)
    base = datetime(2026, 1, 5, tzinfo=UTC)
    runs = [
        make_run(
            run_id=f"pg-{i}",
            started=base + timedelta(days=i * 10),
            energy_j=1000.0 * i,
            phase="training" if i % 2 else "use",
        )
        for i in range(1, 7)
    ]
    with srv.client:
        reply = srv.client.post("/api/v1/runs", json=runs, headers=srv.a.auth("ingest"))
        assert reply.status_code == 200, reply.text
        assert reply.json()["counts"] == {"created": 6}
        again = srv.client.post("/api/v1/runs", json=runs, headers=srv.a.auth("ingest"))
        assert again.json()["counts"] == {"unchanged": 6}
        conflict = srv.client.post(
            "/api/v1/runs", json={**runs[0], "energy_j": 1.0}, headers=srv.a.auth("ingest")
        )
        assert conflict.status_code == 409
        overview = srv.client.get("/api/v1/organisation", headers=srv.a.auth("read")).json()
        assert overview["totals"]["runs"] == 6
        assert overview["totals"]["energy_j"] == pytest.approx(21000.0)
        assert [m["month"] for m in overview["months"]] == ["2026-01", "2026-02", "2026-03"]
        assert overview["phases"]["training"]["energy_j"] == pytest.approx(9000.0)
        assert overview["totals"]["co2e_g"] > 0
        page = srv.client.get("/api/v1/runs?limit=4", headers=srv.a.auth("read")).json()
        rest = srv.client.get(
            f"/api/v1/runs?limit=4&cursor={page['next']}", headers=srv.a.auth("read")
        ).json()
        assert [r["run_id"] for r in page["items"] + rest["items"]] == [
            f"pg-{i}" for i in range(6, 0, -1)
        ]
        assert srv.client.get("/api/v1/runs/pg-1", headers=srv.b.auth("read")).status_code == 404
        b_view = srv.client.get("/api/v1/organisation", headers=srv.b.auth("read")).json()
        assert b_view["totals"]["runs"] == 0
    _check_schemas(postgres_url, srv.a.id, srv.b.id)
    # a second app (a restart) on the same database: migrations are a no-op, data is there
    from fastapi.testclient import TestClient

    from algoprint.server import create_app
    from algoprint.server.settings import ServerSettings

    app = create_app(ServerSettings(db=postgres_url))
    with TestClient(app) as client:
        listed = client.get("/api/v1/runs", headers=srv.a.auth("read")).json()
        assert len(listed["items"]) == 6


def _check_schemas(url: str, org_a: int, org_b: int) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        a = conn.execute(text(f"SELECT count(*) FROM algoprint_org_{org_a}.runs")).scalar_one()
        b_has = conn.execute(
            text(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = :s AND table_name = 'runs'"
            ),
            {"s": f"algoprint_org_{org_b}"},
        ).scalar_one()
        public_runs = conn.execute(
            text(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_name = 'runs'"
            )
        ).scalar_one()
    engine.dispose()
    assert a == 6
    assert b_has in (0, 1)  # B's store may exist (opened by a read) but holds nothing of A's
    assert public_runs == 0  # runs never land in the shared schema


def test_unreachable_postgresql_is_503(tmp_path: Any) -> None:
    pytest.importorskip("psycopg")
    from fastapi.testclient import TestClient

    from algoprint.server import create_app
    from algoprint.server.settings import ServerSettings

    url = f"postgresql+psycopg://nobody@/nodb?host={tmp_path}&port=1&connect_timeout=2"
    app = create_app(ServerSettings(db=url))
    with TestClient(app) as client:
        reply = client.post(
            "/api/v1/runs", json=make_run(), headers={"Authorization": "Bearer apt_x"}
        )
        assert reply.status_code == 503
        assert "database is unavailable" in reply.json()["error"]["message"]
        assert client.get("/readyz").status_code == 503
