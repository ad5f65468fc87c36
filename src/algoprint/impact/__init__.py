"""algoprint.impact: from energy to CO2e, water and embodied impacts (the public impact API).

The public impact API is what ``__all__`` lists (``tests/test_public_api.py`` pins it; the
README lists it). Attributes load on first use, so ``import algoprint.impact`` stays light.
The submodules (``algoprint.impact.estimate``, ``.compute``, ``.llm``, ...) keep working for
callers that import from them. The estimate function is exported as ``estimate_impacts``:
``algoprint.impact.estimate`` is (and stays) the name of its module.

    >>> from algoprint.impact import estimate_impacts
    >>> r = estimate_impacts(energy_kwh=12, uncertainty=0, pue=1.2, grid_intensity_g_per_kwh=250)
    >>> round(r.document.impacts["co2e_location_g"].value, 6)
    3600.0
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from algoprint.impact.compute import (
        MARKET_ZERO_CAVEAT,
        EnergyComponent,
        EnergyInput,
        compute_from_factors,
        compute_impacts,
        impacts_for_run,
    )
    from algoprint.impact.embodied import EmbodiedImpacts
    from algoprint.impact.estimate import EstimateResult
    from algoprint.impact.estimate import estimate as estimate_impacts
    from algoprint.impact.llm import LlmEstimate, estimate_llm
    from algoprint.impact.location import LocationProfile, default_location, resolve_location
    from algoprint.impact.model import Impact, ImpactDocument
    from algoprint.impact.uncertainty import Interval

__all__ = [
    "MARKET_ZERO_CAVEAT",
    "EmbodiedImpacts",
    "EnergyComponent",
    "EnergyInput",
    "EstimateResult",
    "Impact",
    "ImpactDocument",
    "Interval",
    "LlmEstimate",
    "LocationProfile",
    "compute_from_factors",
    "compute_impacts",
    "default_location",
    "estimate_impacts",
    "estimate_llm",
    "impacts_for_run",
    "resolve_location",
]

_LAZY = {
    "MARKET_ZERO_CAVEAT": "compute",
    "EnergyComponent": "compute",
    "EnergyInput": "compute",
    "compute_from_factors": "compute",
    "compute_impacts": "compute",
    "impacts_for_run": "compute",
    "EmbodiedImpacts": "embodied",
    "EstimateResult": "estimate",
    "estimate_impacts": "estimate",
    "LlmEstimate": "llm",
    "estimate_llm": "llm",
    "LocationProfile": "location",
    "default_location": "location",
    "resolve_location": "location",
    "Impact": "model",
    "ImpactDocument": "model",
    "Interval": "uncertainty",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'algoprint.impact' has no attribute {name!r}")
    attr = "estimate" if name == "estimate_impacts" else name
    value = getattr(importlib.import_module(f"algoprint.impact.{module}"), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
