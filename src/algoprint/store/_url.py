"""Store URLs: turn what a user wrote (``--db``, ``ALGOPRINT_DB``, nothing) into one URL.

Kept apart from the engine code so that resolving a URL never opens a database.
"""

from __future__ import annotations

import re
from pathlib import Path

from algoprint.errors import ConfigError, StoreError

__all__ = ["default_db_path", "mask_url", "resolve_url", "sqlite_file"]

_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://")
_PG_DRIVER = "postgresql+psycopg"
_ACCEPTED = "a file path, sqlite:///PATH, postgresql://USER@HOST/DB or postgresql+psycopg://..."


def default_db_path() -> Path:
    """The default SQLite file: ``<user data dir>/runs.sqlite``.

    The user data dir comes from :func:`platformdirs.user_data_dir` (``~/.local/share/algoprint``
    on Linux, honouring ``XDG_DATA_HOME``). Nothing is created here.
    """
    from platformdirs import user_data_dir

    return Path(user_data_dir("algoprint")) / "runs.sqlite"


def resolve_url(db: str | None) -> str:
    """The SQLAlchemy URL of the run store.

    Args:
        db: ``None`` for the default file (see :func:`default_db_path`); a file path (absolute
            or relative to the current directory, ``~`` expanded, any suffix); a
            ``sqlite:///PATH`` URL; or a ``postgresql://`` URL (plain ``postgresql://`` and
            ``postgres://`` are mapped to the psycopg 3 driver, ``postgresql+psycopg://`` is
            kept).

    Returns:
        A URL for :class:`~algoprint.store.Store`. Relative paths are made absolute now, so the
        URL does not change meaning when the working directory does.

    Raises:
        ConfigError: an empty value or a URL scheme the store does not support.
        StoreError: the default directory cannot be created (names the path and the fix).
    """
    if db is None:
        path = default_db_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(
                f"cannot create the run store directory {path.parent}: {e.strerror}",
                hint="choose another store with --db PATH or ALGOPRINT_DB",
            ) from e
        return f"sqlite:///{path}"
    text = db.strip()
    if not text:
        raise ConfigError("db is empty", hint=f"give {_ACCEPTED}, or leave it unset")
    match = _SCHEME.match(text)
    if match is None:
        if text.startswith("sqlite:"):
            raise ConfigError(f"db {db!r} is not a valid SQLite URL", hint="use sqlite:///PATH")
        return f"sqlite:///{Path(text).expanduser().absolute()}"
    scheme = match["scheme"].lower()
    rest = text[match.end() :]
    if scheme == "sqlite":
        return text
    if scheme in {"postgresql", "postgres"}:
        return f"{_PG_DRIVER}://{rest}"
    if scheme == _PG_DRIVER:
        return text
    raise ConfigError(f"unsupported store URL scheme {scheme!r} in db", hint=f"give {_ACCEPTED}")


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
