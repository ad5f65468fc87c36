"""SCI per unit of work: functional units, their SCI for AI names and lifecycle boundaries.

:func:`~algoprint.impact.compute.compute_from_factors` computes SCI (ISO/IEC 21031:2024):
``SCI = (E × I + M) / R`` with ``R`` the functional units a run served. This module names
those units and places them in the Green Software Foundation's *SCI for AI* specification
(github.com/Green-Software-Foundation/sci-ai, SPEC.md):

- §6/§7 boundaries: the **consumer** boundary is *Runtime Operations* (deployment and
  inference: our ``use``/``inference`` phases); the **provider** boundary is *Prepare, Data
  Engineering, Model Training, System Integration, End of Life* (our ``training`` and the other
  phases before use). The two are reported separately, never summed into one SCI.
- §8.1 consumer units follow pricing: per token (LLM), per inference (classical ML), per image,
  per page (OCR), per execution (agentic AI), per second (video generation).
- §8.2 provider units follow scaling laws: per parameter, per training token, per FLOP.

A unit outside those lists (requests, documents, training samples) still has an ISO/IEC 21031
SCI; it simply has no SCI for AI name, which the result says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from algoprint.errors import InputError
from algoprint.impact.model import Impact, ImpactDocument

__all__ = [
    "FUNCTIONAL_UNITS",
    "FunctionalUnit",
    "SciPerUnit",
    "boundary_for_phase",
    "check_units",
    "functional_unit",
    "sci_per_unit",
]

SPEC = "GSF SCI for AI (github.com/Green-Software-Foundation/sci-ai, SPEC.md)"

CONSUMER = "consumer"
PROVIDER = "provider"

# Run phases (lifecycle labels) per SCI for AI boundary (§5-§7).
_CONSUMER_PHASES = frozenset({"use", "inference", "serving", "runtime", "production"})
_PROVIDER_PHASES = frozenset(
    {
        "training",
        "fine-tuning",
        "finetuning",
        "prepare",
        "data",
        "data-engineering",
        "preprocessing",
        "evaluation",
        "validation",
        "integration",
        "development",
        "tuning",
        "end-of-life",
    }
)


@dataclass(frozen=True, slots=True)
class FunctionalUnit:
    """One functional unit (SCI's R).

    Attributes:
        name: the plural name used on runs (``tokens``).
        singular: for "g CO2e per ..." (``token``).
        boundary: the SCI for AI boundary it belongs to, or ``None`` when it fits either.
        gsf_unit: the SCI for AI unit it is (``per token``), or ``None`` when the spec has none.
    """

    name: str
    singular: str
    boundary: str | None
    gsf_unit: str | None


FUNCTIONAL_UNITS: dict[str, FunctionalUnit] = {
    u.name: u
    for u in (
        FunctionalUnit("requests", "request", CONSUMER, None),
        FunctionalUnit("predictions", "prediction", CONSUMER, "per inference (classical ML, §8.1)"),
        FunctionalUnit("inferences", "inference", CONSUMER, "per inference (classical ML, §8.1)"),
        FunctionalUnit("tokens", "token", CONSUMER, "per token (LLM, §8.1)"),
        FunctionalUnit("images", "image", CONSUMER, "per image (image generation, §8.1)"),
        FunctionalUnit("pages", "page", CONSUMER, "per page (OCR/analysis, §8.1)"),
        FunctionalUnit("executions", "execution", CONSUMER, "per execution (agentic AI, §8.1)"),
        FunctionalUnit("documents", "document", None, None),
        FunctionalUnit("decisions", "decision", CONSUMER, None),
        FunctionalUnit("training-samples", "training sample", PROVIDER, None),
        FunctionalUnit("training-tokens", "training token", PROVIDER, "per training token (§8.2)"),
        FunctionalUnit("parameters", "parameter", PROVIDER, "per parameter (§8.2)"),
        FunctionalUnit("flops", "FLOP", PROVIDER, "per FLOP (§8.2)"),
        FunctionalUnit("runs", "run", None, None),
    )
}
"""The functional units algoprint names, by their plural name."""


def functional_unit(name: str) -> FunctionalUnit:
    """The functional unit called ``name`` (case-insensitive; a singular is accepted).

    An unknown name is not an error: it becomes a unit without a boundary or SCI for AI name,
    because organisations count their own units of work (``besluiten``, ``aanvragen``).

    Raises:
        InputError: the name is empty.
    """
    key = str(name).strip().lower().replace("_", "-").replace(" ", "-")
    if not key:
        raise InputError(
            "the functional unit needs a name",
            hint="e.g. 'requests', 'predictions', 'tokens' or 'training-samples'",
        )
    if key in FUNCTIONAL_UNITS:
        return FUNCTIONAL_UNITS[key]
    for unit in FUNCTIONAL_UNITS.values():
        if key == unit.singular.lower().replace(" ", "-"):
            return unit
    return FunctionalUnit(key, key, None, None)


def check_units(count: float) -> float:
    """Validate a count of functional units (>= 0, finite) and return it as a float.

    Raises:
        InputError: the count is negative, NaN or infinite.
    """
    try:
        value = float(count)
    except (TypeError, ValueError):
        raise InputError(f"functional units must be a number, got {count!r}") from None
    if not math.isfinite(value) or value < 0:
        raise InputError(
            f"functional units must be a finite number >= 0, got {count!r}",
            hint="count the units of work served (predictions, tokens, documents)",
        )
    return value


def boundary_for_phase(phase: str | None) -> str | None:
    """The SCI for AI boundary of a run phase: ``consumer`` for use/inference, ``provider``
    for training and the stages before it, ``None`` when the phase says neither."""
    if phase is None:
        return None
    key = phase.strip().lower()
    if key in _CONSUMER_PHASES:
        return CONSUMER
    if key in _PROVIDER_PHASES:
        return PROVIDER
    return None


@dataclass(frozen=True, slots=True)
class SciPerUnit:
    """SCI per functional unit with its interval and its place in SCI for AI.

    Attributes:
        unit: the functional unit.
        units: R, how many were served.
        sci: g CO2e per unit with the ~95 % interval; ``None`` when it cannot be computed.
        boundary: ``consumer`` or ``provider`` (from the run's phase, else the unit's own).
        gsf_unit: the SCI for AI unit name, or ``None`` when the spec has none for this unit.
        missing: why ``sci`` is ``None``.
        notes: remarks (a unit used outside its usual boundary, a unit without a GSF name).
    """

    unit: FunctionalUnit
    units: float | None
    sci: Impact | None
    boundary: str | None
    gsf_unit: str | None
    missing: str | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (grams per unit)."""
        return {
            "functional_unit": self.unit.name,
            "units": self.units,
            "sci_g_per_unit": None if self.sci is None else self.sci.to_dict(),
            "boundary": self.boundary,
            "gsf_sci_for_ai_unit": self.gsf_unit,
            "missing": self.missing,
            "notes": list(self.notes),
            "spec": SPEC,
        }


def sci_per_unit(
    doc: ImpactDocument, *, unit: str, units: float | None, phase: str | None
) -> SciPerUnit:
    """Read the SCI of an impact document as SCI per ``unit`` and place it in SCI for AI.

    Args:
        doc: the impacts of the run or window (with ``sci_g_per_unit`` when ``units`` was given).
        unit: the functional unit's name.
        units: R; ``0`` or ``None`` leaves SCI missing with the reason (never a division by 0).
        phase: the run's phase, for the boundary.

    Raises:
        InputError: ``units`` negative or not finite, or an empty unit name.
    """
    fu = functional_unit(unit)
    notes: list[str] = []
    boundary = boundary_for_phase(phase) or fu.boundary
    if fu.boundary is not None and boundary is not None and boundary != fu.boundary:
        notes.append(
            f"{fu.name} is a {fu.boundary}-boundary unit but the run is in the {boundary} "
            "boundary (phase " + repr(phase) + "); reported as given"
        )
    gsf = fu.gsf_unit if boundary == fu.boundary else None
    if gsf is None:
        notes.append(f"{SPEC} names no unit for {fu.name}; this is the ISO/IEC 21031 SCI")
    count = None if units is None else check_units(units)
    missing: str | None = None
    sci = doc.get("sci_g_per_unit")
    if not count:
        sci = None
        missing = (
            f"no {fu.name} counted (R = {count or 0:g}): SCI per {fu.singular} needs R > 0; "
            "count the units served (run.add_units(n))"
        )
    elif sci is None:
        missing = doc.missing.get("sci_g_per_unit", "SCI could not be computed")
    return SciPerUnit(
        unit=fu,
        units=count,
        sci=sci,
        boundary=boundary,
        gsf_unit=gsf,
        missing=missing,
        notes=tuple(notes),
    )
