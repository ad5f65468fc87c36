"""Between :class:`~algoprint.records.AnalysisRecord` and the ``analyses`` table, and its queries.

Every function that touches the database takes an open :class:`~sqlalchemy.engine.Connection`
(the :class:`~algoprint.store.Store` owns the transaction and the one writer).

``created_at`` keeps the instant (UTC); it comes back in :func:`~algoprint.records.utc_now_iso`'s
format (milliseconds, ``+00:00``), or with microseconds when the stored instant has them, so a
record made with the defaults round-trips unchanged.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from algoprint.errors import InputError, NotFound
from algoprint.records import ANALYSIS_KINDS, AnalysisRecord
from algoprint.store._convert import check_aware, parse_ts
from algoprint.store._schema import analyses

__all__ = [
    "analysis_filters",
    "analysis_row",
    "build_analysis",
    "find_analysis",
    "format_ms",
    "upsert_analysis",
]

_LIST_HINT = "`algoprint analyses` or Store.list_analyses() lists the stored analysis ids"


def format_ms(value: datetime) -> str:
    """An instant as ISO 8601 in UTC with milliseconds (microseconds when it has them)."""
    value = value.astimezone(UTC)
    spec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    return value.isoformat(timespec=spec)


def _json_doc(value: Any, what: str, analysis_id: str) -> Any:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise InputError(
            f"{what} of analysis {analysis_id} cannot be stored as JSON: {e}",
            hint="use only dicts, lists, strings, finite numbers, booleans and None "
            "(NaN/inf are not JSON: store None with a reason)",
        ) from None
    return value


def analysis_row(record: AnalysisRecord) -> dict[str, Any]:
    """The row of ``record``; validates what the database would reject less clearly.

    Raises:
        InputError: empty id, unknown kind, timestamp without offset, a result that is not
            JSON (NaN, sets, objects), a non-finite ``own_energy_j``, non-string run ids.
    """
    if not record.analysis_id:
        raise InputError("an analysis needs a non-empty analysis_id")
    if record.kind not in ANALYSIS_KINDS:
        raise InputError(
            f"unknown analysis kind {record.kind!r}",
            hint=f"use one of {', '.join(sorted(ANALYSIS_KINDS))}",
        )
    if not isinstance(record.result, Mapping):
        raise InputError(f"result of analysis {record.analysis_id} must be a dict")
    energy = record.own_energy_j
    if energy is not None and (isinstance(energy, bool) or not math.isfinite(float(energy))):
        raise InputError(
            f"own_energy_j of analysis {record.analysis_id} must be a finite number or None, "
            f"got {energy!r}"
        )
    if not all(isinstance(r, str) for r in record.run_ids):
        raise InputError(f"run_ids of analysis {record.analysis_id} must be strings")
    return {
        "analysis_id": record.analysis_id,
        "kind": record.kind,
        "measure": ANALYSIS_KINDS[record.kind],
        "algorithm": record.algorithm,
        "created_at": parse_ts(record.created_at, "created_at"),
        "title": record.title,
        "result": _json_doc(dict(record.result), "result", record.analysis_id),
        "summary_nl": record.summary_nl,
        "summary_en": record.summary_en,
        "own_energy_j": None if energy is None else float(energy),
        "run_ids": list(record.run_ids),
        "schema_version": record.schema_version,
    }


def build_analysis(row: RowMapping) -> AnalysisRecord:
    """The record of a stored row."""
    return AnalysisRecord(
        kind=row["kind"],
        algorithm=row["algorithm"],
        title=row["title"],
        result=dict(row["result"]),
        summary_nl=row["summary_nl"],
        summary_en=row["summary_en"],
        own_energy_j=row["own_energy_j"],
        run_ids=list(row["run_ids"]),
        analysis_id=row["analysis_id"],
        created_at=format_ms(row["created_at"]),
        schema_version=row["schema_version"],
    )


def upsert_analysis(conn: Connection, row: dict[str, Any]) -> None:
    """Insert ``row`` or replace the analysis with the same id."""
    changes = [key for key in row if key != "analysis_id"]
    stmt: Any
    if conn.dialect.name == "postgresql":
        pg = postgresql.insert(analyses).values(**row)
        stmt = pg.on_conflict_do_update(
            index_elements=[analyses.c.analysis_id], set_={k: pg.excluded[k] for k in changes}
        )
    else:
        lite = sqlite.insert(analyses).values(**row)
        stmt = lite.on_conflict_do_update(
            index_elements=[analyses.c.analysis_id], set_={k: lite.excluded[k] for k in changes}
        )
    conn.execute(stmt)


def find_analysis(conn: Connection, key: str, where: str, min_prefix: int) -> RowMapping:
    """The row with id ``key``, else the one whose id starts with ``key`` (>= ``min_prefix``).

    Raises:
        NotFound: nothing matches.
        InputError: the prefix matches several analyses (lists them).
    """
    row = conn.execute(select(analyses).where(analyses.c.analysis_id == key)).mappings().first()
    if row is not None:
        return row
    if len(key) < min_prefix:
        raise NotFound(
            f"no analysis {key!r} in {where}",
            hint=f"give the full id or at least {min_prefix} characters; {_LIST_HINT}",
        )
    query = (
        select(analyses.c.analysis_id)
        .where(analyses.c.analysis_id.startswith(key, autoescape=True))
        .order_by(analyses.c.analysis_id)
        .limit(50)
    )
    matches = [str(i) for i in conn.execute(query).scalars() if str(i).startswith(key)]
    if not matches:
        raise NotFound(f"no analysis {key!r} in {where}", hint=_LIST_HINT)
    if len(matches) > 1:
        shown = ", ".join(matches[:10]) + (", ..." if len(matches) > 10 else "")
        raise InputError(
            f"analysis id prefix {key!r} matches {len(matches)} analyses: {shown}",
            hint="give more characters of the id",
        )
    found = select(analyses).where(analyses.c.analysis_id == matches[0])
    return conn.execute(found).mappings().one()


def analysis_filters(
    *,
    algorithm: str | None,
    kind: str | None,
    measure: str | None,
    since: datetime | None,
) -> list[ColumnElement[bool]]:
    """WHERE clauses for :meth:`Store.list_analyses`.

    Raises:
        InputError: unknown kind or measure, naive ``since``.
    """
    where: list[ColumnElement[bool]] = []
    if algorithm is not None:
        where.append(analyses.c.algorithm == algorithm)
    if kind is not None:
        if kind not in ANALYSIS_KINDS:
            raise InputError(
                f"unknown analysis kind {kind!r}",
                hint=f"use one of {', '.join(sorted(ANALYSIS_KINDS))}",
            )
        where.append(analyses.c.kind == kind)
    if measure is not None:
        code = measure.strip().lower().removeprefix("urn:nl:ak:mtr:")
        known = sorted(set(ANALYSIS_KINDS.values()))
        if code not in known:
            raise InputError(
                f"no analysis kind gives evidence for measure {measure!r}",
                hint=f"use one of {', '.join(known)}",
            )
        where.append(analyses.c.measure == code)
    if since is not None:
        where.append(analyses.c.created_at >= check_aware(since, "since"))
    return where
