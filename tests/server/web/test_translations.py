"""Every dashboard text has a Dutch translation, and the catalogue holds every text in use."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

WEB = Path(__file__).parents[3] / "src" / "algoprint" / "server" / "web"
METHODS = [("**.py", "python"), ("**/templates/**.j2", "jinja2")]
OPTIONS = {"**/templates/**.j2": {"extensions": "jinja2.ext.i18n"}}


def _used() -> set[str]:
    found = extract_from_dir(
        str(WEB), METHODS, keywords={"_": None, "gettext": None}, options_map=OPTIONS
    )
    return {message for _file, _line, message, _comments, _context in found if message}


def test_every_text_in_use_is_translated_to_dutch() -> None:
    with (WEB / "locale" / "nl" / "LC_MESSAGES" / "web.po").open("rb") as fp:
        catalog = read_po(fp, locale="nl")
    translated = {m.id: m.string for m in catalog if m.id}
    used = _used()
    assert used, "no texts extracted"
    assert sorted(used - set(translated)) == []
    assert sorted(k for k in used if not translated[k]) == []
    assert sorted(set(translated) - used) == []  # nothing stale
