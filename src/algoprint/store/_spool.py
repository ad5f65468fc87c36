"""Ingest run documents left in the spool by trackers (see :mod:`algoprint.tracking.spool`).

Each final record (``*.run.json``) is claimed by an atomic rename (so two ingesting processes
never both take it), saved with a guard that never replaces a newer record by an older one, and
only then deleted. A file that cannot be parsed is moved aside as ``*.bad`` and reported, never
deleted.

A live file (``*.run.live``) whose tracker still holds its lock is read in place and its
checkpoint saved (so the store shows the running run); a checkpoint caught half-written is
skipped until the next ingest. A live file nobody holds belongs to a tracker that ended without
its final record (killed): it is claimed and ingested like a final record, and the store's
recovery then marks the run incomplete.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from algoprint._dburl import spool_dir_for_url
from algoprint.tracking.record import RunRecord
from algoprint.tracking.spool import LIVE_SUFFIX, SUFFIX, read_live

if TYPE_CHECKING:
    from algoprint.store._store import Store

log = logging.getLogger("algoprint")
CLAIM = ".claim-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claimable(directory: Path, ended: list[Path]) -> list[Path]:
    """Final records, the live files of ``ended`` trackers and claims left by dead ingesters."""
    found = [*sorted(directory.glob(f"*{SUFFIX}")), *ended]
    # Claims left by an ingesting process that died are taken over.
    claims = [*directory.glob(f"*{SUFFIX}{CLAIM}*"), *directory.glob(f"*{LIVE_SUFFIX}{CLAIM}*")]
    for claim in claims:
        try:
            pid = int(claim.name.rsplit(CLAIM, 1)[1])
        except ValueError:
            continue
        if not _pid_alive(pid):
            found.append(claim)
    return found


def _held(path: Path) -> bool:
    """Whether a tracker holds the lock of the live file at ``path`` (it still runs); a file
    that vanished meanwhile counts as held (there is nothing to claim)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no live files where fcntl is missing
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also releases a lock taken: the claim below is by rename
    return False


def _running_checkpoints(store: Store, live: list[Path]) -> int:
    """Save the checkpoints of the live files whose trackers still run, read in place."""
    saved = 0
    for path in live:
        try:
            data = read_live(path.read_bytes())
            record = RunRecord.from_dict(json.loads(data)) if data is not None else None
        except (OSError, ValueError, TypeError, KeyError):
            record = None
        if record is not None and store.save_run(record, only_if_newer=True):
            saved += 1
    return saved


def ingest(store: Store) -> int:
    """Move every spooled run of ``store`` into it, from its spool and from the fallback
    spools trackers used when the store could not be written (:mod:`algoprint.tracking.
    _fallback_spool`); returns how many were saved."""
    from algoprint.tracking._fallback_spool import fallback_dirs

    saved = 0
    for directory in (spool_dir_for_url(store.url), *fallback_dirs(store.url)):
        if directory.is_dir():
            saved += _ingest_dir(store, directory)
    return saved


def _ingest_dir(store: Store, directory: Path) -> int:
    running: list[Path] = []
    ended: list[Path] = []  # claimed below, as the runs of trackers that were killed
    for path in sorted(directory.glob(f"*{LIVE_SUFFIX}")):
        (running if _held(path) else ended).append(path)
    saved = _running_checkpoints(store, running)
    for path in _claimable(directory, ended):
        base = path.name.split(CLAIM, 1)[0]
        claim = directory / f"{base}{CLAIM}{os.getpid()}"
        try:
            os.rename(path, claim)
        except FileNotFoundError:
            continue  # another process claimed it first
        try:
            content = claim.read_bytes()
            if base.endswith(LIVE_SUFFIX):
                data = read_live(content)
                if data is None:
                    raise ValueError("not one whole checkpoint (cut short)")
                content = data
            record = RunRecord.from_dict(json.loads(content))
        except (ValueError, TypeError, KeyError) as e:
            bad = directory / f"{base.removesuffix(SUFFIX).removesuffix(LIVE_SUFFIX)}.bad"
            os.replace(claim, bad)
            log.warning("algoprint: spooled run %s is unreadable (%s); kept as %s", base, e, bad)
            continue
        if store.save_run(record, only_if_newer=True):
            saved += 1
        claim.unlink(missing_ok=True)
    return saved
