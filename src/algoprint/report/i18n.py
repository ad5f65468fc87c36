"""Translations and language-aware formatting for reports (Dutch and English).

Messages live in gettext catalogues managed with Babel (``locale/<lang>/LC_MESSAGES/
algoprint.po``; docs/reports.md has the extract/update/compile commands). Reading them needs
only the standard library (``gettext`` reads the compiled ``.mo`` that ships in the package),
so Markdown, JSON, CSV and HTML reports work without the ``report`` extra. When a ``.po`` is
newer than its ``.mo`` (an edited catalogue in a checkout) and Babel is installed, the ``.po``
is compiled in memory, so a developer never sees stale translations. English msgids are the
source text: the ``en`` catalogue may leave ``msgstr`` empty.

Numbers go through the one formatter of every human output, :mod:`algoprint._format`
(nl: ``1.234,5``; en: ``1,234.5``; never an exponent); this module adds dates and the
translated words around them.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from algoprint import _format
from algoprint._format import scale, scale_factor
from algoprint.errors import InputError

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "Formatter",
    "check_lang",
    "scale",
    "scale_factor",
    "translations",
]

DOMAIN = "algoprint"
"""gettext domain of the report catalogues."""
LANGUAGES: tuple[str, ...] = ("nl", "en")
"""Report languages; Dutch first (the default)."""
LOCALE_DIR = Path(__file__).with_name("locale")
"""Where the catalogues live: ``LOCALE_DIR/<lang>/LC_MESSAGES/algoprint.po``."""

J_PER_KWH = 3.6e6
_MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


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
def translations(lang: str) -> _gettext.NullTranslations:
    """The gettext translations of ``lang`` (cached).

    Raises:
        InputError: an unsupported language.
    """
    check_lang(lang)
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    stale = not mo.is_file() or (po.is_file() and po.stat().st_mtime > mo.stat().st_mtime)
    if stale and po.is_file():
        compiled = _compile_po(po, lang)
        if compiled is not None:
            return _gettext.GNUTranslations(compiled)
    if mo.is_file():
        with mo.open("rb") as fp:
            return _gettext.GNUTranslations(fp)
    return _gettext.NullTranslations()


def _compile_po(po: Path, lang: str) -> io.BytesIO | None:
    """``po`` compiled in memory with Babel, or ``None`` without Babel (then the shipped
    ``.mo`` is used)."""
    try:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
    except ImportError:
        return None
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return buffer


@dataclass(frozen=True)
class Formatter:
    """Locale-aware formatting of figures for one report language.

    Every method returns text; ``None`` becomes :attr:`na` (the translated "not available"),
    never 0.
    """

    lang: str

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
        return _format.number(value, self.lang, sig)

    def tick(self, value: float) -> str:
        """An axis tick: as few decimals as the value needs (``0,5``, ``1.500``)."""
        rounded = round(value, 9)
        text = _format.number(rounded, self.lang, sig=12)
        point = "," if self.lang == "nl" else "."
        return text.rstrip("0").rstrip(point) if point in text else text

    def short_datetime(self, value: str | None) -> str:
        """``26-09-2026 05:11`` (nl) / ``26/09/2026, 05:11`` (en) style (UTC), for dense tables."""
        if value is None:
            return self.na
        moment = datetime.fromisoformat(value)
        if self.lang == "nl":
            return moment.strftime("%d-%m-%Y %H:%M")
        return moment.strftime("%d/%m/%Y, %H:%M")

    def integer(self, value: int | None) -> str:
        """A count with the language's grouping."""
        return _format.integer(value, self.lang)

    def percent(self, share: float | None, decimals: int = 0) -> str:
        """A share in 0..1 as a percentage."""
        return _format.percent(share, self.lang, decimals)

    def scaled(self, value: float | None, kind: str, *, plain: bool = False) -> str:
        """A quantity in SI (J, g, L, g Sb eq, g/unit) with a readable unit; ``plain`` for
        sentences (``minder dan 1 Wh``)."""
        return _format.quantity(value, kind, self.lang, plain=plain)

    def interval(
        self, value: float | None, low: float | None, high: float | None, kind: str
    ) -> str:
        """``1,23 kg (0,98–1,48)``: value and interval in the value's unit."""
        return _format.interval(value, low, high, kind, self.lang)

    def date(self, value: str | date | datetime | None) -> str:
        """A date: ``1 dec 2026`` (nl) / ``1 Dec 2026`` (en)."""
        if value is None:
            return self.na
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime):
            value = value.date()
        return f"{value.day} {_MONTHS[self.lang][value.month - 1]} {value.year}"

    def datetime(self, value: str | datetime | None) -> str:
        """A timestamp (UTC): ``1 dec 2026, 22:12:01 UTC``."""
        if value is None:
            return self.na
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return f"{self.date(value)}, {value.strftime('%H:%M:%S')} UTC"

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
