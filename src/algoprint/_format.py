"""The one number formatter for every human output (reports, register texts, CLI, dashboard).

Standard library only, so it works in a bare ``pip install algoprint`` and every layer may use
it (it sits on the ground floor next to ``records``). Machine outputs (JSON, CSV) keep raw SI
numbers; everything a person reads goes through here:

* Dutch or English separators: ``nl`` writes ``1.234,5``, ``en`` writes ``1,234.5``;
* never exponent notation: ``0,000123``, not ``1.23e-04``;
* units scaled to what people know: Wh/kWh/MWh, g/kg/t CO₂e, L/m³ (never joules for people);
* in sentences (``plain=True``) values under one unit read ``minder dan 1 Wh`` / ``less than
  1 Wh``; in tables they keep three significant digits in the base unit (``0,526 Wh``) down to
  :data:`TABLE_FLOOR`, below which they read ``< 0,001 Wh``;
* equivalents (car kilometres, household days) only when they reach one whole unit
  (:func:`equivalent`).

Example::

    >>> quantity(3.6e6, "J", "nl")
    '1,00 kWh'
    >>> quantity(1.0, "J", "en", plain=True)
    'less than 1 Wh'
"""

from __future__ import annotations

import math

__all__ = [
    "LANGUAGES",
    "TABLE_FLOOR",
    "equivalent",
    "integer",
    "interval",
    "less_than",
    "na",
    "number",
    "percent",
    "plain",
    "quantity",
    "scale",
    "scale_factor",
]

LANGUAGES: tuple[str, ...] = ("nl", "en")
"""Human languages; Dutch first (the default)."""
TABLE_FLOOR = 0.001
"""Smallest value (in the displayed unit) a table shows as a number; below it ``< 0,001``."""

_SEPARATORS = {"nl": (".", ","), "en": (",", ".")}  # (grouping, decimal)
_NA = {"nl": "n.v.t.", "en": "n/a"}
_LESS_THAN = {"nl": "minder dan", "en": "less than"}

# kind: (threshold in SI, divisor, unit), largest first; the last row is the base unit.
_SCALES: dict[str, tuple[tuple[float, float, str], ...]] = {
    "J": ((3.6e9, 3.6e9, "MWh"), (3.6e6, 3.6e6, "kWh"), (0.0, 3.6e3, "Wh")),
    "g": ((1e6, 1e6, "t CO₂e"), (1e3, 1e3, "kg CO₂e"), (0.0, 1.0, "g CO₂e")),
    "L": ((1e3, 1e3, "m³"), (0.0, 1.0, "L")),
    # Per-unit and mineral figures are small by nature: milli-units keep them readable.
    "g Sb eq": ((1.0, 1.0, "g Sb eq"), (0.0, 1e-3, "mg Sb eq")),
    "g/unit": ((1e3, 1e3, "kg CO₂e"), (1.0, 1.0, "g CO₂e"), (0.0, 1e-3, "mg CO₂e")),
    "MJ": ((1e3, 1e3, "GJ"), (0.0, 1.0, "MJ")),
}


def _lang(lang: str) -> str:
    return lang if lang in _SEPARATORS else "en"


def na(lang: str) -> str:
    """The text for a figure that is not available (``n.v.t.`` / ``n/a``), never 0."""
    return _NA[_lang(lang)]


def _decimals(value: float, sig: int) -> int:
    """Decimals that show ``sig`` significant digits of ``value`` (0 for large values)."""
    if value == 0:
        return 0
    exponent = math.floor(math.log10(abs(value)))
    decimals = max(0, sig - 1 - exponent)
    rounded = round(value, decimals)
    if rounded and math.floor(math.log10(abs(rounded))) > exponent:  # 0.9999 -> 1.00
        decimals = max(0, decimals - 1)
    return decimals


def _fixed(value: float, decimals: int, lang: str) -> str:
    """``value`` with ``decimals`` decimals and the language's separators (no exponent)."""
    group, point = _SEPARATORS[_lang(lang)]
    text = f"{value:,.{decimals}f}"  # "," groups, "." decimals; "f" never uses an exponent
    if text.startswith("-") and not any(c not in "-0.," for c in text):
        text = text[1:]  # -0.00 -> 0.00
    return text.replace(",", "\x00").replace(".", point).replace("\x00", group)


def number(value: float | None, lang: str = "nl", sig: int = 3) -> str:
    """``value`` with ``sig`` significant digits; whole numbers of ``sig`` digits or more stay
    whole (``1.234``); ``None``, NaN and infinity read as "not available"."""
    if value is None or not math.isfinite(value):
        return na(lang)
    if abs(value) >= 10 ** (sig - 1):
        return _fixed(round(value), 0, lang)
    return _fixed(value, _decimals(value, sig), lang)


def plain(value: float) -> str:
    """A number as users type it, for messages and bounds: ``2000``, ``0.5``,
    ``1000000000000000`` (no grouping, never ``1e+15``)."""
    if value == int(value):
        return str(int(value))
    shortest = repr(float(value))  # the shortest text that reads back: 1234.5678, not ...034
    if "e" not in shortest:
        return shortest
    return f"{value:.15f}".rstrip("0").rstrip(".")


def integer(value: int | float | None, lang: str = "nl") -> str:
    """A count with the language's grouping (``12.345``)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return na(lang)
    return _fixed(round(value), 0, lang)


def percent(share: float | None, lang: str = "nl", decimals: int = 0) -> str:
    """A share in 0..1 as ``12 %``."""
    if share is None or not math.isfinite(share):
        return na(lang)
    return f"{_fixed(share * 100, decimals, lang)} %"


def scale_factor(value: float, kind: str) -> tuple[float, str]:
    """Multiplier from SI (J, g, L, g Sb eq, g/unit, MJ) to the readable unit for ``value``,
    and that unit. An unknown ``kind`` is its own unit (factor 1)."""
    table = _SCALES.get(kind)
    if table is None:
        return 1.0, kind
    magnitude = abs(value)
    if magnitude == 0 or not math.isfinite(magnitude):
        base = next((row for row in table if row[1] == 1.0), table[-1])
        return 1.0 / base[1], base[2]
    for threshold, divisor, unit in table:
        if magnitude >= threshold:
            return 1.0 / divisor, unit
    _, divisor, unit = table[-1]
    return 1.0 / divisor, unit


def scale(value: float, kind: str) -> tuple[float, str]:
    """``value`` (SI) converted to a readable unit: ``(number, unit)``."""
    factor, unit = scale_factor(value, kind)
    return value * factor, unit


def less_than(amount: str, unit: str, lang: str = "nl") -> str:
    """``minder dan 1 Wh`` / ``less than 1 Wh``."""
    return f"{_LESS_THAN[_lang(lang)]} {amount} {unit}"


def _small(shown: float, unit: str, lang: str, *, plain: bool) -> str | None:
    """The text for a value too small to show as a number, else ``None``."""
    if shown == 0:
        return None
    if plain and abs(shown) < 1:
        return less_than("1", unit, lang)
    if abs(shown) < TABLE_FLOOR:
        return f"< {_fixed(TABLE_FLOOR, 3, lang)} {unit}"
    return None


def quantity(
    value: float | None, kind: str, lang: str = "nl", *, sig: int = 3, plain: bool = False
) -> str:
    """A quantity in SI (``kind`` J, g, L, g Sb eq, g/unit, MJ) with a readable unit.

    Args:
        value: the SI value (joules, grams, litres, ...); ``None`` is "not available".
        kind: the SI unit of ``value``.
        lang: ``nl`` or ``en``.
        sig: significant digits.
        plain: for sentences a policy reader reads: under one unit reads ``minder dan 1 Wh``.
    """
    if value is None or not math.isfinite(value):
        return na(lang)
    shown, unit = scale(value, kind)
    small = _small(shown, unit, lang, plain=plain)
    if small is not None:
        return small
    return f"{number(shown, lang, sig)} {unit}"


def interval(
    value: float | None, low: float | None, high: float | None, kind: str, lang: str = "nl"
) -> str:
    """``1,23 kg CO₂e (0,98–1,48)``: value and its interval in the value's unit."""
    if value is None or not math.isfinite(value):
        return na(lang)
    reference = value if value else max(abs(low or 0.0), abs(high or 0.0))
    factor, unit = scale_factor(reference, kind)
    small = _small(value * factor, unit, lang, plain=False)
    if small is not None:
        return small  # an interval of figures below the table floor says nothing readable
    text = f"{number(value * factor, lang)} {unit}"
    if low is None or high is None:
        return text
    return f"{text} ({number(low * factor, lang)}–{number(high * factor, lang)})"


def equivalent(amount: float | None, unit_one: str, unit_many: str, lang: str = "nl") -> str | None:
    """``about 12 car kilometres``-style text, or ``None`` under one whole unit (an
    equivalent of "0,3 household days" helps nobody)."""
    if amount is None or not math.isfinite(amount) or amount < 1:
        return None
    whole = round(amount) if amount >= 10 else round(amount, 1)
    unit = unit_one if whole == 1 else unit_many
    about = "ongeveer" if _lang(lang) == "nl" else "about"
    text = integer(whole, lang) if whole == int(whole) else number(whole, lang, 2)
    return f"{about} {text} {unit}"
