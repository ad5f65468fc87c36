"""Every input a published figure needs, each checked against a hand computation."""

from __future__ import annotations

from typing import Any

import pytest

from algoprint.errors import ImpactError
from algoprint.impact.compute import MARKET_ZERO_CAVEAT
from algoprint.impact.estimate import GIVEN_UNCERTAINTY_REL, estimate
from algoprint.impact.location import factors_for_profile, resolve_location

YEAR_H = 365 * 24


def test_share_and_reserved_time_separate_from_powered_time() -> None:
    r = estimate(
        hours=2, reserved_hours=10, share=0.25, cpu_tdp_w=100, cpu_utilisation=1.0,
        uncertainty=0, pue=1.0, grid_intensity_g_per_kwh=100,
        embodied_kg=8760, lifetime_years=1,
    )  # fmt: skip
    doc = r.document
    # energy: 100 W × 2 h = 0.2 kWh, exact as the user said; × 100 g/kWh = 20 g
    assert doc.impacts["energy_it_j"].value == pytest.approx(0.2 * 3.6e6)
    assert doc.impacts["co2e_location_g"].high == pytest.approx(20.0)
    # embodied: 8 760 000 g × 10 h / 8 760 h × 0.25 = 2 500 g
    assert doc.impacts["embodied_gwp_g"].value == pytest.approx(2500.0)
    assert doc.impacts["embodied_gwp_g"].low == pytest.approx(2500.0)
    allocation = doc.factors["embodied_allocation"]
    assert allocation["share"] == 0.25 and allocation["duration_s"] == 36000.0
    assert allocation["share_basis"] == "given share 0.25"


def test_device_hours_without_wall_time() -> None:
    # 100 GPU-hours × 400 W × 0.5 = 20 kWh; × PUE 1.1 × 300 g/kWh = 6 600 g
    r = estimate(
        device_hours=100, gpu_power_w=400, gpu_utilisation=0.5, uncertainty=0, pue=1.1,
        grid_intensity_g_per_kwh=300,
    )  # fmt: skip
    co2e = r.document.impacts["co2e_location_g"]
    assert (co2e.low, co2e.value, co2e.high) == pytest.approx((6600.0, 6600.0, 6600.0))


def test_energy_kwh_with_and_without_a_stated_uncertainty() -> None:
    exact = estimate(energy_kwh=12, uncertainty=0, pue=1.2, grid_intensity_g_per_kwh=250)
    co2e = exact.document.impacts["co2e_location_g"]
    assert (co2e.low, co2e.value, co2e.high) == pytest.approx((3600.0, 3600.0, 3600.0))
    assumed = estimate(energy_kwh=12, pue=1.2, grid_intensity_g_per_kwh=250)
    co2e = assumed.document.impacts["co2e_location_g"]
    assert co2e.high == pytest.approx(3600.0 * (1 + GIVEN_UNCERTAINTY_REL))
    assert any("±10% assumed" in a for a in assumed.assumptions)
    stated = estimate(energy_kwh=12, uncertainty=0.2, pue=1.2, grid_intensity_g_per_kwh=250)
    assert stated.document.impacts["co2e_location_g"].low == pytest.approx(2880.0)


def test_uncertainty_on_a_given_power() -> None:
    r = estimate(hours=1, cpu_tdp_w=100, cpu_utilisation=1.0, uncertainty=0.1, pue=1.0)
    e = r.document.impacts["energy_it_j"]
    assert (e.low, e.high) == pytest.approx((0.9 * 360000, 1.1 * 360000))


def test_market_intensity_and_the_zero_caveat() -> None:
    r = estimate(energy_kwh=10, uncertainty=0, pue=1.0, market_intensity_g_per_kwh=374)
    assert r.document.impacts["co2e_market_g"].value == pytest.approx(3740.0)
    assert "co2e_market_g" not in r.document.missing
    zero = estimate(energy_kwh=10, uncertainty=0, pue=1.0, market_intensity_g_per_kwh=0)
    market = zero.document.impacts["co2e_market_g"]
    assert market.value == 0 and "do not change the grid" in market.method
    assert MARKET_ZERO_CAVEAT in zero.document.notes
    located = estimate(
        energy_kwh=10, uncertainty=0, pue=1.0, location="NL", year=2024,
        market_intensity_g_per_kwh=100,
    )  # fmt: skip
    assert located.document.impacts["co2e_market_g"].value == pytest.approx(1000.0)


def test_market_g_per_kwh_in_the_location_config() -> None:
    profile = resolve_location({"location": {"zone": "NL", "market_g_per_kwh": 55.5}})
    assert profile.market_g_per_kwh == 55.5
    resolved = factors_for_profile(profile, year=2024)
    assert resolved.market_g_per_kwh is not None
    assert resolved.market_g_per_kwh.interval.value == 55.5
    assert "market_g_per_kwh" in resolved.market_g_per_kwh.source
    with pytest.raises(ImpactError, match="market_g_per_kwh"):
        resolve_location({"location": {"zone": "NL", "market_g_per_kwh": -1}})


def test_embodied_range_and_embodied_only() -> None:
    # 1 200..1 800 kg over a 4-year life, reserved 1 year at half the machine:
    # 1 500 kg × 1/4 × 0.5 = 187.5 kg (150..225)
    r = estimate(
        reserved_hours=YEAR_H, share=0.5, embodied_kg=(1200, 1800), lifetime_years=4,
        grid_intensity_g_per_kwh=300,
    )  # fmt: skip
    assert r.embodied_only
    gwp = r.document.impacts["embodied_gwp_g"]
    assert (gwp.low, gwp.value, gwp.high) == pytest.approx((150e3, 187.5e3, 225e3))
    assert "co2e_location_g" not in r.document.impacts
    assert "embodied-only" in r.document.missing["energy_it_j"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"hours": 1, "cpu_tdp_w": 10, "embodied_kg": 1, "lifetime_years": 1, "share": 0}, "share"),
        ({"hours": 1, "cpu_tdp_w": 10, "embodied_kg": 1, "lifetime_years": 1, "share": 1.5},
         "share must be in"),
        ({"hours": 5, "reserved_hours": 2, "cpu_tdp_w": 10}, "reserved_hours .2 h. is shorter"),
        ({"hours": 1, "cpu_tdp_w": 10, "uncertainty": -0.1}, "uncertainty must be"),
        ({"hours": 1, "cpu_tdp_w": 10, "energy_kwh": 3}, "energy_kwh or powers"),
        ({"embodied_kg": (5, 2), "lifetime_years": 1, "hours": 1}, "embodied_kg range low"),
        ({"embodied_kg": 5, "lifetime_years": 1}, "reserved time"),
        ({"cpu_tdp_w": 10}, "needs hours"),
        ({"energy_kwh": 1, "market_intensity_g_per_kwh": -3}, "market_intensity_g_per_kwh"),
        ({"energy_kwh": 1, "share": 0.5}, "apply to embodied"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ImpactError, match=match):
        estimate(**kwargs)


def test_server_vintage_sets_the_idle_fraction() -> None:
    # servers published in 2023: median idle/100 % watts 0.222 (refdata/cpu_idle_by_year.csv)
    idle = estimate(hours=1, cpu_tdp_w=100, cpu_utilisation=0.0, pue=1.0, server_year=2023)
    assert idle.power_w["cpu"] == pytest.approx(22.2)
    full = estimate(hours=1, cpu_tdp_w=100, cpu_utilisation=1.0, pue=1.0, server_year=2023)
    assert full.power_w["cpu"] == pytest.approx(100.0)
    # at 10 %: 0.222 + 0.778 × (0.2944 - 0.146) / (1 - 0.146)
    ten = estimate(hours=1, cpu_tdp_w=100, cpu_utilisation=0.1, pue=1.0, server_year=2023)
    assert ten.power_w["cpu"] == pytest.approx(100 * (0.222 + 0.778 * 0.1484 / 0.854))
    later = estimate(hours=1, cpu_tdp_w=100, cpu_utilisation=0.0, pue=1.0, server_year=2040)
    assert any("table year 2026" in a for a in later.assumptions)
