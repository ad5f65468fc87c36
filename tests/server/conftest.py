"""Fixtures for the server core: an app on a temporary database with two organisations,
tokens of every scope in each, and a run document factory."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

pytest.importorskip("fastapi")


def make_run(
    *,
    run_id: str | None = None,
    algorithm: str | None = "fraude-risico",
    phase: str | None = "training",
    status: str = "completed",
    energy_j: float | None = 3600.0,
    started: datetime | None = None,
    duration_s: float = 60.0,
    hostname: str | None = None,
    checkpoint: datetime | None = None,
    scope: str = "machine",
    host_key: str | None = None,
) -> dict[str, Any]:
    """A valid run document (docs/run-schema.md). Each run is on its own host unless
    ``hostname`` (or ``host_key``) says otherwise, so runs at the same time do not overlap
    on one machine (the server counts overlapping machine-scope runs once)."""
    start = started or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    end = start + timedelta(seconds=duration_s)
    doc: dict[str, Any] = {
        "run_id": run_id or uuid.uuid4().hex,
        "algorithm": algorithm,
        "phase": phase,
        "status": status,
        "started_at": start.isoformat(),
        "ended_at": None if status == "running" else end.isoformat(),
        "scope": scope,
        "duration_s": duration_s,
        "energy_j": energy_j,
        "measured_energy_j": energy_j or 0.0,
        "components": [
            {
                "domain": "cpu",
                "device": "package-0",
                "energy_j": energy_j,
                "method": "counter",
                "uncertainty_rel": 0.05,
            }
        ],
        "host": {
            "hostname": hostname or f"node-{uuid.uuid4().hex[:8]}",
            **({"host_key": host_key} if host_key else {}),
        },
        "checkpoint_at": (checkpoint or end).isoformat(),
    }
    return doc


@dataclass
class Org:
    """An organisation with one token per scope."""

    slug: str
    id: int
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, scope: str) -> dict[str, str]:
        """The Authorization header of the ``scope`` token."""
        return {"Authorization": f"Bearer {self.tokens[scope]}"}


@dataclass
class Server:
    """A server app with organisations ``a`` and ``b``."""

    app: Any
    client: Any
    a: Org
    b: Org

    @property
    def ctx(self) -> Any:
        return self.app.state.ctx


def drop_org_schemas(url: str) -> None:
    """Drop ``algoprint_org_*`` schemas (the suite's reset empties only ``public``)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        names = conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'algoprint_org_%'")
        ).scalars()
        for name in list(names):
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    engine.dispose()


def build_server(db_url: str, **settings: Any) -> Server:
    """An app on ``db_url`` with organisations ``a`` and ``b`` and their tokens."""
    from fastapi.testclient import TestClient

    from algoprint.server import create_app
    from algoprint.server.accounts import create_org, create_token
    from algoprint.server.settings import ServerSettings

    app = create_app(ServerSettings(db=db_url, secure_cookies=False, **settings))
    db = app.state.ctx.db.open()
    orgs = []
    for slug in ("org-a", "org-b"):
        org = create_org(db, slug)
        tokens = {scope: create_token(db, org, scope) for scope in ("ingest", "read", "admin")}
        orgs.append(Org(slug, org.id, tokens))
    client = TestClient(app, raise_server_exceptions=False)
    return Server(app, client, orgs[0], orgs[1])


@pytest.fixture
def server(tmp_path: Any) -> Iterator[Server]:
    """A server on a SQLite file with organisations ``a`` and ``b``."""
    srv = build_server(f"sqlite:///{tmp_path / 'server.sqlite'}")
    with srv.client:
        yield srv
