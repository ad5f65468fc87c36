"""Embodied impacts of measured runs: the [hardware] machine or the default archetype."""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import Any

import pytest

from algoprint.config import load_settings
from algoprint.errors import ImpactError
from algoprint.impact.compute import impacts_for_run
from algoprint.impact.embodied import SECONDS_PER_YEAR
from algoprint.impact.hardware import (
    DEFAULT_ARCHETYPE,
    DEFAULT_GPU_ARCHETYPE,
    archetype_machine,
    archetypes,
    declared_machine,
    gpu_cards,
    hardware_for_run,
)
from algoprint.impact.location import LocationProfile
from algoprint.report._compute import ImpactEngine
from algoprint.tracking.record import ComponentRecord, RunRecord, RunStatus

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
REFDATA = ROOT / "src" / "algoprint" / "refdata"
PROFILE = LocationProfile(zone="NL", pue=1.2, wue_onsite_l_per_kwh=0.0)
HOUR_OF_4_YEARS = 3600.0 / (4 * SECONDS_PER_YEAR)

# platform_compute_low by hand (Boavizta factors, kg CO2e): 2 CPUs of 8 cores × 24.5 mm²,
# 4 × 16 GB RAM, 1 × 100 GB SSD, mainboard, assembly, rack case, 2 × 2.99 kg PSU.
LOW_GWP_KG = (
    2 * (8 * 24.5 / 100 * 1.97 + 9.14)
    + 4 * (16 * 1.767920282867 + 5.22)
    + (100 * 0.040084395873 + 6.34)
    + 66.1
    + 6.68
    + 150
    + 2 * 2.99 * 24.3
)
LOW_ADPE_KG = (
    2 * (8 * 24.5 / 100 * 5.87e-07 + 0.0204)
    + 4 * (16 * 0.000050626808 + 0.00169)
    + (100 * 0.000001147871 + 0.000563)
    + 0.00369
    + 1.41e-06
    + 0.0202
    + 2 * 2.99 * 0.0083
)


def run(host: dict[str, Any] | None = None, gpus: int = 0, **changes: object) -> RunRecord:
    record = RunRecord(
        run_id="r1",
        algorithm="a",
        phase=None,
        status=RunStatus.COMPLETED,
        started_at="2024-05-01T10:00:00+00:00",
        scope="machine",
        duration_s=3600.0,
        energy_j=3.6e6,
        machine_energy_j=3.6e6,
        uncertainty_rel=0.05,
        units=100.0,
        host={"vcpus_available": 2.0, "memory_gb_available": 2.0} if host is None else host,
        components=[ComponentRecord("gpu", str(i), 1000.0, "counter", 0.05) for i in range(gpus)],
    )
    for key, value in changes.items():
        setattr(record, key, value)
    return record


def hw(**table: object) -> dict[str, Any]:
    return {"hardware": table}


def test_archetype_embodied_by_hand() -> None:
    machine = archetype_machine("platform_compute_low")
    assert machine.embodied.gwp_g is not None and machine.embodied.adpe_g_sbeq is not None
    assert machine.embodied.gwp_g.value == pytest.approx(LOW_GWP_KG * 1000)
    assert machine.embodied.adpe_g_sbeq.value == pytest.approx(LOW_ADPE_KG * 1000)
    assert (machine.total_vcpus, machine.memory_gb, machine.gpu_units) == (32, 64, 0)
    assert machine.lifetime_years == 4


def test_declared_archetype_share_of_a_run_by_hand() -> None:
    extra = hw(server="platform_compute_low", total_vcpus=32, lifetime_years=4)
    doc = impacts_for_run(run(), PROFILE, settings_extra=extra)
    share = 2 / 32  # vCPUs 2/32 beat memory 2/64
    gwp = doc.impacts["embodied_gwp_g"]
    assert gwp.value == pytest.approx(LOW_GWP_KG * 1000 * HOUR_OF_4_YEARS * share)
    adpe = doc.impacts["embodied_adpe_g_sbeq"]
    assert adpe.value == pytest.approx(LOW_ADPE_KG * 1000 * HOUR_OF_4_YEARS * share)
    assert "embodied_pe_j" in doc.impacts
    allocation = doc.factors["embodied_allocation"]
    assert allocation["share_basis"] == "vcpus 2/32 of platform_compute_low"
    assert doc.factors["machine_embodied_gwp"]["origin"] == "config"
    total = doc.impacts["co2e_total_g"].value
    assert total == pytest.approx(doc.impacts["co2e_location_g"].value + gwp.value)
    assert doc.impacts["sci_g_per_unit"].value == pytest.approx(total / 100)
    assert not any("default server archetype" in line for line in doc.defaults)


def test_without_hardware_table_the_default_archetype_is_used_and_said() -> None:
    doc = impacts_for_run(run(host={"vcpus_available": 4.0, "memory_gb_available": 8.0}), PROFILE)
    machine = archetype_machine(DEFAULT_ARCHETYPE, origin="default")
    assert machine.embodied.gwp_g is not None
    gwp = doc.impacts["embodied_gwp_g"]
    assert gwp.value == pytest.approx(machine.embodied.gwp_g.value * HOUR_OF_4_YEARS * 4 / 96)
    assert doc.factors["embodied_allocation"]["share_basis"] == f"vcpus 4/96 of {DEFAULT_ARCHETYPE}"
    assert any(
        line.startswith(
            f"embodied impacts use the default server archetype {DEFAULT_ARCHETYPE} because no "
            "[hardware] table is configured; declare yours in [hardware]"
        )
        for line in doc.defaults
    )
    assert doc.factors["machine_embodied_gwp"]["origin"] == "default"
    # A wide interval: the archetype's component ranges × the factor ranges.
    assert gwp.low < 0.5 * gwp.value and gwp.high > 2 * gwp.value
    assert "sci_g_per_unit" in doc.impacts


def test_a_run_with_gpus_defaults_to_the_gpu_archetype() -> None:
    share, notes = hardware_for_run(run(gpus=2), {})
    assert share is not None and share.share == pytest.approx(2 / 8)
    assert share.share_basis == f"gpus 2/8 of {DEFAULT_GPU_ARCHETYPE}"
    assert "(the run used GPUs)" in notes[0]


def test_default_share_is_capped_at_the_whole_machine() -> None:
    share, notes = hardware_for_run(run(host={"vcpus_available": 128.0}), {})
    assert share is not None and share.share == 1.0
    assert any("capped" in line for line in notes)


@pytest.mark.parametrize("host", [{}, {"hostname": "h", "cpu_model": "Xeon"}])
def test_an_old_record_keeps_embodied_missing_with_the_reason(host: dict[str, Any]) -> None:
    doc = impacts_for_run(run(host=host), PROFILE)
    assert "co2e_location_g" in doc.impacts
    for key in ("embodied_gwp_g", "embodied_adpe_g_sbeq", "embodied_pe_j"):
        assert key not in doc.impacts
        assert "share of the machine is unknown" in doc.missing[key]
    assert "co2e_total_g" in doc.missing and "sci_g_per_unit" in doc.missing


def test_declared_components_by_hand() -> None:
    extra = hw(cpu_die_mm2=200, ram_gb=64, lifetime_years=5, total_vcpus=16)
    share, notes = hardware_for_run(run(host={"memory_gb_available": 16.0}), extra)
    expected_kg = (
        (2.0 * 1.97 + 9.14) + 2 * (32 * 1.767920282867 + 5.22) + 66.1 + 6.68 + 150 + 2 * 2.99 * 24.3
    )
    assert share is not None and share.embodied.gwp_g is not None
    assert share.embodied.gwp_g.value == pytest.approx(expected_kg * 1000)
    assert share.share == pytest.approx(16 / 64) and share.share_basis.startswith("memory_gb")
    assert share.lifetime_s == pytest.approx(5 * SECONDS_PER_YEAR)
    assert notes == []


def test_declared_cores_assume_die_area_and_threads_and_say_so() -> None:
    machine = declared_machine(hw(cpu_units=2, cpu_cores=16, ram_gb=128))
    assert machine is not None and machine.total_vcpus == 64
    text = " ".join(machine.defaults)
    assert "CPU die area assumed 392 mm²" in text
    assert "total_vcpus assumed 64" in text and "lifetime 4 years" in text


def test_archetype_overrides_and_gpu_card() -> None:
    base = archetype_machine("platform_compute_medium")
    more = declared_machine(hw(server="platform_compute_medium", ram_gb=512))
    assert more is not None and more.memory_gb == 512
    assert more.embodied.gwp_g is not None and base.embodied.gwp_g is not None
    assert more.embodied.gwp_g.value > base.embodied.gwp_g.value
    gpu = declared_machine(hw(server="platform_compute_medium", gpu_units=4, gpu="NVIDIA L4"))
    assert gpu is not None and gpu.gpu_units == 4
    assert gpu.embodied.gwp_g is not None
    assert gpu.embodied.gwp_g.value > base.embodied.gwp_g.value
    assert "NVIDIA H100 SXM 80GB" in gpu_cards()


def test_manufacturer_footprint() -> None:
    extra = hw(manufacturer_gwp_kg=1000, lifetime_years=5, total_vcpus=64)
    doc = impacts_for_run(run(), PROFILE, settings_extra=extra)
    fraction = 3600 / (5 * SECONDS_PER_YEAR) * 2 / 64
    assert doc.impacts["embodied_gwp_g"].value == pytest.approx(1e6 * fraction)
    assert "no adpe_g_sbeq figure" in doc.missing["embodied_adpe_g_sbeq"]


def test_manufacturer_product_lookup() -> None:
    machine = declared_machine(hw(product="PowerEdge R740", total_vcpus=48))
    assert machine is not None and machine.name == "Dell PowerEdge R740"
    assert machine.embodied.gwp_g is not None
    assert machine.embodied.gwp_g.value == pytest.approx(8640 * 0.152 * 1000)
    assert machine.lifetime_years == 4


def test_declared_machine_without_share_basis_is_allocated_whole() -> None:
    share, notes = hardware_for_run(run(), hw(manufacturer_gwp_kg=500, lifetime_years=4))
    assert share is not None and share.share == 1.0
    assert any("upper bound" in line for line in notes)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"server": "platform_compute_huge"}, "unknown server archetype"),
        ({"server": "platform_compute_low", "lifetime_years": 0}, "lifetime_years"),
        ({"ram_gb": -1, "cpu_cores": 4}, "ram_gb"),
        ({"cpu_cores": math.nan}, "cpu_cores"),
        ({"cpu_cores": 2.5}, "cpu_cores"),
        ({"total_vcpus": True}, "total_vcpus"),
        ({"server": "platform_compute_low", "ram": 64}, "unknown key(s) in [hardware]: ram"),
        ({"server": "platform_compute_low", "case": "tower"}, "case"),
        ({"ram_gb": 64}, "cpu_cores or cpu_die_mm2"),
        ({"manufacturer_gwp_kg": 900}, "lifetime_years"),
        ({"manufacturer_gwp_kg": 900, "server": "platform_compute_low"}, "mixes"),
        ({"product": "PowerEdge"}, "matches"),
        ({"server": "platform_compute_low", "gpu_units": 1, "gpu": "Voodoo"}, "gpu"),
    ],
)
def test_invalid_hardware_tables_are_errors(table: dict[str, Any], words: str) -> None:
    with pytest.raises(ImpactError) as err:
        hardware_for_run(run(), hw(**table))
    with pytest.raises(ImpactError):
        impacts_for_run(run(), PROFILE, settings_extra=hw(**table))
    assert words in err.value.message
    assert err.value.hint


def test_a_run_larger_than_the_declared_machine_is_an_error() -> None:
    extra = hw(server="platform_compute_low", total_vcpus=16)
    with pytest.raises(ImpactError, match="total_vcpus") as err:
        impacts_for_run(run(host={"vcpus_available": 32.0}), PROFILE, settings_extra=extra)
    assert "total_vcpus" in (err.value.hint or "")


def test_report_engine_uses_the_default_per_run_and_degrades_a_misfit_run() -> None:
    engine = ImpactEngine(algorithms={}, settings_extra={})
    item = engine.compute(run())
    assert item.doc is not None and "embodied_gwp_g" in item.doc.impacts
    assert any("default server archetype" in line for line in item.doc.defaults)
    strict = ImpactEngine(algorithms={}, settings_extra=hw(server="platform_compute_low"))
    misfit = strict.compute(run(host={"vcpus_available": 64.0}))
    assert misfit.doc is not None and "co2e_location_g" in misfit.doc.impacts
    assert "total_vcpus" in misfit.doc.missing["embodied_gwp_g"]


def test_report_engine_rejects_an_invalid_table_at_once() -> None:
    with pytest.raises(ImpactError, match="unknown server archetype"):
        ImpactEngine(algorithms={}, settings_extra=hw(server="nope"))


def test_hardware_is_a_config_section(tmp_path: Path) -> None:
    project = tmp_path / "algoprint.toml"
    project.write_text('[hardware]\nserver = "platform_compute_high"\ntotal_vcpus = 128\n')
    settings = load_settings(env={}, project_file=project, user_file=tmp_path / "none.toml")
    machine = declared_machine(settings.extra)
    assert machine is not None and machine.name == "platform_compute_high"
    assert machine.total_vcpus == 128


def test_archetype_names_accept_boaviztas_spelling() -> None:
    assert "platform_gpucompute_low" in archetypes()
    assert archetype_machine("platfom_gpucompute_low").name == "platform_gpucompute_low"


def test_build_script_reproduces_the_archetype_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared reference data not found at {SHARED}")
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    module = importlib.import_module("refdata.hardware_archetypes")
    written = module.build(SHARED, tmp_path)
    assert {p.name for p in written} == {"server_archetypes.csv", "gpu_cards.csv"}
    for path in written:
        assert path.read_bytes() == (REFDATA / path.name).read_bytes(), path.name
