"""Each organisation's own run store: a SQLite file beside the server database, or a
PostgreSQL schema (``algoprint_org_<id>``) in the same database.

Keeping every organisation in its own store is what makes isolation structural: the run store,
the register, the assessments, the analyses, the reports and the exports are the same code as
on a laptop, and they cannot see another organisation's rows because those are not in their
database. The server's own tables (``server/_schema.py``) carry ``org_id`` and every query
filters on it.
"""

from __future__ import annotations

import threading
from urllib.parse import quote

from sqlalchemy.engine import make_url

from algoprint.server.db import ServerDB
from algoprint.store import Store

__all__ = ["OrgStores", "schema_name"]


def schema_name(org_id: int) -> str:
    """The PostgreSQL schema of organisation ``org_id``."""
    return f"algoprint_org_{int(org_id)}"


class OrgStores:
    """Opened run stores, one per organisation id, shared by all requests (thread-safe)."""

    def __init__(self, db: ServerDB) -> None:
        self._db = db
        self._stores: dict[int, Store] = {}
        self._lock = threading.Lock()

    def url_for(self, org_id: int) -> str:
        """The store URL of organisation ``org_id`` (nothing is created)."""
        if self._db.path is not None:
            path = self._db.path.parent / "orgs" / f"org-{int(org_id)}.sqlite"
            return f"sqlite:///{path}"
        if self._db.dialect == "sqlite":  # in-memory server database (tests)
            return "sqlite://"
        url = make_url(self._db.url)
        options = quote(f"-csearch_path={schema_name(org_id)}")
        sep = "&" if url.query else "?"
        return f"{self._db.url}{sep}options={options}"

    def get(self, org_id: int) -> Store:
        """The opened (and migrated) store of organisation ``org_id``, creating it if new.

        Raises:
            StoreError: the store cannot be created or opened.
        """
        with self._lock:
            store = self._stores.get(org_id)
            if store is not None:
                return store
            self._prepare(org_id)
            store = Store(url=self.url_for(org_id)).open()
            self._stores[org_id] = store
            return store

    def _prepare(self, org_id: int) -> None:
        if self._db.path is not None:
            (self._db.path.parent / "orgs").mkdir(parents=True, exist_ok=True)
        elif self._db.dialect == "postgresql":
            from sqlalchemy import text

            name = schema_name(org_id)
            self._db.write(
                lambda conn: conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{name}"')),
                f"creating the schema {name}",
            )

    def close(self) -> None:
        """Close every opened store."""
        with self._lock:
            for store in self._stores.values():
                store.close()
            self._stores.clear()
