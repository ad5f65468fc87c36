"""Small helpers shared by the fleet collectors: stable run ids, times, state files."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from algoprint.errors import InputError

__all__ = [
    "FLEET_NAMESPACE",
    "from_epoch",
    "iso",
    "read_state",
    "stable_run_id",
    "to_epoch",
    "write_state",
]

FLEET_NAMESPACE = uuid.UUID("5b0f6a2e-3c61-4d8e-9a57-7f1f0c7e2a10")
"""uuid5 namespace of run ids derived from outside identities (pod uid, SLURM job id)."""


def stable_run_id(*parts: str) -> str:
    """The same 32-hex run id for the same outside identity, on every machine and restart,
    so writing a run twice replaces it instead of counting it twice."""
    return uuid.uuid5(FLEET_NAMESPACE, "\x1f".join(parts)).hex


def iso(when: datetime) -> str:
    """ISO 8601 in UTC with an offset (what run records hold)."""
    return when.astimezone(UTC).isoformat()


def from_epoch(seconds: float) -> str:
    """ISO 8601 (UTC) of a Unix time in seconds."""
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def to_epoch(text: str) -> float:
    """Unix seconds of an ISO 8601 time with an offset."""
    return datetime.fromisoformat(text).timestamp()


def read_state(path: Path) -> dict[str, Any]:
    """The JSON state at ``path``, or ``{}`` when there is none yet.

    Raises:
        InputError: the file exists but is not a JSON object (names the file and the fix).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        raise InputError(
            f"state file {path} cannot be read: {e}",
            hint="fix or delete it; runs already stored are not counted again either way",
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"state file {path} is not a JSON object", hint="delete it")
    return data


def write_state(path: Path, data: Mapping[str, Any]) -> None:
    """Write ``data`` to ``path`` atomically (a crash leaves the old or the new state)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(dict(data), indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
