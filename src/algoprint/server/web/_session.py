"""Login and logout pages, the language switch and the static files."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from algoprint.server.auth import csrf_token, end_session, login_password, start_session
from algoprint.server.web._context import Refused, checked_form, context, viewer
from algoprint.server.web._i18n import LANG_COOKIE, LANGUAGES
from algoprint.server.web._render import gettext_for, prefix, refused_page, render, safe_next

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).with_name("static")
_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".md": "text/plain",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}


@router.get("/static/{path:path}")
def static(path: str) -> FileResponse:
    """A file under ``static/`` (no directory listing, nothing outside it)."""
    target = (STATIC / path).resolve()
    if not target.is_relative_to(STATIC.resolve()) or not target.is_file():
        raise HTTPException(status_code=404, detail={"message": f"no static file {path!r}"})
    kind = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "text/plain"
    if target.name.startswith("LICENSE"):
        kind = "text/plain"
    return FileResponse(
        target,
        media_type=kind + ("; charset=utf-8" if kind.startswith("text/") else ""),
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str = "/") -> Response:
    """Remember ``lang`` in a cookie and go back (a link, so it works without JavaScript)."""
    if lang not in LANGUAGES:
        raise HTTPException(status_code=404, detail={"message": f"unknown language {lang!r}"})
    response = RedirectResponse(prefix(request) + safe_next(next), status_code=303)
    settings = context(request).settings
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=365 * 24 * 3600,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path=settings.root_path or "/",
    )
    return response


def _login_page(
    request: Request, next_path: str, *, email: str = "", errors: list[str] | None = None
) -> Response:
    return render(
        request,
        "login.html.j2",
        None,
        status_code=400 if errors else 200,
        title=gettext_for(request)("Log in"),
        next=next_path,
        email=email,
        form_errors=errors or [],
        login_csrf=csrf_token(request),
        oidc=context(request).settings.oidc is not None,
    )


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """The login page (a signed-in person goes straight on)."""
    if viewer(request) is not None:
        return RedirectResponse(prefix(request) + safe_next(next), status_code=303)
    return _login_page(request, safe_next(next))


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the local account and start a session."""
    try:
        form = await checked_form(request)
    except Refused:
        return refused_page(request, None, "csrf")
    email = str(form.get("email") or "").strip()
    password = str(form.get("password") or "")
    next_path = safe_next(str(form.get("next") or "/"))
    principal = login_password(context(request), email, password) if email else None
    if principal is None or principal.user_id is None:
        _ = gettext_for(request)
        return _login_page(
            request, next_path, email=email, errors=[_("The e-mail address or password is wrong.")]
        )
    response = RedirectResponse(prefix(request) + next_path, status_code=303)
    start_session(context(request), response, principal.user_id, principal.org)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session and return to the login page."""
    try:
        await checked_form(request)
    except Refused:
        return refused_page(request, viewer(request), "csrf")
    response = RedirectResponse(prefix(request) + "/login", status_code=303)
    end_session(context(request), request, response)
    return response
