"""docs/cli.md is generated from the click app and must be current (datasette's habit)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "scripts/gen_cli_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_up_to_date() -> None:
    # A fresh interpreter: click caches each command's help option on first use, so a test
    # that invoked a command group on its own would change what this process renders.
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_cli_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, (
        "docs/cli.md is stale: run .venv/bin/python scripts/gen_cli_docs.py"
    )


def test_every_command_is_in_the_reference() -> None:
    import click

    from algoprint.cli.app import cli

    text = _generator().render()
    ctx = click.Context(cli, info_name="algoprint")
    for name in cli.list_commands(ctx):
        assert f"## algoprint {name}\n" in text
    for sub in ("factors", "estimate llm", "advise simplicity", "procure evaluate", "schedule"):
        assert f"algoprint {sub}\n" in text
