"""The organisation overview and the algorithm page (measures board, downloads, exports)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from algoprint.errors import AlgoprintError, InputError, NotFound
from algoprint.report.i18n import Formatter
from algoprint.server.budgets import list_alerts
from algoprint.server.web._context import (
    Refused,
    checked_form,
    context,
    org_store,
    require_edit,
    viewer,
)
from algoprint.server.web._i18n import request_lang
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
    from algoprint.server.budgets import Alert

__all__ = ["alert_rows", "router"]

router = APIRouter(include_in_schema=False)


def _attachment(name: str) -> dict[str, str]:
    """A Content-Disposition header with a file name that cannot break the header."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return {"Content-Disposition": f'attachment; filename="{safe}"'}


def alert_rows(
    alerts: list[Alert], lang: str, gettext: Callable[[str], str], *, current_only: bool
) -> list[dict[str, Any]]:
    """Alerts as text; ``current_only`` keeps those of the current month or year."""
    fmt = Formatter(lang)
    now = datetime.now(UTC)
    current = {now.strftime("%Y-%m"), now.strftime("%Y")}
    rows = []
    for a in alerts:
        if current_only and a.period_start not in current:
            continue
        kind = "J" if a.metric == "energy_j" else "g"
        what = gettext("IT energy") if a.metric == "energy_j" else gettext("CO₂e, location-based")
        text = gettext("%(what)s in %(period)s is %(value)s, over the budget of %(limit)s.") % {
            "what": what,
            "period": a.period_start,
            "value": fmt.scaled(a.value, kind),
            "limit": fmt.scaled(a.limit, kind),
        }
        rows.append({"algorithm": a.algorithm, "text": text, "alert": a})
    return rows


@router.get("/")
def overview(request: Request) -> Response:
    """The organisation overview."""
    from algoprint.server.web._overview import build_overview

    who = viewer(request)
    if who is None:
        return login_redirect(request)
    lang, _ = request_lang(request), gettext_for(request)
    data = build_overview(context(request), who.org, org_store(request, who), lang, _)
    alerts = alert_rows(list_alerts(context(request), who.org), lang, _, current_only=True)
    return render(
        request,
        "overview.html.j2",
        who,
        title=_("Organisation overview"),
        section="/",
        o=data,
        alerts=alerts,
    )


def _algorithm_page(
    request: Request,
    who: Principal,
    slug: str,
    *,
    form_errors: list[str] | None = None,
    form_code: str | None = None,
) -> Response:
    from algoprint.server.aggregates import algorithm_series
    from algoprint.server.web._algorithm import algorithm_data, phase_series

    lang, _ = request_lang(request), gettext_for(request)
    store = org_store(request, who)
    try:
        data = algorithm_data(store, slug, lang)
    except NotFound:
        return error_page(
            request,
            who,
            404,
            _("Not found"),
            _("There is no algorithm %(slug)s in your organisation.") % {"slug": slug},
        )
    alerts = [
        a
        for a in alert_rows(list_alerts(context(request), who.org), lang, _, current_only=True)
        if a["algorithm"] == data.report.algorithm.slug  # type: ignore[union-attr]
    ]
    return render(
        request,
        "algorithm.html.j2",
        who,
        status_code=400 if form_errors else 200,
        title=data.report.algorithm.name,  # type: ignore[union-attr]
        section="/",
        a=data,
        v=data.view,
        alerts=alerts,
        states=data.states,
        attribution=data.attribution,
        form_errors=form_errors or [],
        form_code=form_code,
        by_phase=phase_series(algorithm_series(context(request), who.org, slug)),
    )


@router.get("/algorithms/{slug}")
def algorithm(request: Request, slug: str) -> Response:
    """One algorithm: footprint, measures board with history, analyses, downloads."""
    who = viewer(request)
    if who is None:
        return login_redirect(request)
    return _algorithm_page(request, who, slug)


@router.post("/algorithms/{slug}/measures/{code}")
async def edit_measure(request: Request, slug: str, code: str) -> Response:
    """Change one measure's assessment (projectleider, beleid-en-advies, admin)."""
    from algoprint.kader.assessments import set_assessment

    who = viewer(request)
    if who is None:
        return login_redirect(request)
    try:
        form = await checked_form(request)
        require_edit(who)
    except Refused as e:
        return refused_page(request, who, e.message)
    link = str(form.get("link") or "").strip()
    try:
        set_assessment(
            org_store(request, who),
            slug,
            code,
            state=str(form.get("state") or "") or None,
            note=str(form.get("note") or ""),
            reason=str(form.get("reason") or ""),
            responsible=str(form.get("responsible") or ""),
            links=[link] if link else [],
            by=who.name,
        )
    except NotFound as e:
        return error_page(request, who, 404, gettext_for(request)("Not found"), e.message)
    except InputError as e:
        return _algorithm_page(
            request,
            who,
            slug,
            form_errors=[e.message + (f" ({e.hint})" if e.hint else "")],
            form_code=code,
        )
    return Response(
        status_code=303,
        headers={"Location": f"{prefix(request)}/algorithms/{slug}#measure-{code}"},
    )


@router.get("/algorithms/{slug}/report.{fmt}")
def report_download(request: Request, slug: str, fmt: str) -> Response:
    """The algorithm's monitoring report as an HTML or PDF/A download."""
    from algoprint.report import build_report
    from algoprint.report import render as render_report

    who = viewer(request)
    if who is None:
        return login_redirect(request)
    _ = gettext_for(request)
    if fmt not in {"html", "pdf"}:
        return error_page(request, who, 404, _("Not found"), _("Reports come as HTML or PDF."))
    try:
        report = build_report(org_store(request, who), algorithm=slug, lang=request_lang(request))
        body = render_report(report, fmt)
    except NotFound as e:
        return error_page(request, who, 404, _("Not found"), e.message)
    except AlgoprintError as e:
        return error_page(request, who, 500, _("The report could not be made"), e.message, e.hint)
    kind = "text/html; charset=utf-8" if fmt == "html" else "application/pdf"
    return Response(
        body,
        media_type=kind,
        headers=_attachment(f"algoprint-{slug}.{fmt}"),
    )


@router.get("/algorithms/{slug}/export/{name}")
def export(request: Request, slug: str, name: str) -> Response:
    """AMT system card (JSON) or the Algoritmeregister texts (plain text, Dutch)."""
    from algoprint.exchange.algoritmeregister import FIELD_LABELS, algoritmeregister_text
    from algoprint.exchange.amt import export_amt

    who = viewer(request)
    if who is None:
        return login_redirect(request)
    _ = gettext_for(request)
    store = org_store(request, who)
    try:
        if name == "amt.json":
            body = json.dumps(export_amt(store, algorithm=slug), indent=2, ensure_ascii=False)
            kind = "application/json"
        elif name == "algoritmeregister.txt":
            texts = algoritmeregister_text(store, slug)
            body = (
                "\n\n".join(
                    f"{FIELD_LABELS.get(field, field)} ({field})\n\n{text}"
                    for field, text in texts.items()
                )
                + "\n"
            )
            kind = "text/plain; charset=utf-8"
        else:
            return error_page(request, who, 404, _("Not found"), _("Unknown export."))
    except NotFound as e:
        return error_page(request, who, 404, _("Not found"), e.message)
    return Response(
        body.encode(),
        media_type=kind,
        headers=_attachment(f"{slug}-{name}"),
    )
