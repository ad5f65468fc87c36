"""The server counts the machine once (issue 18, "Counting twice"): overlapping machine-scope
runs on one host split the overlap pro rata by time, process-scope runs inside a
machine-scope run are taken off it, and the aggregates stay incremental and idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.server.conftest import Server, build_server, drop_org_schemas, make_run

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _post(server: Server, runs: list[dict[str, Any]]) -> dict[str, int]:
    reply = server.client.post("/api/v1/runs", json=runs, headers=server.a.auth("ingest"))
    assert reply.status_code == 200, reply.text
    return dict(reply.json()["counts"])


def _totals(server: Server) -> dict[str, Any]:
    reply = server.client.get("/api/v1/organisation", headers=server.a.auth("read"))
    assert reply.status_code == 200, reply.text
    return dict(reply.json()["totals"])


def _per_algorithm(server: Server) -> dict[str, float]:
    from algoprint.server.aggregates import top_algorithms

    org = _org(server)
    return {alg: t.energy_j for alg, t in top_algorithms(server.ctx, org, limit=100)}


def _org(server: Server) -> Any:
    from algoprint.server.accounts import Organisation

    return Organisation(id=server.a.id, slug=server.a.slug, name=server.a.slug)


def _pair() -> list[dict[str, Any]]:
    # 0-100 s and 50-150 s on one machine, 1,000 J each: 50 s shared.
    return [
        make_run(
            run_id="m-a",
            algorithm="alpha",
            energy_j=1000.0,
            hostname="gpu-1",
            started=T0,
            duration_s=100.0,
        ),
        make_run(
            run_id="m-b",
            algorithm="beta",
            energy_j=1000.0,
            hostname="gpu-1",
            started=T0 + timedelta(seconds=50),
            duration_s=100.0,
        ),
    ]


@pytest.mark.parametrize("order", ["together", "a-then-b", "b-then-a"])
def test_overlapping_machine_runs_split_in_any_order(server: Server, order: str) -> None:
    a, b = _pair()
    if order == "together":
        assert _post(server, [a, b]) == {"created": 2}
    else:
        first, second = (a, b) if order == "a-then-b" else (b, a)
        _post(server, [first])
        assert _totals(server)["energy_j"] == pytest.approx(1000.0)  # alone: in full
        _post(server, [second])
    # each run is 75 % its own: 50 s alone + 50 s / 2 of 100 s
    assert _totals(server)["energy_j"] == pytest.approx(1500.0)
    assert _per_algorithm(server) == pytest.approx({"alpha": 750.0, "beta": 750.0})
    # the runs list keeps every run's own figure (as `algoprint show`)
    item = server.client.get("/api/v1/runs/m-a", headers=server.a.auth("read")).json()
    assert item["energy_j"] == pytest.approx(1000.0)


def test_full_overlap_counts_the_machine_once(server: Server) -> None:
    runs = [
        make_run(energy_j=600.0, hostname="gpu-1", started=T0, duration_s=60.0) for _ in range(2)
    ]
    _post(server, runs)
    assert _totals(server)["energy_j"] == pytest.approx(600.0)
    assert _totals(server)["runs"] == 2


def test_nested_process_run_is_not_doubled(server: Server) -> None:
    machine = make_run(
        run_id="m",
        algorithm="alpha",
        energy_j=1000.0,
        hostname="gpu-1",
        started=T0,
        duration_s=100.0,
    )
    inner = make_run(
        run_id="p",
        algorithm="beta",
        energy_j=100.0,
        hostname="gpu-1",
        scope="process",
        started=T0 + timedelta(seconds=20),
        duration_s=10.0,
    )
    _post(server, [machine])
    _post(server, [inner])  # arrives later: the machine run gives up the nested 100 J
    assert _totals(server)["energy_j"] == pytest.approx(1000.0)
    assert _per_algorithm(server) == pytest.approx({"alpha": 900.0, "beta": 100.0})


def test_containers_with_one_host_key_are_split(server: Server) -> None:
    runs = [
        make_run(energy_j=500.0, hostname=name, host_key="boot-1", started=T0, duration_s=50.0)
        for name in ("container-a", "container-b")
    ]
    _post(server, runs)
    assert _totals(server)["energy_j"] == pytest.approx(500.0)


def test_different_hosts_are_untouched(server: Server) -> None:
    runs = [
        make_run(energy_j=500.0, hostname="node-a", started=T0, duration_s=50.0),
        make_run(energy_j=500.0, hostname="node-b", started=T0, duration_s=50.0),
        make_run(energy_j=500.0, hostname="node-c", host_key="boot-x", started=T0, duration_s=50.0),
        make_run(energy_j=500.0, hostname="node-c", host_key="boot-y", started=T0, duration_s=50.0),
    ]
    _post(server, runs)
    assert _totals(server)["energy_j"] == pytest.approx(2000.0)


def test_reingest_is_idempotent(server: Server) -> None:
    runs = _pair()
    _post(server, runs)
    before = _totals(server)
    assert _post(server, runs) == {"unchanged": 2}
    assert _post(server, runs[::-1]) == {"unchanged": 2}
    assert _totals(server) == before


def test_checkpoint_of_a_running_run_moves_only_the_difference(server: Server) -> None:
    done = make_run(run_id="done", energy_j=1000.0, hostname="gpu-1", started=T0, duration_s=100.0)
    early = make_run(
        run_id="live",
        status="running",
        energy_j=100.0,
        hostname="gpu-1",
        started=T0 + timedelta(seconds=90),
        duration_s=10.0,
        checkpoint=T0 + timedelta(seconds=100),
    )
    later = make_run(
        run_id="live",
        status="running",
        energy_j=400.0,
        hostname="gpu-1",
        started=T0 + timedelta(seconds=90),
        duration_s=40.0,
        checkpoint=T0 + timedelta(seconds=130),
    )
    _post(server, [done, early])
    # 10 s shared by both: done 95 % of 1,000 J, live 50 % of 100 J
    assert _totals(server)["energy_j"] == pytest.approx(950.0 + 50.0)
    assert _post(server, [later]) == {"updated": 1}
    # still 10 s shared: live (40 s) counts (30 + 5) / 40 of 400 J
    assert _totals(server)["energy_j"] == pytest.approx(950.0 + 350.0)
    assert _post(server, [early]) == {"stale": 1}
    assert _totals(server)["energy_j"] == pytest.approx(950.0 + 350.0)


def test_a_chain_of_overlaps_uses_every_neighbour(server: Server) -> None:
    # a 0-100, b 50-150, c 120-220 (1,000 J each): c arriving last changes b, not a
    a, b = _pair()
    c = make_run(
        run_id="m-c",
        algorithm="gamma",
        energy_j=1000.0,
        hostname="gpu-1",
        started=T0 + timedelta(seconds=120),
        duration_s=100.0,
    )
    _post(server, [a, b])
    _post(server, [c])
    # pieces: 0-50 a; 50-100 a+b; 100-120 b; 120-150 b+c; 150-220 c (10 W each)
    expected_b = (25.0 + 20.0 + 15.0) / 100.0 * 1000.0
    expected_c = (15.0 + 70.0) / 100.0 * 1000.0
    per_alg = _per_algorithm(server)
    assert per_alg == pytest.approx({"alpha": 750.0, "beta": expected_b, "gamma": expected_c})
    # the machine ran 0-220 s: what is counted is each second once
    assert _totals(server)["energy_j"] == pytest.approx(750.0 + expected_b + expected_c)


def test_totals_equal_the_local_report(server: Server, tmp_path: Path) -> None:
    from algoprint.report import build_report
    from algoprint.store import open_store
    from algoprint.tracking.record import RunRecord

    a, b = _pair()
    inner = make_run(
        algorithm="beta",
        energy_j=80.0,
        hostname="gpu-1",
        scope="process",
        started=T0 + timedelta(seconds=10),
        duration_s=20.0,
    )
    boxes = [
        make_run(energy_j=300.0, hostname=h, host_key="boot-7", started=T0, duration_s=30.0)
        for h in ("box-1", "box-2")
    ]
    # a process-scope run as the tracker writes it (attributed, with its uncertainty)
    inner.update(process_energy_j=80.0, uncertainty_rel=0.1)
    lone = make_run(energy_j=250.0, started=T0, duration_s=30.0)
    runs = [a, b, inner, *boxes, lone]
    for run in runs:
        _post(server, [run])
    store = open_store(str(tmp_path / "local.sqlite"))
    store.save_runs([RunRecord.from_dict(r) for r in runs])
    local = build_report(store, now=T0 + timedelta(days=1))
    figure = local.footprint.totals["energy_it_j"]
    assert figure.value == pytest.approx(1500.0 + 80.0 - 80.0 + 300.0 + 250.0)
    assert _totals(server)["energy_j"] == pytest.approx(figure.value)


def test_rows_record_what_is_counted(server: Server) -> None:
    from algoprint.server._schema import run_index

    _post(server, _pair())
    rows = server.ctx.db.read(
        lambda c: {r.run_id: r for r in c.execute(select(run_index))}, "reading"
    )
    assert rows["m-a"].counted_j == pytest.approx(750.0)
    assert rows["m-a"].energy_j == pytest.approx(1000.0)
    assert rows["m-a"].host_key == "gpu-1" and rows["m-a"].scope == "machine"


@pytest.mark.postgres
def test_counting_once_on_postgresql(postgres_url: str) -> None:
    pytest.importorskip("psycopg")
    drop_org_schemas(postgres_url)
    srv = build_server(postgres_url)
    with srv.client:
        a, b = _pair()
        _post(srv, [b])
        _post(srv, [a])
        inner = make_run(
            energy_j=100.0,
            hostname="gpu-1",
            scope="process",
            started=T0 + timedelta(seconds=10),
            duration_s=10.0,
        )
        _post(srv, [inner])
        assert _post(srv, [a, b, inner]) == {"unchanged": 3}
        assert _totals(srv)["energy_j"] == pytest.approx(1500.0)
    drop_org_schemas(postgres_url)


def test_migration_s0003_keeps_existing_rows(tmp_path: Path) -> None:
    _check_migration(f"sqlite:///{tmp_path / 'server.sqlite'}")


@pytest.mark.postgres
def test_migration_s0003_on_postgresql(postgres_url: str) -> None:
    pytest.importorskip("psycopg")
    drop_org_schemas(postgres_url)
    _check_migration(postgres_url)
    drop_org_schemas(postgres_url)


def _check_migration(url: str) -> None:
    from sqlalchemy import create_engine, text

    srv = build_server(url)
    with srv.client:
        _post(srv, [make_run(run_id="old", energy_j=700.0, hostname="gpu-1")])
    srv.ctx.db.close()
    # the database as s0002 left it: no host_key, scope, counted_j
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_run_index_host"))
        for column in ("counted_j", "scope", "host_key"):
            conn.execute(text(f"ALTER TABLE run_index DROP COLUMN {column}"))
        conn.execute(text("UPDATE algoprint_server_alembic_version SET version_num = 's0002'"))
    engine.dispose()
    from algoprint.server._schema import run_index
    from algoprint.server.db import ServerDB

    db = ServerDB(url).open()  # migrates
    try:
        row = db.read(
            lambda c: c.execute(select(run_index).where(run_index.c.run_id == "old")).one(),
            "reading",
        )
        version = db.read(
            lambda c: list(
                c.execute(text("SELECT version_num FROM algoprint_server_alembic_version"))
            ),
            "reading",
        )
    finally:
        db.close()
    assert (row.counted_j, row.host_key, row.scope) == (700.0, "gpu-1", None)
    assert [v[0] for v in version] == ["s0003"]


@pytest.mark.postgres
def test_two_server_processes_ingesting_at_once(postgres_url: str) -> None:
    """Two apps (as two server processes: each has its own per-organisation lock) ingest
    overlapping runs of one host at the same time; the total is the machine counted once."""
    pytest.importorskip("psycopg")
    import threading

    from fastapi.testclient import TestClient

    from algoprint.server import create_app
    from algoprint.server.settings import ServerSettings
    from algoprint.store import overlap_shares
    from algoprint.store._overlap import Interval

    drop_org_schemas(postgres_url)
    srv = build_server(postgres_url)
    other = create_app(ServerSettings(db=postgres_url, secure_cookies=False))
    runs = [
        make_run(energy_j=100.0 + i, hostname="gpu-1", duration_s=30.0 + i % 7,
                 started=T0 + timedelta(seconds=7 * i),
                 scope="process" if i % 5 == 0 else "machine")
        for i in range(40)
    ]  # fmt: skip
    errors: list[str] = []

    def send(client: Any, part: list[dict[str, Any]]) -> None:
        for run in part:
            reply = client.post("/api/v1/runs", json=run, headers=srv.a.auth("ingest"))
            if reply.status_code != 200:
                errors.append(reply.text)

    with srv.client, TestClient(other) as second:
        # one request each first: the apps build their routes' models before the race
        send(srv.client, runs[:1])
        send(second, runs[1:2])
        threads = [
            threading.Thread(target=send, args=(srv.client, runs[2::2])),
            threading.Thread(target=send, args=(second, runs[3::2])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        shares = overlap_shares(
            Interval(
                r["run_id"],
                "gpu-1",
                (start := datetime.fromisoformat(r["started_at"]).timestamp()),
                start + r["duration_s"],
                scope=r["scope"],
                energy_j=r["energy_j"],
            )
            for r in runs
        )
        expected = sum(
            r["energy_j"] * (shares[r["run_id"]].share if r["run_id"] in shares else 1.0)
            for r in runs
        )
        assert expected < sum(r["energy_j"] for r in runs)  # the runs do overlap
        assert _totals(srv)["energy_j"] == pytest.approx(expected)
    other.state.ctx.close()
    drop_org_schemas(postgres_url)
