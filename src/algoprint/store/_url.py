"""Store URLs: turn what a user wrote (``--db``, ``ALGOPRINT_DB``, nothing) into one URL.

Kept apart from the engine code so that resolving a URL never opens a database.
"""

from __future__ import annotations

import re
from pathlib import Path

from algoprint._dburl import default_db_path, resolve_url

__all__ = ["default_db_path", "mask_url", "resolve_url", "sqlite_file"]


def mask_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages and logs."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL; ``None`` for in-memory databases and other back ends."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or parsed.query.get("mode") == "memory":
        return None
    if database.startswith("file:"):
        database = database[len("file:") :]
    return Path(database)
