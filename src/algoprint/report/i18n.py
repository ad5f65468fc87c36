"""Translations and locale-aware formatting for reports (Dutch and English).

Messages live in gettext catalogues managed with Babel (``locale/<lang>/LC_MESSAGES/
algoprint.po``; docs/reports.md has the extract/update/compile commands). The compiled ``.mo``
is used when it is at least as new as its ``.po``; otherwise (a fresh checkout where nobody
compiled yet, or an edited ``.po``) the ``.po`` is compiled in memory, so a report never shows
stale or missing translations. English msgids are the source text: the ``en`` catalogue may
leave ``msgstr`` empty.

Numbers and dates follow the language's conventions through Babel (nl: ``1.234,5``;
en: ``1,234.5``). Units are SI inside; this module is where joules become kWh and grams
become kg or t for people.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from algoprint.errors import InputError

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "Formatter",
    "check_lang",
    "translations",
]

DOMAIN = "algoprint"
"""gettext domain of the report catalogues."""
LANGUAGES: tuple[str, ...] = ("nl", "en")
"""Report languages; Dutch first (the default)."""
LOCALE_DIR = Path(__file__).with_name("locale")
"""Where the catalogues live: ``LOCALE_DIR/<lang>/LC_MESSAGES/algoprint.po``."""

_BABEL_LOCALE = {"nl": "nl_NL", "en": "en_GB"}
J_PER_KWH = 3.6e6


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (gettext_noop)."""
    return message


def check_lang(lang: str) -> str:
    """``lang`` if it is a report language.

    Raises:
        InputError: another language, naming the accepted ones.
    """
    if lang not in LANGUAGES:
        raise InputError(
            f"unsupported report language {lang!r}", hint=f"use one of {', '.join(LANGUAGES)}"
        )
    return lang


@functools.lru_cache(maxsize=4)
def translations(lang: str) -> Translations:
    """The gettext translations of ``lang`` (cached).

    Raises:
        InputError: an unsupported language.
    """
    check_lang(lang)
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _round_sig(value: float, sig: int) -> tuple[float, int]:
    """``value`` rounded to ``sig`` significant digits and the decimals that shows."""
    if value == 0 or not math.isfinite(value):
        return value, 0
    exponent = math.floor(math.log10(abs(value)))
    decimals = max(0, sig - 1 - exponent)
    rounded = round(value, decimals)
    if rounded and math.floor(math.log10(abs(rounded))) > exponent:  # 0.9999 -> 1.00
        decimals = max(0, decimals - 1)
        rounded = round(value, decimals)
    return rounded, decimals


@dataclass(frozen=True)
class Formatter:
    """Locale-aware formatting of figures for one report language.

    Every method returns text; ``None`` becomes :attr:`na` (the translated "not available"),
    never 0.
    """

    lang: str

    @property
    def locale(self) -> Locale:
        """The Babel locale (``nl_NL`` or ``en_GB``)."""
        return Locale.parse(_BABEL_LOCALE[self.lang])

    @property
    def gettext(self) -> Callable[[str], str]:
        """The translation function of this language."""
        return translations(self.lang).gettext

    @property
    def na(self) -> str:
        """Text shown for a figure that is not available."""
        return self.gettext("n/a")

    def number(self, value: float | None, sig: int = 3) -> str:
        """``value`` with ``sig`` significant digits (whole numbers stay whole)."""
        if value is None:
            return self.na
        if not math.isfinite(value):
            return self.na
        if abs(value) >= 10 ** (sig - 1):
            return format_decimal(round(value), format="#,##0", locale=self.locale)
        rounded, decimals = _round_sig(value, sig)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(rounded, format=pattern, locale=self.locale)

    def tick(self, value: float) -> str:
        """An axis tick: as few decimals as the value needs (``0,5``, ``1.500``)."""
        return format_decimal(round(value, 9), format="#,##0.######", locale=self.locale)

    def short_datetime(self, value: str | None) -> str:
        """``26-09-2026 05:11`` style (UTC), for dense tables."""
        if value is None:
            return self.na
        return format_datetime(
            datetime.fromisoformat(value), format="short", tzinfo=None, locale=self.locale
        )

    def integer(self, value: int | None) -> str:
        """A count with the locale's grouping."""
        if value is None:
            return self.na
        return format_decimal(value, format="#,##0", locale=self.locale)

    def percent(self, share: float | None, decimals: int = 0) -> str:
        """A share in 0..1 as a percentage."""
        if share is None or not math.isfinite(share):
            return self.na
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + " %"
        return format_percent(share, format=pattern, locale=self.locale)

    def scaled(self, value: float | None, kind: str) -> str:
        """A quantity in SI (J, g, L, g Sb eq, g/unit) with a readable unit."""
        if value is None:
            return self.na
        number, unit = scale(value, kind)
        return f"{self.number(number)} {unit}"

    def interval(
        self, value: float | None, low: float | None, high: float | None, kind: str
    ) -> str:
        """``1,23 kg (0,98–1,48)``: value and interval in the value's unit."""
        if value is None:
            return self.na
        reference = value if value else max(abs(low or 0.0), abs(high or 0.0))
        factor, unit = scale_factor(reference, kind)
        text = f"{self.number(value * factor)} {unit}"
        if low is None or high is None:
            return text
        return f"{text} ({self.number(low * factor)}–{self.number(high * factor)})"

    def date(self, value: str | date | datetime | None) -> str:
        """A date in the locale's medium format."""
        if value is None:
            return self.na
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime):
            value = value.date()
        return format_date(value, format="medium", locale=self.locale)

    def datetime(self, value: str | datetime | None) -> str:
        """A timestamp (UTC) in the locale's medium format."""
        if value is None:
            return self.na
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return format_datetime(value, format="medium", tzinfo=None, locale=self.locale) + " UTC"

    def duration(self, seconds: float | None) -> str:
        """``2 h 05 min``, ``3,2 s`` style."""
        if seconds is None:
            return self.na
        if seconds < 60:
            return f"{self.number(seconds)} s"
        minutes, sec = divmod(round(seconds), 60)
        hours, minutes = divmod(minutes, 60)
        if hours:
            return f"{self.integer(hours)} h {minutes:02d} min"
        return f"{minutes} min {sec:02d} s"


_SCALES: dict[str, tuple[tuple[float, float, str], ...]] = {
    # kind: (threshold in SI, divisor, unit), largest first
    "J": (
        (3.6e9, 3.6e9, "MWh"),
        (3.6e6, 3.6e6, "kWh"),
        (3.6e3, 3.6e3, "Wh"),
        (0.0, 3.6, "mWh"),
    ),
    "g": (
        (1e6, 1e6, "t CO₂e"),
        (1e3, 1e3, "kg CO₂e"),
        (1.0, 1.0, "g CO₂e"),
        (0.0, 1e-3, "mg CO₂e"),
    ),
    "L": ((1e3, 1e3, "m³"), (1.0, 1.0, "L"), (0.0, 1e-3, "mL")),
    "g Sb eq": ((1.0, 1.0, "g Sb eq"), (0.0, 1e-3, "mg Sb eq")),
    "g/unit": ((1e3, 1e3, "kg CO₂e"), (1.0, 1.0, "g CO₂e"), (0.0, 1e-3, "mg CO₂e")),
}


def scale_factor(value: float, kind: str) -> tuple[float, str]:
    """Multiplier from SI to the readable unit for ``value``, and that unit."""
    table = _SCALES.get(kind)
    if table is None:
        return 1.0, kind
    magnitude = abs(value)
    if magnitude == 0:  # zero reads best in the base unit (0 g, not 0 mg)
        base = next((t for t in table if t[1] == 1.0), table[-1])
        return 1.0 / base[1], base[2]
    for threshold, divisor, unit in table:
        if magnitude >= threshold:
            return 1.0 / divisor, unit
    _, divisor, unit = table[-1]
    return 1.0 / divisor, unit


def scale(value: float, kind: str) -> tuple[float, str]:
    """``value`` (SI, ``kind`` J/g/L/g Sb eq/g/unit) converted to a readable unit."""
    factor, unit = scale_factor(value, kind)
    return value * factor, unit
