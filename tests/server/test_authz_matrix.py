"""Authorisation matrix: every API endpoint × token scope × organisation, and every role of a
web session. Zero cross-organisation reads or writes: organisation B's tokens, whatever their
scope, never see or change organisation A's runs, algorithms, measures, budgets or tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.server.conftest import Server, make_run

SECRET_ALG = "alg-van-a"
SECRET_RUN = "run-van-a-0001"

# (method, path template) -> the action it needs; a new endpoint must be listed here.
ACTIONS: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/runs"): "ingest",
    ("GET", "/api/v1/runs"): "read",
    ("GET", "/api/v1/runs/{run_id}"): "read",
    ("GET", "/api/v1/algorithms"): "read",
    ("POST", "/api/v1/algorithms"): "edit",
    ("GET", "/api/v1/algorithms/{slug}"): "read",
    ("PATCH", "/api/v1/algorithms/{slug}"): "edit",
    ("GET", "/api/v1/algorithms/{slug}/series"): "read",
    ("GET", "/api/v1/algorithms/{slug}/assessments"): "read",
    ("PUT", "/api/v1/algorithms/{slug}/assessments/{measure}"): "edit",
    ("GET", "/api/v1/algorithms/{slug}/assessments/{measure}/history"): "read",
    ("GET", "/api/v1/analyses"): "read",
    ("GET", "/api/v1/analyses/{analysis_id}"): "read",
    ("GET", "/api/v1/reports"): "read",
    ("GET", "/api/v1/exports/{kind}"): "read",
    ("GET", "/api/v1/organisation"): "read",
    ("GET", "/api/v1/budgets"): "read",
    ("POST", "/api/v1/budgets"): "edit",
    ("DELETE", "/api/v1/budgets/{budget_id}"): "edit",
    ("GET", "/api/v1/alerts"): "read",
    ("GET", "/api/v1/tokens"): "admin",
    ("POST", "/api/v1/tokens"): "admin",
    ("DELETE", "/api/v1/tokens/{token_id}"): "admin",
    ("POST", "/api/v1/users"): "admin",
    ("POST", "/api/v1/teams"): "admin",
}
SCOPE_ACTIONS = {
    "ingest": {"ingest"},
    "read": {"read"},
    "admin": {"read", "ingest", "edit", "admin"},
}


@pytest.fixture
def world(server: Server) -> dict[str, Any]:
    """Organisation A with a run, an algorithm, an assessment, a budget, an alert, an analysis
    and an extra token; organisation B empty."""
    from algoprint.records import AnalysisRecord
    from algoprint.server.accounts import get_org, list_tokens

    c, a = server.client, server.a
    assert (
        c.post(
            "/api/v1/algorithms",
            json={"slug": SECRET_ALG, "name": "Geheim"},
            headers=a.auth("admin"),
        ).status_code
        == 201
    )
    run = make_run(run_id=SECRET_RUN, algorithm=SECRET_ALG, energy_j=5e6)
    assert c.post("/api/v1/runs", json=run, headers=a.auth("ingest")).status_code == 200
    assert (
        c.put(
            f"/api/v1/algorithms/{SECRET_ALG}/assessments/mon-06",
            json={"state": "in-uitvoering", "note": "notitie-van-a"},
            headers=a.auth("admin"),
        ).status_code
        == 200
    ), "assessment"
    budget = c.post(
        "/api/v1/budgets",
        json={"algorithm": SECRET_ALG, "metric": "energy_j", "period": "month", "limit": 1.0},
        headers=a.auth("admin"),
    )
    assert budget.status_code == 201
    assert (
        c.post(
            "/api/v1/runs",
            json=make_run(algorithm=SECRET_ALG, energy_j=10.0),
            headers=a.auth("ingest"),
        ).status_code
        == 200
    )
    assert c.get("/api/v1/alerts", headers=a.auth("read")).json()["items"], "an alert was raised"
    store = server.ctx.stores.get(a.id)
    analysis = (
        AnalysisRecord.from_dict(
            {
                "analysis_id": "analyse-van-a",
                "kind": "simplicity",
                "algorithm": SECRET_ALG,
                "created_at": "2026-03-02T10:00:00+00:00",
                "title": "t",
                "result": {},
                "summary_nl": "s",
                "summary_en": "s",
                "own_energy_j": None,
                "run_ids": [],
            }
        )
        if hasattr(AnalysisRecord, "from_dict")
        else None
    )
    if analysis is not None:
        store.save_analysis(analysis)
    org = get_org(server.ctx.db, "org-a")
    return {
        "run_id": SECRET_RUN,
        "slug": SECRET_ALG,
        "measure": "mon-06",
        "analysis_id": "analyse-van-a",
        "budget_id": budget.json()["id"],
        "token_id": list_tokens(server.ctx.db, org)[0].id,
        "kind": "runs.csv",
    }


def _bodies(world: dict[str, Any]) -> dict[tuple[str, str], Any]:
    return {
        ("POST", "/api/v1/runs"): make_run(),
        ("POST", "/api/v1/algorithms"): {"slug": "nieuw-alg", "name": "Nieuw"},
        ("PUT", "/api/v1/algorithms/{slug}/assessments/{measure}"): {"note": "overschreven"},
        ("PATCH", "/api/v1/algorithms/{slug}"): {"description": "overschreven"},
        ("POST", "/api/v1/budgets"): {
            "algorithm": world["slug"],
            "metric": "co2e_g",
            "period": "year",
            "limit": 5.0,
        },
        ("POST", "/api/v1/tokens"): {"scope": "read"},
        ("POST", "/api/v1/users"): {"email": "x@example.nl", "role": "ontwikkelaar"},
    }


def _routes(server: Server) -> list[tuple[str, str]]:
    paths = server.app.openapi()["paths"]
    return sorted(
        (method.upper(), path)
        for path, ops in paths.items()
        if path.startswith("/api/v1")
        for method in ops
    )


def _call(
    server: Server, method: str, path: str, world: dict[str, Any], headers: dict[str, str]
) -> Any:
    url = path.format(**world)
    if path == "/api/v1/teams":
        url += "?slug=team-x"
    body = _bodies(world).get((method, path))
    return server.client.request(method, url, json=body, headers=headers)


def test_every_endpoint_is_in_the_matrix(server: Server) -> None:
    assert set(_routes(server)) == set(ACTIONS)


def test_no_token_is_401_everywhere(server: Server, world: dict[str, Any]) -> None:
    for method, path in _routes(server):
        reply = _call(server, method, path, world, {})
        assert reply.status_code == 401, (method, path, reply.text)


def test_scopes_within_the_own_organisation(server: Server, world: dict[str, Any]) -> None:
    for scope, allowed in SCOPE_ACTIONS.items():
        for (method, path), action in ACTIONS.items():
            reply = _call(server, method, path, world, server.a.auth(scope))
            if action in allowed:
                assert reply.status_code not in {401, 403}, (scope, method, path, reply.text)
                assert reply.status_code < 500, (scope, method, path, reply.text)
            else:
                assert reply.status_code == 403, (scope, method, path, reply.text)


def _snapshot(server: Server) -> Any:
    a = server.a.auth("admin")
    c = server.client
    return (
        c.get("/api/v1/runs", headers=a).json(),
        c.get(f"/api/v1/algorithms/{SECRET_ALG}/assessments", headers=a).json(),
        c.get("/api/v1/budgets", headers=a).json(),
        [(t["id"], t["revoked_at"]) for t in c.get("/api/v1/tokens", headers=a).json()["items"]],
        c.get("/api/v1/organisation", headers=a).json()["totals"],
    )


def test_other_organisation_never_reads_or_writes(server: Server, world: dict[str, Any]) -> None:
    before = _snapshot(server)
    secrets = [SECRET_ALG, SECRET_RUN, "notitie-van-a", "analyse-van-a", "Geheim"]
    for scope in SCOPE_ACTIONS:
        for method, path in ACTIONS:
            reply = _call(server, method, path, world, server.b.auth(scope))
            assert reply.status_code < 500, (scope, method, path, reply.text)
            text = reply.text
            asked = path.format(**world) + json.dumps(_bodies(world).get((method, path)))
            for secret in secrets:
                if secret in asked and reply.status_code >= 400:
                    continue  # an error may name what was asked for; it shows nothing of A's
                if method == "POST" and path == "/api/v1/budgets":
                    continue  # B may create a budget for any slug, in B
                assert secret not in text, (scope, method, path, secret, text[:300])
            owned = "{" in path and "{kind}" not in path
            if owned and method in {"GET", "PUT", "PATCH", "DELETE"} and reply.status_code != 403:
                ok = reply.status_code in {404, 422} or reply.json().get("items") == []
                assert ok, (scope, method, path, reply.text)
    assert _snapshot(server) == before
    # what B wrote stayed in B
    b_budgets = server.client.get("/api/v1/budgets", headers=server.b.auth("read")).json()
    assert all(item["algorithm"] == SECRET_ALG for item in b_budgets["items"])
    a_budgets = server.client.get("/api/v1/budgets", headers=server.a.auth("read")).json()
    assert len(a_budgets["items"]) == 1


def _endpoint(dependency: Any) -> Any:
    from fastapi import Depends

    def endpoint(p: Any = Depends(dependency)) -> dict[str, Any]:  # noqa: B008
        return {"org": p.org.slug}

    return endpoint


def test_roles_of_web_sessions(server: Server) -> None:
    """Every role × action through ``require_action`` and ``require_role`` on a session, and a
    session never reaches another organisation."""
    from fastapi import APIRouter

    from algoprint.server.accounts import ROLES, create_user, get_org, set_membership
    from algoprint.server.auth import current_user, login_password, require_action, require_role

    # FastAPI resolves dependencies from the signature: build one endpoint per action.
    router = APIRouter()
    for action in ("read", "ingest", "edit", "admin"):
        router.add_api_route(f"/t/{action}", _endpoint(require_action(action)))

    admin_only = _endpoint(require_role("admin"))
    who = _endpoint(current_user)
    router.add_api_route("/t/admin-role", admin_only)
    router.add_api_route("/t/who", who)
    server.app.include_router(router)
    expected = {
        "ontwikkelaar": {"read", "ingest"},
        "projectleider": {"read", "ingest", "edit"},
        "beleid-en-advies": {"read", "edit"},
        "admin": {"read", "ingest", "edit", "admin"},
    }
    db = server.ctx.db
    org_b = get_org(db, "org-b")
    for role in ROLES:
        user = create_user(db, f"{role}@example.nl", password="een-lang-wachtwoord")
        set_membership(db, user, org_b, role)
        principal = login_password(server.ctx, f"{role}@example.nl", "een-lang-wachtwoord")
        assert principal is not None and principal.org.slug == "org-b"
        assert login_password(server.ctx, f"{role}@example.nl", "wrong-password-123") is None
        from fastapi.responses import Response

        from algoprint.server.auth import SESSION_COOKIE, start_session

        response = Response()
        start_session(server.ctx, response, user, org_b)
        cookie = response.headers["set-cookie"].split(";")[0].split("=", 1)[1]
        assert "HttpOnly" in response.headers["set-cookie"]
        server.client.cookies.set(SESSION_COOKIE, cookie)
        for action in ("read", "ingest", "edit", "admin"):
            reply = server.client.get(f"/t/{action}")
            if action in expected[role]:
                assert reply.status_code == 200, (role, action, reply.status_code, reply.text[:200])
                assert reply.json() == {"org": "org-b"}, (role, action)
            else:
                assert reply.status_code == 403, (role, action)
        assert server.client.get("/t/admin-role").status_code == (200 if role == "admin" else 403)
        assert server.client.get("/t/who").json() == {"org": "org-b"}
        # a session does not open the API (bearer tokens only)
        assert server.client.get("/api/v1/runs").status_code == 401
        server.client.cookies.clear()
    assert server.client.get("/t/who").status_code == 401
