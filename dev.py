#!/usr/bin/env python3
"""One entry point for setting up and checking algoprint on a fresh machine.

Usage (from the repository root, with only Python 3.11+ installed):

    python3 dev.py demo    # create .venv, install, run the demo (the main job)
    python3 dev.py test    # create .venv, install, run format/lint/type checks and all tests

The virtual environment lives in .venv/ and is reused; it is re-installed when pyproject.toml
is newer than the last install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
DEMO_EXTRAS = "report,ml,server"
TEST_EXTRAS = "dev,report,ml,train,bench,services,mlflow,jupyter,server"
# The training integrations are tested with the real libraries on the CPU. Pin the CPU build of
# torch first so that the `train` extra's range does not pull a multi-GB CUDA build.
TORCH_PIN = "torch==2.13.0"


def _run(*cmd: str | Path, env: dict[str, str] | None = None) -> int:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"algoprint needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not (BIN / "python").exists():
        print(f"Creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pyproject = ROOT / "pyproject.toml"
    stamp = VENV / f".algoprint-installed-{extras.replace(',', '-')}"
    if stamp.exists() and stamp.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    pip = [BIN / "python", "-m", "pip", "install", "--quiet"]
    rc = _run(*pip, "--upgrade", "pip")
    if "train" in extras.split(","):
        rc = rc or _run(*pip, TORCH_PIN)
    rc = rc or _run(*pip, "-e", f".[{extras}]")
    if rc:
        sys.exit(f"Installing algoprint into {VENV} failed (exit {rc}); see the pip output above.")
    stamp.write_text("ok\n")


def ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium (never a browser download of Playwright's own)."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(
            "Chromium is missing: install Debian's package (sudo apt-get install chromium);"
            " browser tests are skipped without it (and fail under CI).",
            flush=True,
        )
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    rc = _run("apt-get", "update", "-qq", env=env)
    rc = rc or _run("apt-get", "install", "-y", "-qq", "chromium", env=env)
    if rc:
        sys.exit(f"Installing Chromium failed (exit {rc}); see the apt-get output above.")


def test(extra: list[str]) -> int:
    ensure_chromium()
    env = dict(os.environ)
    steps: list[list[str | Path]] = [
        [BIN / "ruff", "format", "--check", "src", "tests", "bench", "scripts", "dev.py"],
        [BIN / "ruff", "check", "src", "tests", "bench", "scripts", "dev.py"],
        [BIN / "mypy"],
        [BIN / "python", "-m", "pytest", *extra],
    ]
    for step in steps:
        rc = _run(*step, env=env)
        if rc:
            return rc
    return 0


def demo(extra: list[str]) -> int:
    return _run(BIN / "algoprint", "demo", *extra)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test"}:
        print(__doc__)
        return 2
    ensure_venv(TEST_EXTRAS if argv[0] == "test" else DEMO_EXTRAS)
    return test(argv[1:]) if argv[0] == "test" else demo(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
