"""The tables of the run store, as SQLAlchemy Core metadata used by the queries.

Migrations (``migrations/versions``) create the same shape with their own, frozen definitions;
``tests/store/test_migrations.py`` checks that the two agree.

Energies are joules, durations seconds, timestamps timezone-aware instants stored in UTC.
Only what was measured is stored (per-component energy and method); impacts are derived later.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = [
    "VERSION_TABLE",
    "UtcDateTime",
    "algorithms",
    "analyses",
    "assessment_files",
    "assessment_history",
    "assessments",
    "components",
    "json_type",
    "metadata",
    "phases",
    "runs",
]

VERSION_TABLE = "algoprint_alembic_version"
"""Alembic's bookkeeping table; named for algoprint so a shared PostgreSQL database with other
Alembic-managed applications keeps them apart."""


def json_type() -> TypeEngine[Any]:
    """JSON on SQLite (text), JSONB on PostgreSQL; SQL NULL for ``None``."""
    return JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, stored in UTC and always read back as an aware UTC datetime.

    SQLite has no timestamp type: SQLAlchemy stores ISO text without the offset, so every value is
    converted to UTC first, which also keeps text comparison (``since``/``until``) correct.
    Naive datetimes are refused: their instant is unknown.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} has no timezone")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData()

RUN_STATUS_TYPE: TypeEngine[str] = String(16).with_variant(String(32), "postgresql")
"""Type of a stored run status: PostgreSQL enforces the length (32 since revision 0003, for
``stopped-by-budget``); SQLite does not, and keeps its declared 16 (see that revision)."""

runs = Table(
    "runs",
    metadata,
    Column("run_id", Text, primary_key=True),
    Column("schema_version", String(16), nullable=False),
    Column("algorithm", Text, nullable=True),
    Column("phase", Text, nullable=True),
    Column("status", RUN_STATUS_TYPE, nullable=False),
    Column("exit_code", Integer, nullable=True),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime, nullable=True),
    Column("duration_s", Float, nullable=False),
    Column("scope", String(16), nullable=False),
    Column("energy_j", Float, nullable=True),
    Column("machine_energy_j", Float, nullable=True),
    Column("process_energy_j", Float, nullable=True),
    Column("measured_energy_j", Float, nullable=False),
    Column("uncertainty_rel", Float, nullable=True),
    Column("units", Float, nullable=True),
    Column("pid", Integer, nullable=True),
    Column("hostname", Text, nullable=True),
    Column("checkpoint_at", UtcDateTime, nullable=True),
    Column("command", json_type(), nullable=True),
    Column("host", json_type(), nullable=False),
    Column("meters", json_type(), nullable=False),
    Column("degradations", json_type(), nullable=False),
    Column("tags", json_type(), nullable=False),
    Index("ix_runs_algorithm", "algorithm"),
    Index("ix_runs_status", "status"),
    Index("ix_runs_started_at", "started_at"),
)

components = Table(
    "run_components",
    metadata,
    Column("run_id", Text, ForeignKey("runs.run_id", ondelete="CASCADE"), nullable=False),
    Column("phase_name", Text, nullable=False),
    Column("domain", String(32), nullable=False),
    Column("device", Text, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("energy_j", Float, nullable=True),
    Column("process_energy_j", Float, nullable=True),
    Column("method", String(32), nullable=False),
    Column("uncertainty_rel", Float, nullable=False),
    Column("note", Text, nullable=True),
    PrimaryKeyConstraint("run_id", "phase_name", "domain", "device", name="pk_run_components"),
)
"""One row per device and window; ``phase_name`` is ``''`` for the whole run. ``seq`` keeps the
order of the record's list."""

phases = Table(
    "run_phases",
    metadata,
    Column("run_id", Text, ForeignKey("runs.run_id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime, nullable=True),
    Column("duration_s", Float, nullable=False),
    Column("energy_j", Float, nullable=True),
    Column("machine_energy_j", Float, nullable=True),
    Column("process_energy_j", Float, nullable=True),
    Column("count", Integer, nullable=False),
    PrimaryKeyConstraint("run_id", "name", name="pk_run_phases"),
)

# -- revision 0002: analyses, the algorithm register and the Algoritmekader assessments ----

analyses = Table(
    "analyses",
    metadata,
    Column("analysis_id", Text, primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("measure", String(16), nullable=False),
    Column("algorithm", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("title", Text, nullable=False),
    Column("result", json_type(), nullable=False),
    Column("summary_nl", Text, nullable=False),
    Column("summary_en", Text, nullable=False),
    Column("own_energy_j", Float, nullable=True),
    Column("run_ids", json_type(), nullable=False),
    Column("schema_version", String(16), nullable=False),
    Index("ix_analyses_algorithm", "algorithm"),
    Index("ix_analyses_created_at", "created_at"),
)
"""One :class:`~algoprint.records.AnalysisRecord` per row; ``measure`` is derived from ``kind``
when saved, so a filter by measure needs no mapping in SQL."""

algorithms = Table(
    "algorithms",
    metadata,
    Column("slug", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("organisation", Text, nullable=True),
    Column("description", Text, nullable=True),
    Column("lars_id", Text, nullable=True),
    Column("lifecycle_phase", String(64), nullable=True),
    Column("owners", json_type(), nullable=False),
    Column("location", json_type(), nullable=True),
    Column("contract", String(32), nullable=True),
    Column("functional_unit", Text, nullable=True),
    Column("yearly_units", Float, nullable=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_algorithms_organisation", "organisation"),
)
"""The algorithm register. ``owners``: role slug -> list of names/emails; ``location``: the
reference (zone, cloud, region, datacentre) resolved by :mod:`algoprint.impact.location`."""

assessments = Table(
    "assessments",
    metadata,
    Column(
        "algorithm", String(64), ForeignKey("algorithms.slug", ondelete="CASCADE"), nullable=False
    ),
    Column("measure", String(16), nullable=False),
    Column("state", String(32), nullable=False),
    Column("reason", Text, nullable=True),
    Column("responsible", Text, nullable=True),
    Column("reviewer", Text, nullable=True),
    Column("note", Text, nullable=True),
    Column("links", json_type(), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", Text, nullable=False),
    PrimaryKeyConstraint("algorithm", "measure", name="pk_assessments"),
)
"""The current assessment of one measure for one algorithm (one row per pair)."""

assessment_history = Table(
    "assessment_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "algorithm", String(64), ForeignKey("algorithms.slug", ondelete="CASCADE"), nullable=False
    ),
    Column("measure", String(16), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("changed_by", Text, nullable=False),
    Column("old_state", String(32), nullable=True),
    Column("new_state", String(32), nullable=False),
    Column("note", Text, nullable=True),
    Column("changes", json_type(), nullable=False),
    Index("ix_assessment_history_algorithm_measure", "algorithm", "measure"),
)
"""Every change of an assessment: who, when, old/new state and ``changes`` (field -> [old, new])."""

assessment_files = Table(
    "assessment_files",
    metadata,
    Column(
        "algorithm", String(64), ForeignKey("algorithms.slug", ondelete="CASCADE"), nullable=False
    ),
    Column("measure", String(16), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("added_at", UtcDateTime, nullable=False),
    Column("added_by", Text, nullable=False),
    PrimaryKeyConstraint("algorithm", "measure", "sha256", name="pk_assessment_files"),
)
"""Files attached to an assessment, content in the database (works for SQLite and PostgreSQL
alike and travels with the store); size capped by the kader layer."""
