"""Organisations, teams, users, memberships, tokens, sessions, run index, aggregates, budgets.

Revision ID: s0001
Revises:
Create Date: 2026-12-01

The first revision creates the tables from the runtime schema (``server/_schema.py``) as it
stood at this revision. Before the runtime schema changes, copy its definitions here (freeze
them) and add a new revision with the change, as the run store's migrations do.
"""

from __future__ import annotations

from alembic import op

revision: str = "s0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    from algoprint.server._schema import metadata

    metadata.create_all(op.get_bind())


def downgrade() -> None:
    from algoprint.server._schema import metadata

    metadata.drop_all(op.get_bind())
