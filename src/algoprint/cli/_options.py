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
import click.shell_completion

from algoprint.cli._location import location_options

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "LANG_HELP",
    "StateChoice",
    "complete_algorithms",
    "complete_measures",
    "default_lang",
    "json_option",
    "lang_option",
    "lang_option_en",
    "location_options",
    "output_option",
    "wide_option",
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


def configured_lang() -> str | None:
    """The ``lang`` setting when one is configured (``ALGOPRINT_LANG``, algoprint.toml or the
    user config), else ``None``.

    Raises:
        ConfigError: an invalid ``lang`` setting (names the accepted values).
    """
    import os

    from algoprint.config import _read_toml, user_config_path

    lang = default_lang()  # validates every source
    if os.environ.get("ALGOPRINT_LANG"):
        return lang
    for path in (user_config_path(), Path.cwd() / "algoprint.toml"):
        if path.is_file() and "lang" in _read_toml(path):
            return lang
    return None


def _resolve_lang_en(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    if value is not None:
        return value
    return configured_lang() or "en"


def lang_option_en(func: F) -> F:
    """``--lang/-l nl|en`` for the commands whose output has been English: the ``lang``
    setting when one is configured, else English."""
    return click.option(
        "--lang",
        "-l",
        type=click.Choice(["nl", "en"]),
        default=None,
        callback=_resolve_lang_en,
        help="Output language, nl or en (default: the lang setting, ALGOPRINT_LANG, else en).",
    )(func)


def wide_option(func: F) -> F:
    """``--wide``: also show the intervals and full sources (wider than 80 columns)."""
    return click.option(
        "--wide", is_flag=True, help="Also show intervals and full sources (wider than 80 columns)."
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


class StateChoice(click.Choice[str]):
    """``--state``: a fixed choice of the assessment states, their English labels and AMT's
    ``not implemented``; spaces, dashes and case do not matter (``"niet van toepassing"``)."""

    name = "state"

    def __init__(self) -> None:
        from algoprint.kader.assessments import state_choices

        super().__init__(state_choices(), case_sensitive=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from algoprint.errors import InputError
        from algoprint.kader.assessments import parse_state

        try:
            return parse_state(str(value))
        except InputError:
            return super().convert(value, param, ctx)  # fails, listing the choices


def complete_algorithms(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """Shell completion of algorithm slugs from the configured store (none if it fails)."""
    from click.shell_completion import CompletionItem

    try:
        from algoprint.config import load_settings
        from algoprint.kader.register import list_algorithms
        from algoprint.store import open_store

        db = ctx.params.get("db") if ctx.params else None
        with open_store(load_settings({"db": db}).db) as store:
            slugs = [(a.slug, a.name) for a in list_algorithms(store)]
    except Exception:  # completion must never print a traceback into the shell
        return []
    return [CompletionItem(s, help=n) for s, n in slugs if s.startswith(incomplete)]


def complete_measures(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """Shell completion of the seven measure codes (``mon-06``, ...)."""
    from click.shell_completion import CompletionItem

    from algoprint.kader.catalogue import MEASURE_CODES

    return [CompletionItem(c) for c in MEASURE_CODES if c.startswith(incomplete)]
