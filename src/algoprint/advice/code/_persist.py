"""Store analysis records through any object with ``save_analysis(record)``.

The code analyses take a store as an argument (tests pass a fake); when none is given and an
algorithm is named, they open the configured store and close it again.
"""

from __future__ import annotations

from typing import Any, Protocol

from algoprint.records import AnalysisRecord

__all__ = ["SupportsSaveAnalysis", "persist_analysis"]


class SupportsSaveAnalysis(Protocol):
    """Anything that can keep an :class:`~algoprint.records.AnalysisRecord` (the run store)."""

    def save_analysis(self, record: AnalysisRecord) -> Any:
        """Keep ``record``."""


def persist_analysis(
    record: AnalysisRecord, *, store: SupportsSaveAnalysis | None = None, db: str | None = None
) -> None:
    """Save ``record`` in ``store``, or in the store at ``db`` (the configured one by default).

    Raises:
        StoreError: the store cannot be opened or written.
    """
    if store is not None:
        store.save_analysis(record)
        return
    from algoprint.store import open_store

    opened: Any = open_store(db)
    try:
        opened.save_analysis(record)
    finally:
        opened.close()
