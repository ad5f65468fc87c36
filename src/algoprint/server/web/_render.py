"""Rendering: one Jinja2 environment per language, the page frame's context, error pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from algoprint.kader.assessments import STATE_LABELS
from algoprint.report.i18n import Formatter
from algoprint.server.auth import csrf_token
from algoprint.server.web._i18n import LANGUAGES, request_lang, translations

if TYPE_CHECKING:
    from algoprint.server.accounts import Principal

__all__ = [
    "STATUSES",
    "error_page",
    "gettext_for",
    "html_error",
    "login_redirect",
    "prefix",
    "refused_page",
    "render",
    "safe_next",
]

TEMPLATES = Path(__file__).with_name("templates")
_ROLES = {
    "ontwikkelaar": {"nl": "ontwikkelaar", "en": "developer"},
    "projectleider": {"nl": "projectleider", "en": "project lead"},
    "beleid-en-advies": {"nl": "beleid en advies", "en": "policy and advice"},
    "admin": {"nl": "beheerder", "en": "administrator"},
}
_STATUSES = {
    "running": {"nl": "loopt", "en": "running"},
    "completed": {"nl": "voltooid", "en": "completed"},
    "degraded": {"nl": "met terugval", "en": "degraded"},
    "failed": {"nl": "mislukt", "en": "failed"},
    "interrupted": {"nl": "onderbroken", "en": "interrupted"},
    "incomplete": {"nl": "onvolledig", "en": "incomplete"},
    "stopped-by-budget": {"nl": "gestopt door budget", "en": "stopped by budget"},
}
STATUSES = tuple(_STATUSES)
"""Run statuses in the order the runs explorer offers them."""


@functools.lru_cache(maxsize=2)
def _environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        fmt=Formatter(lang),
        lang=lang,
        languages=LANGUAGES,
        role_label=lambda role: _ROLES.get(role or "", {}).get(lang, role or ""),
        state_name=lambda s: STATE_LABELS[s][lang] if s in STATE_LABELS else "-",
        status_name=lambda s: _STATUSES.get(s, {}).get(lang, s),
    )
    return env


def gettext_for(request: Request) -> Callable[[str], str]:
    """The dashboard's translation function in the request's language."""
    return translations(request_lang(request)).gettext


def status_label(status: str, lang: str) -> str:
    """A run status in ``lang``."""
    return _STATUSES.get(status, {}).get(lang, status)


def html_error(request: Request, response: JSONResponse) -> Response:
    """The core's error envelope as an HTML page, for web (non-API) paths."""
    import json

    try:
        error = json.loads(bytes(response.body))["error"]
    except (ValueError, KeyError, TypeError):
        error = {"message": ""}
    _ = gettext_for(request)
    status = response.status_code
    heading = {404: _("Not found"), 403: _("Not allowed"), 405: _("Not found")}.get(
        status, _("Something went wrong")
    )
    from algoprint.server.web._context import viewer

    try:
        who = viewer(request)
    except Exception:  # the error may be that the database is down
        who = None
    page = error_page(
        request, who, status, heading, str(error.get("message") or ""), error.get("hint")
    )
    for name in ("retry-after",):
        if name in response.headers:
            page.headers[name] = response.headers[name]
    return page


def prefix(request: Request) -> str:
    """The path prefix the app is served under (``root_path`` behind a proxy), or ``""``."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def safe_next(value: str | None) -> str:
    """A local path to return to (``/`` for anything that could leave the site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _here(request: Request) -> str:
    base = prefix(request)
    path = request.url.path
    here = path[len(base) :] if base and path.startswith(base) else path
    if request.url.query:
        here += "?" + request.url.query
    return here or "/"


def render(
    request: Request,
    template: str,
    principal: Principal | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` in the request's language inside the page frame."""
    lang = request_lang(request)
    base = prefix(request)
    html = (
        _environment(lang)
        .get_template(template)
        .render(
            user=principal,
            can_edit=principal is not None and principal.can("edit"),
            csrf=csrf_token(request),
            url=lambda path: base + path,
            here=_here(request),
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Cookie"
    return response


def error_page(
    request: Request,
    principal: Principal | None,
    status_code: int,
    heading: str,
    message: str,
    hint: str | None = None,
) -> HTMLResponse:
    """An HTML error page (the API keeps its JSON envelope)."""
    return render(
        request,
        "error.html.j2",
        principal,
        status_code=status_code,
        title=heading,
        heading=heading,
        message=message,
        hint=hint,
    )


def refused_page(request: Request, principal: Principal | None, why: str) -> HTMLResponse:
    """403 for a form without a valid CSRF token (``why="csrf"``) or a role that only reads."""
    _ = gettext_for(request)
    if why == "csrf":
        message = _("The form was refused: its security token is missing or expired.")
        hint = _("Reload the page and submit the form again.")
    else:
        message = _("Your role may read this but not change it.")
        hint = _("Ask a projectleider, beleid-en-advies or an administrator of your organisation.")
    return error_page(request, principal, 403, _("Not allowed"), message, hint)


def login_redirect(request: Request) -> RedirectResponse:
    """See-other to the login page, returning here afterwards."""
    return RedirectResponse(
        f"{prefix(request)}/login?next={quote(_here(request), safe='')}", status_code=303
    )
