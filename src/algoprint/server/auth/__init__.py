"""Authentication and authorisation for the API (bearer tokens) and the web pages (sessions).

The contract for the web layer (docs/server.md, "Contract for the web layer"):

- ``current_user``: dependency; the session's :class:`Principal` or HTTP 401.
- ``optional_user``: dependency; the principal or ``None`` (pages that redirect to login).
- ``login_password(ctx, email, password)`` -> :class:`Principal` or ``None``.
- ``start_session(ctx, response, user_id, org)`` / ``end_session(ctx, request, response)``.
- ``csrf_token(request)``: the token to put in every form (``<input name="csrf_token">``);
  ``verify_csrf``: dependency on every form POST (form field or ``X-CSRF-Token`` header).
- ``require_role(*roles)`` and ``require_action(action)``: dependencies returning the principal.
- ``api_principal`` / ``require_scope(action)``: the same for ``Authorization: Bearer``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Response

from algoprint.server._secrets import verify_password
from algoprint.server.accounts import (
    ROLES,
    Organisation,
    Principal,
    TokenRefused,
    create_session,
    delete_session,
    find_user,
    resolve_token,
    session_principal,
    user_orgs,
)
from algoprint.server.context import ServerContext, ctx

__all__ = [
    "CSRF_COOKIE",
    "SESSION_COOKIE",
    "Principal",
    "api_principal",
    "csrf_token",
    "current_user",
    "end_session",
    "login_password",
    "optional_user",
    "require_action",
    "require_role",
    "require_scope",
    "start_session",
    "verify_csrf",
]

SESSION_COOKIE = "algoprint_session"
CSRF_COOKIE = "algoprint_csrf"
_NEW_CSRF = "algoprint_new_csrf"


def _unauthorised(message: str, hint: str | None = None) -> HTTPException:
    detail: dict[str, Any] = {"message": message}
    if hint:
        detail["hint"] = hint
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def _forbidden(message: str) -> HTTPException:
    return HTTPException(status_code=403, detail={"message": message})


# -- sessions (web) -----------------------------------------------------------------------


def optional_user(request: Request) -> Principal | None:
    """The signed-in person's principal, or ``None``."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    return session_principal(ctx(request).db, secret)


def current_user(request: Request) -> Principal:
    """The signed-in person's principal; HTTP 401 without a valid session."""
    principal = optional_user(request)
    if principal is None:
        raise _unauthorised("not signed in", hint="sign in at /login")
    return principal


def login_password(context: ServerContext, email: str, password: str) -> Principal | None:
    """Check a local account's password: the principal in the person's first organisation
    (by slug), or ``None`` for a wrong e-mail or password or no membership. Takes the same
    time for an unknown e-mail as for a wrong password."""
    found = find_user(context.db, email)
    ok = verify_password(None if found is None else found[1], password)
    if found is None or not ok:
        return None
    orgs = user_orgs(context.db, found[0])
    if not orgs:
        return None
    org, role = orgs[0]
    return Principal(org=org, role=role, user_id=found[0], name=email.lower())


def start_session(
    context: ServerContext, response: Response, user_id: int, org: Organisation
) -> None:
    """Start a session for ``user_id`` in ``org`` and set its cookie on ``response``
    (HttpOnly, SameSite=Lax, Secure unless ``secure_cookies`` is off, scoped to root_path)."""
    secret = create_session(context.db, user_id, org, context.settings.session_ttl_s)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=context.settings.session_ttl_s,
        httponly=True,
        secure=context.settings.secure_cookies,
        samesite="lax",
        path=context.settings.root_path or "/",
    )


def end_session(context: ServerContext, request: Request, response: Response) -> None:
    """End the current session (if any) and clear its cookie."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        delete_session(context.db, secret)
    response.delete_cookie(SESSION_COOKIE, path=context.settings.root_path or "/")


# -- CSRF (double submit, signed) ---------------------------------------------------------


def _sign(context: ServerContext, value: str) -> str:
    key = context.settings.secret_key.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The CSRF token for forms on this page. It is the HMAC of a random cookie that the
    response sets when missing (see :func:`csrf_cookie_header`), so it works before login
    too."""
    value = request.cookies.get(CSRF_COOKIE) or request.scope.get("state", {}).get(_NEW_CSRF)
    if not value:
        value = secrets.token_urlsafe(32)
        request.scope.setdefault("state", {})[_NEW_CSRF] = value
    return _sign(ctx(request), value)


def csrf_cookie_header(context: ServerContext, scope: Any) -> bytes | None:
    """The ``Set-Cookie`` value for the CSRF cookie that :func:`csrf_token` created while
    handling this request (the app adds it to the response), or ``None``."""
    value = (scope.get("state") or {}).get(_NEW_CSRF)
    if not value:
        return None
    cookie = SimpleCookie()
    cookie[CSRF_COOKIE] = value
    morsel = cookie[CSRF_COOKIE]
    morsel["httponly"] = True
    morsel["samesite"] = "Strict"
    morsel["path"] = context.settings.root_path or "/"
    if context.settings.secure_cookies:
        morsel["secure"] = True
    return morsel.OutputString().encode("latin-1")


async def verify_csrf(request: Request) -> None:
    """Dependency for every form POST: HTTP 403 unless the form field ``csrf_token`` (or the
    ``X-CSRF-Token`` header, for htmx) matches the CSRF cookie."""
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
    if not cookie or not sent or not hmac.compare_digest(_sign(ctx(request), cookie), sent):
        raise _forbidden("the form's CSRF token is missing or wrong; reload the page")


# -- roles and scopes ---------------------------------------------------------------------


def require_role(*roles: str) -> Callable[..., Principal]:
    """A dependency: the signed-in principal if their role is one of ``roles`` (403 if not)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def check(principal: Annotated[Principal, Depends(current_user)]) -> Principal:
        if principal.role not in roles:
            raise _forbidden(f"this needs the role {' or '.join(roles)}")
        return principal

    return check


def require_action(action: str) -> Callable[..., Principal]:
    """A dependency: the signed-in principal if their role allows ``action`` (read, ingest,
    edit, admin); 403 otherwise."""

    def check(principal: Annotated[Principal, Depends(current_user)]) -> Principal:
        if not principal.can(action):
            raise _forbidden(f"your role ({principal.role}) may not {action}")
        return principal

    return check


# -- bearer tokens (API) ------------------------------------------------------------------


def api_principal(request: Request) -> Principal:
    """The principal of ``Authorization: Bearer TOKEN``; HTTP 401 naming what is wrong."""
    header = request.headers.get("authorization")
    if not header:
        raise _unauthorised("missing Authorization header", hint="send Authorization: Bearer TOKEN")
    kind, _, secret = header.partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        raise _unauthorised("the Authorization header is not 'Bearer TOKEN'")
    try:
        return resolve_token(ctx(request).db, secret.strip())
    except TokenRefused as e:
        raise _unauthorised(e.message, hint=e.hint) from None


def require_scope(action: str) -> Callable[..., Principal]:
    """A dependency: the bearer principal if its scope allows ``action``; 403 otherwise."""

    def check(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
        if not principal.can(action):
            raise _forbidden(f"a token with scope {principal.scope!r} may not {action}")
        return principal

    return check
