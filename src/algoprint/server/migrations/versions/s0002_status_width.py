"""Room for the run status ``stopped-by-budget`` (17 characters) in ``run_index.status``.

Revision ID: s0002
Revises: s0001
Create Date: 2026-12-02

As the run store's revision 0003: PostgreSQL widens the column to 32 characters in place;
SQLite does not enforce a declared length and is left alone. (s0001 creates the tables from
the runtime schema, so a new PostgreSQL database already has 32; the change is then a no-op.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "s0002"
down_revision: str | None = "s0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "run_index",
        "status",
        type_=sa.String(32),
        existing_type=sa.String(16),
        existing_nullable=False,
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "run_index",
        "status",
        type_=sa.String(16),
        existing_type=sa.String(32),
        existing_nullable=False,
    )
