"""Counting the machine once in the server's aggregates, kept incremental.

The rule is the run store's (:mod:`algoprint.store._overlap`, docs/store.md "Counting the
machine once"): machine-scope runs that overlap on one host split the overlap pro rata by
time; the energy of process-scope runs inside a machine-scope run is taken off that run.
The server applies the same pure function (:func:`~algoprint.store._overlap.overlap_shares`)
to the run index, where each run's counted figure is kept in ``counted_j`` and the
aggregates sum ``counted_j`` (not ``energy_j``).

At ingest, after the changed runs' rows are written (with ``counted_j = energy_j``),
:func:`recount` finds every machine- or process-scope run of the same host keys whose time
touches a changed run (its old or new interval), recomputes their counted figures over all
runs that touch *those* runs (the share of a run depends only on runs that overlap it), and
returns the rows whose ``counted_j`` changed, before and after, for
:func:`~algoprint.server._rollup.apply_deltas`. So a run arriving late that overlaps a
counted run, or a running run's next checkpoint, moves the aggregates by the difference
only; ingesting the same run again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam, or_, select, text, update

from algoprint.server._schema import run_index
from algoprint.store._overlap import Interval, overlap_shares

__all__ = ["SCOPES", "in_list", "lock_organisation", "recount"]

SCOPES = ("machine", "process")
"""The run scopes that take part (a run at another scope counts its own figure)."""

_CHUNK = 500
_PG_LOCK_CLASS = 0x616C6763  # "algc": with the organisation id, one recount at a time
_PAD = timedelta(seconds=1)  # ended_at and started_at + duration_s may differ by rounding


def in_list(dialect: str, column: ColumnElement[Any], values: list[str]) -> ColumnElement[bool]:
    """``column IN values``: one array parameter on PostgreSQL (a 500-placeholder statement
    costs more to prepare than to run), a plain IN list on SQLite."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY
        from sqlalchemy.types import String

        return column == any_(bindparam("in_values", values, type_=ARRAY(String)))
    return column.in_(values)


def lock_organisation(conn: Any, org_id: int) -> None:
    """On PostgreSQL, hold the organisation's recount lock until the transaction ends: take it
    first in the transaction that writes the run index (before any row lock, so two server
    processes cannot deadlock). Server processes ingest in parallel (each holds only its own
    per-organisation lock); with this, under READ COMMITTED, each recount sees the runs the
    previous one committed. No-op on SQLite (``BEGIN IMMEDIATE`` serialises writers)."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:cls, :org)"),
            {"cls": _PG_LOCK_CLASS, "org": org_id},
        )


def _span(row: Any) -> tuple[float, float]:
    start = row["started_at"]
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    begin = start.timestamp()
    return begin, begin + max(0.0, float(row["duration_s"] or 0.0))


def _takes_part(row: Any) -> bool:
    return row["scope"] in SCOPES and bool(row["host_key"])


def _touching(
    conn: Any, org_id: int, windows: dict[str, tuple[float, float]]
) -> list[dict[str, Any]]:
    """Run-index rows of these host keys (machine or process scope) that may touch each host's
    window ``(lo, hi)`` in epoch seconds (a superset: callers filter exactly)."""
    hosts = sorted(windows)
    lo = datetime.fromtimestamp(min(w[0] for w in windows.values()), UTC) - _PAD
    hi = datetime.fromtimestamp(max(w[1] for w in windows.values()), UTC) + _PAD
    t = run_index
    rows: list[dict[str, Any]] = []
    for chunk in range(0, len(hosts), _CHUNK):
        query = select(t).where(
            t.c.org_id == org_id,
            in_list(conn.dialect.name, t.c.host_key, hosts[chunk : chunk + _CHUNK]),
            t.c.scope.in_(SCOPES),
            t.c.started_at < hi,
            or_(t.c.ended_at.is_(None), t.c.ended_at > lo),
        )
        rows.extend(dict(r._mapping) for r in conn.execute(query))
    return rows


def _hull(rows: Iterable[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    windows: dict[str, tuple[float, float]] = {}
    for row in rows:
        begin, end = _span(row)
        seen = windows.get(row["host_key"])
        windows[row["host_key"]] = (
            (begin, end) if seen is None else (min(seen[0], begin), max(seen[1], end))
        )
    return windows


def recount(
    conn: Any, org_id: int, changed: Sequence[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Recompute ``counted_j`` of the runs that ``changed`` rows (old and new run-index rows
    of the runs just ingested) touch, in the run index, inside the caller's transaction
    (which took :func:`lock_organisation` first).

    Returns:
        ``(before, after)``: the rows whose ``counted_j`` changed, as they were and as they
        are now; :func:`~algoprint.server._rollup.apply_deltas` moves the aggregates.
    """
    taking_part = [r for r in changed if _takes_part(r)]
    if not taking_part:
        return [], []
    spans: dict[str, list[tuple[float, float]]] = {}
    for row in taking_part:
        spans.setdefault(row["host_key"], []).append(_span(row))
    found = _touching(conn, org_id, _hull(taking_part))
    # The runs whose counted figure may change: those that touch a changed run's interval.
    affected: dict[str, dict[str, Any]] = {}
    for r in found:
        begin, end = _span(r)
        if any(b <= end and e >= begin for b, e in spans.get(r["host_key"], ())):
            affected[r["run_id"]] = r
    if not affected:
        return [], []
    # Their shares depend on every run that overlaps them: widen the window to theirs.
    wider = _hull(affected.values())
    if wider != _hull(taking_part):
        found = _touching(conn, org_id, wider)
    shares = overlap_shares(
        Interval(
            str(r["run_id"]),
            str(r["host_key"]),
            *_span(r),
            scope=str(r["scope"]),
            energy_j=r["energy_j"],
        )
        for r in found
    )
    before: list[dict[str, Any]] = []
    after: list[dict[str, Any]] = []
    for run_id, row in affected.items():
        energy = row["energy_j"]
        share = shares.get(run_id)
        counted = energy if energy is None or share is None else energy * share.share
        if counted == row["counted_j"]:
            continue
        conn.execute(
            update(run_index)
            .where(run_index.c.org_id == org_id, run_index.c.run_id == run_id)
            .values(counted_j=counted)
        )
        before.append(row)
        after.append({**row, "counted_j": counted})
    return before, after
