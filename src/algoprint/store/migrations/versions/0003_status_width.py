"""Room for the run status ``stopped-by-budget`` (17 characters) in ``runs.status``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

PostgreSQL enforces ``VARCHAR(16)``, so the column widens to 32 characters there (an in-place
type change: no row is rewritten or lost). SQLite does not enforce a declared length, and
widening it would need a table rebuild that ``ON DELETE CASCADE`` children make unsafe, so
SQLite keeps the declared ``VARCHAR(16)`` (the runtime schema says the same with a variant).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "runs", "status", type_=sa.String(32), existing_type=sa.String(16), existing_nullable=False
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "runs", "status", type_=sa.String(16), existing_type=sa.String(32), existing_nullable=False
    )
