"""The one number formatter of every human output (algoprint._format)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from algoprint import _format


@pytest.mark.parametrize(
    ("lang", "value", "text"),
    [
        ("nl", 1234.5, "1.234"),
        ("en", 1234.5, "1,234"),
        ("nl", 1.2345, "1,23"),
        ("en", 1.2345, "1.23"),
        ("nl", 0.000123, "0,000123"),
        ("en", 5.5e-05, "0.0000550"),
        ("nl", 1234567.0, "1.234.567"),
        ("nl", -0.0001, "-0,000100"),
        ("nl", None, "n.v.t."),
        ("en", float("nan"), "n/a"),
    ],
)
def test_number_separators_per_language(lang: str, value: float | None, text: str) -> None:
    assert _format.number(value, lang) == text


@pytest.mark.parametrize(
    ("value", "kind", "lang", "plain", "text"),
    [
        (3.6e6, "J", "nl", False, "1,00 kWh"),
        (7.2e9, "J", "en", False, "2.00 MWh"),
        (1800.0, "J", "nl", False, "0,500 Wh"),
        (1800.0, "J", "nl", True, "minder dan 1 Wh"),
        (1800.0, "J", "en", True, "less than 1 Wh"),
        (0.0224, "J", "nl", False, "< 0,001 Wh"),
        (0.0, "J", "nl", True, "0 Wh"),
        (2500.0, "g", "nl", False, "2,50 kg CO₂e"),
        (2.0e6, "g", "en", False, "2.00 t CO₂e"),
        (12.5, "L", "nl", False, "12,5 L"),
        (2500.0, "L", "nl", False, "2,50 m³"),
        (0.00021, "g/unit", "nl", False, "0,210 mg CO₂e"),
        (None, "J", "nl", False, "n.v.t."),
    ],
)
def test_quantities_use_units_people_know(
    value: float | None, kind: str, lang: str, plain: bool, text: str
) -> None:
    assert _format.quantity(value, kind, lang, plain=plain) == text


def test_interval_in_the_value_unit() -> None:
    assert _format.interval(1310.0, 871.0, 1770.0, "g", "nl") == "1,31 kg CO₂e (0,871–1,77)"
    assert _format.interval(None, 1.0, 2.0, "g", "en") == "n/a"


def test_equivalents_only_from_one_whole_unit() -> None:
    assert _format.equivalent(0.3, "huishoudensdag", "huishoudensdagen", "nl") is None
    assert _format.equivalent(1.0, "km", "km", "en") == "about 1 km"
    assert _format.equivalent(12.4, "autokilometer", "autokilometers", "nl") == (
        "ongeveer 12 autokilometers"
    )


EXPONENT = re.compile(r"\d[eE][+-]?\d")


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_never_exponent_notation(value: float) -> None:
    for lang in ("nl", "en"):
        assert not EXPONENT.search(_format.number(value, lang))
        for kind in ("J", "g", "L", "g/unit"):
            assert not EXPONENT.search(_format.quantity(value, kind, lang))
            assert not EXPONENT.search(_format.quantity(value, kind, lang, plain=True))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.0, "2"),
        (0.5, "0.5"),
        (1234.5678, "1234.5678"),
        (5e-05, "0.00005"),
        (1e15, "1000000000000000"),
        (1e-7, "0.0000001"),
    ],
)
def test_plain_is_the_shortest_text_without_exponent(value: float, text: str) -> None:
    assert _format.plain(value) == text
