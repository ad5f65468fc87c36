"""``GET /auth/link?token=SECRET``: a one-time login link (the embedded server prints one for
its admin). It works once and for an hour; then it answers 401."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from algoprint.server.accounts import use_login_link
from algoprint.server.auth import start_session
from algoprint.server.context import ctx

__all__ = ["link_router"]

link_router = APIRouter(prefix="/auth", include_in_schema=False)


@link_router.get("/link", name="login_link")
def login_link(request: Request, token: Annotated[str, Query(max_length=200)]) -> RedirectResponse:
    """Consume the link, start a session and go to the overview."""
    context = ctx(request)
    found = use_login_link(context.db, token)
    if found is None:
        raise HTTPException(
            401,
            detail={
                "message": "this login link is unknown, used or expired",
                "hint": "restart algoprint serve for a new link, or sign in with a password",
            },
        )
    user_id, org = found
    response = RedirectResponse((context.settings.root_path or "") + "/", status_code=303)
    start_session(context, response, user_id, org)
    return response
