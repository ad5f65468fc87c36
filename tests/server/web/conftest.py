"""Fixtures for the dashboard: a real server app on a temporary SQLite database with one
organisation, a person per role, an ingest token, two registered algorithms and uploaded
runs (through the REST API, like a tracker)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

PASSWORD = "een-lang-wachtwoord-2026"
ROLES = ("admin", "projectleider", "beleid-en-advies", "ontwikkelaar")


@dataclass
class Site:
    """A server app with data: ``emails[role]`` log in with :data:`PASSWORD`."""

    app: Any
    token: str
    emails: dict[str, str] = field(default_factory=dict)
    run_ids: list[str] = field(default_factory=list)

    def client(self, role: str | None = None, lang: str | None = None) -> Any:
        """A test client, logged in as ``role`` when given (``lang``: the language cookie)."""
        from fastapi.testclient import TestClient

        client = TestClient(self.app, follow_redirects=False)
        if lang:
            client.cookies.set("algoprint_lang", lang)
        if role is not None:
            page = client.get("/login")
            token = csrf_of(page.text)
            reply = client.post(
                "/login",
                data={"email": self.emails[role], "password": PASSWORD, "csrf_token": token},
            )
            assert reply.status_code == 303, reply.text
        return client

    def upload(self, runs: list[Any]) -> Any:
        """POST runs to the API with the ingest token (as a tracker does)."""
        from fastapi.testclient import TestClient

        with TestClient(self.app) as api:
            reply = api.post(
                "/api/v1/runs",
                json=[r.to_dict() for r in runs],
                headers={"Authorization": f"Bearer {self.token}"},
            )
        assert reply.status_code in (200, 201), reply.text
        return reply


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sample_runs(count: int = 24, seed: int = 3) -> list[Any]:
    """Runs of two algorithms over three months: training and inference."""
    from algoprint.report.sample import sample_run

    rng = random.Random(seed)
    start = datetime(2026, 7, 1, tzinfo=UTC)
    from algoprint.tracking.record import PhaseRecord

    runs = []
    for i in range(count):
        algorithm = "fraude-risico" if i % 3 else "chatbot"
        phase = "training" if i % 4 == 0 else "inference"
        runs.append(
            sample_run(
                rng,
                algorithm=algorithm,
                phase=phase,
                started=start + timedelta(days=4 * i, hours=i),
                gpu=phase == "training",
            )
        )
        run = runs[-1]
        if phase == "training" and run.energy_j is not None:
            # two phase windows, so the run page has a timeline to draw
            start_at = datetime.fromisoformat(run.started_at)
            half = run.duration_s / 2
            run.phases = [
                PhaseRecord(
                    name=name,
                    started_at=(start_at + timedelta(seconds=half * k)).isoformat(),
                    ended_at=(start_at + timedelta(seconds=half * (k + 1))).isoformat(),
                    duration_s=half,
                    energy_j=run.energy_j * share,
                    machine_energy_j=run.energy_j * share,
                    process_energy_j=None,
                )
                for k, (name, share) in enumerate((("data-laden", 0.2), ("training", 0.8)))
            ]
    return runs


def build_site(tmp_path: Path) -> Site:
    """The app with its organisation, people, token, register and runs."""
    from algoprint.kader.register import Algorithm, add_algorithm
    from algoprint.server.accounts import (
        create_org,
        create_token,
        create_user,
        set_membership,
    )
    from algoprint.server.app import create_app
    from algoprint.server.settings import server_settings

    settings = server_settings(
        {"db": str(tmp_path / "server.sqlite"), "secure_cookies": False}, env={}
    )
    app = create_app(settings)
    ctx = app.state.ctx
    org = create_org(ctx.db, "gemeente-voorbeeld", "Gemeente Voorbeeld")
    site = Site(app=app, token=create_token(ctx.db, org, "ingest", name="tests"))
    for role in ROLES:
        email = f"{role}@voorbeeld.nl"
        user_id = create_user(ctx.db, email, name=role.title(), password=PASSWORD)
        set_membership(ctx.db, user_id, org, role)
        site.emails[role] = email
    store = ctx.stores.get(org.id)
    add_algorithm(
        store,
        Algorithm(
            slug="fraude-risico",
            name="Fraude-risicomodel",
            organisation="Gemeente Voorbeeld",
            zone="NL",
            contract="groen-gvo",
            functional_unit="voorspelling",
        ),
    )
    add_algorithm(
        store,
        Algorithm(slug="chatbot", name="Vraagbaak-chatbot", cloud="gcp", region="europe-west4"),
    )
    runs = sample_runs()
    site.upload(runs)
    site.run_ids = [r.run_id for r in runs]
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One site per test module (tests that change data use their own)."""
    built = build_site(tmp_path_factory.mktemp("site"))
    yield built
    built.app.state.ctx.close()


@dataclass
class Live:
    """A site served by uvicorn on a loopback port."""

    site: Site
    url: str


def serve(app: Any) -> tuple[Any, Any, str]:
    """Start uvicorn for ``app`` on 127.0.0.1 (free port) in a thread: ``(server, thread, url)``."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The site behind a real uvicorn server on loopback (browser tests)."""
    built = build_site(tmp_path_factory.mktemp("live"))
    server, thread, url = serve(built.app)
    yield Live(site=built, url=url)
    server.should_exit = True
    thread.join(timeout=10)
    built.app.state.ctx.close()
