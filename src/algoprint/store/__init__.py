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

from algoprint.store._store import MIN_PREFIX, Store, open_store
from algoprint.store._url import default_db_path, resolve_url

__all__ = ["MIN_PREFIX", "Store", "default_db_path", "open_store", "resolve_url"]
