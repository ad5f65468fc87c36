"""Bring a store's schema to the head revision, safely when several processes open it at once.

Alembic is imported only here, and only when a store is not yet at :data:`HEAD_REVISION`, so
opening an up-to-date store (every checkpoint of a run) does not pay for it.

Locking: on SQLite the migration runs inside ``BEGIN IMMEDIATE`` (the database write lock; other
openers wait in ``busy_timeout``, then find the schema at head); on PostgreSQL inside a
transaction holding ``pg_advisory_xact_lock``. DDL is transactional on both, so a failed
migration leaves the previous schema.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from algoprint.errors import StoreError
from algoprint.store._engine import WRITE_OPTION
from algoprint.store._schema import VERSION_TABLE

__all__ = ["HEAD_REVISION", "MIGRATIONS_DIR", "current_revisions", "migrate"]

HEAD_REVISION = "0003"
"""The newest revision shipped; a test checks it equals Alembic's head."""

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

_PG_LOCK_KEY = int.from_bytes(b"algoprnt", "big")
_OWN_TABLES = {
    "runs",
    "run_components",
    "run_phases",
    "analyses",
    "algorithms",
    "assessments",
    "assessment_history",
    "assessment_files",
}


def current_revisions(conn: Connection) -> set[str] | None:
    """The revisions recorded in the store; ``None`` when it was never migrated."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return {str(r) for r in rows.scalars()}


def _refuse_foreign(conn: Connection, where: str) -> None:
    """Never create tables in a database that belongs to something else."""
    tables = set(inspect(conn).get_table_names())
    clash = tables & _OWN_TABLES
    if clash or (conn.dialect.name == "sqlite" and tables):
        raise StoreError(
            f"{where} already holds tables that algoprint did not create "
            f"({', '.join(sorted(clash or tables))}); it was NOT modified",
            hint="point --db / ALGOPRINT_DB at a new file or an empty database",
        )


def _upgrade(conn: Connection, revisions: set[str], where: str) -> None:
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    unknown = revisions - known
    if unknown:
        raise StoreError(
            f"{where} was written by a newer algoprint (schema revision "
            f"{', '.join(sorted(unknown))}; this version knows up to {HEAD_REVISION})",
            hint="upgrade algoprint (pip install -U algoprint), or use another store with --db",
        )
    command.upgrade(config, "head")


def migrate(engine: Engine, where: str) -> None:
    """Migrate the store behind ``engine`` to :data:`HEAD_REVISION` if it is not there yet.

    Args:
        engine: an engine from :func:`~algoprint.store._engine.make_engine`.
        where: the store as shown to users (path or masked URL).

    Raises:
        StoreError: the database belongs to something else, or was written by a newer
            algoprint. Database errors (SQLAlchemyError) pass through for the caller to
            translate.
    """
    with engine.connect() as conn:
        if current_revisions(conn) == {HEAD_REVISION}:
            return
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            revisions = current_revisions(conn)
            if revisions == {HEAD_REVISION}:
                return  # another process migrated while we waited for the lock
            if revisions is None:
                _refuse_foreign(conn, where)
            _upgrade(conn, revisions or set(), where)
