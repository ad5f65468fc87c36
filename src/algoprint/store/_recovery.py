"""Recovering runs whose tracking process died (SIGKILL, power loss, OOM killer).

A live tracker writes a checkpoint every ``checkpoint_interval_s`` (default 10 s). A run that is
still ``running`` but has not checkpointed for ``stale_after_s``, and whose process is gone,
will never finish: it becomes ``incomplete`` with the figures of its last checkpoint.
"""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from typing import Any

import psutil
from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection

from algoprint.store._convert import format_ts
from algoprint.store._schema import runs
from algoprint.tracking.record import Degradation, RunStatus

__all__ = ["pid_alive", "recover"]


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine and is not a zombie."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # it exists; we may just not look at it


def _degradation(row: Any, last_seen: datetime) -> Degradation:
    who = f"pid {row.pid} on {row.hostname}" if row.pid is not None else "the tracking process"
    return Degradation(
        source="store",
        message=(
            f"recovered: {who} stopped without finishing the run; figures are as of the last "
            f"checkpoint at {format_ts(last_seen)}"
        ),
        hint="energy after that checkpoint was not measured; a shorter checkpoint_interval_s "
        "loses less",
    )


def recover(conn: Connection, *, stale_after_s: float, now: datetime) -> list[str]:
    """Mark dead, stale ``running`` runs of this host ``incomplete``; return their ids.

    A run qualifies when its last sign of life (``checkpoint_at``, else ``started_at``) is older
    than ``now - stale_after_s``, it was recorded on this host (``host["hostname"]`` equals
    :func:`socket.gethostname`), and its ``pid`` is not alive (or was not recorded). Runs of
    other hosts are left alone: their process cannot be checked from here.

    Energy, duration and components stay as last checkpointed; ``ended_at`` becomes the last
    sign of life (when unset) and a :class:`Degradation` explains the recovery. Each update is
    conditional on the checkpoint read, so a run that checkpoints meanwhile is not touched.
    Runs in a caller-owned write transaction.
    """
    cutoff = now - timedelta(seconds=stale_after_s)
    hostname = socket.gethostname()
    candidates = conn.execute(
        select(
            runs.c.run_id,
            runs.c.pid,
            runs.c.hostname,
            runs.c.started_at,
            runs.c.checkpoint_at,
            runs.c.ended_at,
            runs.c.degradations,
        ).where(
            runs.c.status == RunStatus.RUNNING.value,
            runs.c.hostname == hostname,
            or_(
                runs.c.checkpoint_at < cutoff,
                and_(runs.c.checkpoint_at.is_(None), runs.c.started_at < cutoff),
            ),
        )
    ).all()
    recovered: list[str] = []
    for row in candidates:
        if row.pid is not None and pid_alive(int(row.pid)):
            continue
        last_seen: datetime = row.checkpoint_at or row.started_at
        degradations = [*row.degradations, _degradation(row, last_seen).as_dict()]
        result = conn.execute(
            update(runs)
            .where(
                runs.c.run_id == row.run_id,
                runs.c.status == RunStatus.RUNNING.value,
                runs.c.checkpoint_at.is_not_distinct_from(row.checkpoint_at),
            )
            .values(
                status=RunStatus.INCOMPLETE.value,
                ended_at=row.ended_at or last_seen,
                degradations=degradations,
            )
        )
        if result.rowcount == 1:
            recovered.append(str(row.run_id))
    return recovered
