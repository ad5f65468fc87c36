"""The translation catalogues: complete for Dutch, compiled, and locale-aware formatting."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from algoprint.errors import InputError
from algoprint.report.i18n import LOCALE_DIR, Formatter, translations

REPORT_DIR = Path(__file__).parents[2] / "src" / "algoprint" / "report"
METHOD_MAP = [("**/templates/**.j2", "jinja2"), ("**.py", "python")]
OPTIONS = {
    "**/templates/**.j2": {
        "extensions": "jinja2.ext.i18n",
        "newstyle_gettext": "true",
        "trimmed": "true",
    }
}


def used_msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPORT_DIR),
        method_map=METHOD_MAP,
        options_map=OPTIONS,
        keywords={"_": None, "N_": None, "gettext": None},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(lang: str, ext: str = "po"):  # type: ignore[no-untyped-def]
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"algoprint.{ext}"
    with path.open("rb") as fp:
        return read_po(fp, locale=lang) if ext == "po" else read_mo(fp)


def test_templates_and_code_use_msgids() -> None:
    ids = used_msgids()
    assert len(ids) > 150
    assert "Training and use" in ids  # a template string
    assert "IT energy" in ids  # an N_-marked label


def test_every_used_msgid_has_a_dutch_translation() -> None:
    nl = catalog("nl")
    missing = sorted(
        m for m in used_msgids() if not (nl.get(m) and nl.get(m).string and not nl.get(m).fuzzy)
    )
    assert missing == []


def test_compiled_catalogues_match_their_po_files() -> None:
    for lang in ("nl", "en"):
        po = {m.id: m.string for m in catalog(lang) if m.id}
        mo = {m.id: m.string for m in catalog(lang, "mo") if m.id}
        assert {k: v for k, v in po.items() if v} == {k: v for k, v in mo.items() if v}, lang


def test_dutch_and_english_texts_differ() -> None:
    assert translations("nl").gettext("Training and use") == "Training en gebruik"
    assert translations("en").gettext("Training and use") == "Training and use"


def test_po_is_compiled_in_memory_when_mo_is_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from algoprint.report import i18n

    target = tmp_path / "nl" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(LOCALE_DIR / "nl" / "LC_MESSAGES" / "algoprint.po", target)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("nl").gettext("Summary") == "Samenvatting"
    finally:
        i18n.translations.cache_clear()


@pytest.mark.parametrize(
    ("lang", "value", "text"),
    [
        ("nl", 1234.5, "1.234"),
        ("en", 1234.5, "1,234"),
        ("nl", 1.2345, "1,23"),
        ("en", 1.2345, "1.23"),
        ("nl", 0.000123, "0,000123"),
        ("en", None, "n/a"),
        ("nl", None, "n.v.t."),
    ],
)
def test_number_format_follows_the_language(lang: str, value: float | None, text: str) -> None:
    assert Formatter(lang).number(value) == text


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (3.6e6, "J", "1,00 kWh"),
        (7.2e9, "J", "2,00 MWh"),
        (1800.0, "J", "0,500 Wh"),
        (1.0, "J", "< 0,001 Wh"),
        (2500.0, "g", "2,50 kg CO₂e"),
        (0.0, "g", "0 g CO₂e"),
        (2.0e6, "g", "2,00 t CO₂e"),
        (12.5, "L", "12,5 L"),
    ],
)
def test_scaled_units(value: float, kind: str, text: str) -> None:
    assert Formatter("nl").scaled(value, kind) == text


def test_interval_uses_one_unit() -> None:
    assert Formatter("en").interval(1090.0, 887.0, 1300.0, "g") == "1.09 kg CO₂e (0.887–1.30)"


def test_unsupported_language_names_the_choices() -> None:
    with pytest.raises(InputError) as info:
        translations("de")
    assert info.value.hint == "use one of nl, en"


def test_no_catalogue_has_fuzzy_or_obsolete_entries() -> None:
    for lang in ("nl", "en"):
        cat = catalog(lang)
        assert not cat.fuzzy
        assert not [m.id for m in cat if m.id and m.fuzzy]
        assert not cat.obsolete
    _ = io  # keep the import list honest for readers: catalogues are read as bytes
