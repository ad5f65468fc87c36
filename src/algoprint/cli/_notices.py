"""Notices said once per store, not on every call.

"No location configured" and "CPU model not in the power table" are true on every call until
the user configures something; saying them every time teaches people to ignore stderr. The CLI
remembers, per store, which notices it has shown, in ``notices.json`` in the user state folder
(``$XDG_STATE_HOME/algoprint``). The run records keep every fallback regardless (see
``algoprint show``), and the setting ``notices = "always"`` (``ALGOPRINT_NOTICES=always``)
shows them again on every call.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["install", "said_before"]


def _path() -> Path:
    from platformdirs import user_state_dir

    return Path(user_state_dir("algoprint")) / "notices.json"


def said_before(store: str, key: str) -> bool:
    """Whether notice ``key`` was shown for ``store`` before; records it when not. Never
    raises: an unreadable or unwritable state file only means the notice is shown again."""
    from algoprint.config import load_settings
    from algoprint.errors import AlgoprintError

    try:
        if load_settings().notices == "always":
            return False
    except AlgoprintError:
        return False
    path = _path()
    try:
        seen = json.loads(path.read_text()) if path.is_file() else {}
        keys = seen.setdefault(store, [])
        if key in keys:
            return True
        keys.append(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(seen, indent=1))
    except (OSError, ValueError, AttributeError):
        return False
    return False


def install(store: str) -> None:
    """Remember the meters' warnings per ``store`` (see :func:`said_before`)."""
    from algoprint.meters.common import set_said_before

    set_said_before(lambda key: said_before(store, key))
