"""CPU model meter: table lookup, vCPU scaling, load curve, integration over a fake /proc/stat."""

from __future__ import annotations

import importlib.util
import itertools
import logging
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from algoprint.config import Settings
from algoprint.errors import ConfigError, MeterError, MeterUnavailable
from algoprint.meters import cpu_model
from algoprint.meters._cpu_table import (
    LoadCurve,
    cores_from_name,
    cpu_power_table,
    default_w_per_core,
    load_curve,
    match_cpu_model,
    normalise_cpu_name,
)
from algoprint.meters.common import Domain, Method, SampleContext

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures"
PROC = FIX / "proc"
CG = FIX / "cgroup"
NOSYS = FIX / "no-such-sys"
SHARED = ROOT.parent / "shared" / "data"

EPYC_7763_PMAX_4VCPU_W = 280 * 4 / (64 * 2)  # TDP x vCPUs / (cores x SMT) = 8.75 W


def _curve_at(u: float) -> float:
    curve = load_curve()
    return curve.power_rel[curve.utilisation.index(u)]


def _proc(tmp_path: Path, model: str | None = None, hypervisor: bool = True) -> Path:
    """A copy of the vm4 fake /proc, optionally with another model name / no hypervisor flag."""
    root = tmp_path / "proc"
    shutil.copytree(PROC / "vm4", root)
    text = (root / "cpuinfo").read_text()
    if model is not None:
        text = text.replace("AMD EPYC 7763 64-Core Processor", model)
    if not hypervisor:
        text = text.replace(" hypervisor", "")
    (root / "cpuinfo").write_text(text)
    return root


def _resolve(proc: Path, cgroup: str = "v2_unlimited", **kw: object) -> cpu_model.CpuPowerModel:
    return cpu_model.resolve_cpu_power(
        proc_root=proc,
        cgroup_root=CG / cgroup,
        sys_root=NOSYS,
        **kw,  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    ("name", "key", "kind", "tdp_w"),
    [
        ("Intel(R) Xeon(R) Platinum 8480+", "xeon platinum 8480+", "exact", 350),
        ("AMD EPYC 7763 64-Core Processor", "epyc 7763", "exact", 280),
        ("Intel(R) Xeon(R) CPU E5-2620 v3 @ 2.40GHz", "xeon e5-2620 v3", "exact", 85),
        ("Intel(R) Xeon(R) CPU E5-2620 0 @ 2.00GHz", "xeon e5-2620", "exact", 95),
        ("Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz", "core i7-8650u", "exact", 15),
        ("AMD Ryzen 7 5800H with Radeon Graphics", "ryzen 7 5800h", "exact", 45),
        (
            "AMD Ryzen Threadripper PRO 3995WX 64-Cores",
            "ryzen threadripper pro 3995wx",
            "exact",
            280,
        ),
        ("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", "xeon gold 6148", "exact", 150),
        ("Intel Xeon E5-2620 v3 Haswell-EP", "xeon e5-2620 v3 haswell-ep", "token", 85),
        ("AMD EPYC 7B13 64-Core Processor", "epyc 7b13", "none", None),
        ("Intel(R) Xeon(R) CPU @ 2.20GHz", "xeon", "none", None),
        ("AMD EPYC", "epyc", "none", None),
    ],
)
def test_match_cpu_model(name: str, key: str, kind: str, tdp_w: float | None) -> None:
    match = match_cpu_model(name)
    assert match.key == key
    assert match.kind == kind
    assert (match.entry.tdp_w if match.entry else None) == tdp_w


def test_cores_from_name() -> None:
    assert cores_from_name("AMD EPYC 7B13 64-Core Processor") == 64
    assert cores_from_name("AMD Ryzen Threadripper PRO 3995WX 64-Cores") == 64
    assert cores_from_name("Intel(R) Xeon(R) Platinum 8480+") is None


def test_table_keys_are_normalised_sorted_unique_and_attributed() -> None:
    rows = cpu_power_table()
    keys = [r.key for r in rows]
    assert len(rows) > 4000
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    for row in rows:
        assert row.key == normalise_cpu_name(row.model)
        assert row.tdp_w > 0
        assert row.source and row.licence in {"MIT", "CC-BY-4.0"}
    assert any(r.n_cores for r in rows)


def test_default_per_core_is_the_table_median() -> None:
    # Documented value (docs and module doc): about 10.8 W per core.
    assert default_w_per_core() == pytest.approx(10.83, abs=0.01)


# --------------------------------------------------------------------------- scaling


def test_known_cpu_on_vm_scales_by_vcpus_over_socket_threads(tmp_path: Path) -> None:
    model = _resolve(_proc(tmp_path))
    assert model.basis == "exact"
    assert model.tdp_w == 280
    assert model.threads_per_socket == 128
    assert model.vcpus == 4
    assert model.max_power_w == pytest.approx(EPYC_7763_PMAX_4VCPU_W)


def test_quota_limits_vcpus(tmp_path: Path) -> None:
    model = _resolve(_proc(tmp_path), cgroup="v2_quota2")
    assert model.vcpus == 2
    assert model.max_power_w == pytest.approx(280 * 2 / 128)


def test_vm_without_core_count_uses_per_core_estimate(tmp_path: Path) -> None:
    # The codecarbon row for the 8480+ has no core count; on a VM the guest's siblings say
    # nothing about the host socket, so cores are estimated as TDP / median W per core.
    model = _resolve(_proc(tmp_path, "Intel(R) Xeon(R) Platinum 8480+"))
    assert model.tdp_w == 350
    assert model.max_power_w == pytest.approx(default_w_per_core() * 4 / 2)
    assert "socket size unknown" in model.note


def test_bare_metal_without_core_count_uses_siblings(tmp_path: Path) -> None:
    proc = _proc(tmp_path, "Intel(R) Xeon(R) Platinum 8480+", hypervisor=False)
    model = _resolve(proc)
    assert model.threads_per_socket == 4
    assert model.max_power_w == pytest.approx(350 * 4 / 4)


def test_tdp_override_wins(tmp_path: Path) -> None:
    model = _resolve(_proc(tmp_path), tdp_w=200.0)
    assert model.basis == "override"
    assert model.max_power_w == pytest.approx(200 * 4 / 128)
    via_settings = _resolve(_proc(tmp_path / "b"), settings=Settings(cpu_tdp_w=100.0))
    assert via_settings.max_power_w == pytest.approx(100 * 4 / 128)


def test_model_name_override(tmp_path: Path) -> None:
    model = _resolve(_proc(tmp_path), model_name="Intel Xeon Gold 6148")
    assert model.tdp_w == 150
    assert model.threads_per_socket == 20 * 2


def test_unknown_cpu_defaults_and_warns_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    proc = _proc(tmp_path, "AMD EPYC 7B13 64-Core Processor")
    with caplog.at_level(logging.WARNING, logger="algoprint"):
        model = _resolve(proc)
        _resolve(proc)
    assert model.basis == "default"
    assert model.max_power_w == pytest.approx(default_w_per_core() * 4 / 2)
    said = [r.getMessage() for r in caplog.records if "7B13" in r.getMessage()]
    assert len(said) == 1
    assert "--cpu-tdp" in said[0]
    assert "cpu_tdp_w" in said[0]


def test_unknown_cpu_warning_speaks_the_commands_language(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from algoprint.meters.common import set_notice_lang

    proc = _proc(tmp_path, "AMD EPYC 9X99 Processor")
    set_notice_lang("nl")  # what a command with --lang nl does
    try:
        with caplog.at_level(logging.WARNING, logger="algoprint"):
            model = _resolve(proc)
    finally:
        set_notice_lang("en")
    [said] = [r.getMessage() for r in caplog.records if "9X99" in r.getMessage()]
    assert said.startswith("algoprint: het CPU-model 'AMD EPYC 9X99 Processor' staat niet in de")
    from algoprint._format import number

    assert f"{number(default_w_per_core(), 'nl')} W per kern" in said and "voor 4 vCPU's" in said
    assert "--cpu-tdp" in said and "per socket" in said
    assert " the " not in said and " per core" not in said  # Dutch throughout
    assert model.basis == "default"


@pytest.mark.parametrize("settings_strict", [True, False])
def test_unknown_cpu_under_strict_raises(tmp_path: Path, settings_strict: bool) -> None:
    proc = _proc(tmp_path, "Intel(R) Xeon(R) CPU @ 2.20GHz")
    settings = Settings(strict=settings_strict)
    with pytest.raises(ConfigError, match="not in the CPU power table") as info:
        _resolve(proc, settings=settings, strict=True if not settings_strict else None)
    assert info.value.hint is not None
    assert "cpu_tdp_w" in info.value.hint


def test_explicit_unknown_model_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Nonexistium 9000"):
        _resolve(_proc(tmp_path), model_name="Nonexistium 9000")
    ok = _resolve(_proc(tmp_path / "b"), model_name="Nonexistium 9000", tdp_w=50.0)
    assert ok.basis == "override"


# --------------------------------------------------------------------------- curve


def test_shipped_curve_monotone_with_idle_floor_and_full_power_at_one(tmp_path: Path) -> None:
    curve = load_curve()
    us = [i / 100 for i in range(101)]
    values = [curve(u) for u in us]
    assert all(b >= a for a, b in itertools.pairwise(values))
    assert 0.05 < curve.idle_fraction < 0.5
    model = _resolve(_proc(tmp_path))
    assert model.power_w(0.0) == pytest.approx(model.idle_power_w)
    assert model.power_w(0.0) > 0
    assert model.power_w(1.0) == pytest.approx(model.max_power_w)
    assert model.power_w(1.7) == model.power_w(1.0)
    assert model.power_w(-1.0) == model.power_w(0.0)


def test_load_curve_interpolates() -> None:
    curve = LoadCurve(utilisation=(0.0, 0.5, 1.0), power_rel=(0.2, 0.4, 1.0))
    assert curve(0.25) == pytest.approx(0.3)
    assert curve(0.75) == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("us", "ps"),
    [
        ((0.0, 0.5), (0.2, 1.0)),  # does not reach u=1
        ((0.0, 0.5, 0.5, 1.0), (0.1, 0.2, 0.3, 1.0)),  # u not increasing
        ((0.0, 0.5, 1.0), (0.2, 0.1, 1.0)),  # power decreasing
        ((0.0, 1.0), (0.2, 0.9)),  # does not end at 1
    ],
)
def test_load_curve_rejects_bad_knots(us: tuple[float, ...], ps: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="load curve"):
        LoadCurve(utilisation=us, power_rel=ps)


# --------------------------------------------------------------------------- meter


def _stat(busy: int, idle: int) -> str:
    return f"cpu  {busy} 0 0 {idle} 0 0 0 0 0 0\ncpu0 {busy} 0 0 {idle} 0 0 0 0 0 0\nintr 1\n"


def test_meter_integrates_fake_proc_stat_sequence(tmp_path: Path) -> None:
    proc = _proc(tmp_path)
    meter = cpu_model.CpuModelMeter(proc_root=proc, cgroup_root=CG / "v2_unlimited", sys_root=NOSYS)
    assert meter.totals()[0].energy_j is None
    (proc / "stat").write_text(_stat(1000, 9000))
    meter.start(SampleContext(now_s=100.0))
    # (time, busy ticks, idle ticks): u = 0 for 1 s, 0.5 for 2 s, 1.0 for 2 s
    for now, busy, idle in [(101.0, 1000, 9400), (103.0, 1200, 9600), (105.0, 1600, 9600)]:
        (proc / "stat").write_text(_stat(busy, idle))
        meter.sample(SampleContext(now_s=now))
    expected = EPYC_7763_PMAX_4VCPU_W * (1 * _curve_at(0.0) + 2 * _curve_at(0.5) + 2 * 1.0)
    (total,) = meter.totals()
    assert total.energy_j == pytest.approx(expected)
    assert (total.domain, total.device, total.method) == (Domain.CPU, "cpu-model", Method.MODEL)
    assert total.uncertainty_rel == cpu_model.UNCERTAINTY_REL
    assert meter.last_utilisation == 1.0
    # A repeated timestamp adds nothing.
    meter.sample(SampleContext(now_s=105.0))
    assert meter.totals()[0].energy_j == pytest.approx(expected)


def test_meter_uses_cgroup_usage_under_quota(tmp_path: Path) -> None:
    proc = _proc(tmp_path)
    cgroup = tmp_path / "cgroup"
    shutil.copytree(CG / "v2_quota2", cgroup)
    meter = cpu_model.CpuModelMeter(proc_root=proc, cgroup_root=cgroup, sys_root=NOSYS)
    assert "cgroup" in meter.utilisation_source
    meter.start(SampleContext(now_s=0.0))
    (cgroup / "cpu.stat").write_text("usage_usec 6000000\n")  # +1 CPU-second in 1 s of 2 vCPUs
    meter.sample(SampleContext(now_s=1.0))
    assert meter.last_utilisation == pytest.approx(0.5)
    expected = 280 * 2 / 128 * _curve_at(0.5)
    assert meter.totals()[0].energy_j == pytest.approx(expected)


def test_meter_interval_and_lifecycle_errors(tmp_path: Path) -> None:
    proc = _proc(tmp_path)
    default = cpu_model.CpuModelMeter(proc_root=proc, cgroup_root=CG / "v2_unlimited")
    assert default.sample_interval_s == 2.0
    slow = cpu_model.CpuModelMeter(
        settings=Settings(interval_s=2.5), proc_root=proc, cgroup_root=CG / "v2_unlimited"
    )
    assert slow.sample_interval_s == 2.5
    with pytest.raises(MeterError, match="before start"):
        slow.sample(SampleContext(now_s=1.0))
    (proc / "stat").unlink()
    with pytest.raises(MeterUnavailable, match="stat"):
        cpu_model.CpuModelMeter(proc_root=proc, cgroup_root=CG / "v2_unlimited")


def test_status_reports_model_match_tdp_and_vcpus(tmp_path: Path) -> None:
    status = cpu_model.cpu_model_status(
        proc_root=_proc(tmp_path), cgroup_root=CG / "v2_quota2", sys_root=NOSYS
    )
    assert status.available
    assert status.method is Method.MODEL
    for text in ("AMD EPYC 7763", "exact", "280 W", "2 vCPUs", "P_max"):
        assert text in status.detail


def test_status_unknown_cpu_hints_and_strict_is_unavailable(tmp_path: Path) -> None:
    proc = _proc(tmp_path, "AMD EPYC")
    relaxed = cpu_model.cpu_model_status(proc_root=proc, cgroup_root=CG / "v2_unlimited")
    assert relaxed.available
    assert relaxed.hint is not None and "--cpu-tdp" in relaxed.hint
    strict = cpu_model.cpu_model_status(
        settings=Settings(strict=True), proc_root=proc, cgroup_root=CG / "v2_unlimited"
    )
    assert not strict.available
    assert "not in the CPU power table" in strict.detail


# --------------------------------------------------------------------------- shipped data


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_shipped_tables_equal_what_the_scripts_produce(tmp_path: Path) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared reference data not found at {SHARED}")
    pytest.importorskip("scipy")
    hardware = _load(ROOT / "scripts" / "refdata" / "hardware.py", "refdata_hardware_under_test")
    written = hardware.build(SHARED, tmp_path)
    assert {p.name for p in written} == {"cpu_power.csv", "gpu_power.csv", "cpu_load_curve.csv"}
    shipped = ROOT / "src" / "algoprint" / "refdata"
    for path in written:
        assert path.read_text() == (shipped / path.name).read_text(), path.name


@pytest.mark.slow
def test_uncertainty_constant_matches_the_validation() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared reference data not found at {SHARED}")
    pytest.importorskip("scipy")
    fit = _load(ROOT / "bench" / "cpu_model_fit.py", "cpu_model_fit_under_test")
    _, section, stats = fit.report(SHARED)
    assert stats["uncertainty_rel"] == cpu_model.UNCERTAINTY_REL
    assert fit.SECTION in (ROOT / "docs" / "benchmarks.md").read_text()
    assert f"`uncertainty_rel` = {cpu_model.UNCERTAINTY_REL:.2f}" in section


def test_meter_warn_false_stays_quiet(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    proc = _proc(tmp_path, "Genuine Testium 1234 Processor")
    with caplog.at_level(logging.WARNING, logger="algoprint"):
        meter = cpu_model.CpuModelMeter(
            proc_root=proc, cgroup_root=CG / "v2_unlimited", sys_root=NOSYS, warn=False
        )
    assert meter.model.basis == "default"
    assert not [r for r in caplog.records if "Testium" in r.getMessage()]


def test_tdp_override_takes_effect_on_a_vm_with_unknown_socket_size(tmp_path: Path) -> None:
    # The unknown-CPU warning tells users to set cpu_tdp_w; on a VM without a core count the
    # override once cancelled out (cores estimated as TDP / W per core) and changed nothing.
    proc = _proc(tmp_path, "AMD EPYC")
    low = _resolve(proc, tdp_w=100.0)
    high = _resolve(proc, tdp_w=200.0)
    assert low.basis == high.basis == "override"
    assert low.threads_per_socket == 4  # the guest's siblings
    assert low.max_power_w == pytest.approx(100 * 4 / 4)
    assert high.max_power_w == pytest.approx(2 * low.max_power_w)
