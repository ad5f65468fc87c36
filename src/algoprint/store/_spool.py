"""Ingest run documents left in the spool by trackers (see :mod:`algoprint.tracking.spool`).

Each file is claimed by an atomic rename (so two ingesting processes never both take it, and a
tracker writing a newer checkpoint meanwhile creates a new file), saved with a guard that never
replaces a newer record by an older one, and only then deleted. A file that cannot be parsed is
moved aside as ``*.bad`` and reported, never deleted.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from algoprint._dburl import spool_dir_for_url
from algoprint.tracking.record import RunRecord
from algoprint.tracking.spool import SUFFIX

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


def _claimable(directory: Path) -> list[Path]:
    found = sorted(directory.glob(f"*{SUFFIX}"))
    # Claims left by an ingesting process that died are taken over.
    for claim in directory.glob(f"*{SUFFIX}{CLAIM}*"):
        try:
            pid = int(claim.name.rsplit(CLAIM, 1)[1])
        except ValueError:
            continue
        if not _pid_alive(pid):
            found.append(claim)
    return found


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
    saved = 0
    for path in _claimable(directory):
        base = path.name.split(CLAIM, 1)[0]
        claim = directory / f"{base}{CLAIM}{os.getpid()}"
        try:
            os.rename(path, claim)
        except FileNotFoundError:
            continue  # another process claimed it first
        try:
            record = RunRecord.from_dict(json.loads(claim.read_bytes()))
        except (ValueError, TypeError, KeyError) as e:
            bad = directory / f"{base.removesuffix(SUFFIX)}.bad"
            os.replace(claim, bad)
            log.warning("algoprint: spooled run %s is unreadable (%s); kept as %s", base, e, bad)
            continue
        if store.save_run(record, only_if_newer=True):
            saved += 1
        claim.unlink(missing_ok=True)
    return saved
