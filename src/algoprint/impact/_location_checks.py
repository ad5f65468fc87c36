"""Validation of ``[location]`` and ``[datacentres.NAME]`` values (for
:mod:`algoprint.impact.location`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from algoprint.errors import ImpactError
from algoprint.impact._profile import (
    _PUE_DCIE_TOLERANCE,
    PUE_BASES,
    RENEWABLE_BASES,
    EvidenceLink,
)

_LARGEST = {"pue": 10.0, "wue": 100.0, "market_g_per_kwh": 5000.0, "year": 2100.0}
"""Upper bounds of the numeric location values (others: 1e9); far above any real value, low
enough that the impacts computed from them stay finite."""


def _number(name: str, value: Any, where: str) -> float:
    hint = f"give {name} as a plain number up to {_LARGEST.get(name, 1e9):.0f}, or remove it"
    if isinstance(value, bool):
        raise ImpactError(f"{name} in {where} must be a number, got {value!r}", hint=hint)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ImpactError(f"{name} in {where} must be a number, got {value!r}", hint=hint) from None
    if math.isnan(number) or math.isinf(number):
        raise ImpactError(f"{name} in {where} must be a finite number, got {value!r}", hint=hint)
    if abs(number) > _LARGEST.get(name, 1e9):
        raise ImpactError(f"{name} in {where} is implausibly large: {value!r}", hint=hint)
    return number


def _check_pue(value: Any, where: str) -> float:
    pue = _number("pue", value, where)
    if pue < 1:
        raise ImpactError(
            f"pue in {where} must be >= 1, got {value!r}",
            hint="PUE = facility energy / IT energy, so it is at least 1 (typical 1.1..2.0)",
        )
    return pue


def _check_dcie(value: Any, where: str) -> float:
    dcie = _number("dcie", value, where)
    if not 0 < dcie <= 1:
        raise ImpactError(
            f"dcie in {where} must be in (0, 1], got {value!r}",
            hint="DCiE = IT energy / facility energy = 1/PUE, e.g. 0.5 for PUE 2.0",
        )
    return dcie


def _check_fraction(name: str, value: Any, where: str) -> float:
    number = _number(name, value, where)
    if not 0 <= number <= 1:
        raise ImpactError(
            f"{name} in {where} must be between 0 and 1, got {value!r}",
            hint=f"give {name} as a fraction, e.g. 0.8 for 80 %",
        )
    return number


def _check_wue(value: Any, where: str) -> float:
    wue = _number("wue", value, where)
    if wue < 0:
        raise ImpactError(
            f"wue in {where} must be >= 0 L/kWh, got {value!r}",
            hint="WUE = on-site water (L) / IT energy (kWh)",
        )
    return wue


def _check_market(value: Any, where: str) -> float:
    market = _number("market_g_per_kwh", value, where)
    if market < 0:
        raise ImpactError(
            f"market_g_per_kwh in {where} must be >= 0 g CO2e/kWh, got {value!r}",
            hint="give your supplier's market-based factor for the contract, e.g. 0 or 374",
        )
    return market


def _pue_from(table: Mapping[str, Any], where: str) -> float | None:
    pue = _check_pue(table["pue"], where) if table.get("pue") is not None else None
    dcie = _check_dcie(table["dcie"], where) if table.get("dcie") is not None else None
    if pue is not None and dcie is not None and abs(pue * dcie - 1) > _PUE_DCIE_TOLERANCE:
        raise ImpactError(
            f"pue {pue:g} and dcie {dcie:g} in {where} disagree (pue should be 1/dcie = "
            f"{1 / dcie:.3g})",
            hint="give only one of pue and dcie",
        )
    if pue is None and dcie is not None:
        return 1 / dcie
    return pue


def _zone(value: Any, where: str) -> str:
    from algoprint.impact import factors

    code = str(value).strip().upper()
    try:
        factors.grid_intensity(code)
    except ImpactError as e:
        raise ImpactError(f"unknown zone {value!r} in {where}: {e.message}", hint=e.hint) from None
    return code


def _date(value: Any, where: str) -> dt.date:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (the last day of that period), or a TOML date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 4 and text.isdigit():
            return dt.date(int(text), 12, 31)
        if len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:7])
            return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ImpactError(
            f"{where}: {value!r} is not a date",
            hint="write dates as YYYY-MM-DD (or YYYY-MM, YYYY for a period)",
        ) from None


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, Mapping)):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _evidence(value: Any, where: str) -> tuple[EvidenceLink, ...]:
    """Evidence as links, or tables ``{url, date}``."""
    out: list[EvidenceLink] = []
    for item in _items(value):
        if isinstance(item, str) and item.strip():
            out.append(EvidenceLink(item.strip()))
        elif isinstance(item, Mapping) and item.get("url") and set(item) <= {"url", "date"}:
            date = _date(item["date"], f"evidence in {where}") if item.get("date") else None
            out.append(EvidenceLink(str(item["url"]), date))
        else:
            raise ImpactError(
                f"evidence in {where} must be links or tables {{url, date}}, got {item!r}",
                hint='e.g. evidence = [{url = "https://...", date = "2025-03-01"}]',
            )
    return tuple(out)


def _certifications(value: Any, where: str) -> tuple[str, ...]:
    """Certification names, from names or tables ``{name, url, date}`` (links and dates are
    read by the greenwashing checks; validated here so a bad table fails early)."""
    names: list[str] = []
    for item in _items(value):
        if isinstance(item, str) and item.strip():
            names.append(item.strip())
        elif (
            isinstance(item, Mapping) and item.get("name") and set(item) <= {"name", "url", "date"}
        ):
            if item.get("date"):
                _date(item["date"], f"certification {item['name']!r} in {where}")
            names.append(str(item["name"]).strip())
        else:
            raise ImpactError(
                f"certifications in {where} must be names or tables {{name, url, date}}, "
                f"got {item!r}",
                hint='e.g. certifications = [{name = "ISO 50001", url = "https://...", '
                'date = "2024-06-01"}]',
            )
    return tuple(names)


def _check_datacentre_extras(dc: Mapping[str, Any], where: str) -> None:
    """Validate the keys the impact figures do not use (they are read by the greenwashing
    checks), so a typo or an impossible value fails here, naming the table."""
    if dc.get("it_power_kw") is not None:
        kw = _number("it_power_kw", dc["it_power_kw"], where)
        if kw < 0:
            raise ImpactError(
                f"it_power_kw in {where} must be >= 0 kW, got {dc['it_power_kw']!r}",
                hint="installed IT power in kilowatts, e.g. it_power_kw = 800",
            )
    if dc.get("renewable_pct") is not None:
        pct = _number("renewable_pct", dc["renewable_pct"], where)
        if not 0 <= pct <= 100:
            raise ImpactError(
                f"renewable_pct in {where} must be between 0 and 100, got {dc['renewable_pct']!r}",
                hint="give the renewable share as a percentage, e.g. 80",
            )
    for key, allowed in (("pue_basis", PUE_BASES), ("renewable_basis", RENEWABLE_BASES)):
        if dc.get(key) is not None and str(dc[key]).strip().lower() not in allowed:
            raise ImpactError(
                f"{key} in {where} is {dc[key]!r}", hint=f"use one of {', '.join(allowed)}"
            )
    if dc.get("year") is not None:
        year = _number("year", dc["year"], where)
        if year != int(year) or not 1900 < year < 3000:
            raise ImpactError(f"year in {where} must be a whole year, got {dc['year']!r}")
    for key in ("name", "kind", "description"):
        if dc.get(key) is not None and not isinstance(dc[key], str):
            raise ImpactError(f"{key} in {where} must be text, got {dc[key]!r}")


def _check_keys(table: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ImpactError(
            f"unknown key(s) {', '.join(unknown)} in {where}",
            hint=f"accepted keys: {', '.join(sorted(allowed))}",
        )
