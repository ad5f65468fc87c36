"""NVIDIA meter against the fake NVML of algoprint.testing: no GPU needed."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from algoprint.errors import (
    ConfigError,
    MeterError,
    MeterUnavailable,
    PermissionDenied,
    TrackingError,
)
from algoprint.meters._gpu_visible import EntryKind, parse_visible_devices
from algoprint.meters._nvml import NVML_ERRORS
from algoprint.meters.common import ComponentEnergy, Domain, Method, SampleContext
from algoprint.meters.nvidia import NvidiaMeter, gpu_inventory, nvidia_status, translate_nvml_error
from algoprint.testing import (
    NVML_ERROR_CODES,
    FakeClock,
    FakeGpu,
    FakeMig,
    FakeNvml,
    FakeProcess,
    ReplayMeter,
    ReplayPowerSource,
)

UUIDS = [
    "GPU-8c3f0a11-0000-0000-0000-000000000000",
    "GPU-8c3f0b22-0000-0000-0000-000000000000",
    "GPU-1d2e0c33-0000-0000-0000-000000000000",
]
TRACKED = frozenset({100})


def three_gpus(clock: FakeClock, **kw: object) -> FakeNvml:
    return FakeNvml([FakeGpu(u, **kw) for u in UUIDS], clock=clock)  # type: ignore[arg-type]


def run(
    meter: NvidiaMeter,
    clock: FakeClock,
    duration_s: float,
    step_s: float,
    pids: frozenset[int] = TRACKED,
) -> list[ComponentEnergy]:
    meter.start(clock.ctx(pids))
    for _ in range(round(duration_s / step_s)):
        clock.advance(step_s)
        meter.sample(clock.ctx(pids))
    return meter.totals()


# --- counter path ------------------------------------------------------------------------------


def test_counter_energy_is_the_counter_difference() -> None:
    clock = FakeClock()
    gpu = FakeGpu(UUIDS[0], energy_mj=[5_000_000, 5_000_000, 5_250_000, 5_900_500])
    meter = NvidiaMeter(nvml=FakeNvml([gpu], clock=clock), visible_devices=None)
    assert meter.sample_interval_s == 10.0
    (total,) = run(meter, clock, 3.0, 1.0, pids=frozenset())
    assert total.energy_j == pytest.approx(900.5)
    assert total.method is Method.COUNTER
    assert total.uncertainty_rel == 0.05
    assert total.domain is Domain.GPU
    assert total.device == f"nvidia:0:{UUIDS[0]}"
    assert total.process_energy_j is None  # no pids: tracking attributes
    meter.close()


def test_counter_reads_are_not_repeated_within_50_ms() -> None:
    clock = FakeClock()
    nvml = FakeNvml([FakeGpu(UUIDS[0], power_w=300.0)], clock=clock)
    meter = NvidiaMeter(nvml=nvml, visible_devices=None, counter_interval_s=5.0)
    assert meter.sample_interval_s == 5.0
    before = nvml.calls["nvmlDeviceGetTotalEnergyConsumption"]  # the probe
    meter.start(clock.ctx())
    for _ in range(10):
        clock.advance(0.03)
        meter.sample(clock.ctx())
    # start + one read every second sample (60 ms apart), not one per 30 ms sample
    reads = nvml.calls["nvmlDeviceGetTotalEnergyConsumption"] - before
    assert reads == 1 + 5
    (total,) = meter.totals()
    assert total.energy_j == pytest.approx(300.0 * 0.30, abs=0.002)


def test_no_process_queries_without_pids() -> None:
    clock = FakeClock()
    nvml = FakeNvml([FakeGpu(UUIDS[0], processes=[FakeProcess(100, 50)])], clock=clock)
    meter = NvidiaMeter(nvml=nvml, visible_devices=None)
    run(meter, clock, 30.0, 10.0, pids=frozenset())
    assert nvml.calls["nvmlDeviceGetProcessUtilization"] == 0
    assert nvml.calls["nvmlDeviceGetComputeRunningProcesses"] == 0


# --- power fallback ----------------------------------------------------------------------------


def test_power_fallback_matches_the_analytic_integral() -> None:
    def power_w(t: float) -> float:
        return 150 + 60 * math.sin(2 * math.pi * t / 4)

    def exact_j(t: float) -> float:
        return 150 * t + 60 * 4 / (2 * math.pi) * (1 - math.cos(2 * math.pi * t / 4))

    clock = FakeClock()
    nvml = FakeNvml([FakeGpu(UUIDS[0], counter_supported=False, power_w=power_w)], clock=clock)
    meter = NvidiaMeter(nvml=nvml, visible_devices=None)
    assert meter.sample_interval_s == 0.1
    (total,) = run(meter, clock, 9.0, 0.1, pids=frozenset())
    assert total.method is Method.POWER_INTEGRATION
    assert total.uncertainty_rel > 0.05
    assert total.energy_j == pytest.approx(exact_j(9.0), rel=1e-3)
    assert total.note is not None and "fallback" in total.note
    status = meter.status()
    assert status.available and status.method is Method.POWER_INTEGRATION
    assert "fallback" in status.detail


@pytest.mark.parametrize("interval_s", [0.0, 0.5, -1.0])
def test_power_interval_must_give_at_least_10_hz(interval_s: float) -> None:
    with pytest.raises(ConfigError, match="power_interval_s"):
        NvidiaMeter(nvml=FakeNvml([FakeGpu(UUIDS[0])]), power_interval_s=interval_s)


def test_no_counter_and_no_power_is_a_gap_not_zero() -> None:
    clock = FakeClock()
    gpu = FakeGpu(UUIDS[0], counter_supported=False, power_supported=False)
    meter = NvidiaMeter(nvml=FakeNvml([gpu], clock=clock), visible_devices=None)
    (total,) = run(meter, clock, 2.0, 1.0)
    assert total.energy_j is None
    assert total.method is Method.NONE
    assert total.note is not None and "no energy counter and no power reading" in total.note
    assert not meter.status().available


# --- MIG ---------------------------------------------------------------------------------------


def mig_nvml(clock: FakeClock) -> FakeNvml:
    slices = [FakeMig("MIG-aaaa1111-0000", 1, 0), FakeMig("MIG-bbbb2222-0000", 2, 0)]
    return FakeNvml([FakeGpu(UUIDS[0]), FakeGpu(UUIDS[1], mig=slices, power_w=250.0)], clock=clock)


@pytest.mark.parametrize(
    "visible",
    [
        "MIG-aaaa1111-0000,MIG-bbbb2222-0000",
        "MIG-aaaa,MIG-bbbb",  # abbreviated
        f"MIG-{UUIDS[1]}/1/0,MIG-{UUIDS[1]}/2/0",  # before driver R470
    ],
)
def test_mig_slices_measure_their_parent_once(visible: str) -> None:
    clock = FakeClock()
    meter = NvidiaMeter(nvml=mig_nvml(clock), visible_devices=visible)
    totals = run(meter, clock, 10.0, 10.0, pids=frozenset())
    assert [t.device for t in totals] == [f"nvidia:1:{UUIDS[1]}"]
    assert totals[0].energy_j == pytest.approx(2500.0, abs=0.01)
    assert totals[0].note is not None
    assert "whole" in totals[0].note and "physical GPU" in totals[0].note
    assert "MIG-aaaa1111-0000" in totals[0].note and "MIG-bbbb2222-0000" in totals[0].note


def test_unknown_mig_instance_stops_the_list() -> None:
    meter = NvidiaMeter(nvml=mig_nvml(FakeClock()), visible_devices=f"0,MIG-{UUIDS[1]}/7/0")
    assert [t.device for t in meter.totals()] == [f"nvidia:0:{UUIDS[0]}"]
    assert "no such MIG instance" in meter.status().detail


# --- CUDA_VISIBLE_DEVICES ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visible", "indices"),
    [
        ("0,2", [0, 2]),
        ("2,0", [2, 0]),
        (" 1 ", [1]),
        ("0,0", [0]),
        (UUIDS[2], [2]),
        ("GPU-1d2e", [2]),  # abbreviated UUID
        ("gpu-1D2E", [2]),  # any case
        (f"1,{UUIDS[0]}", [1, 0]),
        ("0,2,-1,1", [0, 2]),  # -1 ends the list
        ("1,foo,0", [1]),  # an invalid entry ends the list
        ("1,7,0", [1]),  # an index out of range ends the list
        ("2,GPU-8c3f,0", [2]),  # an ambiguous prefix ends the list
        ("0,,1", [0]),
    ],
)
def test_visible_devices(visible: str, indices: list[int]) -> None:
    meter = NvidiaMeter(nvml=three_gpus(FakeClock()), visible_devices=visible)
    assert [t.device for t in meter.totals()] == [f"nvidia:{i}:{UUIDS[i]}" for i in indices]


def test_truncation_is_said_in_the_status() -> None:
    meter = NvidiaMeter(nvml=three_gpus(FakeClock()), visible_devices="0,GPU-8c3f,1")
    assert "'GPU-8c3f' matches 2 devices" in meter.status().detail


@pytest.mark.parametrize("visible", ["", "-1", "7", "nonsense", "GPU-ffff"])
def test_no_visible_gpu_is_unavailable(visible: str) -> None:
    nvml = three_gpus(FakeClock())
    with pytest.raises(MeterUnavailable, match="no NVIDIA GPU to measure") as info:
        NvidiaMeter(nvml=nvml, visible_devices=visible)
    assert info.value.hint is not None and "CUDA_VISIBLE_DEVICES" in info.value.hint
    assert nvml.initialised == 0  # NVML was shut down again


def test_unset_means_all_gpus_and_env_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    assert len(NvidiaMeter(nvml=three_gpus(FakeClock())).totals()) == 3
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    assert [t.device for t in NvidiaMeter(nvml=three_gpus(FakeClock())).totals()] == [
        f"nvidia:1:{UUIDS[1]}"
    ]


def test_mixed_models_by_index_warn_about_device_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUDA_DEVICE_ORDER", raising=False)
    nvml = FakeNvml([FakeGpu(UUIDS[0], name="NVIDIA A100"), FakeGpu(UUIDS[1])])
    assert (
        "CUDA orders them fastest first"
        in NvidiaMeter(nvml=nvml, visible_devices="1").status().detail
    )
    monkeypatch.setenv("CUDA_DEVICE_ORDER", "PCI_BUS_ID")
    nvml = FakeNvml([FakeGpu(UUIDS[0], name="NVIDIA A100"), FakeGpu(UUIDS[1])])
    assert "fastest first" not in NvidiaMeter(nvml=nvml, visible_devices="1").status().detail


def test_parse_visible_devices_kinds() -> None:
    spec = parse_visible_devices(f"3,GPU-ab,MIG-cd,MIG-{UUIDS[0]}/1/2,x,4")
    assert [e.kind for e in spec.entries] == [
        EntryKind.INDEX,
        EntryKind.UUID,
        EntryKind.MIG,
        EntryKind.MIG_LEGACY,
    ]
    assert spec.entries[3].gpu_instance_id == 1 and spec.entries[3].compute_instance_id == 2
    assert spec.stopped_at == "x"
    assert parse_visible_devices(None).all_devices
    assert not parse_visible_devices("").all_devices and not parse_visible_devices("").entries


# --- process share -----------------------------------------------------------------------------


def test_process_share_with_another_process_on_the_gpu() -> None:
    clock = FakeClock()
    procs = [FakeProcess(100, sm_util_pct=60), FakeProcess(200, sm_util_pct=20)]
    nvml = FakeNvml([FakeGpu(UUIDS[0], power_w=200.0, processes=procs)], clock=clock)
    meter = NvidiaMeter(nvml=nvml, visible_devices=None)
    (total,) = run(meter, clock, 30.0, 10.0)
    assert total.energy_j == pytest.approx(6000.0, abs=0.01)
    assert total.process_energy_j == pytest.approx(6000.0 * 0.75, abs=0.01)
    assert total.note is not None and "other processes used this GPU" in total.note
    # one utilisation query at start and one per counter read: the counter cadence
    assert nvml.calls["nvmlDeviceGetProcessUtilization"] == 4


def test_process_share_follows_a_changing_mix() -> None:
    clock = FakeClock()
    procs = [FakeProcess(100, sm_util_pct=50)]
    nvml = FakeNvml([FakeGpu(UUIDS[0], power_w=100.0, processes=procs)], clock=clock)
    meter = NvidiaMeter(nvml=nvml, visible_devices=None)
    meter.start(clock.ctx(TRACKED))
    clock.advance(10)
    meter.sample(clock.ctx(TRACKED))  # alone: 1000 J, all tracked
    procs.append(FakeProcess(200, sm_util_pct=50))
    clock.advance(10)
    meter.sample(clock.ctx(TRACKED))  # shared half and half: 500 J tracked
    (total,) = meter.totals()
    assert total.process_energy_j == pytest.approx(1500.0, abs=0.01)


@pytest.mark.parametrize(
    ("processes", "share"),
    [
        ([FakeProcess(100)], 1.0),  # only the tracked process holds the GPU, no work seen
        ([FakeProcess(200)], 0.0),  # the tracked process does not use the GPU
        ([], 0.0),
        ([FakeProcess(200, sm_util_pct=30)], 0.0),
        ([FakeProcess(100), FakeProcess(200)], 0.5),  # assumed equal split, noted
    ],
)
def test_process_share_without_utilisation(processes: list[FakeProcess], share: float) -> None:
    clock = FakeClock()
    nvml = FakeNvml([FakeGpu(UUIDS[0], power_w=100.0, processes=processes)], clock=clock)
    (total,) = run(NvidiaMeter(nvml=nvml, visible_devices=None), clock, 20.0, 10.0)
    assert total.process_energy_j == pytest.approx(2000.0 * share, abs=0.01)
    if share == 0.5:
        assert total.note is not None and "equal split" in total.note


def test_process_share_waits_for_the_next_utilisation_sample() -> None:
    clock = FakeClock()
    procs = [FakeProcess(100, sm_util_pct=30), FakeProcess(200, sm_util_pct=10)]
    gpu = FakeGpu(UUIDS[0], power_w=100.0, processes=procs, util_period_s=1.0)
    meter = NvidiaMeter(nvml=FakeNvml([gpu], clock=clock), visible_devices=None)
    meter.start(clock.ctx(TRACKED))
    for step_s in (1.0, 0.3, 0.3, 0.4):  # the 0.3 s windows see no new sample
        clock.advance(step_s)
        meter.sample(clock.ctx(TRACKED))
    (total,) = meter.totals()
    assert total.process_energy_j == pytest.approx(200.0 * 0.75, abs=0.01)
    assert total.note is not None and "equal split" not in total.note


def test_process_utilisation_not_supported_gives_none_with_a_note() -> None:
    clock = FakeClock()
    gpu = FakeGpu(UUIDS[0], processes=[FakeProcess(100, 50)], process_util_supported=False)
    (total,) = run(NvidiaMeter(nvml=FakeNvml([gpu], clock=clock)), clock, 20.0, 10.0)
    assert total.energy_j is not None
    assert total.process_energy_j is None
    assert total.note is not None and "share of this GPU is unknown" in total.note


def test_power_fallback_queries_processes_at_the_counter_cadence() -> None:
    clock = FakeClock()
    gpu = FakeGpu(UUIDS[0], counter_supported=False, processes=[FakeProcess(100, 40)])
    nvml = FakeNvml([gpu], clock=clock)
    meter = NvidiaMeter(nvml=nvml, visible_devices=None, counter_interval_s=5.0)
    (total,) = run(meter, clock, 20.0, 0.1)
    assert nvml.calls["nvmlDeviceGetPowerUsage"] > 200
    assert nvml.calls["nvmlDeviceGetProcessUtilization"] <= 6
    assert total.process_energy_j == pytest.approx(total.energy_j, rel=1e-6)


# --- failures ----------------------------------------------------------------------------------


def test_gpu_lost_mid_run_is_a_gap_not_zero() -> None:
    clock = FakeClock()
    nvml = FakeNvml(
        [FakeGpu(UUIDS[0], power_w=100.0), FakeGpu(UUIDS[1], power_w=100.0, lost_at_s=15.0)],
        clock=clock,
    )
    meter = NvidiaMeter(nvml=nvml, visible_devices=None)
    first, lost = run(meter, clock, 30.0, 10.0)  # sample() must not raise
    assert first.energy_j == pytest.approx(3000.0, abs=0.01)
    assert lost.energy_j is None and lost.method is Method.NONE
    assert lost.note is not None
    assert "GPU is lost" in lost.note and "1000.0 J measured before" in lost.note
    assert "not measured" in meter.status().detail


def test_transient_errors_are_retried_then_become_a_gap() -> None:
    clock = FakeClock()
    failing: set[float] = set()

    def energy_mj(t: float) -> float:
        if t in failing:
            raise FakeNvml.NVMLError(NVML_ERROR_CODES["NVML_ERROR_TIMEOUT"])
        return 100_000 * t

    meter = NvidiaMeter(nvml=FakeNvml([FakeGpu(UUIDS[0], energy_mj=energy_mj)], clock=clock))
    meter.start(clock.ctx())
    failing.add(1.0)
    for _ in range(2):
        clock.advance(1.0)
        meter.sample(clock.ctx())
    (total,) = meter.totals()
    assert total.energy_j == pytest.approx(200.0)  # the missed read is covered by the next one
    failing.update({3.0, 4.0, 5.0})
    for _ in range(3):
        clock.advance(1.0)
        meter.sample(clock.ctx())
    (total,) = meter.totals()
    assert total.energy_j is None and total.note is not None and "timed out" in total.note


def test_counter_going_backwards_is_a_gap() -> None:
    clock = FakeClock()
    gpu = FakeGpu(UUIDS[0], energy_mj=[9_000, 9_000, 10_000, 500])
    (total,) = run(NvidiaMeter(nvml=FakeNvml([gpu], clock=clock)), clock, 3.0, 1.0)
    assert total.energy_j is None and total.note is not None and "backwards" in total.note


def test_unopenable_gpu_is_a_recorded_gap() -> None:
    clock = FakeClock()
    nvml = FakeNvml(
        [FakeGpu(UUIDS[0]), FakeGpu(UUIDS[1], handle_error="NVML_ERROR_NO_PERMISSION")],
        clock=clock,
    )
    ok, gap = run(NvidiaMeter(nvml=nvml, visible_devices=None), clock, 10.0, 10.0)
    assert ok.energy_j is not None
    assert gap.device == "nvidia:1:unknown"
    assert gap.energy_j is None and gap.note is not None and "permission denied" in gap.note


def test_pynvml_missing_is_unavailable_with_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", None)  # makes `import pynvml` fail
    with pytest.raises(MeterUnavailable) as info:
        NvidiaMeter()
    assert info.value.hint == "pip install 'algoprint[nvidia]'"
    assert isinstance(info.value.__cause__, ImportError)
    status = nvidia_status()
    assert not status.available and status.hint == "pip install 'algoprint[nvidia]'"


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("NVML_ERROR_DRIVER_NOT_LOADED", MeterUnavailable),
        ("NVML_ERROR_LIBRARY_NOT_FOUND", MeterUnavailable),
        ("NVML_ERROR_LIB_RM_VERSION_MISMATCH", MeterUnavailable),
        ("NVML_ERROR_NO_PERMISSION", PermissionDenied),
        ("NVML_ERROR_UNKNOWN", MeterUnavailable),  # any init failure: not available here
    ],
)
def test_init_failure(code: str, cls: type[MeterError]) -> None:
    with pytest.raises(cls) as info:
        NvidiaMeter(nvml=FakeNvml([FakeGpu(UUIDS[0])], init_error=code))
    assert type(info.value) is cls
    assert code in info.value.message
    assert isinstance(info.value.__cause__, FakeNvml.NVMLError)


@pytest.mark.parametrize("name", sorted(NVML_ERRORS))
def test_translation_table_against_real_pynvml(name: str) -> None:
    pynvml = pytest.importorskip("pynvml")
    code = getattr(pynvml, name)
    err = translate_nvml_error(pynvml, pynvml.NVMLError(code), action="reading", device="gpu0")
    assert isinstance(err, NVML_ERRORS[name].cls)
    assert name in err.message and "gpu0" in err.message
    assert err.source == "nvidia"


@pytest.mark.parametrize(
    ("name", "cls", "hint_word"),
    [
        ("NVML_ERROR_NOT_SUPPORTED", MeterUnavailable, None),
        ("NVML_ERROR_NO_PERMISSION", PermissionDenied, "/dev/nvidia"),
        ("NVML_ERROR_LIB_RM_VERSION_MISMATCH", MeterUnavailable, "reboot"),
        ("NVML_ERROR_DRIVER_NOT_LOADED", MeterUnavailable, "driver"),
        ("NVML_ERROR_GPU_IS_LOST", MeterError, "administrator"),
    ],
)
def test_translation_table(name: str, cls: type[MeterError], hint_word: str | None) -> None:
    nvml = FakeNvml()
    err = translate_nvml_error(nvml, FakeNvml.NVMLError(NVML_ERROR_CODES[name]), action="x")
    assert type(err) is cls
    assert (err.hint is None) if hint_word is None else (hint_word in (err.hint or ""))


def test_unknown_code_is_a_meter_error() -> None:
    err = translate_nvml_error(FakeNvml(), FakeNvml.NVMLError(12345), action="x")
    assert type(err) is MeterError and "12345" in err.message


def test_fake_only_offers_functions_that_pynvml_has() -> None:
    pynvml = pytest.importorskip("pynvml")
    names = [n for n in dir(FakeNvml) if n.startswith("nvml")]
    assert names and all(hasattr(pynvml, n) for n in names)


# --- lifecycle, status, inventory ---------------------------------------------------------------


def test_lifecycle_start_once_close_idempotent() -> None:
    clock = FakeClock()
    nvml = FakeNvml([FakeGpu(UUIDS[0])], clock=clock)
    meter = NvidiaMeter(nvml=nvml, visible_devices=None)
    meter.start(clock.ctx())
    with pytest.raises(TrackingError):
        meter.start(clock.ctx())
    meter.close()
    meter.close()
    assert nvml.initialised == 0 and nvml.calls["nvmlShutdown"] == 1
    meter.sample(clock.ctx())  # after close: ignored, no raise


def test_sample_before_start_is_ignored() -> None:
    meter = NvidiaMeter(nvml=FakeNvml([FakeGpu(UUIDS[0])]), visible_devices=None)
    meter.sample(SampleContext(now_s=1.0))
    assert meter.totals()[0].energy_j == 0.0


def test_status_and_inventory() -> None:
    nvml = FakeNvml([FakeGpu(UUIDS[0]), FakeGpu(UUIDS[1], name="Tesla P100", power_limit_w=None)])
    status = nvidia_status(nvml, visible_devices="0")
    assert status.available and status.method is Method.COUNTER
    assert f"nvidia:0:{UUIDS[0]}" in status.detail and UUIDS[1] not in status.detail
    rows = gpu_inventory(nvml=nvml)
    assert rows[1] == {
        "index": 1,
        "uuid": UUIDS[1],
        "name": "Tesla P100",
        "memory_gb": 85.899,
        "power_limit_w": None,
    }
    assert rows[0]["power_limit_w"] == 700.0
    assert nvml.initialised == 0
    meter = NvidiaMeter(nvml=nvml, visible_devices="1")
    assert [r["index"] for r in meter.gpu_inventory()] == [1]


def test_status_when_unavailable() -> None:
    status = nvidia_status(FakeNvml(init_error="NVML_ERROR_DRIVER_NOT_LOADED"))
    assert not status.available
    assert "driver is not loaded" in status.detail and status.hint is not None


# --- algoprint.testing replay helpers -----------------------------------------------------------


def test_replay_power_source_integrates_exactly() -> None:
    source = ReplayPowerSource([(0.0, 100.0), (10.0, 300.0), (20.0, 300.0)])
    assert source.power_w(5.0) == 200.0
    assert source(25.0) == 300.0
    assert source.energy_j(0.0, 10.0) == pytest.approx(2000.0)
    assert source.energy_j(5.0, 15.0) == pytest.approx(1250.0 + 1500.0)
    assert source.energy_j(20.0, 22.0) == pytest.approx(600.0)


@pytest.mark.parametrize("timeline", [[], [(1.0, 5.0), (1.0, 6.0)], [(0.0, -1.0)]])
def test_replay_power_source_rejects_bad_timelines(timeline: list[tuple[float, float]]) -> None:
    from algoprint.errors import InputError

    with pytest.raises(InputError):
        ReplayPowerSource(timeline)


def test_replay_meter_replays_and_can_gap() -> None:
    clock = FakeClock(100.0)
    meter = ReplayMeter(
        source=ReplayPowerSource([(0.0, 50.0), (4.0, 50.0)]), process_share=0.5, gap_from_s=3.0
    )
    meter.start(clock.ctx())
    clock.advance(2.0)
    meter.sample(clock.ctx())
    (total,) = meter.totals()
    assert total.energy_j == pytest.approx(100.0) and total.process_energy_j == pytest.approx(50.0)
    clock.advance(2.0)
    meter.sample(clock.ctx())
    (total,) = meter.totals()
    assert total.energy_j is None and total.method is Method.NONE
    assert meter.samples == [102.0, 104.0]


def test_fake_nvml_counter_follows_a_replayed_curve() -> None:
    clock = FakeClock()
    source = ReplayPowerSource([(0.0, 100.0), (2.0, 200.0)])
    meter = NvidiaMeter(nvml=FakeNvml([FakeGpu(UUIDS[0], power_w=source)], clock=clock))
    (total,) = run(meter, clock, 4.0, 1.0, pids=frozenset())
    assert total.energy_j == pytest.approx(source.energy_j(0.0, 4.0), abs=0.002)


@pytest.mark.slow
def test_gpu_check_dry_run_works_without_a_gpu(tmp_path: Path) -> None:
    out = tmp_path / "summary.json"
    script = Path(__file__).resolve().parents[2] / "bench" / "gpu_check.py"
    done = subprocess.run(
        [sys.executable, str(script), "--dry-run", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(out.read_text())
    assert summary["mode"] == "dry-run" and summary["checks_ok"] is True
    assert [w["ok"] for w in summary["windows"]] == [True, True, True]
    assert summary["fallback"]["method"] == "power-integration"
    assert {"step_ms_without", "overhead_pct_counter", "overhead_pct_power"} <= set(
        summary["overhead"]
    )
