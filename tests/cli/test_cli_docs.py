"""docs/cli.md is generated from the click app and must be current (datasette's habit)."""

from __future__ import annotations

import importlib.util
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
    expected = _generator().render()
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == expected, "docs/cli.md is stale: run .venv/bin/python scripts/gen_cli_docs.py"


def test_every_command_is_in_the_reference() -> None:
    import click

    from algoprint.cli.app import cli

    text = _generator().render()
    ctx = click.Context(cli, info_name="algoprint")
    for name in cli.list_commands(ctx):
        assert f"## algoprint {name}\n" in text
    for sub in ("factors", "estimate llm", "advise simplicity", "procure evaluate", "schedule"):
        assert f"algoprint {sub}\n" in text
