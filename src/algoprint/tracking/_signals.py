"""Final records on SIGTERM, SIGHUP and SIGQUIT, without changing what those signals do.

By default these signals end a Python program at once: no ``finally``, no ``with`` exit, so a
tracked run would keep only its last checkpoint. While at least one tracker runs, this module
puts a handler on each of these signals **whose disposition is still the default** (never on
one the program set or ignored; only from the main thread, where Python allows it). The handler
stops every active tracker with status ``interrupted`` (each writes its final record), puts the
default disposition back and re-delivers the signal, so the process ends exactly as it would
have: same signal, same exit status, core dump for SIGQUIT. When the last tracker stops, the
default is restored, unless the program installed its own handler meanwhile (kept as is).

The trackers are stopped on a helper thread joined for at most :data:`FINAL_RECORD_TIMEOUT_S`:
the signal may arrive while the main thread holds a tracker's lock, and waiting for it on the
main thread would deadlock. Past the timeout the signal is re-delivered anyway and the run keeps
its last checkpoint.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = ["FINAL_RECORD_TIMEOUT_S", "SIGNALS", "register", "unregister"]

SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)
FINAL_RECORD_TIMEOUT_S = 5.0

_lock = threading.Lock()
_active: dict[int, Callable[[], Any]] = {}
_installed: set[int] = set()


def _handler(signum: int, frame: FrameType | None) -> None:
    del frame
    with _lock:
        finishers = list(_active.values())
        _active.clear()
    worker = threading.Thread(
        target=_finish_all, args=(finishers,), name="algoprint-final", daemon=True
    )
    worker.start()
    worker.join(FINAL_RECORD_TIMEOUT_S)
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signum, signal.SIG_DFL)
    with _lock:
        _installed.discard(signum)
    os.kill(os.getpid(), signum)


def _finish_all(finishers: list[Callable[[], Any]]) -> None:
    for finish in finishers:
        with contextlib.suppress(Exception):  # one broken tracker must not cost the others
            finish()


def register(key: int, finish: Callable[[], Any]) -> None:
    """Call ``finish`` (stop the tracker as interrupted) when a default-handled SIGTERM, SIGHUP
    or SIGQUIT arrives. A no-op off the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return
    with _lock:
        _active[key] = finish
        for sig in SIGNALS:
            if sig in _installed:
                continue
            try:
                if signal.getsignal(sig) is not signal.SIG_DFL:
                    continue  # the program's own handler (or SIG_IGN): never touched
                signal.signal(sig, _handler)
            except (ValueError, OSError):
                continue
            _installed.add(sig)


def unregister(key: int) -> None:
    """Forget ``key``; the last one out restores the default disposition it replaced."""
    with _lock:
        _active.pop(key, None)
        if _active or threading.current_thread() is not threading.main_thread():
            return
        for sig in list(_installed):
            with contextlib.suppress(ValueError, OSError):
                if signal.getsignal(sig) is _handler:
                    signal.signal(sig, signal.SIG_DFL)
            _installed.discard(sig)
