"""Where a run goes when its store cannot take it: the fallback spool.

A run is never lost silently because its store is broken. :class:`SafeSink` wraps the sink a
tracker writes to (the store's spool for ``track()``, the open store for ``algoprint run``);
when a write fails (read-only directory, disk full, file-size limit, database down) it writes
the run document instead to the first writable of:

1. the store's own spool (when the primary sink was the database itself);
2. ``<user cache dir>/algoprint/fallback-spool/<key>/``;
3. ``<temp dir>/algoprint-<uid>/fallback-spool/<key>/``;

where ``<key>`` is the first 16 hex digits of the SHA-256 of the store URL, so the next
command that opens that store (:func:`algoprint.store.open_store`) finds and ingests them
(:func:`fallback_dirs`). The switch is said once, with the directory, and recorded on the run.
Standard library only (platformdirs only off Linux): this runs in the user's process.
"""

from __future__ import annotations

import os
from pathlib import Path

from algoprint.tracking.record import RunRecord
from algoprint.tracking.spool import write_spooled

__all__ = ["SafeSink", "fallback_dirs", "store_url"]


TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Protocol

    class _Sink(Protocol):
        def save(self, record: RunRecord, *, durable: bool = False) -> object: ...
else:

    class _Sink:
        """A sink: an object with ``save(record, *, durable=False)``. A
        :class:`typing.Protocol` for the type checker; at run time a plain class, so that
        this module does not import :mod:`typing`."""


def store_url(db: str | None) -> str:
    """The URL of the store named by ``db``, without creating anything; for an unusable
    value, the value itself (its runs are then kept under that name)."""
    from algoprint._dburl import default_db_path, resolve_url
    from algoprint.errors import AlgoprintError

    if db is None:
        return f"sqlite:///{default_db_path()}"
    try:
        return resolve_url(db)
    except AlgoprintError:
        return db


def fallback_dirs(url: str) -> list[Path]:
    """The fallback spool directories of the store at ``url``, in the order they are tried."""
    import hashlib  # here, not at import: only a failing store needs it

    from algoprint._dirs import temp_dir, user_dir

    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return [
        Path(user_dir("cache")) / "fallback-spool" / key,
        Path(temp_dir()) / f"algoprint-{uid}" / "fallback-spool" / key,
    ]


class SafeSink:
    """A sink that never drops a run while any fallback directory is writable.

    Args:
        primary: the sink to try first; ``None`` means the spool of ``db``.
        db: the ``db`` setting of the store the run belongs to.
        spool_first: try the store's own spool before the fallback directories (when the
            primary writes to the database).

    Attributes:
        fallback: ``(reason, directory)`` once a write went to a fallback directory.
    """

    def __init__(self, primary: _Sink | None, *, db: str | None, spool_first: bool = False) -> None:
        self._primary = primary
        self._db = db
        self._spool_first = spool_first
        self._url: str | None = None
        self._directory: Path | None = None
        self.fallback: tuple[str, Path] | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            self._url = store_url(self._db)
        return self._url

    def _candidates(self) -> list[Path]:
        dirs = []
        if self._spool_first:
            from algoprint._dburl import spool_dir_for_url

            dirs.append(spool_dir_for_url(self.url))
        return [*dirs, *fallback_dirs(self.url)]

    def save(self, record: RunRecord, *, durable: bool = False) -> object:
        """Save through the primary sink, else into the first writable fallback directory.

        Once a fallback was used, the run stays there (the store ingests the newest record).

        Raises:
            OSError: the primary sink and every fallback directory failed.
        """
        if self._directory is None:
            try:
                if self._primary is None:
                    from algoprint.tracking.spool import SpoolSink

                    self._primary = SpoolSink(self._db)
                return self._primary.save(record, durable=durable)
            except Exception as e:  # any store fault: read-only, full, locked, unreachable
                reason = str(e) or type(e).__name__
        else:
            reason = self.fallback[0] if self.fallback else "earlier write failed"
        errors = []
        dirs = self._candidates()
        if self._directory is not None:  # stay where the run went, unless that fails too
            dirs = [self._directory, *(d for d in dirs if d != self._directory)]
        for directory in dirs:
            try:
                path = write_spooled(directory, record, durable=durable)
            except OSError as e:
                errors.append(f"{directory}: {e.strerror or e}")
                continue
            if self._directory != directory:
                self._directory = directory
                self.fallback = (reason, directory)
            return path
        raise OSError(f"{reason}; no fallback spool was writable ({'; '.join(errors)})")
