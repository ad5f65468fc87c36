"""``/api/v1/organisation`` (overview from the aggregates), budgets and alerts, and the
admin endpoints for tokens, people and teams of the caller's organisation."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from algoprint.server.accounts import Principal
from algoprint.server.api.models import BudgetIn, TokenIn, UserIn
from algoprint.server.auth import require_scope
from algoprint.server.context import ctx

__all__ = ["router"]

router = APIRouter()
Reader = Annotated[Principal, Depends(require_scope("read"))]
Editor = Annotated[Principal, Depends(require_scope("edit"))]
Admin = Annotated[Principal, Depends(require_scope("admin"))]


@router.get("/organisation", tags=["organisation"], summary="Organisation overview")
def overview(
    request: Request, principal: Reader, top: Annotated[int, Query(ge=1, le=100)] = 10
) -> dict[str, Any]:
    """Totals, the monthly trend, training vs use and the top algorithms by CO2e, all from
    the aggregates (joules, grams)."""
    from algoprint.server import aggregates as agg

    context, org = ctx(request), principal.org
    return {
        "organisation": {"slug": org.slug, "name": org.name},
        "totals": asdict(agg.organisation_totals(context, org)),
        "months": [{"month": m, **asdict(t)} for m, t in agg.monthly_trend(context, org)],
        "phases": {k: asdict(v) for k, v in agg.phase_split(context, org).items()},
        "top_algorithms": [
            {"algorithm": a, **asdict(t)} for a, t in agg.top_algorithms(context, org, limit=top)
        ],
    }


@router.get("/budgets", tags=["budgets"], summary="Budgets")
def budgets(request: Request, principal: Reader) -> dict[str, Any]:
    """``{"items": [budget, ...]}``."""
    from algoprint.server.budgets import list_budgets

    return {"items": [asdict(b) for b in list_budgets(ctx(request), principal.org)]}


@router.post("/budgets", tags=["budgets"], status_code=201, summary="Create a budget")
def create_budget(request: Request, body: BudgetIn, principal: Editor) -> dict[str, Any]:
    """A budget of ``energy_j`` (J) or ``co2e_g`` (g) per ``month`` or ``year``."""
    from algoprint.server.budgets import create_budget as create

    budget = create(
        ctx(request),
        principal.org,
        algorithm=body.algorithm,
        metric=body.metric,
        period=body.period,
        limit=body.limit,
        by=principal.name,
    )
    return asdict(budget)


@router.delete("/budgets/{budget_id}", tags=["budgets"], status_code=204)
def delete_budget(
    request: Request, budget_id: Annotated[int, Path(ge=1, le=2**31)], principal: Editor
) -> Response:
    """Delete a budget and its alerts."""
    from algoprint.server.budgets import delete_budget as delete

    delete(ctx(request), principal.org, budget_id)
    return Response(status_code=204)


@router.get("/alerts", tags=["budgets"], summary="Exceeded budgets")
def alerts(request: Request, principal: Reader) -> dict[str, Any]:
    """The newest alerts first."""
    from algoprint.server.budgets import list_alerts

    items = list_alerts(ctx(request), principal.org)
    return {
        "items": [
            {
                **asdict(a),
                "created_at": a.created_at.isoformat(),
                "notified_at": a.notified_at and a.notified_at.isoformat(),
            }
            for a in items
        ]
    }


@router.get("/tokens", tags=["admin"], summary="API tokens (never their secrets)")
def tokens(request: Request, principal: Admin) -> dict[str, Any]:
    """The organisation's tokens."""
    from algoprint.server.accounts import list_tokens

    found = list_tokens(ctx(request).db, principal.org)
    return {
        "items": [
            {
                **asdict(t),
                **{
                    k: getattr(t, k) and getattr(t, k).isoformat()
                    for k in ("created_at", "expires_at", "revoked_at")
                },
            }
            for t in found
        ]
    }


@router.post("/tokens", tags=["admin"], status_code=201, summary="Create an API token")
def create_token(request: Request, body: TokenIn, principal: Admin) -> dict[str, str]:
    """``{"token": SECRET}``, shown this once (only its hash is kept)."""
    from algoprint.server.accounts import create_token as create

    return {"token": create(ctx(request).db, principal.org, body.scope, name=body.name)}


@router.delete("/tokens/{token_id}", tags=["admin"], status_code=204)
def revoke_token(
    request: Request, token_id: Annotated[int, Path(ge=1, le=2**31)], principal: Admin
) -> Response:
    """Revoke a token of the organisation (404 for another organisation's token)."""
    from algoprint.server.accounts import revoke_token as revoke

    revoke(ctx(request).db, principal.org, token_id)
    return Response(status_code=204)


@router.post("/users", tags=["admin"], status_code=201, summary="Add a person")
def add_user(request: Request, body: UserIn, principal: Admin) -> dict[str, Any]:
    """Add a person to the organisation with a role (a password for local login, or none
    for OIDC). An existing person (by e-mail) gets the role in this organisation."""
    from algoprint.server.accounts import create_user, find_user, set_membership

    db = ctx(request).db
    found = find_user(db, body.email)
    user_id = (
        found[0] if found else create_user(db, body.email, name=body.name, password=body.password)
    )
    set_membership(db, user_id, principal.org, body.role)
    return {"id": user_id, "email": body.email.lower(), "role": body.role}


@router.post("/teams", tags=["admin"], status_code=201, summary="Add a team")
def add_team(
    request: Request,
    principal: Admin,
    slug: Annotated[str, Query(pattern=r"^[a-z][a-z0-9-]{1,63}$")],
    name: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """A team of the organisation; algorithms join it with ``team`` when registered."""
    from algoprint.server.accounts import create_team

    return {"id": create_team(ctx(request).db, principal.org, slug, name), "slug": slug}
