"""Figures in CLI tables: a thin layer over :mod:`algoprint._format` (the one formatter of
every human output), in the output language of the command (``--lang``)."""

from __future__ import annotations

from algoprint import _format


def energy(energy_j: float | None, lang: str = "en") -> str:
    """``3,42 Wh``-style text (Wh/kWh/MWh, never joules or an exponent); not available for a
    gap."""
    if energy_j is None:
        return "n.v.t. (niet gemeten)" if lang == "nl" else "n/a (not measured)"
    return _format.quantity(energy_j, "J", lang)


def mass(co2e_g: float | None, lang: str = "en") -> str:
    """``1,31 kg CO₂e``-style text."""
    return _format.quantity(co2e_g, "g", lang)


def interval(energy_j: float | None, uncertainty_rel: float | None, lang: str = "en") -> str:
    """``± 12 %`` text for a relative uncertainty."""
    if energy_j is None or uncertainty_rel is None:
        return ""
    return f"± {_format.number(uncertainty_rel * 100, lang, 2)} %"


def duration(seconds: float, lang: str = "en") -> str:
    """``1 h 02 min``, ``3,2 s`` style text."""
    if seconds < 60:
        return f"{_format.number(seconds, lang)} s"
    minutes, sec = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{sec:02d}s"


def label(table: dict[str, str], key: str, lang: str) -> str:
    """``key``'s label from a report label table (:mod:`algoprint.report.labels`, English
    msgids), translated through the report catalogues; unknown keys as given."""
    if key not in table:
        return key
    from algoprint.report.i18n import translations

    return translations(lang).gettext(table[key])
