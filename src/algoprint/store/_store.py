"""The run store: save, look up, list, recover and delete runs."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import TypeVar

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError

from algoprint.errors import ConfigError, InputError, NotFound, StoreError
from algoprint.records import AnalysisRecord
from algoprint.store import _analyses, _recovery
from algoprint.store._convert import (
    check_aware,
    component_rows,
    phase_rows,
    run_row,
)
from algoprint.store._engine import (
    check_sqlite_file,
    in_read,
    in_write,
    make_engine,
    retried,
)
from algoprint.store._migrate import migrate
from algoprint.store._register_rows import RegisterRows
from algoprint.store._runs import (
    _LIST_HINT,
    MIN_PREFIX,
    _by_prefix,
    _filters,
    _load,
    _upsert,
    is_newer,
)
from algoprint.store._schema import analyses, components, phases, runs
from algoprint.store._url import mask_url, resolve_url, sqlite_file
from algoprint.tracking.record import RunRecord

__all__ = ["MIN_PREFIX", "Store", "open_store"]

T = TypeVar("T")


class Store(RegisterRows):
    """The run store behind one URL (SQLite file or PostgreSQL database).

    The engine is created, and the schema migrated to head, on first use (or :meth:`open`).
    One ``Store`` may be shared by threads: all its writes pass one writer (:meth:`_write`),
    which serialises them within the process and retries, bounded and jittered, when SQLite
    reports the database locked by another process. Close it (or use ``with``) to release
    connections.

    Args:
        url: a URL from :func:`~algoprint.store.resolve_url` (not opened here).
        max_write_attempts: tries per write when the database stays locked (each try already
            waits up to 30 s in SQLite's busy timeout).
    """

    def __init__(self, *, url: str, max_write_attempts: int = 5) -> None:
        if max_write_attempts < 1:
            raise ConfigError("max_write_attempts must be >= 1")
        try:
            self._path = sqlite_file(url)
        except ArgumentError as e:
            raise ConfigError(
                f"invalid store URL {mask_url(url)!r}: {e}",
                hint="give a path, sqlite:///PATH or postgresql://USER@HOST/DB",
            ) from e
        self.url = url
        self._max_attempts = max_write_attempts
        self._engine: Engine | None = None
        self._engine_pid = 0
        self._closed = False
        self._open_lock = threading.Lock()
        self._write_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Store(url={mask_url(self.url)!r})"

    @property
    def where(self) -> str:
        """The store as shown to users: the SQLite file, or the URL with the password masked."""
        return str(self._path) if self._path is not None else mask_url(self.url)

    # -- lifecycle ------------------------------------------------------------------------

    def open(self) -> Store:
        """Connect and migrate now rather than on first use; idempotent.

        Raises:
            StoreError: the store cannot be opened (see the module docs for each case).
        """
        self._get_engine()
        return self

    def close(self) -> None:
        """Release all connections; idempotent. The store cannot be used afterwards."""
        with self._open_lock:
            self._closed = True
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def __enter__(self) -> Store:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _get_engine(self) -> Engine:
        with self._open_lock:
            if self._closed:
                raise StoreError(f"the store {self.where} was closed", hint="open a new Store")
            if self._engine is not None and self._engine_pid != os.getpid():
                # A forked child must not share the parent's connections: drop them (without
                # closing, which would disturb the parent) and connect afresh.
                self._engine.dispose(close=False)
                self._engine = None
            if self._engine is None:
                if self._path is not None:
                    check_sqlite_file(self._path)
                engine = make_engine(self.url)
                try:
                    self._retry(lambda: migrate(engine, self.where), "opening the store")
                except BaseException:
                    engine.dispose()
                    raise
                self._engine = engine
                self._engine_pid = os.getpid()
            return self._engine

    # -- the one writer -------------------------------------------------------------------

    def _retry(self, action: Callable[[], T], doing: str) -> T:
        return retried(action, url=self.url, doing=doing, max_attempts=self._max_attempts)

    def _write(self, action: Callable[[Connection], T], doing: str) -> T:
        """Run ``action`` in one write transaction (SQLite: BEGIN IMMEDIATE), with retries."""
        attempt = in_write(self._get_engine(), action)
        with self._write_lock:
            return self._retry(attempt, doing)

    def _read(self, action: Callable[[Connection], T], doing: str) -> T:
        """Run ``action`` in one read transaction (a consistent snapshot)."""
        return self._retry(in_read(self._get_engine(), action), doing)

    # -- writing --------------------------------------------------------------------------

    def save_run(self, record: RunRecord, *, only_if_newer: bool = False) -> bool:
        """Insert or replace the run ``record.run_id`` with its components and phases.

        Idempotent: checkpoints call it repeatedly with the growing record, and saving the
        same finished record twice leaves one run. The run row is upserted and its component
        and phase rows replaced in one transaction, so readers see either the old or the new
        record, never a mix. With ``only_if_newer`` (spool ingestion) a stored record with a
        later checkpoint, or a finished one, is not replaced by a running checkpoint.

        Returns:
            Whether the record was written.

        Raises:
            InputError: the record is malformed (empty run id, timestamp without offset,
                repeated phase name or device).
            StoreError: the store cannot be opened or written.
        """
        row = run_row(record)
        component_values = component_rows(record)
        phase_values = phase_rows(record)
        run_id = record.run_id

        def write(conn: Connection) -> bool:
            if only_if_newer and not is_newer(conn, record):
                return False
            conn.execute(_upsert(conn, row), row)
            conn.execute(delete(components).where(components.c.run_id == run_id))
            conn.execute(delete(phases).where(phases.c.run_id == run_id))
            if phase_values:
                conn.execute(insert(phases), phase_values)
            if component_values:
                conn.execute(insert(components), component_values)
            return True

        return self._write(write, f"saving run {run_id}")

    def save_runs(self, records: Sequence[RunRecord]) -> None:
        """Save many runs in one transaction (imports, benchmarks); like :meth:`save_run` for
        each, but one commit. Runs that exist are replaced.

        Raises:
            InputError: a record is malformed. StoreError: the store cannot be written.
        """
        if not records:
            return
        run_values = [run_row(r) for r in records]
        ids = [r.run_id for r in records]
        component_values = [row for r in records for row in component_rows(r)]
        phase_values = [row for r in records for row in phase_rows(r)]

        def write(conn: Connection) -> None:
            for chunk in range(0, len(ids), 500):
                part = ids[chunk : chunk + 500]
                conn.execute(delete(components).where(components.c.run_id.in_(part)))
                conn.execute(delete(phases).where(phases.c.run_id.in_(part)))
                conn.execute(delete(runs).where(runs.c.run_id.in_(part)))
            conn.execute(insert(runs), run_values)
            if phase_values:
                conn.execute(insert(phases), phase_values)
            if component_values:
                conn.execute(insert(components), component_values)

        self._write(write, f"saving {len(records)} runs")

    def delete_run(self, run_id: str) -> None:
        """Delete the run with exactly this id, with its components and phases.

        Raises:
            NotFound: no run has this id.
            StoreError: the store cannot be written.
        """

        def write(conn: Connection) -> int:
            return conn.execute(delete(runs).where(runs.c.run_id == run_id)).rowcount

        if self._write(write, f"deleting run {run_id}") == 0:
            raise NotFound(f"no run {run_id!r} in {self.where}", hint=_LIST_HINT)

    def recover_stale_runs(
        self, *, stale_after_s: float = 60.0, now: datetime | None = None
    ) -> list[str]:
        """Mark runs whose tracking process died ``incomplete``; return their ids.

        See :func:`algoprint.store._recovery.recover` for the rule: stale checkpoint (older than
        ``stale_after_s`` seconds before ``now``), same host, process gone. Energy stays as of
        the last checkpoint and a degradation records the recovery.

        Raises:
            InputError: ``stale_after_s`` < 0 or a naive ``now``.
            StoreError: the store cannot be written.
        """
        if not stale_after_s >= 0:
            raise InputError(f"stale_after_s must be >= 0, got {stale_after_s!r}")
        when = datetime.now(UTC) if now is None else check_aware(now, "now")
        return self._write(
            lambda conn: _recovery.recover(conn, stale_after_s=stale_after_s, now=when),
            "recovering stale runs",
        )

    # -- reading --------------------------------------------------------------------------

    def get_run(self, run_id: str) -> RunRecord:
        """The run with this id, or with this unique id prefix (at least 6 characters).

        Raises:
            InputError: an empty id, or a prefix that matches several runs (lists them).
            NotFound: no run matches (hint: ``algoprint runs`` lists ids).
            StoreError: the store cannot be read.
        """
        if not run_id:
            raise InputError("give a run id", hint=_LIST_HINT)

        def read(conn: Connection) -> RunRecord:
            row = conn.execute(select(runs).where(runs.c.run_id == run_id)).mappings().first()
            if row is None:
                row = _by_prefix(conn, run_id, self.where)
            return _load(conn, [row], select(runs.c.run_id).where(runs.c.run_id == row["run_id"]))[
                0
            ]

        return self._read(read, f"reading run {run_id}")

    def list_runs(
        self,
        *,
        algorithm: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[RunRecord]:
        """Runs matching every given filter, newest ``started_at`` first.

        Args:
            algorithm: exact algorithm name.
            since: runs started at or after this instant (timezone-aware).
            until: runs started before this instant (timezone-aware).
            status: a :class:`~algoprint.tracking.record.RunStatus` value.
            limit: at most this many runs (the newest).

        Three queries in all, whatever the number of runs: runs, then the components and the
        phases of all of them.

        Raises:
            InputError: a naive datetime, an unknown status or a negative limit.
            StoreError: the store cannot be read.
        """
        if limit is not None and limit < 0:
            raise InputError(f"limit must be >= 0, got {limit}")
        where = _filters(algorithm, since, until, status)
        order = (runs.c.started_at.desc(), runs.c.run_id.desc())

        def read(conn: Connection) -> list[RunRecord]:
            rows = conn.execute(select(runs).where(*where).order_by(*order).limit(limit))
            run_rows = rows.mappings().all()
            ids = select(runs.c.run_id).where(*where).order_by(*order).limit(limit)
            return _load(conn, run_rows, ids)

        return self._read(read, "listing runs")

    def run_algorithms(self) -> list[str]:
        """The distinct algorithm slugs that stored runs name, sorted."""

        def read(conn: Connection) -> list[str]:
            query = select(runs.c.algorithm).where(runs.c.algorithm.is_not(None)).distinct()
            return sorted(str(r[0]) for r in conn.execute(query))

        return self._read(read, "listing the algorithms of runs")

    def count_runs(
        self,
        *,
        algorithm: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        status: str | None = None,
    ) -> int:
        """How many runs match the filters (same meaning as :meth:`list_runs`).

        Raises:
            InputError: a naive datetime or an unknown status.
            StoreError: the store cannot be read.
        """
        where = _filters(algorithm, since, until, status)
        query = select(func.count()).select_from(runs).where(*where)
        return self._read(lambda conn: int(conn.execute(query).scalar_one()), "counting runs")

    # -- analyses (evidence for the Algoritmekader measures) -------------------------------

    def save_analysis(self, record: AnalysisRecord) -> None:
        """Insert or replace the analysis ``record.analysis_id`` (idempotent upsert).

        Raises:
            InputError: the record is malformed (empty id, unknown kind, timestamp without
                offset, a result that is not JSON, e.g. NaN).
            StoreError: the store cannot be written.
        """
        row = _analyses.analysis_row(record)
        self._write(
            lambda conn: _analyses.upsert_analysis(conn, row),
            f"saving analysis {record.analysis_id}",
        )

    def get_analysis(self, analysis_id: str) -> AnalysisRecord:
        """The analysis with this id, or with this unique id prefix (>= 6 characters).

        Raises:
            InputError: an empty id, or a prefix matching several analyses (lists them).
            NotFound: no analysis matches.
            StoreError: the store cannot be read.
        """
        if not analysis_id:
            raise InputError("give an analysis id")
        return self._read(
            lambda conn: _analyses.build_analysis(
                _analyses.find_analysis(conn, analysis_id, self.where, MIN_PREFIX)
            ),
            f"reading analysis {analysis_id}",
        )

    def list_analyses(
        self,
        *,
        algorithm: str | None = None,
        kind: str | None = None,
        measure: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[AnalysisRecord]:
        """Analyses matching every given filter, newest ``created_at`` first.

        Args:
            algorithm: exact algorithm slug.
            kind: an :data:`~algoprint.records.ANALYSIS_KINDS` key.
            measure: a measure code (``owk-06``) or URN; matches every kind mapped to it.
            since: created at or after this instant (timezone-aware).
            limit: at most this many (the newest).

        Raises:
            InputError: unknown kind or measure, naive datetime, negative limit.
            StoreError: the store cannot be read.
        """
        if limit is not None and limit < 0:
            raise InputError(f"limit must be >= 0, got {limit}")
        where = _analyses.analysis_filters(
            algorithm=algorithm, kind=kind, measure=measure, since=since
        )
        query = (
            select(analyses)
            .where(*where)
            .order_by(analyses.c.created_at.desc(), analyses.c.analysis_id.desc())
            .limit(limit)
        )
        return self._read(
            lambda conn: [_analyses.build_analysis(r) for r in conn.execute(query).mappings()],
            "listing analyses",
        )


def open_store(db: str | None = None) -> Store:
    """Resolve ``db`` (see :func:`~algoprint.store.resolve_url`) and open the store now.

    Raises:
        ConfigError: an unsupported URL.
        StoreError: the store cannot be opened, with the path or masked URL and the fix.
    """
    return Store(url=resolve_url(db)).open()
