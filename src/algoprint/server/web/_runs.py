"""The runs explorer: filters, one run's components, fallbacks and phase timeline."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from algoprint.errors import AlgoprintError, NotFound
from algoprint.report.charts import Bar, Chart, bar_chart
from algoprint.report.i18n import Formatter, scale_factor
from algoprint.server.web._context import org_store, viewer
from algoprint.server.web._i18n import request_lang
from algoprint.server.web._render import (
    STATUSES,
    error_page,
    gettext_for,
    login_redirect,
    render,
    status_label,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/runs")
def runs(
    request: Request,
    algorithm: str = "",
    phase: str = "",
    status: str = "",
    host: str = "",
    period: str = "",
    cursor: str = "",
) -> Response:
    """Runs of the organisation, newest first, filtered; ``cursor`` pages to older ones.

    Reads the server's run index (the same query as ``GET /api/v1/runs``), so filters and
    pages stay fast however many runs the organisation has.
    """
    from fastapi import HTTPException

    from algoprint.report.period import parse_period
    from algoprint.server.api.runs import list_runs

    who = viewer(request)
    if who is None:
        return login_redirect(request)
    lang, _ = request_lang(request), gettext_for(request)
    filters = {
        "algorithm": algorithm,
        "phase": phase,
        "status": status,
        "host": host,
        "period": period,
    }
    rows: list[dict[str, Any]] = []
    error, more = None, None
    try:
        span = parse_period(period.strip() or None)
        page = list_runs(
            request,
            who,
            algorithm=algorithm or None,
            phase=phase.strip() or None,
            host=host.strip() or None,
            status=status or None,
            since=None if span.since is None else span.since.isoformat(),
            until=None if span.until is None else span.until.isoformat(),
            limit=PAGE_SIZE,
            cursor=cursor or None,
        )
        rows = page["items"]
        if page["next"]:
            more = "?" + urlencode(
                {**{k: v for k, v in filters.items() if v}, "cursor": page["next"]}
            )
    except AlgoprintError as e:
        error = e.message
    except HTTPException as e:
        detail = e.detail if isinstance(e.detail, dict) else {"message": str(e.detail)}
        error = str(detail.get("message") or _("The filter is not valid."))
    return render(
        request,
        "runs.html.j2",
        who,
        title=_("Runs"),
        section="/runs",
        f=filters,
        rows=rows,
        error=error,
        more=more,
        algorithms=org_store(request, who).run_algorithms(),
        statuses=[(s, status_label(s, lang)) for s in STATUSES],
    )


@router.get("/runs/{run_id}")
def run(request: Request, run_id: str) -> Response:
    """One run: its figures, components, fallbacks and the energy of its phases in order."""
    from algoprint.kader.register import list_algorithms
    from algoprint.report._compute import ImpactEngine, run_row
    from algoprint.report.labels import IMPACT_LABELS

    who = viewer(request)
    if who is None:
        return login_redirect(request)
    lang, _ = request_lang(request), gettext_for(request)
    store = org_store(request, who)
    try:
        record = store.get_run(run_id)
    except (NotFound, AlgoprintError) as e:
        return error_page(request, who, 404, _("Not found"), getattr(e, "message", str(e)))
    fmt = Formatter(lang)
    engine = ImpactEngine(
        algorithms={a.slug: a for a in list_algorithms(store, include_archived=True)},
        settings_extra={},
    )
    row = run_row(engine.compute(record))
    report_ = fmt.gettext
    keys = ("co2e_location_g", "co2e_market_g", "water_l")
    units = {"co2e_location_g": "g", "co2e_market_g": "g", "water_l": "L"}

    def impact_text(key: str) -> str:
        value = row.impacts.get(key)
        if value is None:
            return fmt.na + (f" ({row.missing[key]})" if key in row.missing else "")
        return fmt.interval(value[0], value[1], value[2], units[key])

    timeline = None
    if record.phases:
        phases = sorted(record.phases, key=lambda p: p.started_at)
        peak = max(p.energy_j or 0.0 for p in phases)
        factor, _unit = scale_factor(peak, "J")
        title = _("Energy of each phase window, in order")
        bars = [
            Bar(
                f"{p.name} · {fmt.short_datetime(p.started_at)}",
                None if p.energy_j is None else p.energy_j * factor,
                fmt.scaled(p.energy_j, "J"),
            )
            for p in phases
        ]
        timeline = Chart(
            "timeline",
            title,
            "",
            bar_chart("timeline", title, _("Energy per phase window."), bars, fmt.na),
            [_("Phase"), _("Started"), _("Duration"), _("Energy"), _("Times entered")],
            [
                [
                    p.name,
                    fmt.short_datetime(p.started_at),
                    fmt.duration(p.duration_s),
                    fmt.scaled(p.energy_j, "J"),
                    fmt.integer(p.count),
                ]
                for p in phases
            ],
        )
    return render(
        request,
        "run.html.j2",
        who,
        title=_("Run %(id)s") % {"id": record.run_id[:12]},
        section="/runs",
        run=record,
        impact_rows=[(k, report_(IMPACT_LABELS[k])) for k in keys],
        impact_text=impact_text,
        timeline=timeline,
    )
