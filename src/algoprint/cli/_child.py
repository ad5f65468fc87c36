"""Starting the command of ``algoprint run`` so that it never outlives its wrapper.

``algoprint run`` forwards SIGTERM/SIGHUP/SIGINT/SIGQUIT to the command, but SIGKILL cannot be
caught: without help, killing the wrapper with ``kill -9`` left the command running, unmeasured
and unowned (once for 85 s). On Linux the child therefore asks the kernel, between ``fork`` and
``exec``, to send it SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``):

- SIGKILL, not SIGTERM: the wrapper was killed without a chance to clean up, and a command that
  handles or ignores SIGTERM would survive it; this is what a cgroup or job kill does to a
  whole job anyway;
- the race is closed: if the wrapper died before ``prctl`` took effect, the child sees that its
  parent changed and kills itself before ``exec``;
- the command stays in the wrapper's process group, so Ctrl-C in a terminal still reaches it
  directly (see ``run_cmd``); grandchildren that the command starts are its own business, as
  with any process (a command that must take them along should use a process group).

Elsewhere (macOS, BSD) there is no parent-death signal; the command is started plainly and the
limitation is documented in docs/store.md (*Signals and the wrapped command*).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence

__all__ = ["parent_death_guard", "spawn"]

PR_SET_PDEATHSIG = 1


def parent_death_guard() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child die with this process, or ``None`` off Linux.

    Everything is looked up here, in the parent: between ``fork`` and ``exec`` the child only
    calls ``prctl`` and ``getppid`` (no imports, no locks another thread might hold).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    kill, getppid, getpid, sigkill = os.kill, os.getppid, os.getpid, signal.SIGKILL

    def guard() -> None:
        prctl(PR_SET_PDEATHSIG, int(sigkill), 0, 0, 0)
        if getppid() != parent:  # the wrapper died before prctl took effect
            kill(getpid(), sigkill)

    return guard


def spawn(command: Sequence[str]) -> subprocess.Popen[bytes]:
    """Start ``command`` (inheriting stdin/stdout/stderr) tied to this process's life.

    Raises:
        OSError: the command cannot be found or executed.
    """
    return subprocess.Popen(list(command), preexec_fn=parent_death_guard())  # noqa: PLW1509
