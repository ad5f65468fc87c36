"""Short Dutch texts (B1) for the Algoritmeregister's free-text fields.

:func:`algoritmeregister_text` fills *Afwegingen* and *Technische werking*; the publication
standard has no sustainability field (docs/register.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from algoprint import _format
from algoprint.kader.assessments import NOT_APPLICABLE, STATES, list_assessments
from algoprint.kader.catalogue import ALGORITMEKADER_VERSION, measure
from algoprint.kader.register import Algorithm, get_algorithm

if TYPE_CHECKING:
    from algoprint.store import Store

__all__ = ["algoritmeregister_text"]

_METHOD_NL = {
    "counter": "energietellers van de processor of videokaart",
    "power-integration": "metingen van het vermogen",
    "model": "een rekenmodel (een schatting)",
    "constant": "een vaste waarde (een schatting)",
    "user": "waarden die de organisatie zelf opgaf",
}


def _kwh(energy_j: float) -> str:
    """kWh in Dutch notation through the one formatter (never an exponent)."""
    return _plain(energy_j / 3.6e6)


def _kg(grams: float) -> str:
    """kg in Dutch notation through the one formatter (never an exponent)."""
    return _plain(grams / 1000)


def _plain(value: float) -> str:
    """``2`` rather than ``2,00``: three significant digits without trailing zeros."""
    text = _format.number(value, "nl")
    return text.rstrip("0").rstrip(",") if "," in text else text


def _measures_text(store: Store, alg: Algorithm) -> str:
    from algoprint.kader.assessments import state_label

    found = list_assessments(store, alg.slug)
    counts = {s: sum(1 for x in found if x.state == s) for s in STATES}
    parts = [f"{n} {state_label(s, 'nl')}" for s, n in counts.items() if n]
    lines = [
        "Wij letten bij dit algoritme op duurzaamheid. Daarvoor volgen wij de zeven "
        "maatregelen over duurzaam werken uit het Algoritmekader "
        f"({ALGORITMEKADER_VERSION}).",
        f"Stand van de maatregelen: {', '.join(parts)}.",
    ]
    ready = [measure(x.measure).title("nl") for x in found if x.state == "gereed"]
    if ready:
        lines.append(f"Klaar: {'; '.join(ready)}.")
    for x in found:
        if x.state == NOT_APPLICABLE:
            reason = (x.reason or "").rstrip(".")
            title = measure(x.measure).title("nl")
            lines.append(f"Niet van toepassing: {title}. Reden: {reason}.")
    return " ".join(lines)


def _footprint_text(
    store: Store,
    alg: Algorithm,
    *,
    year: int | None,
    settings_extra: Mapping[str, Any] | None,
    now: datetime | None,
) -> str:
    from algoprint.kader.goals import algorithm_footprint

    fp = algorithm_footprint(store, alg.slug, year=year, settings_extra=settings_extra, now=now)
    if fp.runs == 0 or fp.energy_it_j <= 0:
        return (
            "Wij meten het energieverbruik van dit algoritme met algoprint. Er zijn nog geen "
            "metingen om hier te noemen."
        )
    period = f"in {fp.year} tot nu toe" if fp.partial else f"in {fp.year}"
    lines = [
        "Wij meten hoeveel stroom dit algoritme gebruikt. Dat doen wij met het programma "
        "algoprint.",
        f"Het algoritme gebruikte {period} {_kwh(fp.energy_it_j)} kWh stroom in "
        f"{fp.runs} metingen.",
    ]
    split = [
        f"{_kwh(e)} kWh voor {name}"
        for key, name in (("training", "trainen"), ("use", "gebruik"))
        if (e := fp.energy_by_phase_j.get(key))
    ]
    if split:
        lines.append(f"Daarvan was {' en '.join(split)}.")
    if fp.co2e_location_g is not None:
        lines.append(
            f"Dat geeft ongeveer {_kg(fp.co2e_location_g)} kg CO2-uitstoot. Dat is berekend "
            f"met de gemiddelde stroommix van {fp.zone} en het energiegebruik van het "
            "datacenter."
        )
    if fp.co2e_market_g is not None:
        lines.append(
            f"Met het stroomcontract dat wij hebben is het {_kg(fp.co2e_market_g)} kg CO2."
        )
        if fp.co2e_market_g == 0:
            lines.append(
                "Die 0 betekent alleen dat de stroom is afgedekt met een groen contract of "
                "certificaten; het stroomnet stootte wel het eerste getal uit."
            )
    methods = [_METHOD_NL.get(m, m) for m in fp.methods]
    if methods:
        lines.append(f"De stroom is gemeten met {', '.join(methods)}.")
    if fp.uncertainty_rel is not None:
        lines.append(f"De meting kan ongeveer {fp.uncertainty_rel * 100:.0f} procent afwijken.")
    if fp.used_default_location:
        lines.append(
            "Waar het algoritme draait is nog niet vastgelegd. Daarom is gerekend met de "
            f"gemiddelde stroommix van {fp.zone}."
        )
    return " ".join(lines)


def algoritmeregister_text(
    store: Store,
    slug: str,
    *,
    year: int | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """Dutch texts (B1) for the Algoritmeregister fields *Afwegingen* and *Technische werking*.

    *Afwegingen*: the state of the seven measures, with the reasons for those that do not
    apply. *Technische werking*: energy and CO2e (location- and market-based) of one year with
    how they were measured (see :func:`~algoprint.kader.goals.algorithm_footprint`).

    Args:
        year: the year to describe; default the most recent year with runs.

    Returns:
        ``{"afwegingen": ..., "technische_werking": ...}``.

    Raises:
        InputError / NotFound: an invalid or unknown slug.
    """
    alg = get_algorithm(store, slug)
    return {
        "afwegingen": _measures_text(store, alg),
        "technische_werking": _footprint_text(
            store, alg, year=year, settings_extra=settings_extra, now=now
        ),
    }
