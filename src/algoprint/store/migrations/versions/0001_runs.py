"""Runs, their per-component energy and their phases.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

The definitions are frozen here (not imported from ``_schema``) so this revision keeps creating
the same tables when the runtime schema moves on.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("run_id", sa.Text(), primary_key=True),
        sa.Column("schema_version", sa.String(16), nullable=False),
        sa.Column("algorithm", sa.Text(), nullable=True),
        sa.Column("phase", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("started_at", _ts(), nullable=False),
        sa.Column("ended_at", _ts(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("energy_j", sa.Float(), nullable=True),
        sa.Column("machine_energy_j", sa.Float(), nullable=True),
        sa.Column("process_energy_j", sa.Float(), nullable=True),
        sa.Column("measured_energy_j", sa.Float(), nullable=False),
        sa.Column("uncertainty_rel", sa.Float(), nullable=True),
        sa.Column("units", sa.Float(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("hostname", sa.Text(), nullable=True),
        sa.Column("checkpoint_at", _ts(), nullable=True),
        sa.Column("command", _json(), nullable=True),
        sa.Column("host", _json(), nullable=False),
        sa.Column("meters", _json(), nullable=False),
        sa.Column("degradations", _json(), nullable=False),
        sa.Column("tags", _json(), nullable=False),
    )
    op.create_index("ix_runs_algorithm", "runs", ["algorithm"])
    op.create_index("ix_runs_status", "runs", ["status"])
    op.create_index("ix_runs_started_at", "runs", ["started_at"])
    op.create_table(
        "run_components",
        sa.Column(
            "run_id", sa.Text(), sa.ForeignKey("runs.run_id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("phase_name", sa.Text(), nullable=False),
        sa.Column("domain", sa.String(32), nullable=False),
        sa.Column("device", sa.Text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("energy_j", sa.Float(), nullable=True),
        sa.Column("process_energy_j", sa.Float(), nullable=True),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("uncertainty_rel", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint(
            "run_id", "phase_name", "domain", "device", name="pk_run_components"
        ),
    )
    op.create_table(
        "run_phases",
        sa.Column(
            "run_id", sa.Text(), sa.ForeignKey("runs.run_id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("started_at", _ts(), nullable=False),
        sa.Column("ended_at", _ts(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("energy_j", sa.Float(), nullable=True),
        sa.Column("machine_energy_j", sa.Float(), nullable=True),
        sa.Column("process_energy_j", sa.Float(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "name", name="pk_run_phases"),
    )


def downgrade() -> None:
    op.drop_table("run_phases")
    op.drop_table("run_components")
    op.drop_index("ix_runs_started_at", table_name="runs")
    op.drop_index("ix_runs_status", table_name="runs")
    op.drop_index("ix_runs_algorithm", table_name="runs")
    op.drop_table("runs")
