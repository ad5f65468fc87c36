"""The spool: how a tracker hands runs to the store without loading the database stack.

Checkpoints and final records of a run tracked from Python are written as JSON documents to a
spool directory that belongs to the store (``<file>.spool/`` next to a SQLite file; see
:func:`algoprint._dburl.spool_dir_for_url`). Writing one is an atomic ``os.replace`` of a small
file: no SQLAlchemy import, a few hundred microseconds, and no lock contention however many
processes track at once. The next command that opens the store (``algoprint runs``,
``report``, ``show``...) ingests the spool: it claims each file by renaming it, upserts the run
(never replacing a newer checkpoint with an older one) and deletes the claim. A file that
cannot be ingested stays where it is, so nothing is lost.

When the spool cannot be written (read-only directory, full disk), the tracker falls back to
:mod:`algoprint.tracking._fallback_spool`.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from pathlib import Path

from algoprint._dburl import resolve_url, spool_dir_for_url
from algoprint.tracking.record import RunRecord

__all__ = ["SpoolSink", "spool_dir", "write_spooled"]

SUFFIX = ".run.json"
_counter = itertools.count()


def spool_dir(db: str | None) -> Path:
    """The spool directory of the store named by the ``db`` setting."""
    return spool_dir_for_url(resolve_url(db))


def write_spooled(directory: Path, record: RunRecord, *, durable: bool = False) -> Path:
    """Write ``record`` atomically as ``<run_id>.run.json`` in ``directory`` (created).

    The document goes to a temporary file named after this process and thread (no
    ``tempfile`` import on the tracker's path), which then replaces the target; ``durable``
    also fsyncs it (the final record).

    Raises:
        OSError: the directory cannot be created or written (read-only, disk full, too big).
    """
    data = record.to_json()
    base = os.fspath(directory)
    tmp = f"{base}/.tmp-{os.getpid()}-{threading.get_ident()}-{next(_counter)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(tmp, flags, 0o644)
    except (FileNotFoundError, NotADirectoryError):
        # Created on the first write (one mkdir per run, not per checkpoint); a path that
        # cannot be a directory raises mkdir's own error.
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, flags, 0o644)
    target = f"{base}/{record.run_id}{SUFFIX}"
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(target)


class SpoolSink:
    """Writes run records into a store's spool directory (created on first write).

    Args:
        db: the ``db`` setting (path or URL; ``None`` for the default store).
    """

    def __init__(self, db: str | None) -> None:
        self.db = db
        self._dir: Path | None = None

    @property
    def directory(self) -> Path:
        if self._dir is None:
            self._dir = spool_dir(self.db)
        return self._dir

    def save(self, record: RunRecord, *, durable: bool = False) -> Path:
        """Write ``record`` atomically; ``durable`` also fsyncs (the final record).

        Raises:
            OSError: the spool directory cannot be created or written.
            StoreError: the default store directory cannot be created.
        """
        return write_spooled(self.directory, record, durable=durable)
