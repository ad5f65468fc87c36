"""A run's headline figures with intervals, shared by the MLflow and Jupyter integrations.

Impacts come from :func:`algoprint.impact.compute.impacts_for_run` for the configured (or
given) location; SCI per unit from :func:`algoprint.impact.sci.sci_per_unit`. When something
cannot be computed the figure is absent and the reason is in ``missing`` (never 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from algoprint.errors import AlgoprintError
from algoprint.impact.uncertainty import Interval
from algoprint.tracking.record import RunRecord

__all__ = ["RunFigures", "run_figures"]


@dataclass(slots=True)
class RunFigures:
    """Figures by key (``energy_j``, ``co2e_location_g``, ``co2e_market_g``, ``water_l``,
    ``sci_g_per_unit``), each with its ~95 % interval, per-phase energy, and reasons."""

    figures: dict[str, Interval] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    sci: dict[str, Any] | None = None
    impacts: dict[str, Any] | None = None

    def flat(self, prefix: str = "algoprint.") -> dict[str, float]:
        """``{prefix}key``, ``{prefix}key.low``, ``{prefix}key.high`` and phase energies."""
        out: dict[str, float] = {}
        for key, iv in self.figures.items():
            out[f"{prefix}{key}"] = iv.value
            if iv.low != iv.high:
                out[f"{prefix}{key}.low"] = iv.low
                out[f"{prefix}{key}.high"] = iv.high
        for name, energy in self.phases.items():
            out[f"{prefix}phase.{_safe(name)}.energy_j"] = energy
        return out


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def run_figures(record: RunRecord, *, location: str | None = None) -> RunFigures:
    """The headline figures of ``record`` (see :class:`RunFigures`)."""
    out = RunFigures()
    if record.energy_j is None:
        out.missing["energy_j"] = f"a meter gap; measured part {record.measured_energy_j:g} J"
    else:
        out.figures["energy_j"] = Interval.from_rel(record.energy_j, record.uncertainty_rel or 0.0)
    for phase in record.phases:
        if phase.energy_j is not None:
            out.phases[phase.name] = phase.energy_j
    out.figures["duration_s"] = Interval.exact(record.duration_s)
    if record.energy_j is None:
        return out
    try:
        doc = _impacts(record, location)
    except AlgoprintError as e:
        out.missing["impacts"] = str(e)
        return out
    if doc is None:
        out.missing["impacts"] = "no location configured: set [location] zone or pass location"
        return out
    out.impacts = doc.to_dict()
    for key in ("co2e_location_g", "co2e_market_g", "water_l", "embodied_gwp_g"):
        impact = doc.get(key)
        if impact is None:
            out.missing[key] = doc.missing.get(key, "not computed")
        else:
            out.figures[key] = impact.interval
    from algoprint.impact.sci import sci_per_unit

    unit = record.tags.get("functional_unit", "units")
    sci = sci_per_unit(doc, unit=unit, units=record.units, phase=record.phase)
    out.sci = sci.to_dict()
    if sci.sci is not None:
        out.figures["sci_g_per_unit"] = sci.sci.interval
    elif sci.missing:
        out.missing["sci_g_per_unit"] = sci.missing
    return out


def _impacts(record: RunRecord, location: str | None) -> Any:
    from algoprint.config import load_settings
    from algoprint.impact.compute import impacts_for_run
    from algoprint.impact.location import resolve_location

    extra = load_settings({}).extra
    profile = resolve_location(extra, location=location)
    if profile.zone is None:
        return None
    return impacts_for_run(record, profile, settings_extra=extra)
