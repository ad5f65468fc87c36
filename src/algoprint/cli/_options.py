"""The option definitions every command shares, in one place.

* :func:`location_options` — ``--location/--zone``, ``--cloud``, ``--region``,
  ``--datacentre`` on every command that computes impacts (run, report, export, estimate, ...);
* :func:`json_option` — ``--json`` on every command that can print a document;
* :func:`lang_option` — ``--lang nl|en``, defaulting to the ``lang`` setting
  (``ALGOPRINT_LANG`` or ``lang = "en"`` in algoprint.toml), else Dutch;
* :func:`output_option` and :func:`wrote` — ``--output/-o PATH`` and the one ``wrote PATH``
  message on stderr.

Import these instead of declaring the options again, so the help, the defaults and the
completion are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from algoprint.cli._location import location_options

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "LANG_HELP",
    "default_lang",
    "json_option",
    "lang_option",
    "location_options",
    "output_option",
    "wrote",
]

LANG_HELP = "Output language, nl or en (default: the lang setting, ALGOPRINT_LANG, else nl)."


def default_lang() -> str:
    """The configured output language: ``ALGOPRINT_LANG`` > algoprint.toml > user config > nl.

    Raises:
        ConfigError: an invalid ``lang`` setting (names the accepted values).
    """
    from algoprint.config import load_settings

    return load_settings().lang


def _resolve_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    if value is not None:
        return value
    return default_lang()


def lang_option(func: F) -> F:
    """``--lang/-l nl|en``, resolved to the configured language when not given."""
    return click.option(
        "--lang",
        "-l",
        type=click.Choice(["nl", "en"]),
        default=None,
        callback=_resolve_lang,
        help=LANG_HELP,
    )(func)


def json_option(func: F) -> F:
    """``--json``: print the document as JSON on stdout instead of a table."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")(func)


def output_option(func: F) -> F:
    """``--output/-o PATH`` (``-`` or absent: stdout, unless the command says otherwise)."""
    return click.option("--output", "-o", metavar="PATH", help="Output file ('-' for stdout).")(
        func
    )


def wrote(path: str | Path, note: str = "") -> None:
    """The one message after writing a file: ``wrote PATH`` on stderr."""
    click.echo(f"wrote {path}{note}", err=True)
