"""Web login through an OpenID Connect provider (Authlib), when ``oidc`` is configured.

``GET /auth/oidc/login`` redirects to the provider (authorisation code flow with PKCE, state
and nonce kept in a signed, short-lived, HttpOnly cookie); ``GET /auth/oidc/callback``
exchanges the code, verifies the ID token (signature from the provider's JWKS, issuer,
audience, expiry, nonce) and starts a session for the person whose OIDC subject, or else
verified e-mail, an admin registered. People are never created by a login: an admin adds
them (``POST /api/v1/users``), which is also how their organisation and role are set.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select, update

from algoprint.server._schema import users
from algoprint.server.accounts import user_orgs
from algoprint.server.context import ServerContext, ctx

__all__ = ["oidc_router"]

oidc_router = APIRouter(prefix="/auth/oidc", include_in_schema=False)
_STATE_COOKIE = "algoprint_oidc"
_STATE_TTL_S = 600
_ALGS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]


def _settings(context: ServerContext) -> Any:
    if context.settings.oidc is None:
        raise HTTPException(404, detail={"message": "OIDC login is not configured"})
    return context.settings.oidc


def _client(context: ServerContext) -> Any:
    from authlib.integrations.httpx_client import AsyncOAuth2Client

    oidc = _settings(context)
    transport = context.extra.get("oidc_transport")  # tests inject a mock transport
    kwargs: dict[str, Any] = {"timeout": 10.0}
    if transport is not None:
        kwargs["transport"] = transport
    return AsyncOAuth2Client(
        client_id=oidc.client_id,
        client_secret=oidc.client_secret,
        scope="openid email profile",
        code_challenge_method="S256",
        **kwargs,
    )


async def _metadata(context: ServerContext, client: Any) -> dict[str, Any]:
    cached = context.extra.get("oidc_metadata")
    if isinstance(cached, dict):
        return cached
    issuer = _settings(context).issuer.rstrip("/")
    response = await client.request(
        "GET", f"{issuer}/.well-known/openid-configuration", withhold_token=True
    )
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    context.extra["oidc_metadata"] = data
    return data


def _redirect_uri(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


def _signer(context: ServerContext) -> Any:
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(context.settings.secret_key, salt="algoprint-oidc")


@oidc_router.get("/login", name="oidc_login")
async def oidc_login(request: Request) -> RedirectResponse:
    """Redirect to the provider's login page."""
    context = ctx(request)
    client = _client(context)
    async with client:
        meta = await _metadata(context, client)
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(24)
    url, state = client.create_authorization_url(
        meta["authorization_endpoint"],
        redirect_uri=_redirect_uri(request),
        nonce=nonce,
        code_verifier=verifier,
    )
    response = RedirectResponse(url, status_code=303)
    cookie = _signer(context).dumps({"state": state, "nonce": nonce, "verifier": verifier})
    response.set_cookie(
        _STATE_COOKIE,
        cookie,
        max_age=_STATE_TTL_S,
        httponly=True,
        secure=context.settings.secure_cookies,
        samesite="lax",
        path=context.settings.root_path or "/",
    )
    return response


def _refuse(message: str) -> HTTPException:
    return HTTPException(401, detail={"message": f"OIDC login refused: {message}"})


@oidc_router.get("/callback", name="oidc_callback")
async def oidc_callback(request: Request) -> RedirectResponse:
    """Finish the provider's login and start a session."""
    from itsdangerous import BadSignature
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    from algoprint.server.auth import start_session

    context = ctx(request)
    oidc = _settings(context)
    try:
        saved = _signer(context).loads(request.cookies.get(_STATE_COOKIE, ""), max_age=_STATE_TTL_S)
    except BadSignature:
        raise _refuse("the login took too long or was started elsewhere; try again") from None
    if request.query_params.get("state") != saved["state"]:
        raise _refuse("the state does not match")
    code = request.query_params.get("code")
    if not code:
        raise _refuse(request.query_params.get("error_description") or "no code returned")
    client = _client(context)
    async with client:
        meta = await _metadata(context, client)
        token = await client.fetch_token(
            meta["token_endpoint"],
            code=code,
            redirect_uri=_redirect_uri(request),
            code_verifier=saved["verifier"],
        )
        jwks = (await client.request("GET", meta["jwks_uri"], withhold_token=True)).json()
    try:
        decoded = jwt.decode(token["id_token"], KeySet.import_key_set(jwks), algorithms=_ALGS)
        jwt.JWTClaimsRegistry(
            now=int(time.time()),
            leeway=60,
            iss={"essential": True, "value": meta.get("issuer", oidc.issuer)},
            aud={"essential": True, "value": oidc.client_id},
            nonce={"essential": True, "value": saved["nonce"]},
            exp={"essential": True},
            sub={"essential": True},
        ).validate(decoded.claims)
        claims = decoded.claims
    except (JoseError, KeyError, ValueError) as e:
        raise _refuse(f"the ID token is not valid ({e})") from None
    user_id = _find_person(context, str(claims["sub"]), claims)
    orgs = user_orgs(context.db, user_id)
    if not orgs:
        raise _refuse("you are not a member of any organisation; ask an admin")
    home = (context.settings.root_path or "") + "/"
    response = RedirectResponse(home, status_code=303)
    start_session(context, response, user_id, orgs[0][0])
    response.delete_cookie(_STATE_COOKIE, path=context.settings.root_path or "/")
    return response


def _find_person(context: ServerContext, subject: str, claims: Any) -> int:
    email = claims.get("email") if claims.get("email_verified") else None

    def write(conn: Any) -> int | None:
        row = conn.execute(select(users.c.id).where(users.c.oidc_subject == subject)).first()
        if row is not None:
            return int(row.id)
        if email:
            row = conn.execute(
                select(users.c.id).where(
                    users.c.email == str(email).lower(), users.c.oidc_subject.is_(None)
                )
            ).first()
            if row is not None:
                conn.execute(update(users).where(users.c.id == row.id).values(oidc_subject=subject))
                return int(row.id)
        return None

    found = context.db.write(write, "linking an OIDC login")
    if found is None:
        detail = json.dumps(str(email)) if email else "without a verified e-mail"
        raise _refuse(f"no algoprint account for {detail}; ask an admin to add you")
    return found
