"""The option definitions every command shares, in one place.

* :func:`location_options` — ``--location/--zone``, ``--cloud``, ``--region``,
  ``--datacentre`` on every command that computes impacts (run, report, export, estimate, ...);
* :func:`json_option` — ``--json`` on every command that can print a document;
* :func:`lang_option` — ``--lang nl|en``, defaulting to the ``lang`` setting
  (``ALGOPRINT_LANG`` or ``lang = "en"`` in algoprint.toml), else Dutch;
* :func:`output_option` and :func:`wrote` — ``--output/-o PATH`` and the one ``wrote PATH``
  message on stderr;
* :func:`bounded_float` and :func:`bounded_int` — the type of EVERY numeric option: finite,
  between a lower and an upper bound, with an error that names the accepted range (a test walks
  the command tree and fails on a numeric option without both bounds).

Import these instead of declaring the options again, so the help, the defaults and the
completion are the same everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import click.shell_completion

from algoprint._format import plain
from algoprint.cli._location import location_options

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "LANG_HELP",
    "PORT",
    "PUE",
    "SEED",
    "YEAR",
    "BoundedFloat",
    "BoundedInt",
    "StateChoice",
    "bounded_float",
    "bounded_int",
    "complete_algorithms",
    "complete_measures",
    "default_lang",
    "json_option",
    "lang_option",
    "lang_option_en",
    "location_options",
    "output_option",
    "setting_type",
    "wide_option",
    "wrote",
]


class BoundedFloat(click.FloatRange):
    """A finite number between two bounds (``nan``, ``inf`` and ``1e308`` are refused).

    Args:
        min: lower bound. max: upper bound (far above any real value, low enough that
            arithmetic on it stays finite). min_open/max_open: exclude the bound.
        unit: shown after the range in errors (``W``, ``kWh``). note: an example, shown too.
    """

    name = "number"
    noun = "number"

    def __init__(
        self,
        min: float,
        max: float,
        *,
        min_open: bool = False,
        max_open: bool = False,
        unit: str = "",
        note: str = "",
    ) -> None:
        super().__init__(min, max, min_open=min_open, max_open=max_open, clamp=False)
        self.unit = unit
        self.note = note

    def accepted(self) -> str:
        """``a number > 0 and <= 2000 (W)``: what the error asks for."""
        assert self.min is not None and self.max is not None
        low = f"> {plain(self.min)}" if self.min_open else f">= {plain(self.min)}"
        high = f"< {plain(self.max)}" if self.max_open else f"<= {plain(self.max)}"
        extra = ", ".join(x for x in (self.unit, self.note) if x)
        return f"a {self.noun} {low} and {high}" + (f" ({extra})" if extra else "")

    def _describe_range(self) -> str:
        assert self.min is not None and self.max is not None
        low = "<" if self.min_open else "<="
        high = "<" if self.max_open else "<="
        return f"{plain(self.min)}{low}x{high}{plain(self.max)}"

    def _parse(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            number = math.nan
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number: give {self.accepted()}", param, ctx)
        return number

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The value as a number within the bounds.

        Raises:
            click.BadParameter: empty, not a number, not finite or out of range (exit 2).
        """
        if isinstance(value, str) and not value.strip():
            self.fail(f"the value is empty: give {self.accepted()}", param, ctx)
        number = self._parse(value, param, ctx)
        assert self.min is not None and self.max is not None
        below = number <= self.min if self.min_open else number < self.min
        above = number >= self.max if self.max_open else number > self.max
        if below or above:
            self.fail(
                f"{value!r} is too {'small' if below else 'large'}: give {self.accepted()}",
                param,
                ctx,
            )
        return number


class BoundedInt(BoundedFloat):
    """A whole number between two bounds (``1e23``, ``2.5`` and ``''`` are refused)."""

    name = "integer"
    noun = "whole number"

    def _parse(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip(), 10)
        except ValueError:
            self.fail(f"{value!r} is not a whole number: give {self.accepted()}", param, ctx)


def bounded_float(
    min: float,
    max: float,
    *,
    min_open: bool = False,
    max_open: bool = False,
    unit: str = "",
    note: str = "",
) -> BoundedFloat:
    """The type of a numeric option: a finite number in ``[min, max]`` (:class:`BoundedFloat`)."""
    return BoundedFloat(min, max, min_open=min_open, max_open=max_open, unit=unit, note=note)


def bounded_int(min: int, max: int, *, unit: str = "", note: str = "") -> BoundedInt:
    """The type of a whole-number option: an integer in ``[min, max]``."""
    return BoundedInt(min, max, unit=unit, note=note)


def setting_type(name: str, *, unit: str = "") -> BoundedFloat:
    """The type of an option that overrides a numeric setting: the setting's own bounds
    (``> 0`` and at most :data:`algoprint.config.SETTING_MAXIMA`), so the option and
    ``ALGOPRINT_<NAME>`` accept the same numbers."""
    from algoprint.config import SETTING_MAXIMA

    return bounded_float(0, SETTING_MAXIMA[name], min_open=True, unit=unit)


PORT = bounded_int(1, 65535, note="a TCP port")
"""A TCP port number."""
SEED = bounded_int(0, 2**32 - 1)
"""A random seed (NumPy accepts 0 to 2**32 - 1)."""
YEAR = bounded_int(1990, 2100)
"""A calendar year of the factors (the reference data span far less)."""
PUE = bounded_float(1, 10, note="facility energy / IT energy, typically 1.1 to 2")
"""A datacentre's power usage effectiveness."""

LANG_HELP = "Output language, nl or en (default: the lang setting, ALGOPRINT_LANG, else nl)."


def default_lang() -> str:
    """The configured output language: ``ALGOPRINT_LANG`` > algoprint.toml > user config > nl.

    Raises:
        ConfigError: an invalid ``lang`` setting (names the accepted values).
    """
    from algoprint.config import load_settings

    return load_settings().lang


def _said_in(lang: str) -> str:
    """``lang``, also made the language of the measurement notices (the unknown-CPU warning)
    that this command prints."""
    from algoprint.meters.common import set_notice_lang

    set_notice_lang(lang)
    return lang


def _resolve_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    return _said_in(value if value is not None else default_lang())


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
    return _said_in(value if value is not None else configured_lang() or "en")


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

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        """``STATE``: the eleven choices are listed in the option's help, wrapped to the
        terminal, not on one line of 135 columns."""
        return "STATE"

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
