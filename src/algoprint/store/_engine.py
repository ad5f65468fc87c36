"""Engines for the run store, the checks before opening a SQLite file, and error translation.

Every SQLAlchemy/driver error that leaves the store passes :func:`translate` and becomes a
:class:`~algoprint.errors.StoreError` naming the store (password masked) and the fix.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from algoprint.errors import ConfigError, StoreError
from algoprint.store._schema import VERSION_TABLE
from algoprint.store._url import mask_url, sqlite_file

__all__ = [
    "BUSY_TIMEOUT_S",
    "WRITE_OPTION",
    "check_sqlite_file",
    "in_read",
    "in_write",
    "is_retryable",
    "make_engine",
    "retried",
    "translate",
]

BUSY_TIMEOUT_S = 30.0
"""How long a SQLite connection waits for another writer before giving up (seconds)."""

WRITE_OPTION = "algoprint_write"
"""Execution option on a connection that opens its SQLite transaction with BEGIN IMMEDIATE."""

PG_CONNECT_TIMEOUT_S = 10
_SQLITE_MAGIC = b"SQLite format 3\x00"
_FIX = "choose another store with --db PATH or ALGOPRINT_DB"


def _corrupt(path: Path, detail: str) -> StoreError:
    return StoreError(
        f"{path} is not an algoprint run store ({detail}); the file was NOT modified",
        hint=f"move it aside (mv '{path}' '{path}.bad') or {_FIX}",
    )


def check_sqlite_file(path: Path) -> None:
    """Refuse, before SQLite touches it, a path that cannot hold a run store.

    Raises:
        StoreError: the path is a directory, its directory is missing or not writable, or the
            file exists and is not a SQLite database. The file is never modified or removed.
    """
    if path.is_dir():
        raise StoreError(f"run store path {path} is a directory", hint=f"give a file path; {_FIX}")
    parent = path.parent
    if not parent.is_dir():
        raise StoreError(
            f"the directory of the run store {path} does not exist or is not a directory",
            hint=f"create {parent}, or {_FIX}",
        )
    # WAL needs to create <file>-wal and <file>-shm beside the store, even for reads.
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(
            f"cannot write the run store in {parent} (directory not writable)", hint=_FIX
        )
    if not path.exists():
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except OSError as e:
        raise StoreError(f"cannot read the run store {path}: {e.strerror}", hint=_FIX) from e
    if head and head != _SQLITE_MAGIC:
        raise _corrupt(path, "not a SQLite database")
    if not os.access(path, os.W_OK):
        raise StoreError(f"run store {path} is read-only", hint=f"make it writable, or {_FIX}")


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # The driver must not issue BEGIN itself: _sqlite_on_begin does, so that writers can take
    # the write lock up front (BEGIN IMMEDIATE) and wait in busy_timeout instead of failing
    # on a read-to-write upgrade.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA journal_mode")
        if cursor.fetchone()[0] != "wal":
            # The journal mode is stored in the file: switch only a new or algoprint database,
            # never a foreign one that the migration check is about to refuse.
            cursor.execute(
                "SELECT count(*), coalesce(sum(name = ?), 0) FROM sqlite_master "
                "WHERE type = 'table'",
                (VERSION_TABLE,),
            )
            tables, ours = cursor.fetchone()
            if tables == 0 or ours:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.fetchall()
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    write = bool(connection.get_execution_options().get(WRITE_OPTION))
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with algoprint's connection settings; connects lazily.

    SQLite connections get ``journal_mode=WAL``, ``busy_timeout`` (:data:`BUSY_TIMEOUT_S`),
    ``synchronous=NORMAL`` and ``foreign_keys=ON`` on every connect.

    Raises:
        ConfigError: a back end other than SQLite or PostgreSQL.
        StoreError: the PostgreSQL driver is not installed.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        kwargs: dict[str, Any] = {
            "connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}
        }
        if sqlite_file(url) is None:
            # One shared in-memory database for the whole Store.
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if backend == "postgresql":
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        try:
            return create_engine(url, connect_args=connect_args, pool_pre_ping=True)
        except ModuleNotFoundError as e:
            raise StoreError(
                f"the PostgreSQL driver for {mask_url(url)} is not installed ({e.name})",
                hint="pip install 'algoprint[postgres]'",
            ) from e
    raise ConfigError(
        f"unsupported store back end {backend!r}", hint="use a SQLite path or a postgresql:// URL"
    )


def _message(error: BaseException) -> str:
    orig = error.orig if isinstance(error, DBAPIError) else error
    text = str(orig).strip() or type(orig).__name__
    return text.splitlines()[0]


def is_retryable(error: SQLAlchemyError) -> bool:
    """Whether a write failed only because another writer held the lock (worth retrying)."""
    if not isinstance(error, DBAPIError):
        return False
    text = _message(error).lower()
    if any(key in text for key in ("database is locked", "database is busy", "table is locked")):
        return True
    sqlstate = getattr(error.orig, "sqlstate", None)
    return sqlstate in {"40001", "40P01"}  # serialization failure, deadlock


def translate(error: SQLAlchemyError, url: str, doing: str) -> StoreError:
    """The :class:`StoreError` for a database error while ``doing`` something with ``url``."""
    shown = mask_url(url)
    text = _message(error)
    password = make_url(url).password
    if password:
        text = text.replace(str(password), "***")
    low = text.lower()
    path = sqlite_file(url)
    if path is not None:
        if "file is not a database" in low or "malformed" in low:
            return _corrupt(path, text)
        if "database is locked" in low or "database is busy" in low:
            return StoreError(
                f"run store {path} stayed locked by another process while {doing}",
                hint="another algoprint may be writing a large batch; try again, or " + _FIX,
            )
        if "unable to open" in low or "readonly" in low or "read-only" in low:
            return StoreError(f"cannot write the run store {path}: {text}", hint=_FIX)
        return StoreError(f"run store {path}: {doing} failed: {text}")
    connect_failed = ("connection failed", "could not connect", "connection refused", "timeout")
    if make_url(url).get_backend_name() == "postgresql" and any(
        key in low for key in connect_failed
    ):
        return StoreError(
            f"cannot connect to PostgreSQL at {shown}: {text}",
            hint="check that the server runs and the URL is right (--db URL or ALGOPRINT_DB)",
        )
    return StoreError(f"run store {shown}: {doing} failed: {text}")


T = TypeVar("T")


def retried(action: Callable[[], T], *, url: str, doing: str, max_attempts: int) -> T:
    """Run ``action``, retrying a locked/serialisation failure with jittered backoff.

    Raises:
        StoreError: the last failure, translated (names the store and what was being done).
    """
    for attempt in range(1, max_attempts + 1):
        try:
            return action()
        except SQLAlchemyError as e:
            if attempt < max_attempts and is_retryable(e):
                time.sleep(min(2.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.5))
                continue
            raise translate(e, url, doing) from e
    raise AssertionError("unreachable")  # pragma: no cover


def in_write(engine: Engine, action: Callable[[Connection], T]) -> Callable[[], T]:
    """One attempt of ``action`` in a write transaction (SQLite: ``BEGIN IMMEDIATE``)."""

    def attempt() -> T:
        with engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                return action(conn)

    return attempt


def in_read(engine: Engine, action: Callable[[Connection], T]) -> Callable[[], T]:
    """One attempt of ``action`` in a read transaction (a consistent snapshot)."""

    def attempt() -> T:
        with engine.connect() as conn, conn.begin():
            return action(conn)

    return attempt
