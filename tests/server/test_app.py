"""The app around the API: health, metrics, security headers, size limit, forwarded headers
and a path prefix behind a reverse proxy, CSRF, login links, budgets with alerts and the
webhook, and settings validation."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from fastapi import Request

from algoprint.errors import ConfigError
from tests.server.conftest import Server, build_server, make_run


def test_metrics_count_runs_energy_co2e_and_running_power(server: Server) -> None:
    c, a = server.client, server.a
    c.post(
        "/api/v1/runs", json=make_run(algorithm="alg-m", energy_j=7200.0), headers=a.auth("ingest")
    )
    running = make_run(algorithm="alg-m", status="running", energy_j=600.0, duration_s=60.0)
    c.post("/api/v1/runs", json=running, headers=a.auth("ingest"))
    text = c.get("/metrics").text
    assert 'algoprint_runs_ingested_total{org="org-a"} 2.0' in text
    assert (
        'algoprint_energy_joules_total{algorithm="alg-m",org="org-a",phase="training"} 7200.0'
        in text
    )
    assert 'algoprint_co2e_grams_total{algorithm="alg-m",org="org-a",phase="training"}' in text
    assert 'algoprint_running_power_watts{algorithm="alg-m",org="org-a"} 10.0' in text


def test_security_headers_and_csp_without_inline_script(server: Server) -> None:
    reply = server.client.get("/healthz")
    csp = reply.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["x-frame-options"] == "DENY"


def test_chunked_bodies_over_the_limit_are_413(tmp_path: Any) -> None:
    srv = build_server(f"sqlite:///{tmp_path / 's.sqlite'}", max_body_bytes=1000)
    with srv.client:

        def chunks() -> Any:
            for _ in range(10):
                yield b" " * 200

        reply = srv.client.post(
            "/api/v1/runs",
            content=chunks(),
            headers={**srv.a.auth("ingest"), "Content-Type": "application/json"},
        )
        assert reply.status_code == 413


def test_forwarded_headers_and_path_prefix(tmp_path: Any) -> None:
    """Behind a proxy that strips /algoprint and sends X-Forwarded-*: links, cookies and the
    OpenAPI server carry the prefix and the original scheme and host."""
    srv = build_server(
        f"sqlite:///{tmp_path / 's.sqlite'}", root_path="/algoprint", forwarded_allow_ips="*"
    )
    from algoprint.server.accounts import create_login_link, create_user, get_org, set_membership

    db = srv.ctx.db
    org = get_org(db, "org-a")
    user = create_user(db, "admin@example.nl")
    set_membership(db, user, org, "admin")
    secret = create_login_link(db, user, org)
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "203.0.113.9",
        "X-Forwarded-Host": "algoprint.example.nl",
    }
    with srv.client:
        reply = srv.client.get(
            f"/auth/link?token={secret}", headers=headers, follow_redirects=False
        )
        assert reply.status_code == 303
        assert reply.headers["location"] == "/algoprint/"
        cookie = reply.headers["set-cookie"]
        assert "Path=/algoprint" in cookie and "HttpOnly" in cookie
        assert "strict-transport-security" in reply.headers  # the proxy said https
        spec = srv.client.get("/api/v1/openapi.json").json()
        assert spec["servers"] == [{"url": "/algoprint"}]
        again = srv.client.get(f"/auth/link?token={secret}", headers=headers)
        assert again.status_code == 401 and "used or expired" in again.text
        plain = srv.client.get("/healthz")
        assert "strict-transport-security" not in plain.headers


def test_untrusted_proxies_are_ignored(server: Server) -> None:
    reply = server.client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in reply.headers


def _form_page(request: Request) -> dict[str, str]:
    from algoprint.server.auth import csrf_token

    return {"token": csrf_token(request)}


def _form_submit() -> dict[str, str]:
    return {"ok": "yes"}


def test_csrf_double_submit(server: Server) -> None:
    from fastapi import Depends

    from algoprint.server.auth import verify_csrf

    server.app.add_api_route("/t/form", _form_page)
    server.app.add_api_route(
        "/t/form", _form_submit, methods=["POST"], dependencies=[Depends(verify_csrf)]
    )
    page = server.client.get("/t/form")
    token = page.json()["token"]
    assert "algoprint_csrf" in page.headers["set-cookie"]
    assert server.client.post("/t/form", data={"csrf_token": token}).json() == {"ok": "yes"}
    assert server.client.post("/t/form", headers={"X-CSRF-Token": token}).status_code == 200
    assert server.client.post("/t/form", data={"csrf_token": "forged"}).status_code == 403
    server.client.cookies.clear()
    assert server.client.post("/t/form", data={"csrf_token": token}).status_code == 403


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        return


def test_budget_alerts_once_per_period_and_webhook(tmp_path: Any) -> None:
    hook = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=hook.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
    srv = build_server(f"sqlite:///{tmp_path / 's.sqlite'}", webhook_url=url)
    try:
        with srv.client:
            c, a = srv.client, srv.a
            made = c.post(
                "/api/v1/budgets",
                json={
                    "algorithm": "alg-b",
                    "metric": "energy_j",
                    "period": "month",
                    "limit": 5000.0,
                },
                headers=a.auth("admin"),
            )
            assert made.status_code == 201
            dup = c.post(
                "/api/v1/budgets",
                json={"algorithm": "alg-b", "metric": "energy_j", "period": "month", "limit": 1.0},
                headers=a.auth("admin"),
            )
            assert dup.status_code == 422
            c.post(
                "/api/v1/runs",
                json=make_run(algorithm="alg-b", energy_j=4000.0),
                headers=a.auth("ingest"),
            )
            assert c.get("/api/v1/alerts", headers=a.auth("read")).json()["items"] == []
            for _ in range(2):
                c.post(
                    "/api/v1/runs",
                    json=make_run(algorithm="alg-b", energy_j=4000.0),
                    headers=a.auth("ingest"),
                )
            alerts = c.get("/api/v1/alerts", headers=a.auth("read")).json()["items"]
            assert len(alerts) == 1
            assert alerts[0]["period_start"] == "2026-03" and alerts[0]["value"] == 12000.0
            import time

            for _ in range(50):
                if _Hook.received:
                    break
                time.sleep(0.1)
            assert _Hook.received[0]["algorithm"] == "alg-b"
            assert _Hook.received[0]["limit"] == 5000.0
            assert c.get("/api/v1/alerts", headers=srv.b.auth("read")).json()["items"] == []
    finally:
        hook.shutdown()
        hook.server_close()


def test_aggregates_move_when_an_algorithm_gets_a_location(server: Server) -> None:
    c, a = server.client, server.a
    c.post(
        "/api/v1/runs",
        json=make_run(algorithm="verhuisd", energy_j=3.6e6),
        headers=a.auth("ingest"),
    )
    before = c.get("/api/v1/organisation", headers=a.auth("read")).json()["totals"]["co2e_g"]
    reply = c.post(
        "/api/v1/algorithms",
        json={"slug": "verhuisd", "name": "V", "zone": "FR"},
        headers=a.auth("admin"),
    )
    assert reply.status_code == 201, reply.text
    after = c.get("/api/v1/organisation", headers=a.auth("read")).json()["totals"]
    assert after["runs"] == 1 and after["energy_j"] == 3.6e6
    assert after["co2e_g"] < before  # the French grid is cleaner than the Dutch default
    moved = c.patch("/api/v1/algorithms/verhuisd", json={"zone": "PL"}, headers=a.auth("admin"))
    assert moved.status_code == 200, moved.text
    polish = c.get("/api/v1/organisation", headers=a.auth("read")).json()["totals"]
    assert polish["runs"] == 1 and polish["co2e_g"] > before  # Poland's grid: more coal
    wrong = c.patch("/api/v1/algorithms/verhuisd", json={"zone": "XX"}, headers=a.auth("admin"))
    assert wrong.status_code == 422


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ({"port": 0}, "port must be a whole number from 1 to 65535, got 0"),
        ({"host": "example.org"}, "not an IP address"),
        ({"root_path": "algoprint/"}, "root_path"),
        ({"secret_key": "short"}, "shorter than 32"),
        ({"webhook_url": "http://example.org/h"}, "not HTTPS"),
        ({"max_body_bytes": 0}, "max_body_bytes"),
    ],
)
def test_settings_are_validated(values: dict[str, Any], needle: str) -> None:
    from algoprint.server.settings import ServerSettings

    with pytest.raises(ConfigError, match=needle):
        ServerSettings(db="sqlite://", **values)


def test_settings_from_the_environment() -> None:
    from algoprint.server.settings import server_settings

    env = {"ALGOPRINT_SERVE_PORT": "9000", "ALGOPRINT_SERVE_STRICT_ALGORITHMS": "yes"}
    s = server_settings({"db": "sqlite://"}, env=env)
    assert s.port == 9000 and s.strict_algorithms
    with pytest.raises(ConfigError, match="unknown environment variable ALGOPRINT_SERVE_PROT"):
        server_settings({"db": "sqlite://"}, env={"ALGOPRINT_SERVE_PROT": "1"})
    with pytest.raises(ConfigError, match="half configured"):
        server_settings({"db": "sqlite://"}, env={"ALGOPRINT_SERVE_OIDC_ISSUER": "https://x"})
    with pytest.raises(ConfigError, match="true or false"):
        server_settings({"db": "sqlite://"}, env={"ALGOPRINT_SERVE_SECURE_COOKIES": "maybe"})


def test_oidc_login_is_404_when_not_configured(server: Server) -> None:
    reply = server.client.get("/auth/oidc/login")
    assert reply.status_code == 404


def test_changed_factor_sets_are_recomputed(server: Server) -> None:
    """A factor set whose tables changed (simulated by a wrong stored factor) is recomputed,
    and the views follow without touching a run."""
    from sqlalchemy import update

    from algoprint.server._schema import factor_sets
    from algoprint.server.factors import refresh_factor_sets

    c, a = server.client, server.a
    c.post("/api/v1/runs", json=make_run(energy_j=3.6e6), headers=a.auth("ingest"))
    right = c.get("/api/v1/organisation", headers=a.auth("read")).json()["totals"]["co2e_g"]
    server.ctx.db.write(
        lambda conn: conn.execute(update(factor_sets).values(co2e_g_per_j=1.0)), "corrupt"
    )
    wrong = c.get("/api/v1/organisation", headers=a.auth("read")).json()["totals"]["co2e_g"]
    assert wrong == 3.6e6
    assert refresh_factor_sets(server.ctx.db) == 1
    again = c.get("/api/v1/organisation", headers=a.auth("read")).json()["totals"]["co2e_g"]
    assert again == pytest.approx(right)
    assert refresh_factor_sets(server.ctx.db) == 0
