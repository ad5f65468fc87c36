"""Analyses, the algorithm register and the Algoritmekader assessments.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-15

The definitions are frozen here (not imported from ``_schema``) so this revision keeps creating
the same tables when the runtime schema moves on. Only new tables: existing runs are untouched.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _algorithm_fk() -> sa.Column[Any]:
    return sa.Column(
        "algorithm",
        sa.String(64),
        sa.ForeignKey("algorithms.slug", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "analyses",
        sa.Column("analysis_id", sa.Text(), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("measure", sa.String(16), nullable=False),
        sa.Column("algorithm", sa.Text(), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("result", _json(), nullable=False),
        sa.Column("summary_nl", sa.Text(), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("own_energy_j", sa.Float(), nullable=True),
        sa.Column("run_ids", _json(), nullable=False),
        sa.Column("schema_version", sa.String(16), nullable=False),
    )
    op.create_index("ix_analyses_algorithm", "analyses", ["algorithm"])
    op.create_index("ix_analyses_created_at", "analyses", ["created_at"])
    op.create_table(
        "algorithms",
        sa.Column("slug", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("lars_id", sa.Text(), nullable=True),
        sa.Column("lifecycle_phase", sa.String(64), nullable=True),
        sa.Column("owners", _json(), nullable=False),
        sa.Column("location", _json(), nullable=True),
        sa.Column("contract", sa.String(32), nullable=True),
        sa.Column("functional_unit", sa.Text(), nullable=True),
        sa.Column("yearly_units", sa.Float(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
    )
    op.create_index("ix_algorithms_organisation", "algorithms", ["organisation"])
    op.create_table(
        "assessments",
        _algorithm_fk(),
        sa.Column("measure", sa.String(16), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("responsible", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("links", _json(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("algorithm", "measure", name="pk_assessments"),
    )
    op.create_table(
        "assessment_history",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _algorithm_fk(),
        sa.Column("measure", sa.String(16), nullable=False),
        sa.Column("changed_at", _ts(), nullable=False),
        sa.Column("changed_by", sa.Text(), nullable=False),
        sa.Column("old_state", sa.String(32), nullable=True),
        sa.Column("new_state", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("changes", _json(), nullable=False),
    )
    op.create_index(
        "ix_assessment_history_algorithm_measure",
        "assessment_history",
        ["algorithm", "measure"],
    )
    op.create_table(
        "assessment_files",
        _algorithm_fk(),
        sa.Column("measure", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", _ts(), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("algorithm", "measure", "sha256", name="pk_assessment_files"),
    )


def downgrade() -> None:
    op.drop_table("assessment_files")
    op.drop_index("ix_assessment_history_algorithm_measure", table_name="assessment_history")
    op.drop_table("assessment_history")
    op.drop_table("assessments")
    op.drop_index("ix_algorithms_organisation", table_name="algorithms")
    op.drop_table("algorithms")
    op.drop_index("ix_analyses_created_at", table_name="analyses")
    op.drop_index("ix_analyses_algorithm", table_name="analyses")
    op.drop_table("analyses")
