"""Queries on the runs table behind :class:`~algoprint.store.Store`: the upsert, filters,
run-id prefixes, loading records with their children, and the spool's newer-than check."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from algoprint.errors import InputError, NotFound
from algoprint.store._convert import COMPONENT_COLUMNS, build_record, check_aware, group_components
from algoprint.store._schema import components, phases, runs
from algoprint.tracking.record import RunRecord, RunStatus

__all__ = ["MIN_PREFIX", "is_newer"]

MIN_PREFIX = 6
"""Shortest run-id prefix that :meth:`Store.get_run` accepts."""

_LIST_HINT = "`algoprint runs` lists the stored run ids"


def is_newer(conn: Connection, record: RunRecord) -> bool:
    row = conn.execute(
        select(runs.c.status, runs.c.checkpoint_at).where(runs.c.run_id == record.run_id)
    ).first()
    if row is None:
        return True
    if row.status != RunStatus.RUNNING.value and record.status is RunStatus.RUNNING:
        return False
    if row.checkpoint_at is None or record.checkpoint_at is None:
        return True
    stored: datetime = row.checkpoint_at
    incoming = datetime.fromisoformat(record.checkpoint_at)
    if stored.tzinfo is None:
        incoming = incoming.replace(tzinfo=None)
    return incoming >= stored


def _upsert(conn: Connection, row: dict[str, Any]) -> Any:
    """The upsert of a run row, built once per dialect and set of columns and executed with
    the row as parameters: ``algoprint run`` saves a checkpoint every 2 s, and building the
    statement (its ``excluded`` columns) was most of a checkpoint's CPU time."""
    return _upsert_statement(conn.dialect.name, tuple(row))


@functools.cache
def _upsert_statement(dialect: str, columns: tuple[str, ...]) -> Any:
    changes = [key for key in columns if key != "run_id"]
    if dialect == "postgresql":
        pg = postgresql.insert(runs)
        return pg.on_conflict_do_update(
            index_elements=[runs.c.run_id], set_={k: pg.excluded[k] for k in changes}
        )
    lite = sqlite.insert(runs)
    return lite.on_conflict_do_update(
        index_elements=[runs.c.run_id], set_={k: lite.excluded[k] for k in changes}
    )


def _filters(
    algorithm: str | None, since: datetime | None, until: datetime | None, status: str | None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if algorithm is not None:
        where.append(runs.c.algorithm == algorithm)
    if since is not None:
        where.append(runs.c.started_at >= check_aware(since, "since"))
    if until is not None:
        where.append(runs.c.started_at < check_aware(until, "until"))
    if status is not None:
        accepted = [s.value for s in RunStatus]
        if status not in accepted:
            raise InputError(
                f"unknown run status {status!r}", hint=f"use one of {', '.join(accepted)}"
            )
        where.append(runs.c.status == str(status))
    return where


def _by_prefix(conn: Connection, prefix: str, where: str) -> RowMapping:
    if len(prefix) < MIN_PREFIX:
        raise NotFound(
            f"no run {prefix!r} in {where}",
            hint=f"give the full id or at least {MIN_PREFIX} characters; {_LIST_HINT}",
        )
    query = (
        select(runs.c.run_id)
        .where(runs.c.run_id.startswith(prefix, autoescape=True))
        .order_by(runs.c.run_id)
        .limit(50)
    )
    # LIKE ignores ASCII case on SQLite: keep only true prefixes.
    matches = [str(i) for i in conn.execute(query).scalars() if str(i).startswith(prefix)]
    if not matches:
        raise NotFound(f"no run {prefix!r} in {where}", hint=_LIST_HINT)
    if len(matches) > 1:
        shown = ", ".join(matches[:10]) + (", ..." if len(matches) > 10 else "")
        raise InputError(
            f"run id prefix {prefix!r} matches {len(matches)} runs: {shown}",
            hint="give more characters of the id",
        )
    return conn.execute(select(runs).where(runs.c.run_id == matches[0])).mappings().one()


def _load(
    conn: Connection, run_rows: Sequence[RowMapping], ids: Select[tuple[str]]
) -> list[RunRecord]:
    """Records for ``run_rows``; ``ids`` selects the same run ids (one query per child table)."""
    if not run_rows:
        return []
    query = (
        select(*(components.c[name] for name in COMPONENT_COLUMNS))
        .where(components.c.run_id.in_(ids))
        .order_by(components.c.run_id, components.c.phase_name, components.c.seq)
    )
    by_run_components = group_components(conn.execute(query).all())
    by_run_phases: dict[str, list[RowMapping]] = {}
    query = select(phases).where(phases.c.run_id.in_(ids)).order_by(phases.c.run_id, phases.c.seq)
    for row in conn.execute(query).mappings().all():
        by_run_phases.setdefault(row["run_id"], []).append(row)
    return [
        build_record(
            run, by_run_components.get(run["run_id"], {}), by_run_phases.get(run["run_id"], [])
        )
        for run in run_rows
    ]
