"""The dashboard's language: Dutch by default, English by switch, one language per page.

Texts are a gettext catalogue of their own (``locale/<lang>/LC_MESSAGES/web.po``, English
msgids; docs/dashboard.md has the Babel commands). Figures, chart titles and measure texts
come from the report's catalogue and formatter and from the kader, so a number or a measure
reads the same in the dashboard as in the report.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

from algoprint.report.i18n import LANGUAGES

__all__ = ["DEFAULT_LANG", "LANGUAGES", "LANG_COOKIE", "request_lang", "translations"]

DEFAULT_LANG = "nl"
LANG_COOKIE = "algoprint_lang"
"""Cookie that keeps the chosen language (``nl`` or ``en``)."""
_LOCALE_DIR = Path(__file__).with_name("locale")
_DOMAIN = "web"


@functools.lru_cache(maxsize=4)
def translations(lang: str) -> Translations:
    """The dashboard's translations of ``lang`` (``.po`` compiled in memory, cached)."""
    po = _LOCALE_DIR / lang / "LC_MESSAGES" / f"{_DOMAIN}.po"
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=lang, domain=_DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=_DOMAIN)


def request_lang(request: Request) -> str:
    """The page language: the ``algoprint_lang`` cookie when valid, else Dutch."""
    lang = request.cookies.get(LANG_COOKIE, DEFAULT_LANG)
    return lang if lang in LANGUAGES else DEFAULT_LANG
