"""The web layer's door to the server core: who is asking, their organisation's store, the
CSRF check and the role check, all through the core's auth contract (docs/server.md).

Role rules are the core's (:meth:`algoprint.server.accounts.Principal.can`): everyone in an
organisation reads; ``edit`` (measures, budgets) belongs to projectleider, beleid-en-advies
and admin; an ontwikkelaar reads (and uploads through the API) but does not edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import HTTPException
from starlette.datastructures import FormData
from starlette.requests import Request

from algoprint.errors import AlgoprintError
from algoprint.server.auth import optional_user, verify_csrf
from algoprint.server.context import ServerContext, ctx

if TYPE_CHECKING:
    from algoprint.server.accounts import Principal
    from algoprint.store import Store

__all__ = ["Refused", "checked_form", "context", "org_store", "require_edit", "viewer"]


class Refused(AlgoprintError):
    """The request may not do this: a missing CSRF token or a role that only reads (403)."""


def viewer(request: Request) -> Principal | None:
    """The signed-in person of ``request`` (a web session), or ``None``."""
    principal = optional_user(request)
    if principal is None or principal.user_id is None:
        return None
    return principal


def context(request: Request) -> ServerContext:
    """The server context of the app serving ``request``."""
    return ctx(request)


def org_store(request: Request, principal: Principal) -> Store:
    """The run store of the principal's organisation (never another one)."""
    return ctx(request).stores.get(principal.org.id)


async def checked_form(request: Request) -> FormData:
    """The posted form, after the core's CSRF check.

    Raises:
        Refused: the form's CSRF token is missing or wrong.
    """
    try:
        await verify_csrf(request)
    except HTTPException:
        raise Refused(
            "csrf",
            hint="reload the page and submit the form again",
        ) from None
    return await request.form()


def require_edit(principal: Principal) -> None:
    """Refuse edits by roles that may only read.

    Raises:
        Refused: the role may not edit.
    """
    if not principal.can("edit"):
        raise Refused("role")
