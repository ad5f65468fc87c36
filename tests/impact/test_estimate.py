"""estimate(): hardware and hours to energy and impacts, checked by hand."""

from __future__ import annotations

import math
from typing import Any

import pytest

from algoprint.errors import ImpactError
from algoprint.impact.embodied import EmbodiedImpacts
from algoprint.impact.estimate import (
    CPU_UNCERTAINTY_REL,
    ESTIMATE_UNCERTAINTY_REL,
    MEMORY_W_PER_GB,
    cpu_power_lookup,
    default_cpu_bounds,
    estimate,
    gpu_power_lookup,
)
from algoprint.impact.uncertainty import Interval

KWH = 3.6e6


CURVE_AT_HALF = 0.5083  # refdata/cpu_load_curve.csv at u = 0.5 (the CPU model meter's curve)


def test_explicit_inputs_by_hand() -> None:
    # 8 cores × 12 W × curve(0.5) + 2 GPUs × 300 W × 0.25 + 64 GB × 0.3725 W/GB, for 10 h
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
    cpu = 8 * 12 * CURVE_AT_HALF  # 48.7968 W
    assert r.power_w == pytest.approx({"cpu": cpu, "gpu": 150.0, "memory": 23.84})
    e_kwh = (cpu + 150.0 + 23.84) * 10 / 1000
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
    assert e.high == pytest.approx(100 * 3600 * (1 + CPU_UNCERTAINTY_REL))
    assert any("assumed" in a for a in r.assumptions)
    r = estimate(hours=1, gpu_count=1, gpu_power_w=100, gpu_utilisation=1.0, pue=1.0)
    e = r.document.impacts["energy_it_j"]
    assert e.high == pytest.approx(100 * 3600 * (1 + ESTIMATE_UNCERTAINTY_REL))


def test_cpu_uncertainty_is_the_meters() -> None:
    from algoprint.meters.cpu_model import UNCERTAINTY_REL

    assert CPU_UNCERTAINTY_REL == UNCERTAINTY_REL


def test_cpu_follows_the_meters_load_curve() -> None:
    # at 10 % load the meter's curve gives 0.2944 of P_max (linear TDP × u would give 0.1)
    r = estimate(hours=1, cpu_tdp_w=100, cpu_utilisation=0.1, pue=1.0)
    assert r.power_w["cpu"] == pytest.approx(29.44)
    assert any("load curve" in a for a in r.assumptions)


def test_default_cpu_power_is_widened_and_said() -> None:
    w, low_rel, high_rel = default_cpu_bounds()
    assert 10 < w < 12  # median W per core of the table
    assert 0.2 < low_rel < 0.35 and 2.2 < high_rel < 2.6  # about -73 %/+137..146 %
    r = estimate(hours=2, cpu_cores=4, cpu_utilisation=1.0, pue=1.0)
    e = r.document.impacts["energy_it_j"]
    assert e.value == pytest.approx(4 * w * 2 * 3600)
    assert e.low == pytest.approx(e.value * low_rel) and e.high == pytest.approx(e.value * high_rel)
    assert any("default" in a and "spread" in a for a in r.assumptions)


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


def test_default_cpu_interval_covers_the_table() -> None:
    # coverage: the interval of a CPU on the default W per core holds the TDP-based power of
    # the table's CPUs (per core, at full load) for at least 95 % of them
    from algoprint.meters._cpu_table import cpu_power_table

    w, low_rel, high_rel = default_cpu_bounds()
    per_core = [e.tdp_w / e.n_cores for e in cpu_power_table() if e.n_cores]
    inside = sum(w * low_rel <= x <= w * high_rel for x in per_core)
    assert inside / len(per_core) >= 0.95
