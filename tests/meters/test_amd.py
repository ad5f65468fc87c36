"""AMD meter against a fake amdsmi module object: no GPU, no ROCm needed."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import pytest

from algoprint.errors import MeterError, MeterUnavailable, PermissionDenied
from algoprint.meters.amd import AmdMeter, amd_status, translate_amdsmi_error
from algoprint.meters.common import Method
from algoprint.testing import FakeClock

NOT_SUPPORTED, NO_PERM, INIT_ERROR, TIMEOUT = 2, 10, 18, 8


class AmdSmiException(Exception):
    """Like amdsmi's AmdSmiLibraryException: carries ``err_code``."""

    def __init__(self, err_code: int) -> None:
        super().__init__(f"amdsmi status {err_code}")
        self.err_code = err_code


@dataclass
class Gpu:
    uuid: str
    power_w: float = 300.0
    counter: bool = True
    power: bool = True
    resolution_uj: float = 15.3
    old_key: bool = False  # releases before 6.1 call the accumulator 'power'
    fail_from_s: float | None = None


@dataclass
class FakeAmdSmi:
    gpus: list[Gpu]
    clock: FakeClock = field(default_factory=FakeClock)
    init_code: int | None = None
    shut_down: int = 0
    AmdSmiException: type[Exception] = AmdSmiException

    def _gpu(self, handle: int) -> Gpu:
        gpu = self.gpus[handle]
        if gpu.fail_from_s is not None and self.clock() >= gpu.fail_from_s:
            raise AmdSmiException(TIMEOUT)
        return gpu

    def amdsmi_init(self) -> None:
        if self.init_code is not None:
            raise AmdSmiException(self.init_code)

    def amdsmi_shut_down(self) -> None:
        self.shut_down += 1

    def amdsmi_get_processor_handles(self) -> list[int]:
        return list(range(len(self.gpus)))

    def amdsmi_get_gpu_device_uuid(self, handle: int) -> str:
        return self.gpus[handle].uuid

    def amdsmi_get_gpu_asic_info(self, handle: int) -> dict[str, Any]:
        return {"market_name": "AMD Instinct MI250X"}

    def amdsmi_get_energy_count(self, handle: int) -> dict[str, Any]:
        gpu = self._gpu(handle)
        if not gpu.counter:
            raise AmdSmiException(NOT_SUPPORTED)
        ticks = int(gpu.power_w * self.clock() / (gpu.resolution_uj * 1e-6))
        key = "power" if gpu.old_key else "energy_accumulator"
        return {key: ticks, "counter_resolution": gpu.resolution_uj, "timestamp": 0}

    def amdsmi_get_power_info(self, handle: int) -> dict[str, Any]:
        gpu = self._gpu(handle)
        if not gpu.power:
            return {"average_socket_power": "N/A", "current_socket_power": "N/A"}
        return {"average_socket_power": "N/A", "current_socket_power": gpu.power_w}


UUIDS = ["GPU-aa11", "GPU-bb22"]


def run(meter: AmdMeter, clock: FakeClock, duration_s: float, step_s: float) -> list[Any]:
    meter.start(clock.ctx())
    for _ in range(round(duration_s / step_s)):
        clock.advance(step_s)
        meter.sample(clock.ctx())
    return meter.totals()


@pytest.mark.parametrize("old_key", [False, True])
def test_counter_ticks_times_resolution(old_key: bool) -> None:
    clock = FakeClock()
    smi = FakeAmdSmi([Gpu(UUIDS[0], old_key=old_key)], clock=clock)
    meter = AmdMeter(amdsmi=smi, visible_devices=None)
    assert meter.sample_interval_s == 10.0
    (total,) = run(meter, clock, 20.0, 10.0)
    assert total.energy_j == pytest.approx(6000.0, abs=0.01)
    assert total.method is Method.COUNTER
    assert total.device == "amd:0:GPU-aa11"
    meter.close()
    meter.close()
    assert smi.shut_down == 1


def test_power_fallback_integrates() -> None:
    clock = FakeClock()
    meter = AmdMeter(amdsmi=FakeAmdSmi([Gpu(UUIDS[0], counter=False)], clock=clock))
    assert meter.sample_interval_s == 0.1
    (total,) = run(meter, clock, 5.0, 0.1)
    assert total.method is Method.POWER_INTEGRATION
    assert total.energy_j == pytest.approx(1500.0, rel=1e-6)
    assert total.note is not None and "fallback" in total.note
    assert meter.status().method is Method.POWER_INTEGRATION


def test_neither_counter_nor_power_is_a_gap() -> None:
    clock = FakeClock()
    smi = FakeAmdSmi([Gpu(UUIDS[0], counter=False, power=False)], clock=clock)
    (total,) = run(AmdMeter(amdsmi=smi), clock, 1.0, 0.1)
    assert total.energy_j is None and total.method is Method.NONE and total.note


def test_failing_gpu_becomes_a_gap_after_retries() -> None:
    clock = FakeClock()
    smi = FakeAmdSmi([Gpu(UUIDS[0]), Gpu(UUIDS[1], fail_from_s=15.0)], clock=clock)
    ok, lost = run(AmdMeter(amdsmi=smi, visible_devices=None), clock, 50.0, 10.0)
    assert ok.energy_j == pytest.approx(15000.0, abs=0.01)
    assert lost.energy_j is None and lost.method is Method.NONE
    assert lost.note is not None and "3000.0 J measured before" in lost.note


@pytest.mark.parametrize(("visible", "uuids"), [("1", ["GPU-bb22"]), ("GPU-a,1", UUIDS)])
def test_visible_devices(visible: str, uuids: list[str]) -> None:
    meter = AmdMeter(amdsmi=FakeAmdSmi([Gpu(u) for u in UUIDS]), visible_devices=visible)
    assert [t.device.split(":")[2] for t in meter.totals()] == uuids


def test_visible_devices_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HIP_VISIBLE_DEVICES", raising=False)
    monkeypatch.setenv("ROCR_VISIBLE_DEVICES", "1")
    assert len(AmdMeter(amdsmi=FakeAmdSmi([Gpu(u) for u in UUIDS])).totals()) == 1
    monkeypatch.setenv("HIP_VISIBLE_DEVICES", "")
    with pytest.raises(MeterUnavailable, match="no AMD GPU"):
        AmdMeter(amdsmi=FakeAmdSmi([Gpu(u) for u in UUIDS]))


def test_amdsmi_missing_is_unavailable_with_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "amdsmi", None)
    with pytest.raises(MeterUnavailable) as info:
        AmdMeter()
    assert info.value.hint is not None and "algoprint[amd]" in info.value.hint
    status = amd_status()
    assert not status.available and status.hint == info.value.hint


@pytest.mark.parametrize(
    ("code", "cls"),
    [(INIT_ERROR, MeterUnavailable), (NO_PERM, PermissionDenied), (999, MeterUnavailable)],
)
def test_init_failure(code: int, cls: type[MeterError]) -> None:
    with pytest.raises(cls) as info:
        AmdMeter(amdsmi=FakeAmdSmi([Gpu(UUIDS[0])], init_code=code))
    assert type(info.value) is cls
    assert isinstance(info.value.__cause__, AmdSmiException)


@pytest.mark.parametrize(
    ("code", "cls"),
    [(NOT_SUPPORTED, MeterUnavailable), (NO_PERM, PermissionDenied), (TIMEOUT, MeterError)],
)
def test_translation(code: int, cls: type[MeterError]) -> None:
    err = translate_amdsmi_error(FakeAmdSmi([]), AmdSmiException(code), action="x", device="d")
    assert type(err) is cls and "d" in err.message and err.source == "amd"


def test_status() -> None:
    status = amd_status(FakeAmdSmi([Gpu(UUIDS[0])]))
    assert status.available and status.method is Method.COUNTER
    assert "amd:0:GPU-aa11 (AMD Instinct MI250X) energy counter" in status.detail
