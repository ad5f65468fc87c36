"""A run sink that writes straight into an open store (used by ``algoprint run``, whose process
has the database stack loaded anyway; the Python API writes to the spool instead)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from algoprint.tracking.record import RunRecord

if TYPE_CHECKING:
    from algoprint.store._store import Store


class StoreSink:
    """Save each checkpoint and the final record with :meth:`Store.save_run`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def save(self, record: RunRecord, *, durable: bool = False) -> bool:
        del durable  # every store write is a committed transaction
        return self.store.save_run(record)
