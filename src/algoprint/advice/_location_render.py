"""The human output of ``algoprint where`` (:class:`~algoprint.advice.location.WhereResult`):
the ranked table, the flags and the one-paragraph explanation, in Dutch or English, numbers
through :mod:`algoprint._format`. Flags are wrapped at 80 columns.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from algoprint import _format
from algoprint.advice._greenwash_more import flag_lines

# The results are typed ``Any`` here: this module must not import algoprint.advice.location,
# which imports it (the architecture test forbids cycles, TYPE_CHECKING imports included).
CandidateResult = Any
WhereResult = Any

__all__ = ["RANK_METRICS", "explain", "grid_years", "render"]

RANK_METRICS: Mapping[str, str] = {
    "co2e_location": "co2e_location_g",
    "co2e_market": "co2e_market_g",
    "water": "water_l",
    "co2e_total": "co2e_total_g",
}
"""What ``where`` can rank on → the impact key it reads."""

_WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "co2e_location": "location-based CO2e",
        "co2e_market": "market-based CO2e",
        "water": "water (on-site + off-site)",
        "co2e_total": "CO2e including embodied",
        "head": ("Rank", "Candidate", "Embod. kg"),
        "flags": "Flags:",
        "none": "no flags",
    },
    "nl": {
        "co2e_location": "locatiegebonden CO2e",
        "co2e_market": "marktgebonden CO2e",
        "water": "water (op locatie + bij opwek)",
        "co2e_total": "CO2e inclusief productie hardware",
        "head": ("Rang", "Kandidaat", "Prod. kg"),
        "flags": "Signaleringen:",
        "none": "geen signaleringen",
    },
}


def _num(value: float, lang: str = "en") -> str:
    """Three significant digits, never an exponent, separators of ``lang`` (the one formatter
    of every human output, :mod:`algoprint._format`)."""
    return _format.number(value, lang)


def _kg(r: CandidateResult, key: str, lang: str = "en") -> str:
    v = r.value(key)
    return "—" if v is None else _num(v / 1000, lang)


def _mass(r: CandidateResult, key: str, lang: str) -> str:
    """A mass of CO2e in units people know (``minder dan 1 gram`` for tiny figures)."""
    v = r.value(key)
    return "—" if v is None else _format.quantity(v, "g", lang, plain=True)


def grid_years(res: WhereResult) -> dict[str, int]:
    """The grid year actually used per candidate (the table's latest year when the asked one
    is missing), from the grid factor's vintage; candidates without one are left out."""
    out: dict[str, int] = {}
    for r in res.results:
        vintage = str(r.impacts.factors.get("grid_intensity", {}).get("vintage") or "")
        first = vintage.split(" ", 1)[0]
        if first.isdigit():
            out[r.candidate.label] = int(first)
    return out


def _years(res: WhereResult, lang: str) -> str:
    """``grid year 2026 asked; used: 2025 (NL), 2024 (SE)``, or one year when all agree."""
    used = grid_years(res)
    years = sorted(set(used.values()))
    if years == [res.year] or not years:
        return f"netjaar {res.year}" if lang == "nl" else f"grid year {res.year}"
    if len(years) == 1:
        listed = str(years[0])
    else:
        listed = ", ".join(f"{y} ({label})" for label, y in used.items())
    if lang == "nl":
        return f"netjaar {res.year} gevraagd, gebruikt: {listed}"
    return f"grid year {res.year} asked, used: {listed}"


def explain(res: WhereResult, lang: str) -> str:
    """The one-paragraph explanation of the ranking in ``lang``."""
    words = _WORDS["nl" if lang == "nl" else "en"]
    ranked = [r for r in res.results if r.rank is not None]
    if not ranked:
        return (
            "No candidate could be ranked." if lang != "nl" else "Geen kandidaat te rangschikken."
        )
    best, worst = ranked[0], ranked[-1]
    key = RANK_METRICS[res.rank_by]
    kwh_text = _format.quantity(res.workload.energy_kwh_per_year * 3.6e6, "J", lang, plain=True)
    emb = best.value("embodied_gwp_g")
    n_flags = len(res.all_flags())
    if lang == "nl":
        text = (
            f"Gerangschikt op {words[res.rank_by]} voor {kwh_text} IT-energie per jaar "
            f"({_years(res, lang)}): het best scoort {best.candidate.label} "
            f"({_mass(best, key, lang)}; locatiegebonden {_mass(best, 'co2e_location_g', lang)}, "
            f"marktgebonden {_mass(best, 'co2e_market_g', lang)}, water "
            f"{_format.quantity(best.value('water_l') or 0, 'L', lang, plain=True)})"
        )
        if worst is not best:
            text += f", het slechtst {worst.candidate.label} ({_mass(worst, key, lang)})"
        text += "."
        if emb is not None:
            text += (
                " De productie-uitstoot van de hardware "
                f"({_format.quantity(emb, 'g', lang, plain=True)}) is overal gelijk."
            )
        return text + f" {n_flags} signalering(en)."
    text = (
        f"Ranked by {words[res.rank_by]} for {kwh_text} of IT energy a year "
        f"({_years(res, lang)}): best is {best.candidate.label} ({_mass(best, key, lang)}; "
        "location-based "
        f"{_mass(best, 'co2e_location_g', lang)}, "
        f"market-based {_mass(best, 'co2e_market_g', lang)}, water "
        f"{_format.quantity(best.value('water_l') or 0, 'L', lang, plain=True)})"
    )
    if worst is not best:
        text += f", worst is {worst.candidate.label} ({_mass(worst, key, lang)})"
    text += "."
    if emb is not None:
        text += (
            f" The embodied share of the hardware ({_format.quantity(emb, 'g', lang, plain=True)})"
            " is the same everywhere."
        )
    return text + f" {n_flags} flag(s)."


def render(res: WhereResult, lang: str) -> list[str]:
    """The ranked table, the flags and the explanation, in ``lang``."""
    words = _WORDS["nl" if lang == "nl" else "en"]
    rank, cand, emb = words["head"]
    lines = [
        f"{rank:>4} {cand:<18} {'Zone':<5} {'PUE':<5} {'CO2e loc kg':>11} {'CO2e mkt kg':>11} "
        f"{'Water L':>9} {emb:>9}"
    ]
    for r in res.results:
        p = r.candidate.profile
        pue = r.impacts.factors.get("pue", {}).get("value")
        water = r.value("water_l")
        lines.append(
            f"{'—' if r.rank is None else r.rank:>4} {r.candidate.label[:18]:<18} "
            f"{p.zone or '—':<5} {'—' if pue is None else _num(pue, lang):<5} "
            f"{_kg(r, 'co2e_location_g', lang):>11} {_kg(r, 'co2e_market_g', lang):>11} "
            f"{'—' if water is None else _num(water, lang):>9} "
            f"{_kg(r, 'embodied_gwp_g', lang):>9}"
        )
    flags = res.all_flags()
    lines += ["", words["flags"]]
    for f in flags:
        lines += flag_lines(f, lang, subject=True)
    if not flags:
        lines.append("  " + words["none"])
    return [*lines, "", *textwrap.wrap(explain(res, lang), width=80, break_long_words=False)]
