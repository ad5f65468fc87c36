"""Budgets and alerts: an energy or CO2e budget per algorithm and month or year."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from algoprint.errors import InputError, NotFound
from algoprint.report.i18n import Formatter
from algoprint.server.aggregates import period_totals
from algoprint.server.budgets import create_budget, delete_budget, list_alerts, list_budgets
from algoprint.server.web._context import (
    Refused,
    checked_form,
    context,
    org_store,
    require_edit,
    viewer,
)
from algoprint.server.web._i18n import request_lang
from algoprint.server.web._pages import alert_rows
from algoprint.server.web._render import (
    error_page,
    gettext_for,
    login_redirect,
    prefix,
    refused_page,
    render,
)

if TYPE_CHECKING:
    from algoprint.server.accounts import Principal

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
# what people type (kWh, kg CO2e) -> SI (J, g)
_UNITS = {"energy_j": 3.6e6, "co2e_g": 1e3}


def _page(
    request: Request, who: Principal, *, errors: list[str] | None = None, values: Any = None
) -> Response:
    lang, _ = request_lang(request), gettext_for(request)
    fmt = Formatter(lang)
    ctx = context(request)
    now = datetime.now(UTC)
    rows = []
    for b in list_budgets(ctx, who.org):
        start = now.strftime("%Y-%m") if b.period == "month" else now.strftime("%Y")
        totals = period_totals(ctx, who.org, b.algorithm, start)
        used = totals.energy_j if b.metric == "energy_j" else totals.co2e_g
        kind = "J" if b.metric == "energy_j" else "g"
        rows.append(
            {
                "budget": b,
                "metric": _("IT energy") if b.metric == "energy_j" else _("CO₂e, location-based"),
                "period": _("per month") if b.period == "month" else _("per year"),
                "current": start,
                "limit": fmt.scaled(b.limit, kind),
                "used": fmt.scaled(used, kind),
                "share": None if used is None else used / b.limit,
                "over": used is not None and used > b.limit,
            }
        )
    store = org_store(request, who)
    from algoprint.kader.register import list_algorithms

    slugs = sorted({a.slug for a in list_algorithms(store)} | set(store.run_algorithms()))
    return render(
        request,
        "budgets.html.j2",
        who,
        status_code=400 if errors else 200,
        title=_("Budgets and alerts"),
        section="/budgets",
        rows=rows,
        alerts=alert_rows(list_alerts(ctx, who.org), lang, _, current_only=False),
        algorithms=slugs,
        form_errors=errors or [],
        values=values or {},
    )


@router.get("/budgets")
def budgets(request: Request) -> Response:
    """Budgets with this period's use, the form to add one, and the alerts raised."""
    who = viewer(request)
    if who is None:
        return login_redirect(request)
    return _page(request, who)


@router.post("/budgets")
async def add_budget(request: Request) -> Response:
    """Add a budget (projectleider, beleid-en-advies, admin)."""
    who = viewer(request)
    if who is None:
        return login_redirect(request)
    try:
        form = await checked_form(request)
        require_edit(who)
    except Refused as e:
        return refused_page(request, who, e.message)
    _ = gettext_for(request)
    values = {k: str(form.get(k) or "").strip() for k in ("algorithm", "metric", "period", "limit")}
    try:
        if not values["algorithm"]:
            raise InputError(_("Choose an algorithm."))
        if values["metric"] not in _UNITS:
            raise InputError(_("Choose energy or CO₂e."))
        try:
            limit = float(values["limit"].replace(",", "."))
        except ValueError:
            raise InputError(_("The limit must be a number, for example 12,5.")) from None
        create_budget(
            context(request),
            who.org,
            algorithm=values["algorithm"],
            metric=values["metric"],
            period=values["period"],
            limit=limit * _UNITS[values["metric"]],
            by=who.name,
        )
    except InputError as e:
        return _page(request, who, errors=[e.message], values=values)
    return RedirectResponse(f"{prefix(request)}/budgets", status_code=303)


@router.post("/budgets/{budget_id}/delete")
async def remove_budget(request: Request, budget_id: int) -> Response:
    """Delete a budget and its alerts (projectleider, beleid-en-advies, admin)."""
    who = viewer(request)
    if who is None:
        return login_redirect(request)
    try:
        await checked_form(request)
        require_edit(who)
    except Refused as e:
        return refused_page(request, who, e.message)
    try:
        delete_budget(context(request), who.org, budget_id)
    except NotFound as e:
        return error_page(request, who, 404, gettext_for(request)("Not found"), e.message)
    return RedirectResponse(f"{prefix(request)}/budgets", status_code=303)
