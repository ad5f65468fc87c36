"""The impact formulas, checked against hand-computed values."""

from __future__ import annotations

import math

import pytest

from algoprint.errors import ImpactError
from algoprint.impact.compute import (
    EnergyComponent,
    EnergyInput,
    FactorValue,
    ResolvedFactors,
    compute_from_factors,
    compute_impacts,
    impacts_for_run,
)
from algoprint.impact.embodied import (
    SECONDS_PER_YEAR,
    EmbodiedImpacts,
    HardwareShare,
    hardware_share,
)
from algoprint.impact.location import LocationProfile, default_location
from algoprint.impact.model import IMPACT_KEYS
from algoprint.impact.uncertainty import Interval
from algoprint.tracking.record import ComponentRecord, RunRecord, RunStatus

KWH = 3.6e6


def exact(value: float, unit: str) -> FactorValue:
    return FactorValue.exact(value, unit=unit, source="test")


def factors(
    *,
    pue: float = 1.5,
    grid: float | None = 300.0,
    market: float | None = 0.0,
    wue: float | None = 0.5,
    ewif: float | None = 2.0,
) -> ResolvedFactors:
    missing = {}
    if grid is None:
        missing["grid_intensity"] = "no grid"
    return ResolvedFactors(
        pue=exact(pue, "1"),
        grid_g_per_kwh=None if grid is None else exact(grid, "g/kWh"),
        market_g_per_kwh=None if market is None else exact(market, "g/kWh"),
        wue_onsite_l_per_kwh=None if wue is None else exact(wue, "L/kWh"),
        water_offsite_l_per_kwh=None if ewif is None else exact(ewif, "L/kWh"),
        missing=missing,
    )


def embodied_1t() -> EmbodiedImpacts:
    return EmbodiedImpacts(
        gwp_g=Interval.exact(1_000_000.0),  # 1 t CO2e
        adpe_g_sbeq=Interval.exact(100.0),
        pe_j=Interval.exact(1e10),
        sources=("test",),
        origin="manufacturer",
    )


def test_operational_formulas_by_hand() -> None:
    # 1 kWh IT ±10 %, PUE 1.5, grid 300 g/kWh, GvO 0, WUE 0.5 L/kWh, EWIF 2 L/kWh
    doc = compute_from_factors(EnergyInput.single(KWH, 0.1), factors(), duration_s=3600)
    imp = doc.impacts
    assert imp["energy_it_j"].value == pytest.approx(KWH)
    assert imp["energy_facility_j"].value == pytest.approx(1.5 * KWH)
    loc = imp["co2e_location_g"]
    assert loc.value == pytest.approx(450.0)  # 1 × 1.5 × 300
    assert (loc.low, loc.high) == pytest.approx((405.0, 495.0))  # only energy varies
    assert imp["co2e_market_g"].value == 0.0
    assert imp["water_onsite_l"].value == pytest.approx(0.5)  # no PUE on on-site water
    assert imp["water_offsite_l"].value == pytest.approx(3.0)  # 1 × 1.5 × 2
    assert imp["water_l"].value == pytest.approx(3.5)
    assert imp["co2e_location_g"].unit == "g"
    assert imp["water_l"].unit == "L"


def test_pue_one_leaves_energy_unchanged() -> None:
    doc = compute_from_factors(EnergyInput.single(5000.0, 0.05), factors(pue=1.0), duration_s=1)
    assert doc.impacts["energy_facility_j"].value == doc.impacts["energy_it_j"].value


def test_components_sum_with_quadrature() -> None:
    energy = EnergyInput(
        (EnergyComponent("cpu", 3.0 * KWH, 0.1), EnergyComponent("gpu", 4.0 * KWH, 0.1))
    )
    doc = compute_from_factors(energy, factors(pue=1.0, grid=100.0), duration_s=1)
    e = doc.impacts["energy_it_j"]
    assert e.value == pytest.approx(7.0 * KWH)
    assert e.high - e.value == pytest.approx(0.5 * KWH)  # sqrt(0.3² + 0.4²)
    assert doc.impacts["co2e_location_g"].value == pytest.approx(700.0)


def test_embodied_share_and_sci_by_hand() -> None:
    hardware = HardwareShare(embodied_1t(), SECONDS_PER_YEAR, share=0.5, share_basis="gpus 1/2")
    doc = compute_from_factors(
        EnergyInput.single(KWH, 0.0),
        factors(),
        duration_s=SECONDS_PER_YEAR / 100,
        hardware=hardware,
        units=10,
    )
    # 1 t × (1/100 of the lifetime) × 0.5 = 5 kg
    assert doc.impacts["embodied_gwp_g"].value == pytest.approx(5000.0)
    assert doc.impacts["embodied_adpe_g_sbeq"].value == pytest.approx(0.5)
    assert doc.impacts["embodied_pe_j"].value == pytest.approx(5e7)
    assert doc.impacts["co2e_total_g"].value == pytest.approx(5450.0)
    # SCI = (E × I + M) / R = (450 + 5000) / 10
    assert doc.impacts["sci_g_per_unit"].value == pytest.approx(545.0)
    assert doc.factors["embodied_allocation"]["value"] == pytest.approx(0.005)


def test_embodied_allocation_capped_at_lifetime() -> None:
    hardware = HardwareShare(embodied_1t(), 100.0)
    doc = compute_from_factors(
        EnergyInput.single(1.0, 0.0), factors(), duration_s=1000.0, hardware=hardware
    )
    assert doc.impacts["embodied_gwp_g"].value == pytest.approx(1_000_000.0)


def test_hardware_share_follows_the_sci_rule_by_default() -> None:
    share = hardware_share(embodied_1t(), lifetime_years=4, vcpus=(8, 64), gpus=(1, 4))
    assert share.share == 0.125  # SCI: reserved vCPUs / host vCPUs
    assert share.share_basis == "vcpus 8/64 (SCI rule: reserved vCPU share)"
    assert share.lifetime_s == 4 * SECONDS_PER_YEAR
    gpu_only = hardware_share(embodied_1t(), lifetime_years=4, gpus=(1, 4))
    assert gpu_only.share == 0.25


def test_hardware_share_largest_ratio_as_an_option() -> None:
    share = hardware_share(embodied_1t(), lifetime_years=4, vcpus=(8, 64), gpus=(1, 4), rule="max")
    assert share.share == 0.25
    assert share.share_basis == "gpus 1/4 (largest of the reserved ratios)"
    with pytest.raises(ImpactError, match="share rule"):
        hardware_share(embodied_1t(), lifetime_years=4, vcpus=(8, 64), rule="min")


def test_missing_inputs_are_missing_not_zero() -> None:
    doc = compute_from_factors(
        EnergyInput.single(KWH, 0.1), factors(grid=None, wue=None), duration_s=1
    )
    for key in ("co2e_location_g", "water_onsite_l", "water_l", "embodied_gwp_g", "sci_g_per_unit"):
        assert key not in doc.impacts
        assert doc.missing[key]
    assert "no functional units" in doc.missing["sci_g_per_unit"]
    assert "water_offsite_l" in doc.impacts


def test_sci_needs_units_and_embodied() -> None:
    doc = compute_from_factors(EnergyInput.single(KWH, 0.1), factors(), duration_s=1, units=5)
    assert "sci_g_per_unit" not in doc.impacts
    assert "embodied" in doc.missing["sci_g_per_unit"]


@pytest.mark.parametrize("energy", [-1.0, math.nan, math.inf])
def test_bad_energy_raises(energy: float) -> None:
    with pytest.raises(ImpactError, match="energy_j"):
        EnergyInput.single(energy, 0.1)


def test_bad_uncertainty_raises() -> None:
    with pytest.raises(ImpactError, match="uncertainty_rel"):
        EnergyInput.single(1.0, -0.1)


def test_pue_below_one_raises() -> None:
    with pytest.raises(ImpactError, match="PUE must be >= 1"):
        factors(pue=0.9)


@pytest.mark.parametrize("units", [0.0, -3.0, math.nan])
def test_bad_units_raise(units: float) -> None:
    with pytest.raises(ImpactError, match="functional units"):
        compute_from_factors(EnergyInput.single(1.0, 0.1), factors(), duration_s=1, units=units)


@pytest.mark.parametrize("lifetime_s", [0.0, -1.0, math.nan])
def test_bad_lifetime_raises(lifetime_s: float) -> None:
    with pytest.raises(ImpactError, match="lifetime"):
        HardwareShare(embodied_1t(), lifetime_s)


def test_hardware_share_lifetime_zero_raises() -> None:
    with pytest.raises(ImpactError, match="lifetime_years"):
        hardware_share(embodied_1t(), lifetime_years=0)


def test_no_energy_components_raises() -> None:
    with pytest.raises(ImpactError):
        EnergyInput(())


# ---- with the shipped tables


def test_compute_impacts_uses_grid_of_the_year() -> None:
    profile = LocationProfile(zone="NL", pue=1.0, wue_onsite_l_per_kwh=0.0, contract="groen-gvo")
    doc = compute_impacts(EnergyInput.single(KWH, 0.0), profile, year=2024, duration_s=1)
    assert doc.impacts["co2e_location_g"].value == pytest.approx(250.72)  # OWID NL 2024
    assert doc.impacts["co2e_market_g"].value == 0.0
    assert doc.factor_version
    assert doc.factors["grid_intensity"]["origin"] == "table"


def test_newer_year_uses_latest_and_says_so() -> None:
    doc = compute_impacts(
        EnergyInput.single(KWH, 0.0), LocationProfile(zone="NL", pue=1.0), year=2031, duration_s=1
    )
    assert any("latest available" in n for n in doc.notes)


def test_year_before_table_raises() -> None:
    with pytest.raises(ImpactError, match="covers"):
        compute_impacts(
            EnergyInput.single(KWH, 0.0), LocationProfile(zone="NL"), year=1990, duration_s=1
        )


def test_unconfigured_profile_raises_with_hint() -> None:
    with pytest.raises(ImpactError, match="no location configured") as err:
        compute_impacts(
            EnergyInput.single(1.0, 0.0),
            LocationProfile(zone=None, configured=False),
            year=2024,
            duration_s=1,
        )
    assert err.value.hint is not None and "--location" in err.value.hint


def run(**changes: object) -> RunRecord:
    record = RunRecord(
        run_id="r1",
        algorithm="a",
        phase=None,
        status=RunStatus.COMPLETED,
        started_at="2024-05-01T10:00:00+00:00",
        scope="machine",
        duration_s=3600.0,
        energy_j=KWH,
        machine_energy_j=KWH,
        uncertainty_rel=0.05,
        units=100.0,
    )
    for key, value in changes.items():
        setattr(record, key, value)
    return record


def test_impacts_for_run_by_hand() -> None:
    profile = LocationProfile(zone="NL", pue=1.2, wue_onsite_l_per_kwh=0.0)
    doc = impacts_for_run(run(), profile)
    assert doc.impacts["co2e_location_g"].value == pytest.approx(1.2 * 250.72)
    assert doc.impacts["energy_it_j"].high == pytest.approx(1.05 * KWH)
    assert "embodied_gwp_g" in doc.missing


def test_impacts_for_run_gap_is_missing_everywhere() -> None:
    doc = impacts_for_run(run(energy_j=None, measured_energy_j=10.0), default_location("NL"))
    assert doc.impacts == {}
    assert set(doc.missing) == set(IMPACT_KEYS)
    assert "meter gap" in doc.missing["co2e_location_g"]


def test_impacts_for_run_derives_uncertainty_from_components() -> None:
    components = [
        ComponentRecord("cpu", "package-0", 0.6 * KWH, "counter", 0.1),
        ComponentRecord("memory", "dram", 0.4 * KWH, "model", 0.1),
        ComponentRecord("platform", "psys", 2.0 * KWH, "counter", 0.5),
    ]
    doc = impacts_for_run(
        run(uncertainty_rel=None, components=components), LocationProfile(zone="NL", pue=1.0)
    )
    spread = doc.impacts["energy_it_j"].high - KWH
    assert spread == pytest.approx(math.hypot(0.06, 0.04) * KWH)


# ---- embodied from components (Boavizta method) and equivalents


def test_effective_die_area_matches_boavizta_reference() -> None:
    from algoprint.impact.embodied import effective_die_mm2

    # BOAVIZTA_FACTORS.md: 814 mm² → about 2808 mm²; 80 GB VRAM on 6 dies → about 2343 mm²
    assert effective_die_mm2(814) == pytest.approx(2808, abs=1)
    assert effective_die_mm2(80 * 15.5 / 6) * 6 == pytest.approx(2343, abs=1)


def test_server_embodied_by_hand_with_explicit_factors() -> None:
    from algoprint.impact.embodied import ComponentFactor, ServerSpec, server_embodied

    table = {
        ("cpu", "die"): ComponentFactor(1.97, 0.0, 0.0, 1.0, 1.0),  # per cm²
        ("cpu", "base"): ComponentFactor(9.14, 0.0, 0.0, 1.0, 1.0),
        ("ram", "per_gb"): ComponentFactor(2.0, 0.0, 0.0, 1.0, 1.0),
        ("ram", "base"): ComponentFactor(5.0, 0.0, 0.0, 1.0, 1.0),
        ("mainboard", "unit"): ComponentFactor(66.1, 0.0, 0.0, 0.5, 1.5),
        ("assembly", "server"): ComponentFactor(6.68, 0.0, 0.0, 1.0, 1.0),
        ("case", "rack"): ComponentFactor(150.0, 0.0, 0.0, 1.0, 1.0),
        ("psu", "per_kg"): ComponentFactor(24.3, 0.0, 0.0, 1.0, 1.0),
    }
    spec = ServerSpec(cpu_units=2, cpu_die_mm2=500, ram_units=4, ram_gb_per_unit=16)
    emb = server_embodied(spec, lookup=lambda c, p: table[(c, p)])
    expected_kg = (
        2 * 5.0 * 1.97 + 2 * 9.14 + 4 * 16 * 2.0 + 4 * 5.0 + 66.1 + 6.68 + 150 + 2 * 2.99 * 24.3
    )
    assert emb.gwp_g is not None
    assert emb.gwp_g.value == pytest.approx(expected_kg * 1000)
    # only the mainboard has a range: ±50 % of 66.1 kg, summed linearly
    assert emb.gwp_g.high - emb.gwp_g.value == pytest.approx(0.5 * 66.1 * 1000)


def test_server_embodied_from_tables() -> None:
    from algoprint.impact.embodied import ServerSpec, server_embodied

    emb = server_embodied(ServerSpec(cpu_units=1, cpu_die_mm2=400, gpu_units=1))
    assert emb.gwp_g is not None and emb.gwp_g.value > 0
    assert emb.origin == "components"
    assert any("Boavizta" in s for s in emb.sources)


def test_server_embodied_needs_die_area() -> None:
    from algoprint.impact.embodied import ServerSpec, server_embodied

    with pytest.raises(ImpactError, match="die area"):
        server_embodied(ServerSpec(cpu_units=1))


def test_equivalents_carry_sources_and_skip_gaps() -> None:
    from algoprint.impact.equivalents import equivalents

    doc = compute_from_factors(
        EnergyInput.single(KWH, 0.0), factors(pue=1.0, grid=175.0), duration_s=1
    )
    eq = equivalents(doc)
    assert eq["car_km"]["value"] == pytest.approx(1.0)  # 175 g = 1 km at 175 g/km
    assert eq["household_electricity_days"]["value"] == pytest.approx(365 / 1706)
    assert eq["household_electricity_days"]["needs_check"] is True
    assert "cbs.nl" in eq["household_electricity_days"]["source"]
    gap = compute_from_factors(EnergyInput.single(KWH, 0.0), factors(grid=None), duration_s=1)
    assert "car_km" not in equivalents(gap)
