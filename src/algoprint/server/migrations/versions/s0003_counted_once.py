"""The machine counted once: ``run_index.host_key``, ``scope`` and ``counted_j``.

Revision ID: s0003
Revises: s0002
Create Date: 2026-12-02

The aggregates sum ``counted_j`` (``server/_counting.py``). Existing rows get
``counted_j = energy_j`` and ``host_key = hostname``, with ``scope`` unknown (NULL): the
aggregates they built stay as they were (the run index has no scope to recount them with),
and a run ingested later counts them as not taking part. As s0002: s0001 creates the tables
from the runtime schema, so on a new database the columns and index exist already and only
missing ones are added.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "s0003"
down_revision: str | None = "s0002"
branch_labels: str | None = None
depends_on: str | None = None

_COLUMNS = (
    ("host_key", sa.Text()),
    ("scope", sa.String(16)),
    ("counted_j", sa.Float()),
)
_INDEX = "ix_run_index_host"


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    have = {c["name"] for c in inspector.get_columns("run_index")}
    added = [name for name, _ in _COLUMNS if name not in have]
    with op.batch_alter_table("run_index") as batch:
        for name, type_ in _COLUMNS:
            if name in added:
                batch.add_column(sa.Column(name, type_, nullable=True))
    if "counted_j" in added:
        op.execute("UPDATE run_index SET counted_j = energy_j, host_key = hostname")
    if _INDEX not in {i["name"] for i in inspector.get_indexes("run_index")}:
        op.create_index(_INDEX, "run_index", ["org_id", "host_key", "started_at"])


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="run_index")
    with op.batch_alter_table("run_index") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
