"""SCI per functional unit and its place in the GSF SCI for AI specification."""

from __future__ import annotations

import math
from typing import Any

import pytest

from algoprint.errors import InputError
from algoprint.impact.compute import EnergyInput, FactorValue, ResolvedFactors, compute_from_factors
from algoprint.impact.embodied import EmbodiedImpacts, HardwareShare
from algoprint.impact.sci import boundary_for_phase, check_units, functional_unit, sci_per_unit
from algoprint.impact.uncertainty import Interval


def doc(units: float | None) -> Any:
    pue = FactorValue(Interval(1.2, 1.1, 1.3), "1", "test", "user")
    grid = FactorValue(Interval(300.0, 250.0, 350.0), "g/kWh", "test", "user")
    factors = ResolvedFactors(pue=pue, grid_g_per_kwh=grid)
    machine = EmbodiedImpacts(Interval.from_rel(1e6, 0.3), None, None, ("test",), "components")
    hw = HardwareShare(machine, lifetime_s=4 * 365 * 86400, share=0.1)
    return compute_from_factors(
        EnergyInput.single(3.6e6, 0.1), factors, duration_s=3600, hardware=hw, units=units
    )


def test_units_names_and_boundaries() -> None:
    assert functional_unit("Token").name == "tokens"
    assert functional_unit("training_samples").boundary == "provider"
    assert functional_unit("besluiten").gsf_unit is None  # own units are allowed
    assert boundary_for_phase("training") == "provider"
    assert boundary_for_phase("use") == "consumer"
    assert boundary_for_phase("experiment") is None
    with pytest.raises(InputError):
        functional_unit("  ")
    for bad in (-1, math.nan, math.inf, "x"):
        with pytest.raises(InputError):
            check_units(bad)  # type: ignore[arg-type]


def test_sci_per_token_is_the_consumer_unit_with_an_interval() -> None:
    result = sci_per_unit(doc(1000), unit="tokens", units=1000, phase="use")
    assert result.gsf_unit == "per token (LLM, §8.1)" and result.boundary == "consumer"
    assert result.sci is not None
    assert result.sci.low < result.sci.value < result.sci.high
    total = doc(None).get("co2e_total_g")
    assert result.sci.value == pytest.approx(total.value / 1000)


def test_unit_outside_its_boundary_is_noted_and_has_no_gsf_name() -> None:
    result = sci_per_unit(doc(10), unit="tokens", units=10, phase="training")
    assert result.boundary == "provider" and result.gsf_unit is None
    assert any("consumer-boundary unit" in n for n in result.notes)


def test_zero_units_is_missing_with_the_reason_and_the_formula_refuses_it() -> None:
    result = sci_per_unit(doc(None), unit="predictions", units=0, phase="use")
    assert result.sci is None and "R = 0" in (result.missing or "")
    from algoprint.errors import ImpactError

    with pytest.raises(ImpactError, match="must be > 0"):
        doc(0)
