"""Alembic environment of the server tables: run by :func:`algoprint.server.db.migrate` only.

The caller hands in an open connection that holds the migration lock and an open transaction
(``config.attributes["connection"]``), so every revision runs in that transaction.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from algoprint.server._schema import SERVER_VERSION_TABLE


def _run() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("the algoprint server database migrates only through algoprint.server")
    context.configure(
        connection=connection,
        version_table=SERVER_VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_run()
