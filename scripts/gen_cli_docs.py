#!/usr/bin/env python3
"""Regenerate docs/cli.md from the click app: the --help of every command and subcommand.

The reference walks the ``algoprint`` group, so commands added later appear without changes
here. tests/cli/test_cli_docs.py fails when docs/cli.md is out of date. Run:

    .venv/bin/python scripts/gen_cli_docs.py          # write docs/cli.md
    .venv/bin/python scripts/gen_cli_docs.py --check  # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "cli.md"
WIDTH = 100

HEADER = """# Command-line reference

Every `algoprint` command with its `--help`, generated from the click app by
`scripts/gen_cli_docs.py` (do not edit by hand; a test checks that this file is current).
Errors in arguments print one line (plus a hint) and exit with status 2; `--json` prints
machine-readable JSON on stdout wherever a command prints data. Impact figures need a
location: see [configuration.md](configuration.md) (`[location]`, `[datacentres.NAME]`).
"""


def _walk(
    command: click.Command, path: list[str], parent: click.Context | None
) -> Iterator[tuple[list[str], str]]:
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    ctx = click.Context(command, info_name=path[-1], parent=parent, **settings)
    yield path, command.get_help(ctx)
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _walk(sub, [*path, name], ctx)


def render() -> str:
    """The whole of docs/cli.md for the current click app."""
    from algoprint.cli.app import cli

    parts = [HEADER]
    entries = list(_walk(cli, ["algoprint"], None))
    parts.append("## Commands\n")
    for path, _ in entries[1:]:
        name = " ".join(path)
        anchor = name.replace(" ", "-")
        indent = "  " * (len(path) - 2)
        parts.append(f"{indent}- [`{name}`](#{anchor})")
    parts.append("")
    for path, text in entries:
        name = " ".join(path)
        level = "#" * min(len(path) + 1, 4)
        parts.append(f"{level} {name}\n")
        parts.append("```text\n" + text.rstrip() + "\n```\n")
    return "\n".join(parts).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/cli.md is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run scripts/gen_cli_docs.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
