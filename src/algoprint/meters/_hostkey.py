"""The key that tells machines apart for counting their energy once.

Overlapping machine-scope runs are split, and process-scope runs inside them deducted, per
machine (algoprint.store._overlap). The hostname does not identify a machine: every container
has its own, and two machines may share one (``localhost``, a reused image). The kernel's boot
id (``/proc/sys/kernel/random/boot_id``) does: a random 128-bit UUID drawn at every boot, the
same in every container on that kernel (the file is not namespaced) and different on every
other machine or VM. ``/etc/machine-id`` is not combined with it: it lives in each container's
own file system (empty, or copied from the image), so it would split the containers of one
host again. Without a readable boot id (not Linux, a fake ``proc_root``) the key is the
hostname, as runs recorded before the key were grouped.

Only the standard library is used.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["host_key"]

_CACHE: dict[str, str] = {}


def _boot_id(proc_root: str) -> str | None:
    try:
        text = (Path(proc_root) / "sys/kernel/random/boot_id").read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    text = text.strip().lower()
    # A UUID: 36 characters of hex digits and dashes.
    if len(text) != 36 or any(c not in "0123456789abcdef-" for c in text):
        return None
    return text


def host_key(proc_root: str | Path = "/proc") -> str:
    """``boot:<boot id>`` of the running kernel, else this machine's hostname.

    Read once per ``proc_root`` (the boot id cannot change while the process runs).
    """
    root = str(proc_root)
    found = _CACHE.get(root)
    if found is None:
        boot = _boot_id(root)
        if boot:
            found = f"boot:{boot}"
        else:
            import socket  # only without a boot id (the same name as meters._host.hostname)

            found = socket.gethostname()
        _CACHE[root] = found
    return found
