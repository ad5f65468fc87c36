"""Ingest of run documents: idempotent by run id, newest record wins, conflicts refused.

For each organisation one ingest runs at a time (a lock per organisation), in three steps:

1. classify every run against the run index (nothing written yet): ``created``, ``updated``
   (a running run's later checkpoint, or its final record), ``unchanged`` (the same document
   again), ``stale`` (the server holds a newer record; kept) or a conflict (the same run id
   with other content: 409, and nothing of the batch is written);
2. save the created and updated runs in the organisation's store, all in one transaction;
3. in one transaction of the server database, replace their rows in the run index, count
   the machine once for them and the runs they overlap on the same host
   (:mod:`algoprint.server._counting`), and move their contributions in the daily and monthly
   aggregates (old contribution out, new in).

Step 3 never runs ahead of step 2, and both are idempotent: after a crash between them, the
client's retry of the same batch redoes step 2 (same content) and then step 3. So a run is
never lost, never counted twice, and never half-written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, select

from algoprint.errors import InputError
from algoprint.server._counting import in_list, lock_organisation, recount
from algoprint.server._rollup import algorithm_factor_description, apply_deltas
from algoprint.server._schema import run_index
from algoprint.server.accounts import Organisation
from algoprint.server.budgets import check_budgets
from algoprint.server.context import ServerContext
from algoprint.server.factors import factor_key
from algoprint.store._overlap import host_key
from algoprint.tracking.record import RunRecord, RunStatus

__all__ = ["Conflict", "IngestOutcome", "after_ingest", "digest", "ingest_runs"]

_LOCKS: dict[tuple[int, int], threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


class Conflict(InputError):
    """A run id that the server holds with other content (HTTP 409)."""


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """Per run id what happened (``created``, ``updated``, ``unchanged``, ``stale``)."""

    results: dict[str, str]


_STAMPS = ("started_at", "ended_at", "checkpoint_at")


def _stamp(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return datetime.fromisoformat(value).astimezone(UTC).isoformat(timespec="microseconds")


def digest(document: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a run document (sorted keys, no spaces, timestamps as
    UTC with microseconds), so the same run read back from a store (which writes
    ``.406000+00:00`` for the tracker's ``.406+00:00``) has the same digest."""
    doc = {k: (_stamp(v) if k in _STAMPS else v) for k, v in document.items()}
    doc["phases"] = [
        {k: (_stamp(v) if k in _STAMPS else v) for k, v in phase.items()}
        for phase in document.get("phases") or []
    ]
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _ts(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).astimezone(UTC)


def _rank(final: bool, checkpoint: datetime | None) -> tuple[int, datetime]:
    return (1 if final else 0, checkpoint or datetime.min.replace(tzinfo=UTC))


def _lock(ctx: ServerContext, org: Organisation) -> threading.Lock:
    key = (id(ctx), org.id)
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


@dataclass(slots=True)
class _Item:
    record: RunRecord
    digest: str
    started: datetime
    checkpoint: datetime | None
    final: bool


def _items(documents: Sequence[dict[str, Any]]) -> dict[str, _Item]:
    """One item per run id (the newest of repeated ids in the batch)."""
    items: dict[str, _Item] = {}
    for doc in documents:
        record = RunRecord.from_dict(doc)
        started = _ts(record.started_at)
        assert started is not None
        checkpoint = _ts(record.checkpoint_at)
        if record.status is not RunStatus.RUNNING:
            checkpoint = _ts(record.ended_at) or checkpoint
        item = _Item(
            record, digest(doc), started, checkpoint, record.status is not RunStatus.RUNNING
        )
        seen = items.get(record.run_id)
        if seen is not None and seen.digest != item.digest:
            if _rank(seen.final, seen.checkpoint) == _rank(item.final, item.checkpoint):
                raise Conflict(
                    f"run {record.run_id} appears twice in the batch with different content"
                )
            if _rank(seen.final, seen.checkpoint) > _rank(item.final, item.checkpoint):
                continue
        items[record.run_id] = item
    return items


def _classify(item: _Item, row: Any | None) -> str:
    if row is None:
        return "created"
    if row.digest == item.digest:
        return "unchanged"
    same_identity = (
        row.started_at == item.started
        and row.algorithm == (item.record.algorithm or "")
        and row.phase == (item.record.phase or "")
    )
    old = _rank(row.status != RunStatus.RUNNING.value, row.checkpoint_at)
    new = _rank(item.final, item.checkpoint)
    if not same_identity or old == new or (item.final and row.status != "running"):
        raise Conflict(
            f"run {item.record.run_id} is already stored with other content",
            hint="a run id names one run; give a new run a new id",
        )
    return "updated" if new > old else "stale"


def _index_row(org_id: int, item: _Item, factor: str) -> dict[str, Any]:
    r = item.record
    power = None
    if r.status is RunStatus.RUNNING and r.energy_j is not None and r.duration_s > 0:
        power = r.energy_j / r.duration_s
    host = r.host.get("hostname") if isinstance(r.host, dict) else None
    return {
        "org_id": org_id,
        "run_id": r.run_id,
        "digest": item.digest,
        "algorithm": r.algorithm or "",
        "phase": r.phase or "",
        "day": item.started.date().isoformat(),
        "status": r.status.value,
        "hostname": host if isinstance(host, str) else None,
        "started_at": item.started,
        "ended_at": _ts(r.ended_at),
        "checkpoint_at": item.checkpoint,
        "duration_s": float(r.duration_s),
        "energy_j": r.energy_j,
        "power_w": power,
        "factor_key": factor,
        "host_key": host_key(r.host) if isinstance(r.host, dict) else None,
        "scope": r.scope,
        "counted_j": r.energy_j,  # until recount() counts the machine once
    }


def _factor_for(
    ctx: ServerContext, conn: Any, org: Organisation, algorithm: str | None, year: int
) -> str:
    description = algorithm_factor_description(ctx, org, algorithm)
    return ctx.factors.ensure(conn, description, year)


def ingest_runs(
    ctx: ServerContext, org: Organisation, documents: Sequence[dict[str, Any]]
) -> IngestOutcome:
    """Ingest validated run documents (:class:`~algoprint.server.api.models.RunIn` dumps).

    Raises:
        Conflict: a run id already stored (or repeated in the batch) with other content;
            nothing of the batch is written.
        InputError: strict mode and an algorithm that is not registered; or a malformed
            record the store refuses. Nothing is written.
        StoreError: a database cannot be reached (the API answers 503; retry later).
    """
    items = _items(documents)
    if not items:
        return IngestOutcome({})
    if ctx.settings.strict_algorithms:
        _check_registered(ctx, org, {i.record.algorithm for i in items.values()})
    store = ctx.stores.get(org.id)
    with _lock(ctx, org):
        ids = list(items)
        existing: dict[str, Any] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            query = select(run_index).where(run_index.c.org_id == org.id, _ids_in(ctx, part))

            def read(conn: Any, q: Any = query) -> list[Any]:
                return list(conn.execute(q).all())

            for row in ctx.db.read(read, "reading the run index"):
                existing[row.run_id] = row
        results = {rid: _classify(item, existing.get(rid)) for rid, item in items.items()}
        changed = [items[rid] for rid, what in results.items() if what in {"created", "updated"}]
        if changed:
            store.save_runs([i.record for i in changed])

            def write(conn: Any) -> None:
                lock_organisation(conn, org.id)
                new_rows = [
                    _index_row(
                        org.id, i, _factor_for(ctx, conn, org, i.record.algorithm, i.started.year)
                    )
                    for i in changed
                ]
                keys = [i.record.run_id for i in changed]
                old_rows: list[dict[str, Any]] = []
                for chunk in range(0, len(keys), 500):
                    cond = (run_index.c.org_id == org.id, _ids_in(ctx, keys[chunk : chunk + 500]))
                    deleted = conn.execute(run_index.delete().where(*cond).returning(run_index))
                    old_rows.extend(dict(r._mapping) for r in deleted)
                for chunk in range(0, len(new_rows), 1000):
                    conn.execute(run_index.insert(), new_rows[chunk : chunk + 1000])
                before, after = recount(conn, org.id, old_rows + new_rows)
                apply_deltas(conn, org.id, old_rows + before, new_rows + after)

            ctx.db.write(write, f"indexing {len(changed)} runs")
            after_ingest(ctx, org, [i.record for i in changed])
    return IngestOutcome(results)


def after_ingest(ctx: ServerContext, org: Organisation, records: list[RunRecord]) -> None:
    """Update the metrics and check the budgets after ``records`` were ingested. Never
    raises: the runs are stored already; a failed check is logged."""
    ctx.metrics.runs.labels(org.slug).inc(len(records))
    touched: set[tuple[str, str]] = set()
    keys: dict[tuple[str, int], str] = {}
    for r in records:
        alg, phase = r.algorithm or "", r.phase or ""
        touched.add((alg, r.started_at[:7]))
        if r.energy_j is None:
            continue
        if r.status.value == "running":
            if r.duration_s > 0:
                ctx.metrics.power.labels(org.slug, alg).set(r.energy_j / r.duration_s)
            continue
        with contextlib.suppress(KeyError):  # the run finished: no longer running
            ctx.metrics.power.remove(org.slug, alg)
        ctx.metrics.energy.labels(org.slug, alg, phase).inc(r.energy_j)
        year = int(r.started_at[:4])
        key = keys.get((alg, year)) or keys.setdefault(
            (alg, year), factor_key(algorithm_factor_description(ctx, org, alg), year)
        )
        per_j = ctx.factor_per_joule.get(key)
        if per_j is None:
            per_j = ctx.refresh_factor_cache().get(key)
        if per_j is not None:
            ctx.metrics.co2e.labels(org.slug, alg, phase).inc(r.energy_j * per_j)
    try:
        check_budgets(ctx, org, touched)
    except Exception:
        logging.getLogger("algoprint.server").exception("checking budgets failed")


def _ids_in(ctx: ServerContext, ids: list[str]) -> ColumnElement[bool]:
    """``run_id IN ids`` (:func:`~algoprint.server._counting.in_list`)."""
    return in_list(ctx.db.dialect, run_index.c.run_id, ids)


def _check_registered(ctx: ServerContext, org: Organisation, names: set[str | None]) -> None:
    from algoprint.errors import NotFound
    from algoprint.kader.register import get_algorithm

    store = ctx.stores.get(org.id)
    for name in sorted(n or "" for n in names):
        if not name:
            raise InputError(
                "a run without an algorithm is refused (strict mode)",
                hint="track runs with algorithm=SLUG",
            )
        try:
            get_algorithm(store, name)
        except (NotFound, InputError):
            raise InputError(
                f"unknown algorithm {name!r} (the server is in strict mode)",
                hint="register it first: POST /api/v1/algorithms",
            ) from None
