"""``/api/v1/algorithms`` (the register, the seven measures, the per-algorithm series),
``/api/v1/analyses``, reports and exports of the caller's organisation.

Everything here calls the same kader/report/export functions as the CLI, on the
organisation's own store; the server adds no domain logic.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from algoprint.server.accounts import Principal
from algoprint.server.api.models import AlgorithmIn, AlgorithmPatch, AssessmentIn
from algoprint.server.auth import require_scope
from algoprint.server.context import ctx

__all__ = ["router"]

router = APIRouter(tags=["algorithms"])
SlugPath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,63}$")]
MeasurePath = Annotated[str, Path(pattern=r"^[a-z]{3}-\d{2}$")]
Reader = Annotated[Principal, Depends(require_scope("read"))]
Editor = Annotated[Principal, Depends(require_scope("edit"))]


def _store(request: Request, principal: Principal) -> Any:
    return ctx(request).stores.get(principal.org.id)


@router.get("/algorithms", summary="Registered algorithms")
def list_algorithms(request: Request, principal: Reader, archived: bool = False) -> dict[str, Any]:
    """``{"items": [algorithm, ...]}`` sorted by slug."""
    from algoprint.kader.register import list_algorithms as listed

    algs = listed(_store(request, principal), include_archived=archived)
    return {"items": [a.to_dict() for a in algs]}


@router.post("/algorithms", status_code=201, summary="Register an algorithm")
def add_algorithm(request: Request, body: AlgorithmIn, principal: Editor) -> dict[str, Any]:
    """Register an algorithm in the caller's organisation (422 when a rule is broken or the
    slug exists). ``team`` assigns it to a team of the organisation."""
    from algoprint.kader.register import Algorithm
    from algoprint.kader.register import add_algorithm as add
    from algoprint.server.aggregates import rekey_algorithm

    context = ctx(request)
    team_id = _team(context, principal, body.team) if body.team else None
    fields = body.model_dump(exclude={"team"})
    alg = add(_store(request, principal), Algorithm(organisation=principal.org.slug, **fields))
    if team_id is not None:
        from algoprint.server.accounts import assign_algorithm

        assign_algorithm(context.db, principal.org, team_id, alg.slug)
    rekey_algorithm(context, principal.org, alg.slug)
    return alg.to_dict()


def _team(context: Any, principal: Principal, slug: str) -> int:
    from sqlalchemy import select

    from algoprint.errors import InputError
    from algoprint.server._schema import teams

    query = select(teams.c.id).where(teams.c.org_id == principal.org.id, teams.c.slug == slug)
    row = context.db.read(lambda c: c.execute(query).first(), "reading teams")
    if row is None:
        raise InputError(f"no team {slug!r} in this organisation")
    return int(row.id)


@router.get("/algorithms/{slug}", summary="One algorithm with its totals")
def get_algorithm(request: Request, slug: SlugPath, principal: Reader) -> dict[str, Any]:
    """The register entry (404 if not registered) and its totals by training/use."""
    from algoprint.kader.register import get_algorithm as get
    from algoprint.server.aggregates import phase_split

    alg = get(_store(request, principal), slug)
    split = phase_split(ctx(request), principal.org, algorithm=slug)
    return {**alg.to_dict(), "totals": {k: asdict(v) for k, v in split.items()}}


@router.patch("/algorithms/{slug}", summary="Change a registered algorithm")
def edit_algorithm(
    request: Request, slug: SlugPath, body: AlgorithmPatch, principal: Editor
) -> dict[str, Any]:
    """Change the register entry (422 for a broken rule, nothing changed then). A new location
    moves the algorithm's runs to its factor set: the organisation views follow at once."""
    from algoprint.kader.register import edit_algorithm as edit
    from algoprint.server.aggregates import rekey_algorithm

    changes = body.model_dump(exclude_unset=True)
    alg = edit(_store(request, principal), slug, changes)
    if {"zone", "cloud", "region", "datacentre", "contract"} & set(changes):
        rekey_algorithm(ctx(request), principal.org, slug)
    return alg.to_dict()


@router.get("/algorithms/{slug}/series", summary="Energy and CO2e per day and phase")
def series(
    request: Request, slug: Annotated[str, Path(max_length=200)], principal: Reader
) -> dict[str, Any]:
    """``{"items": [{"day", "phase", runs, gaps, energy_j, duration_s, co2e_g,
    co2e_market_g}]}`` from the aggregates (works for unregistered algorithms too)."""
    from algoprint.server.aggregates import algorithm_series

    rows = algorithm_series(ctx(request), principal.org, slug)
    return {"items": [{"day": d, "phase": p or None, **asdict(t)} for d, p, t in rows]}


@router.get("/algorithms/{slug}/assessments", summary="The seven measures of an algorithm")
def assessments(
    request: Request, slug: SlugPath, principal: Reader, lang: Literal["nl", "en"] = "nl"
) -> dict[str, Any]:
    """The current assessment of each measure (state, evidence links, files)."""
    from algoprint.kader.assessments import list_assessments

    items = list_assessments(_store(request, principal), slug)
    return {"items": [a.to_dict(lang) for a in items]}


@router.put("/algorithms/{slug}/assessments/{measure}", summary="Change an assessment")
def set_assessment(
    request: Request,
    slug: SlugPath,
    measure: MeasurePath,
    body: AssessmentIn,
    principal: Editor,
) -> dict[str, Any]:
    """Change state, note, reason, responsible, reviewer or add links; recorded in the
    history with the caller as author (422 for a broken rule; nothing written then)."""
    from algoprint.kader.assessments import set_assessment as change

    done = change(
        _store(request, principal),
        slug,
        measure,
        state=body.state,
        note=body.note,
        reason=body.reason,
        responsible=body.responsible,
        reviewer=body.reviewer,
        links=body.links,
        by=principal.name,
    )
    return done.to_dict()


@router.get("/algorithms/{slug}/assessments/{measure}/history", summary="Assessment history")
def assessment_history(
    request: Request, slug: SlugPath, measure: MeasurePath, principal: Reader
) -> dict[str, Any]:
    """Every change of the measure's assessment, newest last."""
    from algoprint.kader.assessments import history

    return {"items": [h.to_dict() for h in history(_store(request, principal), slug, measure)]}


@router.get("/analyses", summary="Stored analyses (evidence for the measures)")
def analyses(
    request: Request,
    principal: Reader,
    algorithm: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9-]{1,63}$")] = None,
    measure: Annotated[str | None, Query(pattern=r"^[a-z]{3}-\d{2}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """``{"items": [analysis, ...]}`` newest first."""
    found = _store(request, principal).list_analyses(
        algorithm=algorithm, measure=measure, limit=limit
    )
    return {"items": [a.to_dict() for a in found]}


@router.get("/analyses/{analysis_id}", summary="One analysis")
def analysis(
    request: Request, analysis_id: Annotated[str, Path(max_length=128)], principal: Reader
) -> dict[str, Any]:
    """The analysis document (404 if the organisation has none with this id)."""
    return _store(request, principal).get_analysis(analysis_id).to_dict()  # type: ignore[no-any-return]


_MEDIA = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


@router.get("/reports", summary="Monitoring report (mon-06) as HTML, PDF, JSON, Markdown, CSV")
async def report(
    request: Request,
    principal: Reader,
    algorithm: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9-]{1,63}$")] = None,
    period: Annotated[str | None, Query(max_length=40)] = None,
    fmt: Annotated[Literal["html", "pdf", "json", "md", "csv"], Query(alias="format")] = "html",
    lang: Literal["nl", "en"] = "nl",
) -> Response:
    """The report of one algorithm, or of the whole organisation without ``algorithm``."""
    from algoprint.report import build_report, render

    store = _store(request, principal)

    def build() -> bytes:
        data = build_report(store, algorithm=algorithm, period=period, lang=lang)
        return render(data, fmt)

    body = await run_in_threadpool(build)
    name = f"algoprint-{algorithm or principal.org.slug}.{fmt}"
    return Response(
        body,
        media_type=_MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/exports/{kind}", summary="Exports: runs (CSV/JSON), AMT, Algoritmeregister text")
async def export(
    request: Request,
    kind: Literal["runs.csv", "runs.json", "amt.json", "task-registry.json"],
    principal: Reader,
    algorithm: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9-]{1,63}$")] = None,
    period: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The same documents as ``algoprint export`` and ``algoprint kader export``."""
    store = _store(request, principal)

    def build() -> tuple[bytes, str]:
        if kind.startswith("runs."):
            from algoprint.exchange.runs_csv import export_runs

            fmt = kind.split(".")[1]
            return export_runs(store, fmt=fmt, algorithm=algorithm, period=period), _MEDIA[fmt]
        from algoprint.exchange.amt import export_amt
        from algoprint.exchange.task_registry import export_task_registry

        doc = (export_amt if kind == "amt.json" else export_task_registry)(
            store, algorithm=algorithm
        )
        return json.dumps(doc, indent=2, ensure_ascii=False).encode(), _MEDIA["json"]

    body, media = await run_in_threadpool(build)
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{kind}"'}
    )
