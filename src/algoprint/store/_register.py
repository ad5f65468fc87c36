"""Queries for the algorithm register and the Algoritmekader assessments.

The store keeps plain rows (dicts of column values); the domain objects and every rule about
them (slug syntax, states, the reason for *niet van toepassing*) live in
:mod:`algoprint.kader`, which sits above the store. Each function takes an open
:class:`~sqlalchemy.engine.Connection`; :class:`~algoprint.store.Store` owns the transaction.

Rules that need the current row (an archived algorithm is read-only) are checked inside the
write transaction, so a refused change leaves everything as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from algoprint.errors import InputError, NotFound
from algoprint.store._schema import (
    algorithms,
    assessment_files,
    assessment_history,
    assessments,
    runs,
)

__all__ = [
    "ARCHIVED",
    "algorithm_row",
    "assessment_rows",
    "file_content",
    "file_rows",
    "history_rows",
    "insert_algorithm",
    "list_algorithm_rows",
    "phase_energy",
    "update_algorithm",
    "write_assessment",
]

ARCHIVED = "archived"
_ADD_HINT = "register it with: algoprint algorithm add SLUG --name NAME"


def _missing(slug: str, where: str) -> NotFound:
    return NotFound(f"no algorithm {slug!r} in {where}", hint=_ADD_HINT)


def _archived(slug: str) -> InputError:
    return InputError(
        f"algorithm {slug!r} is archived and cannot be changed; nothing was changed",
        hint=f"unarchive it first: algoprint algorithm unarchive {slug}",
    )


def algorithm_row(conn: Connection, slug: str, where: str) -> dict[str, Any]:
    """The register row of ``slug``.

    Raises:
        NotFound: no such algorithm.
    """
    row = conn.execute(select(algorithms).where(algorithms.c.slug == slug)).mappings().first()
    if row is None:
        raise _missing(slug, where)
    return dict(row)


def insert_algorithm(conn: Connection, row: Mapping[str, Any]) -> None:
    """Add a new algorithm.

    ``INSERT ... ON CONFLICT (slug) DO NOTHING`` on both dialects: when many processes register
    the same new slug at once (16 ``algoprint run --algorithm new`` in one CI job), the losers
    see "already registered" instead of a duplicate-key error from the database.

    Raises:
        InputError: the slug is already registered.
    """
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(algorithms)
        .values(**row)
        .on_conflict_do_nothing(index_elements=[algorithms.c.slug])
        .returning(algorithms.c.slug)  # rowcount is not reliable here on every driver
    )
    if conn.execute(stmt).first() is None:
        raise InputError(
            f"algorithm {row['slug']!r} is already registered",
            hint=f"change it with: algoprint algorithm edit {row['slug']} ...",
        )


def update_algorithm(
    conn: Connection,
    slug: str,
    changes: Mapping[str, Any],
    *,
    where: str,
    allow_archived: bool = False,
) -> dict[str, Any]:
    """Apply ``changes`` (column -> value) to ``slug`` and return the new row.

    Raises:
        NotFound: no such algorithm.
        InputError: it is archived and ``allow_archived`` is false.
    """
    current = algorithm_row(conn, slug, where)
    if current["status"] == ARCHIVED and not allow_archived:
        raise _archived(slug)
    if changes:
        conn.execute(update(algorithms).where(algorithms.c.slug == slug).values(**changes))
    return {**current, **changes}


def list_algorithm_rows(
    conn: Connection, *, include_archived: bool, organisation: str | None
) -> list[dict[str, Any]]:
    """Register rows sorted by slug."""
    query = select(algorithms).order_by(algorithms.c.slug)
    if not include_archived:
        query = query.where(algorithms.c.status != ARCHIVED)
    if organisation is not None:
        query = query.where(algorithms.c.organisation == organisation)
    return [dict(r) for r in conn.execute(query).mappings()]


def assessment_rows(
    conn: Connection, *, algorithm: str | None, measure: str | None
) -> list[dict[str, Any]]:
    """Current assessments, sorted by algorithm and measure."""
    query = select(assessments).order_by(assessments.c.algorithm, assessments.c.measure)
    if algorithm is not None:
        query = query.where(assessments.c.algorithm == algorithm)
    if measure is not None:
        query = query.where(assessments.c.measure == measure)
    return [dict(r) for r in conn.execute(query).mappings()]


def _upsert_assessment(conn: Connection, row: Mapping[str, Any]) -> None:
    keys = ["algorithm", "measure"]
    changes = [k for k in row if k not in keys]
    stmt: Any
    if conn.dialect.name == "postgresql":
        pg = postgresql.insert(assessments).values(**row)
        stmt = pg.on_conflict_do_update(
            index_elements=keys, set_={k: pg.excluded[k] for k in changes}
        )
    else:
        lite = sqlite.insert(assessments).values(**row)
        stmt = lite.on_conflict_do_update(
            index_elements=keys, set_={k: lite.excluded[k] for k in changes}
        )
    conn.execute(stmt)


def write_assessment(
    conn: Connection,
    row: Mapping[str, Any],
    history: Mapping[str, Any] | None,
    files: Sequence[Mapping[str, Any]],
    *,
    where: str,
    expected_state: str | None,
    allow_archived: bool = False,
) -> None:
    """Upsert one assessment, append its history row and add its files, in one transaction.

    Args:
        row: the full assessments row.
        history: the history row (``None``: nothing changed, nothing to record).
        files: assessment_files rows; a file already attached (same sha256) is kept as is.
        where: the store, for messages.
        expected_state: the state the caller read before computing ``row`` (``None``: no
            assessment yet); a different stored state means someone changed it meanwhile.
        allow_archived: write even when the algorithm is archived (imports do not).

    Raises:
        NotFound: the algorithm is not registered.
        InputError: the algorithm is archived, or the assessment changed since it was read.
    """
    slug, code = row["algorithm"], row["measure"]
    current = algorithm_row(conn, slug, where)
    if current["status"] == ARCHIVED and not allow_archived:
        raise _archived(slug)
    stored = conn.execute(
        select(assessments.c.state).where(
            and_(assessments.c.algorithm == slug, assessments.c.measure == code)
        )
    ).scalar_one_or_none()
    if stored != expected_state:
        raise InputError(
            f"the assessment of {code} for {slug!r} changed while it was being edited "
            f"(now {stored!r}); nothing was changed",
            hint="look at it again (algoprint kader history) and repeat the change",
        )
    _upsert_assessment(conn, row)
    if history is not None:
        conn.execute(insert(assessment_history).values(**history))
    for f in files:
        have = conn.execute(
            select(assessment_files.c.sha256).where(
                and_(
                    assessment_files.c.algorithm == slug,
                    assessment_files.c.measure == code,
                    assessment_files.c.sha256 == f["sha256"],
                )
            )
        ).first()
        if have is None:
            conn.execute(insert(assessment_files).values(**f))


def history_rows(conn: Connection, *, algorithm: str, measure: str | None) -> list[dict[str, Any]]:
    """History of one algorithm (one measure), oldest first."""
    query = select(assessment_history).where(assessment_history.c.algorithm == algorithm)
    if measure is not None:
        query = query.where(assessment_history.c.measure == measure)
    query = query.order_by(assessment_history.c.changed_at, assessment_history.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


_FILE_META = [c for c in assessment_files.c if c.name != "content"]


def file_rows(conn: Connection, *, algorithm: str, measure: str | None) -> list[dict[str, Any]]:
    """Attached files without their content, oldest first."""
    query = select(*_FILE_META).where(assessment_files.c.algorithm == algorithm)
    if measure is not None:
        query = query.where(assessment_files.c.measure == measure)
    query = query.order_by(assessment_files.c.added_at, assessment_files.c.name)
    return [dict(r) for r in conn.execute(query).mappings()]


def file_content(conn: Connection, *, algorithm: str, measure: str, sha256: str) -> bytes:
    """The bytes of one attached file.

    Raises:
        NotFound: no such file on that assessment.
    """
    query = select(assessment_files.c.content).where(
        and_(
            assessment_files.c.algorithm == algorithm,
            assessment_files.c.measure == measure,
            assessment_files.c.sha256 == sha256,
        )
    )
    content = conn.execute(query).scalar_one_or_none()
    if content is None:
        raise NotFound(
            f"no file with sha256 {sha256} on {measure} of {algorithm!r}",
            hint="algoprint kader history ALGORITHM MEASURE lists the attached files",
        )
    return bytes(content)


def phase_energy(
    conn: Connection, *, algorithm: str, since: datetime | None = None
) -> list[dict[str, Any]]:
    """Per run ``phase`` (``None`` included): run count, summed ``energy_j`` of the runs that
    have a total, and how many runs have none (a meter gap). One GROUP BY query."""
    gap = func.sum(case((runs.c.energy_j.is_(None), 1), else_=0))
    query = (
        select(
            runs.c.phase,
            func.count().label("runs"),
            func.sum(runs.c.energy_j).label("energy_j"),
            gap.label("gaps"),
        )
        .where(runs.c.algorithm == algorithm)
        .group_by(runs.c.phase)
        .order_by(runs.c.phase)
    )
    if since is not None:
        query = query.where(runs.c.started_at >= since)
    return [
        {
            "phase": r.phase,
            "runs": int(r.runs),
            "energy_j": None if r.energy_j is None else float(r.energy_j),
            "gaps": int(r.gaps or 0),
        }
        for r in conn.execute(query)
    ]
