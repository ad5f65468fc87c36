"""Saving analyses as evidence, through any store object that has ``save_analysis``."""

from __future__ import annotations

import importlib
import logging
from types import ModuleType
from typing import Any

from algoprint.errors import InputError
from algoprint.records import AnalysisRecord

__all__ = ["require", "save_analysis"]

log = logging.getLogger("algoprint")


def save_analysis(record: AnalysisRecord, store: Any) -> None:
    """Store ``record`` through ``store.save_analysis(record)``.

    Args:
        record: the analysis.
        store: any object with a ``save_analysis`` method (the run store, a test fake).

    Raises:
        InputError: ``store`` has no ``save_analysis`` method.
    """
    method = getattr(store, "save_analysis", None)
    if not callable(method):
        raise InputError(
            f"{type(store).__name__} cannot store analyses (no save_analysis method)",
            hint="pass algoprint.store.open_store(...) or an object with save_analysis(record)",
        )
    method(record)


def save_to_default(record: AnalysisRecord, db: str | None) -> bool:
    """Save into the run store at ``db`` (the default store when ``None``).

    Never raises: a failure is logged (the analysis is still returned to the caller).
    Returns whether it was stored.
    """
    try:
        from algoprint.store import open_store

        store = open_store(db)
        save_analysis(record, store)
    except Exception as e:
        log.warning("algoprint: the %s analysis could not be stored: %s", record.kind, e)
        return False
    return True


def require(module: str, *, what: str) -> ModuleType:
    """Import an optional integration, or fail with the install hint.

    Raises:
        InputError: the library is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise InputError(
            f"{what} needs the {module.split('.', 1)[0]!r} package, which is not installed",
            hint="pip install 'algoprint[train]'",
        ) from e
