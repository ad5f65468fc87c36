"""In-process CLI calls and a clean-user environment, shared by the CLI tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from algoprint.cli import main

Result = tuple[int, str, str]


def algoprint(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
    """Run the CLI in-process: (exit status, stdout, stderr)."""
    with CliRunner().isolation(input=stdin, env=env) as (out, err, _):
        rc = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
    return rc, out.getvalue().decode(), err.getvalue().decode()


def new_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """No config, no ALGOPRINT_* variables, a private store in ``tmp_path``; returns its path."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("ALGOPRINT_") or name == "ELECTRICITYMAPS_TOKEN":
            monkeypatch.delenv(name)
    path = str(tmp_path / "runs.sqlite")
    monkeypatch.setenv("ALGOPRINT_DB", path)
    return path
