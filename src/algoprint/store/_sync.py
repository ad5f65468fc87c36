"""``algoprint sync``: upload waiting runs and the local history to the configured server.

Waiting runs are in the upload outbox (:mod:`algoprint.tracking.upload`). The history is every
run in the local store; each is put into the outbox (so a failure keeps it there) unless the
server already answered for this exact state of the run (``synced.json`` in the outbox records
run id → status and checkpoint). The server is idempotent by run id, so sending twice stores
once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from algoprint.tracking.upload import FlushResult, Outbox, ServerTarget, flush

if TYPE_CHECKING:
    from algoprint.store import Store

__all__ = ["SyncResult", "sync"]


@dataclass(frozen=True, slots=True)
class SyncResult:
    """Runs ``queued`` from the history, the flush result, and the refused runs with reasons."""

    queued: int
    flush: FlushResult
    rejected: list[tuple[str, str]]


def _state(doc: dict[str, object]) -> str:
    return f"{doc.get('status')}|{doc.get('checkpoint_at')}|{doc.get('ended_at')}"


def sync(
    store: Store | None,
    target: ServerTarget,
    *,
    outbox: Outbox | None = None,
    timeout_s: float = 10.0,
) -> SyncResult:
    """Queue the history of ``store`` (``None``: only the outbox) and send everything waiting.

    Never raises for network problems: they are in ``result.flush.error`` and the runs stay
    in the outbox.
    """
    box = outbox or Outbox(target)
    marker = box.directory / "synced.json"
    try:
        synced: dict[str, str] = json.loads(marker.read_text())
    except (OSError, ValueError):
        synced = {}
    queued: dict[str, str] = {}
    if store is not None:
        for record in store.list_runs():
            doc = record.to_dict()
            if synced.get(record.run_id) != _state(doc):
                box.put(doc)
                queued[record.run_id] = _state(doc)
    result = flush(target, outbox=box, timeout_s=timeout_s)
    done = {rid for rid, what in result.results.items() if what}
    synced.update({rid: state for rid, state in queued.items() if rid in done})
    if queued:
        box.directory.mkdir(parents=True, exist_ok=True)
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(json.dumps(synced))
        tmp.replace(marker)
    rejected = [(p.name.removesuffix(".run.json"), reason) for p, reason in box.rejected()]
    return SyncResult(queued=len(queued), flush=result, rejected=rejected)
