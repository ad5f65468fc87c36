"""Sentences of human output wrapped to the terminal, tables and piped output left alone."""

from __future__ import annotations

__all__ = ["prose", "terminal_width"]


def terminal_width(err: bool = False) -> int | None:
    """The terminal's width when the output goes to a terminal (``COLUMNS`` wins), else
    ``None``: text piped into a file or another program stays one line per sentence."""
    import shutil
    import sys

    stream = sys.stderr if err else sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return max(40, shutil.get_terminal_size().columns) if tty else None


def prose(line: str, width: int | None) -> list[str]:
    """``line`` wrapped to ``width`` columns when it is a sentence; table rows (columns set apart
    by two spaces) and rules are left as they are, and so is everything when ``width`` is
    ``None``. A list item's continuation is indented."""
    if width is None or len(line) <= width or "  " in line.strip() or set(line) <= {"-", " "}:
        return [line]
    import textwrap

    indent = "  " if line.startswith(("- ", "* ")) else ""
    return textwrap.wrap(line, width=width, subsequent_indent=indent, break_on_hyphens=False)
