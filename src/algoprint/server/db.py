"""The server database: engine, migrations, and the one place that runs transactions.

Errors leave as :class:`~algoprint.errors.StoreError` (translated by the run store's
:func:`~algoprint.store._engine.translate`), which the API turns into 503 when the database is
unreachable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from algoprint.errors import StoreError
from algoprint.server._schema import SERVER_VERSION_TABLE
from algoprint.store._engine import (
    WRITE_OPTION,
    check_sqlite_file,
    in_read,
    in_write,
    make_engine,
    retried,
)
from algoprint.store._url import mask_url, sqlite_file

__all__ = ["HEAD_REVISION", "ServerDB"]

T = TypeVar("T")

HEAD_REVISION = "s0003"
"""The newest server revision shipped; a test checks it equals Alembic's head."""

_MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_PG_LOCK_KEY = int.from_bytes(b"algosrvr", "big")


class ServerDB:
    """The server database behind ``url``; connects and migrates on :meth:`open`.

    Args:
        url: SQLAlchemy URL (SQLite file or ``postgresql+psycopg://``).
        max_attempts: tries per transaction when SQLite reports the database locked or
            PostgreSQL a serialisation failure.
    """

    def __init__(self, url: str, *, max_attempts: int = 5) -> None:
        self.url = url
        self.path = sqlite_file(url)
        self._max_attempts = max_attempts
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()

    @property
    def where(self) -> str:
        """The database as shown to people (file, or URL with the password masked)."""
        return str(self.path) if self.path is not None else mask_url(self.url)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "sqlite" if self.url.startswith("sqlite") else "postgresql"

    def open(self) -> ServerDB:
        """Connect and migrate to :data:`HEAD_REVISION`; idempotent.

        Raises:
            StoreError: the database cannot be reached, belongs to a newer algoprint, or
                cannot be migrated.
        """
        self.engine()
        return self

    def engine(self) -> Engine:
        """The engine (created and migrated on first use)."""
        with self._lock:
            if self._engine is None:
                if self.path is not None:
                    check_sqlite_file(self.path)
                engine = make_engine(self.url)
                try:
                    self._retry(lambda: _migrate(engine, self.where), "migrating")
                except BaseException:
                    engine.dispose()
                    raise
                self._engine = engine
            return self._engine

    def close(self) -> None:
        """Release all connections; idempotent."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def _retry(self, action: Callable[[], T], doing: str) -> T:
        return retried(action, url=self.url, doing=doing, max_attempts=self._max_attempts)

    def write(self, action: Callable[[Connection], T], doing: str) -> T:
        """Run ``action`` in one write transaction (SQLite: ``BEGIN IMMEDIATE``), retried."""
        attempt = in_write(self.engine(), action)
        if self.dialect == "sqlite":
            with self._write_lock:
                return self._retry(attempt, doing)
        return self._retry(attempt, doing)

    def read(self, action: Callable[[Connection], T], doing: str) -> T:
        """Run ``action`` in one read transaction (a consistent snapshot)."""
        return self._retry(in_read(self.engine(), action), doing)

    def ping(self) -> None:
        """Raise :class:`StoreError` unless the database answers ``SELECT 1``."""
        self.read(lambda conn: conn.execute(text("SELECT 1")).scalar_one(), "checking")


def _current(conn: Connection) -> set[str] | None:
    if not inspect(conn).has_table(SERVER_VERSION_TABLE):
        return None
    rows = conn.execute(text(f"SELECT version_num FROM {SERVER_VERSION_TABLE}"))
    return {str(r) for r in rows.scalars()}


def _migrate(engine: Engine, where: str) -> None:
    with engine.connect() as conn:
        if _current(conn) == {HEAD_REVISION}:
            return
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            revisions = _current(conn)
            if revisions == {HEAD_REVISION}:
                return
            if revisions is None and "organisations" in inspect(conn).get_table_names():
                raise StoreError(
                    f"{where} already holds an 'organisations' table that algoprint did not "
                    "create; it was NOT modified",
                    hint="give the server an empty database with --db",
                )
            config = Config()
            config.set_main_option("script_location", str(_MIGRATIONS_DIR))
            config.attributes["connection"] = conn
            known = {s.revision for s in ScriptDirectory.from_config(config).walk_revisions()}
            unknown = (revisions or set()) - known
            if unknown:
                raise StoreError(
                    f"{where} was written by a newer algoprint server "
                    f"(revision {', '.join(sorted(unknown))})",
                    hint="upgrade algoprint (pip install -U 'algoprint[server]')",
                )
            command.upgrade(config, "head")
