"""Resolve the store setting (``--db``, ``ALGOPRINT_DB``, nothing) into one URL.

Standard library only (plus platformdirs), so the tracker can find its spool directory
without importing SQLAlchemy. :mod:`algoprint.store` re-exports these functions.
"""

from __future__ import annotations

import re
from pathlib import Path

from algoprint.errors import ConfigError, StoreError

__all__ = ["default_db_path", "resolve_url", "spool_dir_for_url"]

_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://")
_PG_DRIVER = "postgresql+psycopg"
_ACCEPTED = "a file path, sqlite:///PATH, postgresql://USER@HOST/DB or postgresql+psycopg://..."


def default_db_path() -> Path:
    """The default SQLite file: ``<user data dir>/runs.sqlite``.

    The user data dir comes from :func:`platformdirs.user_data_dir` (``~/.local/share/algoprint``
    on Linux, honouring ``XDG_DATA_HOME``). Nothing is created here.
    """
    from algoprint._dirs import user_dir

    return Path(user_dir("data")) / "runs.sqlite"


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


def spool_dir_for_url(url: str) -> Path:
    """Where trackers leave run documents for the store at ``url`` (see
    :mod:`algoprint.tracking.spool`): ``<file>.spool/`` next to a SQLite file, otherwise a
    directory in the user data dir named after a hash of the URL."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :].split("?", 1)[0]
        if path and path != ":memory:":
            return Path(path + ".spool")
    import hashlib

    from algoprint._dirs import user_dir

    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return Path(user_dir("data")) / "spool" / digest
