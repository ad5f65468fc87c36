"""The user's data, cache and config directories and the temp directory, without imports.

The tracker needs these paths on its start-up path. :mod:`platformdirs` (and :mod:`tempfile`,
which it imports) cost several milliseconds to import, so on Linux the common case is worked
out here with the same rules platformdirs uses there (an absolute ``$XDG_*_HOME``, else
``$HOME/.local/share``, ``$HOME/.cache``, ``$HOME/.config``); every other case (another
platform, Android, a relative or unset ``HOME``, a relative ``XDG_*`` value) asks platformdirs
or :mod:`tempfile` themselves, so the answer never differs from theirs. Standard library only.
"""

from __future__ import annotations

import os
import sys

__all__ = ["temp_dir", "user_dir"]

_POSIX_TMP = "/tmp"  # noqa: S108 - tempfile's first candidate, used only as tempfile would

_XDG = {
    "data": ("XDG_DATA_HOME", ".local/share"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
    "config": ("XDG_CONFIG_HOME", ".config"),
}


def _fast_base(kind: str) -> str | None:
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel"):
        return None
    if os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system":
        return None
    var, default = _XDG[kind]
    xdg = os.environ.get(var, "")
    if xdg:
        return xdg if os.path.isabs(xdg) else None
    home = os.environ.get("HOME", "")
    return os.path.join(home, default) if os.path.isabs(home) else None


def user_dir(kind: str) -> str:
    """The user ``kind`` directory of algoprint, as :mod:`platformdirs` names it.

    Args:
        kind: ``"data"``, ``"cache"`` or ``"config"``.

    Returns:
        The path (e.g. ``~/.local/share/algoprint``); nothing is created.
    """
    base = _fast_base(kind)
    if base is not None:
        return os.path.join(base, "algoprint")
    import platformdirs

    return str(getattr(platformdirs, f"user_{kind}_dir")("algoprint"))


def temp_dir() -> str:
    """The temp directory :func:`tempfile.gettempdir` would give.

    Without ``TMPDIR``/``TEMP``/``TMP`` set and with a writable ``/tmp`` this is ``/tmp``
    (tempfile's first candidate on POSIX); otherwise tempfile decides.
    """
    if (
        "tempfile" not in sys.modules
        and os.name == "posix"
        and not any(os.environ.get(v) for v in ("TMPDIR", "TEMP", "TMP"))
        and os.path.isdir(_POSIX_TMP)
        and os.access(_POSIX_TMP, os.W_OK | os.X_OK)
    ):
        return _POSIX_TMP
    import tempfile

    return tempfile.gettempdir()
