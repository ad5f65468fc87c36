"""estimate(): hardware and hours to energy and impacts, checked by hand."""

from __future__ import annotations

import math
from typing import Any

import pytest

from algoprint.errors import ImpactError
from algoprint.impact.embodied import EmbodiedImpacts
from algoprint.impact.estimate import (
    ESTIMATE_UNCERTAINTY_REL,
    MEMORY_W_PER_GB,
    cpu_power_lookup,
    estimate,
    gpu_power_lookup,
)
from algoprint.impact.uncertainty import Interval

KWH = 3.6e6


def test_explicit_inputs_by_hand() -> None:
    # 8 cores × 12 W × 0.5 + 2 GPUs × 300 W × 0.25 + 64 GB × 0.3725 W/GB, for 10 h
    r = estimate(
        hours=10,
        cpu_cores=8,
        cpu_power_per_core_w=12,
        cpu_utilisation=0.5,
        gpu_count=2,
        gpu_power_w=300,
        gpu_utilisation=0.25,
        memory_gb=64,
        pue=1.2,
        grid_intensity_g_per_kwh=250,
        wue_l_per_kwh=0.4,
    )
    assert r.power_w == pytest.approx({"cpu": 48.0, "gpu": 150.0, "memory": 23.84})
    e_kwh = (48.0 + 150.0 + 23.84) * 10 / 1000  # 2.2184 kWh
    doc = r.document.impacts
    assert doc["energy_it_j"].value == pytest.approx(e_kwh * KWH)
    assert doc["energy_facility_j"].value == pytest.approx(1.2 * e_kwh * KWH)
    assert doc["co2e_location_g"].value == pytest.approx(1.2 * e_kwh * 250)
    assert doc["water_onsite_l"].value == pytest.approx(0.4 * e_kwh)
    assert "water_offsite_l" in r.document.missing  # no location: no EWIF
    assert "co2e_market_g" in r.document.missing
    assert any("0.3725" in a for a in r.assumptions)


def test_uncertainty_is_recorded_assumption() -> None:
    r = estimate(hours=1, cpu_tdp_w=100, cpu_utilisation=1.0, pue=1.0, grid_intensity_g_per_kwh=1)
    e = r.document.impacts["energy_it_j"]
    assert e.high == pytest.approx(100 * 3600 * (1 + ESTIMATE_UNCERTAINTY_REL))
    assert any("assumed" in a for a in r.assumptions)


def test_missing_utilisation_is_full_load_and_said() -> None:
    r = estimate(hours=1, cpu_tdp_w=100, pue=1.0)
    assert r.power_w["cpu"] == 100.0
    assert any("cpu_utilisation not given" in d for d in r.document.defaults)


def test_memory_only() -> None:
    r = estimate(hours=2, memory_gb=10, pue=1.0, grid_intensity_g_per_kwh=100)
    assert r.power_w == {"memory": pytest.approx(10 * MEMORY_W_PER_GB)}


def test_cpu_model_lookup_scales_by_cores() -> None:
    tdp, cores, source = cpu_power_lookup("AMD EPYC 7513")
    assert (tdp, cores) == (200.0, 32)
    assert "Green Algorithms" in source
    r = estimate(hours=1, cpu_model="amd epyc-7513", cpu_cores=8, cpu_utilisation=1.0, pue=1.0)
    assert r.power_w["cpu"] == pytest.approx(8 * 200 / 32)


def test_gpu_model_lookup() -> None:
    assert gpu_power_lookup("NVIDIA A100 80GB PCIe")[0] == 300.0
    r = estimate(
        hours=1, gpu_model="NVIDIA A100 80GB PCIe", gpu_count=4, gpu_utilisation=0.5, pue=1
    )
    assert r.power_w["gpu"] == pytest.approx(600.0)


def test_unknown_model_names_close_matches() -> None:
    with pytest.raises(ImpactError, match="closest"):
        cpu_power_lookup("AMD EPYC 751")


def test_location_brings_tables() -> None:
    r = estimate(hours=1, cpu_tdp_w=1000, cpu_utilisation=1, pue=1.0, location="NL", year=2024)
    doc = r.document
    assert doc.impacts["co2e_location_g"].value == pytest.approx(250.72)
    assert "water_offsite_l" in doc.impacts
    assert "co2e_market_g" in doc.impacts


def test_embodied_needs_lifetime_and_is_allocated() -> None:
    emb = EmbodiedImpacts(Interval.exact(8.76e6), None, None, ("pcf",), "manufacturer")
    with pytest.raises(ImpactError, match="lifetime_years"):
        estimate(hours=1, cpu_tdp_w=10, pue=1, embodied=emb)
    r = estimate(hours=1, cpu_tdp_w=10, pue=1, embodied=emb, lifetime_years=1)
    # 8.76e6 g over 8760 h → 1000 g per hour
    assert r.document.impacts["embodied_gwp_g"].value == pytest.approx(1000.0)
    assert "embodied_pe_j" in r.document.missing


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"hours": 1}, "nothing to estimate"),
        ({"hours": 0, "cpu_tdp_w": 10}, "hours"),
        ({"hours": -1, "cpu_tdp_w": 10}, "hours"),
        ({"hours": math.nan, "cpu_tdp_w": 10}, "hours"),
        ({"hours": 1, "cpu_tdp_w": -5}, "cpu_tdp_w"),
        ({"hours": 1, "cpu_cores": 4}, "needs a power"),
        ({"hours": 1, "cpu_power_per_core_w": 4}, "needs cpu_cores"),
        ({"hours": 1, "gpu_count": 2}, "gpu_power_w or gpu_model"),
        ({"hours": 1, "gpu_power_w": 300}, "gpu_count is 0"),
        ({"hours": 1, "cpu_tdp_w": 10, "cpu_utilisation": 1.5}, "between 0 and 1"),
        ({"hours": 1, "cpu_tdp_w": 10, "pue": 0.8}, "pue must be >= 1"),
        ({"hours": 1, "cpu_tdp_w": 10, "location": "XX"}, "unknown zone"),
        ({"hours": 1, "cpu_tdp_w": 10, "wue_l_per_kwh": -1}, "wue_l_per_kwh"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ImpactError, match=match):
        estimate(**kwargs)


def test_lifetime_zero_raises() -> None:
    emb = EmbodiedImpacts(Interval.exact(1.0), None, None, ("x",), "manufacturer")
    with pytest.raises(ImpactError, match="lifetime_years"):
        estimate(hours=1, cpu_tdp_w=10, pue=1, embodied=emb, lifetime_years=0)
