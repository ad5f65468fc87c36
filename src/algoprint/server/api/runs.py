"""``/api/v1/runs``: upload (one run or a list) and list/read runs of the caller's
organisation."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import and_, or_, select

from algoprint.server._schema import factor_sets, run_index
from algoprint.server.accounts import Principal
from algoprint.server.api.models import IngestResult, RunIn
from algoprint.server.auth import require_scope
from algoprint.server.context import ctx
from algoprint.server.ingest import ingest_runs
from algoprint.tracking.record import RunStatus

__all__ = ["router"]

router = APIRouter(tags=["runs"])
_ONE = TypeAdapter(RunIn)
_MANY = TypeAdapter(list[RunIn])
_STATUSES = tuple(s.value for s in RunStatus)


def _problem(status: int, message: str, hint: str | None = None) -> HTTPException:
    return HTTPException(status, detail={"message": message, "hint": hint})


def _validation(e: ValidationError, batch: bool) -> HTTPException:
    errors = e.errors()
    first = errors[0]
    loc = ".".join(str(p) for p in first["loc"])
    where = f"run {loc}" if not batch else f"item {loc}"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return _problem(
        422,
        f"invalid run document: {where}: {first['msg']}{more}",
        "see docs/run-schema.md for the fields and their types",
    )


@router.post(
    "/runs",
    response_model=IngestResult,
    summary="Upload one run or a list of runs (idempotent by run id)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            {"$ref": "#/components/schemas/RunIn"},
                            {"type": "array", "items": {"$ref": "#/components/schemas/RunIn"}},
                        ]
                    }
                }
            },
        }
    },
    responses={
        409: {"description": "a run id already stored with other content"},
        413: {"description": "body too large"},
        429: {"description": "rate limited"},
        503: {"description": "database unavailable; nothing written"},
    },
)
async def upload_runs(
    request: Request, principal: Annotated[Principal, Depends(require_scope("ingest"))]
) -> IngestResult:
    """Store runs. A running run's later checkpoint updates it; an older record never
    replaces a newer one (``stale``); the same document again is ``unchanged``; the same run
    id with other content is refused with 409 and nothing of the batch is written."""
    from starlette.concurrency import run_in_threadpool

    context = ctx(request)
    wait = context.limiter.allow(principal.name)
    if wait is not None:
        raise HTTPException(
            429,
            detail={"message": "too many uploads; slow down", "hint": f"retry after {wait:.1f} s"},
            headers={"Retry-After": str(max(1, round(wait)))},
        )
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise _problem(415, "send the runs as JSON", "Content-Type: application/json")
    raw = await request.body()
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise _problem(400, f"malformed JSON: {e}", "send one run document or a list") from None
    batch = isinstance(data, list)
    if batch and len(data) > context.settings.max_batch_runs:
        raise _problem(
            413,
            f"{len(data)} runs in one batch; at most {context.settings.max_batch_runs}",
            "split the batch",
        )
    if batch and not data:
        raise _problem(422, "the list of runs is empty")
    if not isinstance(data, (list, dict)):
        raise _problem(422, "expected a run document (object) or a list of them")
    try:
        runs = _MANY.validate_python(data) if batch else [_ONE.validate_python(data)]
    except ValidationError as e:
        raise _validation(e, batch) from None
    documents = [r.model_dump() for r in runs]
    outcome = await run_in_threadpool(ingest_runs, context, principal.org, documents)
    counts: dict[str, int] = {}
    for what in outcome.results.values():
        counts[what] = counts.get(what, 0) + 1
    return IngestResult(results=outcome.results, counts=counts)  # type: ignore[arg-type]


def _cursor(value: str) -> tuple[datetime, str]:
    try:
        started, run_id = json.loads(base64.urlsafe_b64decode(value.encode()).decode())
        return datetime.fromisoformat(started), str(run_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _problem(
            400,
            "the cursor is not one this server gave out",
            "use the 'next' value of the previous page",
        ) from None


def _encode(started: datetime, run_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([started.isoformat(), run_id]).encode()).decode()


def _when(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _problem(
            422,
            f"{name} {value!r} is not an ISO 8601 date or time",
            "for example 2026-01-31 or 2026-01-31T12:00:00+00:00",
        ) from None
    if parsed.tzinfo is None:
        from datetime import UTC

        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def run_item(row: Any) -> dict[str, Any]:
    """A run in a list: the run-index columns plus CO2e (g, location-based)."""
    per_j = row.co2e_g_per_j
    return {
        "run_id": row.run_id,
        "algorithm": row.algorithm or None,
        "phase": row.phase or None,
        "status": row.status,
        "hostname": row.hostname,
        "started_at": row.started_at.isoformat(),
        "ended_at": None if row.ended_at is None else row.ended_at.isoformat(),
        "duration_s": row.duration_s,
        "energy_j": row.energy_j,
        "co2e_g": None if per_j is None or row.energy_j is None else row.energy_j * per_j,
    }


@router.get("/runs", summary="List runs (newest first, cursor pagination)")
def list_runs(
    request: Request,
    principal: Annotated[Principal, Depends(require_scope("read"))],
    algorithm: Annotated[str | None, Query(max_length=200)] = None,
    phase: Annotated[str | None, Query(max_length=200)] = None,
    host: Annotated[str | None, Query(max_length=255)] = None,
    status: Annotated[str | None, Query(max_length=32)] = None,
    since: Annotated[
        str | None, Query(max_length=40, description="ISO date/time, inclusive")
    ] = None,
    until: Annotated[
        str | None, Query(max_length=40, description="ISO date/time, exclusive")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> dict[str, Any]:
    """``{"items": [...], "next": CURSOR or null}``; pass ``cursor=NEXT`` for the next page."""
    if status is not None and status not in _STATUSES:
        raise _problem(422, f"unknown status {status!r}", f"use one of {', '.join(_STATUSES)}")
    t = run_index
    where: list[Any] = [t.c.org_id == principal.org.id]
    if algorithm is not None:
        where.append(t.c.algorithm == algorithm)
    if phase is not None:
        where.append(t.c.phase == phase)
    if host is not None:
        where.append(t.c.hostname == host)
    if status is not None:
        where.append(t.c.status == status)
    start, end = _when(since, "since"), _when(until, "until")
    if start is not None:
        where.append(t.c.started_at >= start)
    if end is not None:
        where.append(t.c.started_at < end)
    if cursor is not None:
        c_started, c_id = _cursor(cursor)
        where.append(
            or_(t.c.started_at < c_started, and_(t.c.started_at == c_started, t.c.run_id < c_id))
        )
    query = (
        select(t, factor_sets.c.co2e_g_per_j)
        .select_from(t.outerjoin(factor_sets, factor_sets.c.factor_key == t.c.factor_key))
        .where(*where)
        .order_by(t.c.started_at.desc(), t.c.run_id.desc())
        .limit(limit + 1)
    )
    rows = ctx(request).db.read(lambda c: c.execute(query).all(), "listing runs")
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = _encode(rows[-1].started_at, rows[-1].run_id) if more else None
    return {"items": [run_item(r) for r in rows], "next": nxt}


@router.get("/runs/{run_id}", summary="One run's full document")
def get_run(
    request: Request,
    run_id: Annotated[str, Path(max_length=128)],
    principal: Annotated[Principal, Depends(require_scope("read"))],
) -> dict[str, Any]:
    """The run document as stored (docs/run-schema.md); 404 when the organisation has no
    run with this exact id."""
    from algoprint.errors import NotFound

    context = ctx(request)
    query = select(run_index.c.run_id).where(
        run_index.c.org_id == principal.org.id, run_index.c.run_id == run_id
    )
    if context.db.read(lambda c: c.execute(query).first(), "reading a run") is None:
        raise NotFound(f"no run {run_id!r} in this organisation")
    return context.stores.get(principal.org.id).get_run(run_id).to_dict()
