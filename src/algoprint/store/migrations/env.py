"""Alembic environment: run by :func:`algoprint.store._migrate.migrate`, never by the CLI.

The caller hands in an open connection that already holds the migration lock and an open
transaction (``config.attributes["connection"]``), so every revision runs in that transaction.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from algoprint.store._schema import VERSION_TABLE


def _run() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("the algoprint store migrates only through algoprint.store")
    context.configure(
        connection=connection,
        version_table=VERSION_TABLE,
        # SQLite cannot ALTER most things: later revisions use batch mode there.
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_run()
