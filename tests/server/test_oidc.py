"""OIDC login against a mock provider (httpx MockTransport): discovery, authorisation
redirect with state, nonce and PKCE, code exchange, ID-token verification, session; and the
refusals (wrong state, unknown person, bad signature)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.server.conftest import build_server

pytest.importorskip("authlib")
try:  # Authlib's HTTP client uses httpx2 when installed, else httpx
    import httpx2 as httpx
except ImportError:
    import httpx  # type: ignore[no-redef]

ISSUER = "https://login.example.nl"
CLIENT_ID = "algoprint-test"


class Provider:
    """A minimal OpenID provider."""

    def __init__(self) -> None:
        from joserfc.jwk import RSAKey

        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.nonce = ""
        self.sign_with_other = False
        self.claims: dict[str, Any] = {
            "sub": "subject-1",
            "email": "pl@example.nl",
            "email_verified": True,
        }

    def handle(self, request: Any) -> Any:
        from joserfc import jwt

        path = request.url.path
        if path == "/.well-known/openid-configuration":
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/auth",
                    "token_endpoint": f"{ISSUER}/token",
                    "jwks_uri": f"{ISSUER}/jwks",
                },
            )
        if path == "/jwks":
            return httpx.Response(200, json={"keys": [self.key.as_dict(private=False)]})
        if path == "/token":
            body = parse_qs(request.content.decode())
            assert body["code"] == ["the-code"] and body.get("code_verifier")
            now = int(time.time())
            claims = {
                "iss": ISSUER,
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 300,
                "nonce": self.nonce,
                **self.claims,
            }
            key = self.other_key if self.sign_with_other else self.key
            token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
            return httpx.Response(
                200,
                json={
                    "access_token": "at",
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": token,
                },
            )
        return httpx.Response(404)


@pytest.fixture
def oidc(tmp_path: Any) -> Any:
    from algoprint.server.settings import OidcSettings

    srv = build_server(
        f"sqlite:///{tmp_path / 's.sqlite'}",
        oidc=OidcSettings(issuer=ISSUER, client_id=CLIENT_ID, client_secret="secret"),
    )
    provider = Provider()
    srv.ctx.extra["oidc_transport"] = httpx.MockTransport(provider.handle)
    with srv.client:
        yield srv, provider


def _start(srv: Any, provider: Any) -> str:
    reply = srv.client.get("/auth/oidc/login", follow_redirects=False)
    assert reply.status_code == 303
    location = urlparse(reply.headers["location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/auth"
    assert query["code_challenge_method"] == ["S256"] and query["client_id"] == [CLIENT_ID]
    provider.nonce = query["nonce"][0]
    return str(query["state"][0])


def _add_person(srv: Any, email: str = "pl@example.nl") -> None:
    from algoprint.server.accounts import create_user, get_org, set_membership

    db = srv.ctx.db
    set_membership(db, create_user(db, email), get_org(db, "org-a"), "projectleider")


def test_oidc_login_starts_a_session(oidc: Any) -> None:
    from algoprint.server.accounts import session_principal
    from algoprint.server.auth import SESSION_COOKIE

    srv, provider = oidc
    _add_person(srv)
    state = _start(srv, provider)
    reply = srv.client.get(
        f"/auth/oidc/callback?code=the-code&state={state}", follow_redirects=False
    )
    assert reply.status_code == 303, reply.text
    principal = session_principal(srv.ctx.db, srv.client.cookies[SESSION_COOKIE])
    assert principal is not None
    assert (principal.org.slug, principal.role, principal.name) == (
        "org-a",
        "projectleider",
        "pl@example.nl",
    )


@pytest.mark.parametrize("problem", ["state", "unknown", "signature", "unverified"])
def test_oidc_refusals(oidc: Any, problem: str) -> None:
    srv, provider = oidc
    if problem != "unknown":
        _add_person(srv)
    if problem == "signature":
        provider.sign_with_other = True
    if problem == "unverified":
        provider.claims["email_verified"] = False
    state = _start(srv, provider)
    if problem == "state":
        state = "forged"
    reply = srv.client.get(
        f"/auth/oidc/callback?code=the-code&state={state}", follow_redirects=False
    )
    assert reply.status_code == 401, reply.text
    assert "OIDC login refused" in reply.text
