"""Formatting of figures for people (the only place where joules become Wh/kWh)."""

from __future__ import annotations

J_PER_WH = 3600.0


def energy(energy_j: float | None) -> str:
    """``12.3 kJ (3.42 Wh)``-style text; ``n/a`` for a gap."""
    if energy_j is None:
        return "n/a (not measured)"
    wh = energy_j / J_PER_WH
    if wh >= 1000:
        unit = f"{wh / 1000:.3g} kWh"
    elif wh >= 1:
        unit = f"{wh:.3g} Wh"
    else:
        unit = f"{wh * 1000:.3g} mWh"
    if energy_j >= 1e6:
        joules = f"{energy_j / 1e6:.3g} MJ"
    elif energy_j >= 1e3:
        joules = f"{energy_j / 1e3:.3g} kJ"
    else:
        joules = f"{energy_j:.3g} J"
    return f"{joules} ({unit})"


def interval(energy_j: float | None, uncertainty_rel: float | None) -> str:
    """``± 12 %`` text for a relative uncertainty."""
    if energy_j is None or uncertainty_rel is None:
        return ""
    return f"± {uncertainty_rel * 100:.0f} %"


def duration(seconds: float) -> str:
    """``1 h 02 min``, ``3.2 s`` style text."""
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, sec = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {sec:02d} s"
