"""The runs API: upload (idempotent, newest wins, conflicts), list with filters and cursor, and
every bad input of the issue, each with a clear 4xx/503 and nothing half-written."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.server.conftest import Server, build_server, make_run


def _count(server: Server, org: Any) -> int:
    reply = server.client.get("/api/v1/runs?limit=1000", headers=org.auth("read"))
    assert reply.status_code == 200
    return len(reply.json()["items"])


def _post(server: Server, body: Any, scope: str = "ingest") -> Any:
    return server.client.post("/api/v1/runs", json=body, headers=server.a.auth(scope))


def test_single_and_batch_upload_are_idempotent(server: Server) -> None:
    run = make_run()
    first = _post(server, run)
    assert first.status_code == 200
    assert first.json()["results"] == {run["run_id"]: "created"}
    again = _post(server, [run, make_run(run_id="second-run")])
    assert again.json()["results"] == {run["run_id"]: "unchanged", "second-run": "created"}
    assert _count(server, server.a) == 2
    full = server.client.get(f"/api/v1/runs/{run['run_id']}", headers=server.a.auth("read"))
    assert full.status_code == 200
    assert full.json()["energy_j"] == 3600.0
    assert full.json()["components"][0]["device"] == "package-0"


def test_checkpoints_update_and_older_records_never_replace_newer(server: Server) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    early = make_run(
        run_id="r1",
        status="running",
        energy_j=10.0,
        started=start,
        checkpoint=start + timedelta(seconds=10),
    )
    late = make_run(
        run_id="r1",
        status="running",
        energy_j=20.0,
        started=start,
        checkpoint=start + timedelta(seconds=20),
    )
    final = make_run(run_id="r1", status="completed", energy_j=30.0, started=start)
    assert _post(server, early).json()["results"]["r1"] == "created"
    assert _post(server, late).json()["results"]["r1"] == "updated"
    assert _post(server, early).json()["results"]["r1"] == "stale"
    assert _post(server, final).json()["results"]["r1"] == "updated"
    assert _post(server, late).json()["results"]["r1"] == "stale"
    body = server.client.get("/api/v1/organisation", headers=server.a.auth("read")).json()
    assert body["totals"]["runs"] == 1  # one run, counted once across its records
    assert body["totals"]["energy_j"] == 30.0


def test_a_batch_keeps_the_newest_record_of_a_run(server: Server) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    final = make_run(run_id="r2", energy_j=30.0, started=start)
    running = make_run(
        run_id="r2",
        status="running",
        energy_j=5.0,
        started=start,
        checkpoint=start + timedelta(seconds=5),
    )
    assert _post(server, [final, running]).json()["results"] == {"r2": "created"}
    run = server.client.get("/api/v1/runs/r2", headers=server.a.auth("read")).json()
    assert run["status"] == "completed"


def test_duplicate_id_with_other_content_is_409_and_nothing_of_the_batch_is_written(
    server: Server,
) -> None:
    run = make_run(run_id="dup")
    _post(server, run)
    changed = {**run, "energy_j": 1.0}
    fresh = make_run(run_id="fresh")
    reply = _post(server, [fresh, changed])
    assert reply.status_code == 409
    assert reply.json()["error"]["code"] == "conflict"
    assert "dup" in reply.json()["error"]["message"]
    assert _count(server, server.a) == 1  # "fresh" was not written
    other_start = {**run, "started_at": "2026-03-03T09:00:00+00:00"}
    assert _post(server, other_start).status_code == 409


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        (b"{not json", 400, "malformed JSON"),
        (b'"a string"', 422, "expected a run document"),
        (b"[]", 422, "empty"),
        (json.dumps({**make_run(), "energy_j": "lots"}).encode(), 422, "energy_j"),
        (json.dumps({**make_run(), "surprise": 1}).encode(), 422, "surprise"),
        (json.dumps({**make_run(), "energy_j": -1}).encode(), 422, "energy_j"),
        (json.dumps({**make_run(), "started_at": "2026-03-02T09:00:00"}).encode(), 422, "offset"),
        (json.dumps({**make_run(), "status": "bogus"}).encode(), 422, "status"),
        (
            json.dumps({k: v for k, v in make_run().items() if k != "run_id"}).encode(),
            422,
            "run_id",
        ),
        (json.dumps({**make_run(), "run_id": "../etc"}).encode(), 422, "run_id"),
    ],
)
def test_bad_documents_are_refused_with_the_reason(
    server: Server, body: bytes, status: int, needle: str
) -> None:
    headers = {**server.a.auth("ingest"), "Content-Type": "application/json"}
    reply = server.client.post("/api/v1/runs", content=body, headers=headers)
    assert reply.status_code == status, reply.text
    error = reply.json()["error"]
    assert needle in error["message"] + json.dumps(error.get("details", ""))
    assert _count(server, server.a) == 0


def test_non_json_content_type_is_415(server: Server) -> None:
    reply = server.client.post(
        "/api/v1/runs",
        content=b"run_id=x",
        headers={**server.a.auth("ingest"), "Content-Type": "text/plain"},
    )
    assert reply.status_code == 415


def test_oversized_bodies_and_batches_are_413(tmp_path: Any) -> None:
    srv = build_server(
        f"sqlite:///{tmp_path / 's.sqlite'}", max_body_bytes=20_000, max_batch_runs=3
    )
    with srv.client:
        big = [make_run() for _ in range(100)]
        reply = srv.client.post("/api/v1/runs", json=big, headers=srv.a.auth("ingest"))
        assert reply.status_code == 413
        assert "larger than 20000 bytes" in reply.json()["error"]["message"]
        reply = srv.client.post("/api/v1/runs", json=big[:4], headers=srv.a.auth("ingest"))
        assert reply.status_code == 413
        assert "at most 3" in reply.json()["error"]["message"]
        assert _count(srv, srv.a) == 0


def test_strict_mode_refuses_unregistered_algorithms(tmp_path: Any) -> None:
    srv = build_server(f"sqlite:///{tmp_path / 's.sqlite'}", strict_algorithms=True)
    with srv.client:
        reply = srv.client.post(
            "/api/v1/runs", json=make_run(algorithm="onbekend"), headers=srv.a.auth("ingest")
        )
        assert reply.status_code == 422
        assert "unknown algorithm 'onbekend'" in reply.json()["error"]["message"]
        added = srv.client.post(
            "/api/v1/algorithms",
            json={"slug": "onbekend", "name": "O"},
            headers=srv.a.auth("admin"),
        )
        assert added.status_code == 201, added.text
        reply = srv.client.post(
            "/api/v1/runs", json=make_run(algorithm="onbekend"), headers=srv.a.auth("ingest")
        )
        assert reply.status_code == 200


def test_tokens_missing_malformed_unknown_revoked_expired(server: Server) -> None:
    from algoprint.server.accounts import create_token, get_org, list_tokens, revoke_token

    run = make_run()
    cases = [
        ({}, "missing Authorization"),
        ({"Authorization": "Basic abc"}, "not 'Bearer TOKEN'"),
        ({"Authorization": "Bearer apt_nope"}, "unknown API token"),
    ]
    db = server.ctx.db
    org = get_org(db, "org-a")
    tok = create_token(db, org, "ingest")
    token_id = list_tokens(db, org)[-1].id
    revoke_token(db, org, token_id)
    cases.append(({"Authorization": f"Bearer {tok}"}, "was revoked"))
    expired = create_token(db, org, "ingest", expires_at=datetime.now(UTC) + timedelta(seconds=1))
    from sqlalchemy import update

    from algoprint.server._schema import api_tokens

    db.write(
        lambda c: c.execute(
            update(api_tokens)
            .where(api_tokens.c.prefix == expired[:12])
            .values(expires_at=datetime(2020, 1, 1, tzinfo=UTC))
        ),
        "t",
    )
    cases.append(({"Authorization": f"Bearer {expired}"}, "has expired"))
    for headers, needle in cases:
        reply = server.client.post("/api/v1/runs", json=run, headers=headers)
        assert reply.status_code == 401, (headers, reply.text)
        assert needle in reply.json()["error"]["message"]
    assert _count(server, server.a) == 0


def test_wrong_scope_is_403(server: Server) -> None:
    assert _post(server, make_run(), scope="read").status_code == 403
    reply = server.client.get("/api/v1/runs", headers=server.a.auth("ingest"))
    assert reply.status_code == 403


def test_list_filters_and_cursor_pagination(server: Server) -> None:
    base = datetime(2026, 3, 1, tzinfo=UTC)
    runs = [
        make_run(
            run_id=f"run-{i:02d}",
            started=base + timedelta(hours=i),
            algorithm="alpha" if i % 2 else "beta",
            phase="training" if i < 5 else "use",
            hostname=f"h{i % 3}",
            status="failed" if i == 7 else "stopped-by-budget" if i == 8 else "completed",
        )
        for i in range(12)
    ]
    assert _post(server, runs).status_code == 200
    seen: list[str] = []
    url = "/api/v1/runs?limit=5"
    while url:
        page = server.client.get(url, headers=server.a.auth("read")).json()
        seen += [item["run_id"] for item in page["items"]]
        url = f"/api/v1/runs?limit=5&cursor={page['next']}" if page["next"] else ""
    assert seen == [f"run-{i:02d}" for i in reversed(range(12))]

    def ids(query: str) -> list[str]:
        reply = server.client.get(f"/api/v1/runs?{query}", headers=server.a.auth("read"))
        assert reply.status_code == 200, reply.text
        return sorted(item["run_id"] for item in reply.json()["items"])

    assert ids("algorithm=alpha") == [f"run-{i:02d}" for i in range(1, 12, 2)]
    assert ids("phase=use&host=h0") == ["run-06", "run-09"]
    assert ids("status=failed") == ["run-07"]
    assert ids("status=stopped-by-budget") == ["run-08"]  # its own status, stored and filtered
    assert ids("since=2026-03-01T10:00:00%2B00:00&until=2026-03-01T12:00:00%2B00:00") == [
        "run-10",
        "run-11",
    ]
    assert (
        server.client.get("/api/v1/runs?cursor=zzz", headers=server.a.auth("read")).status_code
        == 400
    )
    assert (
        server.client.get("/api/v1/runs?status=x", headers=server.a.auth("read")).status_code == 422
    )
    assert (
        server.client.get("/api/v1/runs?since=soon", headers=server.a.auth("read")).status_code
        == 422
    )
    assert (
        server.client.get("/api/v1/runs?limit=0", headers=server.a.auth("read")).status_code == 422
    )


def test_database_down_is_503_and_nothing_written(server: Server, monkeypatch: Any) -> None:
    from algoprint.errors import StoreError

    def down(*_a: Any, **_k: Any) -> Any:
        raise StoreError("cannot connect to PostgreSQL at postgresql://x/y: connection refused")

    run = make_run()
    monkeypatch.setattr(server.ctx.db, "read", down)
    reply = _post(server, run)
    assert reply.status_code == 503
    assert reply.headers["retry-after"] == "5"
    assert "nothing was written" in reply.json()["error"]["hint"]
    monkeypatch.undo()
    assert _count(server, server.a) == 0
    assert server.client.get("/readyz").status_code == 200


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path: Any) -> None:
    from fastapi.testclient import TestClient

    from algoprint.server import create_app
    from algoprint.server.settings import ServerSettings

    app = create_app(ServerSettings(db=f"sqlite:///{tmp_path / 'missing' / 'dir' / 's.sqlite'}"))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        reply = client.get("/readyz")
        assert reply.status_code == 503
        assert "does not exist" in reply.json()["error"]["message"]


def test_index_and_store_write_crash_recovers_on_retry(server: Server, monkeypatch: Any) -> None:
    """A crash after the store write and before the index: the retry completes it, once."""
    from algoprint.server.db import ServerDB

    run = make_run(run_id="crashy")
    real_write = ServerDB.write
    calls = {"n": 0}

    def crash_once(self: Any, action: Any, doing: str) -> Any:
        if doing.startswith("indexing") and calls["n"] == 0:
            calls["n"] += 1
            from algoprint.errors import StoreError

            raise StoreError("connection lost")
        return real_write(self, action, doing)

    monkeypatch.setattr(ServerDB, "write", crash_once)
    assert _post(server, run).status_code == 503
    assert _post(server, run).json()["results"]["crashy"] == "created"
    monkeypatch.undo()
    assert _post(server, run).json()["results"]["crashy"] == "unchanged"
    totals = server.client.get("/api/v1/organisation", headers=server.a.auth("read")).json()
    assert totals["totals"]["runs"] == 1


def test_rate_limit_answers_429_with_retry_after(tmp_path: Any) -> None:
    srv = build_server(f"sqlite:///{tmp_path / 's.sqlite'}", ingest_rate_per_min=2)
    with srv.client:
        codes = [
            srv.client.post("/api/v1/runs", json=make_run(), headers=srv.a.auth("ingest"))
            for _ in range(3)
        ]
        assert [c.status_code for c in codes] == [200, 200, 429]
        assert int(codes[2].headers["retry-after"]) >= 1
