"""The run store: every tracked run, kept in SQLite (default) or PostgreSQL.

Stores what was measured (per-component energy in joules, method, uncertainty, phases,
degradations), never derived impacts, so impacts can be recomputed when factors change.
docs/store.md describes URLs, concurrency, migrations and recovery.

Importing this module loads SQLAlchemy (not Alembic: that loads only to migrate a store).

Failure modes, all :class:`~algoprint.errors.StoreError` naming the store and the fix:

- the path is a directory, its directory is missing or not writable;
- the file is not a SQLite database or holds tables algoprint did not create (never modified);
- the schema was written by a newer algoprint (upgrade algoprint);
- PostgreSQL refuses the connection (URL shown with the password masked);
- SQLite stays locked by another writer after bounded retries.
"""

from __future__ import annotations

from algoprint.store._overlap import count_overlaps_once, overlap_shares
from algoprint.store._sink import StoreSink
from algoprint.store._spool import ingest as ingest_spool
from algoprint.store._store import MIN_PREFIX, Store
from algoprint.store._store import open_store as _open_store
from algoprint.store._url import default_db_path, resolve_url

__all__ = [
    "MIN_PREFIX",
    "Store",
    "StoreSink",
    "count_overlaps_once",
    "default_db_path",
    "ingest_spool",
    "open_store",
    "overlap_shares",
    "resolve_url",
]


def open_store(db: str | None = None) -> Store:
    """Open the store named by ``db`` (path, URL or ``None`` for the default file), migrate
    it, and ingest the runs that trackers left in its spool (``algoprint.tracking.spool``).

    Raises:
        StoreError: the store cannot be opened (see the module docs for each case).
    """
    store = _open_store(db)
    ingest_spool(store)
    return store
