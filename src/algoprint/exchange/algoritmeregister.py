"""Dutch texts at B1 level for the Algoritmeregister's free-text fields.

:func:`algoritmeregister_text` fills two fields of the publication standard (1.0), by their API
names and within their length limits (MinBZK/Algoritmeregister,
``backend/app/schemas/config/v1_0.json``):

* ``proportionality`` (*Afwegingen*, at most 2500 characters): the state of the seven
  sustainability measures, with the reasons for those that do not apply;
* ``methods_and_models`` (*Technische werking*, at most 5000 characters): energy and CO2e of
  one year, how they were measured, and what the figures do not say.

Plain language (B1): short sentences, numbers as people read them (``1,2 kWh``, ``minder dan
1 Wh``, never exponent notation), "naar schatting" when a figure is modelled, CO2e and not CO2,
and a market-based figure of 0 always with its caveat (certificates do not take emissions off
the grid). The standard has no sustainability field (docs/proposal-amt-task-registry.md
proposes some).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from algoprint.errors import InputError
from algoprint.kader.assessments import NOT_APPLICABLE, STATES, list_assessments, state_label
from algoprint.kader.catalogue import ALGORITMEKADER_VERSION, measure
from algoprint.kader.evidence import RENEWABLE_CONTRACTS
from algoprint.kader.register import Algorithm, get_algorithm

if TYPE_CHECKING:
    from algoprint.kader.goals import AlgorithmFootprint
    from algoprint.store import Store

__all__ = [
    "FIELD_LABELS",
    "FIELD_LIMITS",
    "algoritmeregister_text",
    "figures_text",
    "readable_amount",
]

FIELD_LIMITS: Mapping[str, int] = {"proportionality": 2500, "methods_and_models": 5000}
# The headings under which the Algoritmeregister shows these fields to the public.
FIELD_LABELS: Mapping[str, str] = {
    "proportionality": "Afwegingen",
    "methods_and_models": "Technische werking",
}
"""Maximum length (characters) of the fields, from the publication standard 1.0."""
_MODELLED = {"model", "constant"}
_METHOD_NL = {
    "counter": "de energietellers van de processor of de videokaart",
    "power-integration": "metingen van het vermogen",
    "model": "een rekenmodel",
    "constant": "een vaste waarde per apparaat",
    "user": "waarden die wij zelf opgaven",
}
_TOO_LONG = " Niet alles past in dit veld. Vraag ons om de volledige tekst."
# kind: (threshold in SI, divisor, unit), largest first; the smallest unit people know last.
_UNITS = {
    "J": ((3.6e6, 3.6e6, "kWh"), (3.6e3, 3.6e3, "Wh")),
    "g": ((1e6, 1e6, "ton"), (1e3, 1e3, "kg"), (1.0, 1.0, "gram")),
}


def readable_amount(value: float, kind: str) -> str:
    """``1,2 kWh``, ``350 Wh``, ``minder dan 1 Wh``; ``12 kg``, ``minder dan 1 gram``.

    ``kind`` is ``"J"`` (energy in joules) or ``"g"`` (mass in grams). Two significant digits,
    Dutch separators, no exponent notation and no unit smaller than Wh or gram.
    """
    try:
        from algoprint.report.i18n import Formatter
    except ImportError:
        raise InputError(
            "the Algoritmeregister texts need Babel for Dutch number formats",
            hint="pip install 'algoprint[report]'",
        ) from None
    fmt = Formatter("nl")
    table = _UNITS[kind]
    if value <= 0:
        return f"0 {table[-1][2]}"
    for threshold, divisor, unit in table:
        if value >= threshold:
            number = re.sub(r",0+$", "", fmt.number(value / divisor, sig=2))  # 2 kWh, not 2,0
            return f"{number} {unit}"
    return f"minder dan 1 {table[-1][2]}"


def _fit(sentences: list[str], limit: int) -> str:
    text = ""
    for s in sentences:
        candidate = f"{text} {s}".strip()
        if len(candidate) > limit - len(_TOO_LONG):
            return text + _TOO_LONG
        text = candidate
    return text


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split()).rstrip(".")
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + "..."


def _proportionality(store: Store, alg: Algorithm) -> list[str]:
    found = list_assessments(store, alg.slug)
    counts = {s: sum(1 for x in found if x.state == s) for s in STATES}
    parts = [f"{n} {state_label(s, 'nl')}" for s, n in counts.items() if n]
    lines = [
        "Wij letten bij dit algoritme op het milieu.",
        "Het Algoritmekader noemt zeven maatregelen voor duurzaam werken met algoritmes "
        f"(versie {ALGORITMEKADER_VERSION}).",
        f"Zo staan die maatregelen nu: {', '.join(parts)}.",
    ]
    for x in found:
        title = measure(x.measure).title("nl").rstrip(".")
        if x.state == "gereed":
            lines.append(f"Klaar: {title}.")
    for x in found:
        if x.state == NOT_APPLICABLE:
            title = measure(x.measure).title("nl").rstrip(".")
            lines.append(f"Niet van toepassing: {title}.")
            lines.append(f"De reden: {_short(x.reason or 'geen reden opgegeven')}.")
    return lines


def _energy_sentences(fp: AlgorithmFootprint, alg: Algorithm) -> list[str]:
    estimated = bool(_MODELLED & set(fp.methods))
    period = f"in {fp.year} tot nu toe" if fp.partial else f"in {fp.year}"
    how = "naar schatting " if estimated else ""
    lines = [
        f"Het algoritme gebruikte {period} {how}{readable_amount(fp.energy_it_j, 'J')} stroom."
    ]
    lines.append(f"Wij hebben {fp.runs} keer gemeten.")
    split = [
        f"{readable_amount(e, 'J')} voor {name}"
        for key, name in (("training", "het trainen"), ("use", "het gebruik"))
        if (e := fp.energy_by_phase_j.get(key))
    ]
    if split:
        lines.append(f"Daarvan ging {' en '.join(split)}.")
    if fp.co2e_location_g is not None:
        lines.append(
            f"Dat geeft naar schatting {readable_amount(fp.co2e_location_g, 'g')} CO2e. "
            "CO2e staat voor de uitstoot van alle broeikasgassen samen."
        )
        lines.append(
            f"Wij rekenen daarvoor met de gemiddelde stroom in {fp.zone} en met wat het "
            "datacenter extra gebruikt, zoals koeling."
        )
    else:
        lines.append("De uitstoot van broeikasgassen (CO2e) kunnen wij nog niet berekenen.")
    green = alg.contract in RENEWABLE_CONTRACTS
    if fp.co2e_market_g is not None and (green or fp.co2e_market_g == 0):
        lines.append(
            f"Met ons groene stroomcontract is het {readable_amount(fp.co2e_market_g, 'g')} CO2e."
        )
        lines.append(
            "Let op: certificaten voor groene stroom halen geen uitstoot van het stroomnet. "
            "Het algoritme gebruikte stroom van hetzelfde net als iedereen."
        )
    elif fp.co2e_market_g is not None:
        lines.append(
            f"Met ons stroomcontract is het {readable_amount(fp.co2e_market_g, 'g')} CO2e."
        )
    return lines


def _method_sentences(fp: AlgorithmFootprint) -> list[str]:
    lines = []
    measured = [_METHOD_NL.get(m, m) for m in fp.methods if m not in _MODELLED]
    modelled = [_METHOD_NL.get(m, m) for m in fp.methods if m in _MODELLED]
    if measured:
        lines.append(f"De stroom is gemeten met {' en '.join(measured)}.")
    if modelled:
        who = "Een deel" if measured else "De stroom"
        lines.append(f"{who} is geschat met {' en '.join(modelled)}, niet precies gemeten.")
    if fp.uncertainty_rel is not None:
        pct = f"{fp.uncertainty_rel * 100:.0f}"
        lines.append(f"De cijfers kunnen ongeveer {pct} procent hoger of lager zijn.")
    if fp.used_default_location:
        lines.append(
            "Waar het algoritme draait, is nog niet vastgelegd. Daarom rekenen wij met de "
            f"gemiddelde stroom in {fp.zone}."
        )
    return lines


def figures_text(
    store: Store,
    slug: str,
    *,
    year: int | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> str | None:
    """The energy and CO2e sentences of one year (``None`` without measurements)."""
    from algoprint.kader.goals import algorithm_footprint

    alg = get_algorithm(store, slug)
    fp = algorithm_footprint(store, alg.slug, year=year, settings_extra=settings_extra, now=now)
    if fp.runs == 0 or fp.energy_it_j <= 0:
        return None
    return " ".join(_energy_sentences(fp, alg))


def _methods_and_models(
    store: Store,
    alg: Algorithm,
    *,
    year: int | None,
    settings_extra: Mapping[str, Any] | None,
    now: datetime | None,
) -> list[str]:
    from algoprint.kader.goals import algorithm_footprint

    fp = algorithm_footprint(store, alg.slug, year=year, settings_extra=settings_extra, now=now)
    if fp.runs == 0 or fp.energy_it_j <= 0:
        return [
            "Wij meten hoeveel stroom dit algoritme gebruikt. Dat doen wij met het programma "
            "algoprint.",
            "Er zijn nog geen metingen om hier te noemen.",
        ]
    return [
        "Wij meten hoeveel stroom dit algoritme gebruikt. Dat doen wij met het programma "
        "algoprint.",
        *_energy_sentences(fp, alg),
        *_method_sentences(fp),
    ]


def algoritmeregister_text(
    store: Store,
    slug: str,
    *,
    year: int | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """Dutch B1 texts for the Algoritmeregister fields, by their API names.

    Args:
        year: the year to describe; default the most recent year with runs.

    Returns:
        ``{"proportionality": ..., "methods_and_models": ...}``, each within
        :data:`FIELD_LIMITS` (a text that would not fit ends with a sentence saying so).

    Raises:
        InputError / NotFound: an invalid or unknown slug.
    """
    alg = get_algorithm(store, slug)
    return {
        "proportionality": _fit(_proportionality(store, alg), FIELD_LIMITS["proportionality"]),
        "methods_and_models": _fit(
            _methods_and_models(store, alg, year=year, settings_extra=settings_extra, now=now),
            FIELD_LIMITS["methods_and_models"],
        ),
    }
