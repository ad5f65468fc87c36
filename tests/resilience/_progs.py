"""Helpers for the resilience tests: small Python programs run as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PY = sys.executable


def env_for(db: Path | str | None, **extra: str) -> dict[str, str]:
    """The test's environment with this checkout's ``src`` first and no ALGOPRINT_* leaks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALGOPRINT_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO)])
    if db is not None:
        env["ALGOPRINT_DB"] = str(db)
    env.update(extra)
    return env


def start_python(
    code: str, *, env: dict[str, str], cwd: Path | None = None, **kw: object
) -> subprocess.Popen[str]:
    """Start ``python -c code`` with piped stdout/stderr (text)."""
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [PY, "-c", textwrap.dedent(code)],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def wait_for_line(proc: subprocess.Popen[str], expected: str) -> None:
    """Read stdout until a line equal to ``expected`` (fails on EOF)."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == expected:
            return
    raise AssertionError(
        f"{expected!r} never printed; stderr: {proc.stderr.read() if proc.stderr else ''}"
    )
