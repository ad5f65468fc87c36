"""Options and helpers shared by several commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from algoprint.cli._options import json_option

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["db_option", "json_option", "open_store_for", "print_json"]


def db_option(func: F) -> F:
    """``--db URL_OR_PATH`` (default: ALGOPRINT_DB, then the user data dir SQLite file)."""
    return click.option(
        "--db",
        metavar="URL_OR_PATH",
        help="Run store: SQLite path or database URL (default: $ALGOPRINT_DB or user data dir).",
    )(func)


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def open_store_for(db: str | None, *, register_runs: bool = True) -> Any:
    """Open the store named by ``--db`` / settings, recovering runs of killed trackers and
    registering the algorithms that runs name but the register lacks (``register_runs``)."""
    from algoprint.config import load_settings
    from algoprint.store import open_store

    settings = load_settings({"db": db})
    store = open_store(settings.db)
    store.recover_stale_runs(stale_after_s=0)
    from algoprint.kader.register import register_run_algorithms, registration_notice

    for slug in register_run_algorithms(store) if register_runs else ():
        print(f"algoprint: {registration_notice(slug)}", file=sys.stderr)
    return store
