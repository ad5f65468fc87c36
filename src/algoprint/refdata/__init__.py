"""Versioned reference tables shipped inside the package.

The tables are CSV files in this folder, derived from the public datasets in ``shared/data`` by
``scripts/build_refdata.py`` (committed, re-runnable). Every row carries its ``source`` and
``licence``; NOTICE repeats the attributions. This module only reads them (no network, no
writes), so both the meters and the impact model can use it.

``FACTOR_VERSION`` names the version of the whole set; reports and recomputed impacts record it.
"""

from __future__ import annotations

import csv
import functools
import io
import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from importlib.abc import Traversable

__all__ = ["FACTOR_VERSION", "available_tables", "load_table"]

FACTOR_VERSION = "2026.11.0"


@functools.cache
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """Return the rows of table ``name`` (file ``<name>.csv`` in this package).

    Rows are returned as read-only tuples of dicts of strings; callers convert the units they
    need. Lines starting with ``#`` are comments (used for table-level attribution).

    Raises:
        KeyError: no such table (the message lists the available tables).
    """
    path = _table_path(f"{name}.csv")
    if not path.is_file():
        raise KeyError(f"no reference table {name!r}; available: {', '.join(available_tables())}")
    text = path.read_text(encoding="utf-8")
    lines = [line for line in io.StringIO(text) if not line.startswith("#")]
    return tuple(dict(row) for row in csv.DictReader(lines))


def _table_path(filename: str) -> Traversable:
    # A package installed as files (the usual case) is read directly: importlib.resources
    # imports tempfile, zipfile and more, which cost the tracker's start several ms.
    here = os.path.dirname(__file__)
    if os.path.isfile(os.path.join(here, "__init__.py")):
        from pathlib import Path

        return Path(here, filename)
    from importlib import resources  # pragma: no cover - zipped

    return resources.files(__package__).joinpath(filename)  # pragma: no cover


def available_tables() -> list[str]:
    """Names of all shipped tables."""
    from importlib import resources

    root = resources.files(__package__)
    return sorted(p.name[:-4] for p in root.iterdir() if p.name.endswith(".csv"))
