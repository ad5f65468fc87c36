"""The dashboard: server-rendered pages (Jinja2, NL Design System CSS, htmx) on the server core.

``router`` is included by :func:`algoprint.server.app.create_app`. Pages: the organisation
overview (``/``), an algorithm (``/algorithms/SLUG``), the runs explorer (``/runs``), budgets
and alerts (``/budgets``), login and logout, and the language switch (``/lang/nl``,
``/lang/en``). Every page works without JavaScript; htmx (vendored, no inline script) only
swaps pages and filter results in place. docs/dashboard.md describes pages and roles.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from algoprint.server.web import _budgets, _pages, _runs, _session
from algoprint.server.web._render import html_error

__all__ = ["router", "setup"]

router = APIRouter(include_in_schema=False)
for _part in (_session.router, _pages.router, _runs.router, _budgets.router):
    router.include_router(_part)


def setup(app: FastAPI) -> None:
    """Called by ``create_app`` after including :data:`router`: errors on web paths render
    as HTML pages (the API keeps its JSON envelope)."""
    app.state.html_error = html_error
