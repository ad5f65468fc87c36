"""Which machine-scope runs are active on this host right now: a registry of small files.

Two runs at ``machine`` scope at once each measure the whole machine. The store splits such
overlaps in every total (``algoprint.store.count_overlaps_once``); this registry lets the second
run say so when it starts, while the user can still choose ``--scope process``.

Each storing tracker at machine scope writes ``<run_id>.json`` (pid, algorithm, command) into
``$XDG_RUNTIME_DIR/algoprint/machine-runs/`` (or ``<temp dir>/algoprint-<uid>/machine-runs/``
without a runtime dir) and removes it when it stops; files of processes that are gone are
removed by the next reader. The registry is per user: runs of other users on a shared host are
not seen here (the store still splits them). Any error here is ignored: it only informs.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from algoprint._dirs import temp_dir

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = ["active_runs", "register", "registry_dir", "unregister"]


def registry_dir() -> Path:
    """Where this user's active machine-scope runs are registered."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / "algoprint" / "machine-runs"
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(temp_dir()) / f"algoprint-{uid}" / "machine-runs"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def active_runs(directory: Path | None = None) -> list[dict[str, Any]]:
    """The registered runs whose process is alive (stale entries are removed)."""
    where = directory or registry_dir()
    found = []
    try:
        entries = list(where.glob("*.json"))
    except OSError:
        return []
    for path in entries:
        try:
            info = json.loads(path.read_bytes())
            pid = int(info["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if _alive(pid):
            found.append(info)
        else:
            with contextlib.suppress(OSError):
                path.unlink()
    return found


def register(run_id: str, info: dict[str, Any], directory: Path | None = None) -> Path | None:
    """Register this run; ``None`` when the registry cannot be written."""
    where = directory or registry_dir()
    try:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = where / f"{run_id}.json"
        path.write_text(json.dumps({"run_id": run_id, "pid": os.getpid(), **info}))
    except OSError:
        return None
    return path


def unregister(path: Path | None) -> None:
    """Remove a registration made by :func:`register`."""
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink()
