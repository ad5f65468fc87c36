"""Test helpers that ship with algoprint: a fake clock, a replayed power source and a fake NVML.

Everything here is deterministic: time comes from a :class:`FakeClock` (or from the
``SampleContext.now_s`` the caller passes), never from the wall clock, so tests of meters and of
the tracking layer need no GPU, no sleeping and no luck.

- :class:`FakeClock`: a settable monotonic clock.
- :class:`ReplayPowerSource`: a recorded power timeline ``[(t_s, power_w), ...]``, linearly
  interpolated, with its exact energy integral.
- :class:`ReplayMeter`: a :class:`~algoprint.meters.common.Meter` that replays such a timeline,
  for tests of the tracker, windows and phases.
- :class:`FakeNvml`: an object that stands in for the ``pynvml`` module (nvidia-ml-py), with
  configurable GPUs (:class:`FakeGpu`), MIG slices (:class:`FakeMig`) and processes
  (:class:`FakeProcess`); pass it as ``NvidiaMeter(nvml=FakeNvml(...))``.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, ClassVar

from algoprint.errors import InputError
from algoprint.meters.common import (
    ComponentEnergy,
    Domain,
    Meter,
    MeterStatus,
    Method,
    SampleContext,
)

__all__ = [
    "NVML_ERROR_CODES",
    "FakeClock",
    "FakeGpu",
    "FakeMig",
    "FakeNvml",
    "FakeProcess",
    "ReplayMeter",
    "ReplayPowerSource",
]


class FakeClock:
    """A monotonic clock that moves only when told to.

    Args:
        start_s: the initial reading in seconds.
    """

    def __init__(self, start_s: float = 0.0) -> None:
        self.now_s = start_s

    def __call__(self) -> float:
        return self.now_s

    def advance(self, duration_s: float) -> float:
        """Move the clock forward by ``duration_s`` seconds and return the new reading."""
        if duration_s < 0:
            raise InputError(f"a clock cannot go back ({duration_s} s)", hint="pass a value >= 0")
        self.now_s += duration_s
        return self.now_s

    def ctx(self, pids: frozenset[int] = frozenset()) -> SampleContext:
        """A :class:`SampleContext` at the current reading."""
        return SampleContext(now_s=self.now_s, pids=pids)


class ReplayPowerSource:
    """A recorded power timeline, linearly interpolated between its points.

    Before the first point the first power holds, after the last point the last power holds.
    The energy between two times is the exact integral of that piecewise-linear curve, so a
    test can compare a meter's figure with the true value.

    Args:
        timeline: ``(t_s, power_w)`` points with strictly increasing times and finite
            powers >= 0.

    Raises:
        InputError: an empty timeline, times not increasing, or a negative/non-finite power.
    """

    def __init__(self, timeline: Sequence[tuple[float, float]]) -> None:
        if not timeline:
            raise InputError("a replay timeline needs at least one (t_s, power_w) point")
        times = [float(t) for t, _ in timeline]
        powers = [float(p) for _, p in timeline]
        for earlier, later in itertools.pairwise(times):
            if not later > earlier:
                raise InputError(
                    f"replay timeline times must increase, got {earlier} then {later}",
                    hint="sort the points by time and drop duplicates",
                )
        for power in powers:
            if not math.isfinite(power) or power < 0:
                raise InputError(f"replay power must be finite and >= 0 W, got {power}")
        self._times = times
        self._powers = powers
        self._cum_j = [0.0]
        for i in range(1, len(times)):
            step = (powers[i - 1] + powers[i]) / 2 * (times[i] - times[i - 1])
            self._cum_j.append(self._cum_j[-1] + step)

    def __call__(self, t_s: float) -> float:
        return self.power_w(t_s)

    def power_w(self, t_s: float) -> float:
        """The power (W) at time ``t_s``."""
        i = bisect.bisect_right(self._times, t_s)
        if i == 0:
            return self._powers[0]
        if i == len(self._times):
            return self._powers[-1]
        t0, t1 = self._times[i - 1], self._times[i]
        p0, p1 = self._powers[i - 1], self._powers[i]
        return p0 + (p1 - p0) * (t_s - t0) / (t1 - t0)

    def _energy_to(self, t_s: float) -> float:
        i = bisect.bisect_right(self._times, t_s)
        if i == 0:
            return self._powers[0] * (t_s - self._times[0])
        t0 = self._times[i - 1]
        return self._cum_j[i - 1] + (self._powers[i - 1] + self.power_w(t_s)) / 2 * (t_s - t0)

    def energy_j(self, start_s: float, end_s: float) -> float:
        """The exact energy (J) between two times (negative when ``end_s < start_s``)."""
        return self._energy_to(end_s) - self._energy_to(start_s)


class ReplayMeter(Meter):
    """A meter that replays a :class:`ReplayPowerSource`, for tests of the tracking layer.

    Timeline times count from ``start()``: the energy reported after a sample at ``now_s`` is
    ``source.energy_j(0, now_s - start_now_s)``.

    Args:
        source: the power timeline.
        domain: the component it pretends to measure.
        device: its device id.
        method: the method it reports.
        uncertainty_rel: the relative uncertainty it reports.
        sample_interval_s: what it asks of the sampler.
        process_share: when set, ``process_energy_j`` is this fraction of the energy.
        gap_from_s: when set, from this time (since start) on the meter reports a gap
            (``energy_j=None``, ``Method.NONE``), as a lost device would.
    """

    name: ClassVar[str] = "replay"

    def __init__(
        self,
        *,
        source: ReplayPowerSource,
        domain: Domain = Domain.GPU,
        device: str = "replay:0",
        method: Method = Method.COUNTER,
        uncertainty_rel: float = 0.05,
        sample_interval_s: float = 10.0,
        process_share: float | None = None,
        gap_from_s: float | None = None,
    ) -> None:
        self.source = source
        self.domain = domain
        self.device = device
        self.method = method
        self.uncertainty_rel = uncertainty_rel
        self.sample_interval_s = sample_interval_s
        self.process_share = process_share
        self.gap_from_s = gap_from_s
        self.samples: list[float] = []
        """The ``now_s`` of every sample taken, for assertions on the sampler."""
        self._start_s: float | None = None
        self._energy_j = 0.0
        self._gap = False

    def start(self, ctx: SampleContext) -> None:
        self._start_s = ctx.now_s
        self._energy_j = 0.0
        self._gap = False

    def sample(self, ctx: SampleContext) -> None:
        if self._start_s is None:
            return
        self.samples.append(ctx.now_s)
        elapsed_s = ctx.now_s - self._start_s
        if self.gap_from_s is not None and elapsed_s >= self.gap_from_s:
            self._gap = True
            return
        self._energy_j = self.source.energy_j(0.0, elapsed_s)

    def totals(self) -> list[ComponentEnergy]:
        if self._gap:
            return [
                ComponentEnergy(
                    domain=self.domain,
                    device=self.device,
                    energy_j=None,
                    method=Method.NONE,
                    uncertainty_rel=0.0,
                    note="replayed gap: the device stopped answering",
                )
            ]
        share = None if self.process_share is None else self._energy_j * self.process_share
        return [
            ComponentEnergy(
                domain=self.domain,
                device=self.device,
                energy_j=self._energy_j,
                method=self.method,
                uncertainty_rel=self.uncertainty_rel,
                process_energy_j=share,
            )
        ]

    def status(self) -> MeterStatus:
        return MeterStatus(
            name=self.name,
            available=True,
            detail=f"replayed power timeline for {self.device}",
            method=self.method,
        )


NVML_ERROR_CODES: dict[str, int] = {
    "NVML_ERROR_UNINITIALIZED": 1,
    "NVML_ERROR_INVALID_ARGUMENT": 2,
    "NVML_ERROR_NOT_SUPPORTED": 3,
    "NVML_ERROR_NO_PERMISSION": 4,
    "NVML_ERROR_ALREADY_INITIALIZED": 5,
    "NVML_ERROR_NOT_FOUND": 6,
    "NVML_ERROR_INSUFFICIENT_SIZE": 7,
    "NVML_ERROR_INSUFFICIENT_POWER": 8,
    "NVML_ERROR_DRIVER_NOT_LOADED": 9,
    "NVML_ERROR_TIMEOUT": 10,
    "NVML_ERROR_IRQ_ISSUE": 11,
    "NVML_ERROR_LIBRARY_NOT_FOUND": 12,
    "NVML_ERROR_FUNCTION_NOT_FOUND": 13,
    "NVML_ERROR_CORRUPTED_INFOROM": 14,
    "NVML_ERROR_GPU_IS_LOST": 15,
    "NVML_ERROR_RESET_REQUIRED": 16,
    "NVML_ERROR_OPERATING_SYSTEM": 17,
    "NVML_ERROR_LIB_RM_VERSION_MISMATCH": 18,
    "NVML_ERROR_IN_USE": 19,
    "NVML_ERROR_MEMORY": 20,
    "NVML_ERROR_NO_DATA": 21,
    "NVML_ERROR_UNKNOWN": 999,
}
"""NVML return codes (``nvmlReturn_t`` in nvml.h); the same numbers pynvml exposes."""

PowerCurve = float | Callable[[float], float]
"""Power in watts: a constant or a function of the fake clock's time (s)."""


@dataclass
class FakeProcess:
    """A process on a fake GPU.

    Attributes:
        pid: its process id.
        sm_util_pct: the SM utilisation (%) NVML reports for it in every utilisation sample;
            0 means it holds a context but computes nothing.
        used_memory_bytes: GPU memory it holds.
    """

    pid: int
    sm_util_pct: float = 0.0
    used_memory_bytes: int = 0


@dataclass
class FakeMig:
    """A MIG slice of a fake GPU.

    Attributes:
        uuid: its MIG UUID (``MIG-...``).
        gpu_instance_id: its GPU instance id.
        compute_instance_id: its compute instance id.
    """

    uuid: str
    gpu_instance_id: int = 0
    compute_instance_id: int = 0


@dataclass
class FakeGpu:
    """One fake physical GPU.

    Attributes:
        uuid: its UUID (``GPU-...``).
        name: its product name.
        memory_total_bytes: its memory.
        power_limit_w: the enforced power limit; ``None``: not supported.
        power_w: its power draw (W), constant or a function of the fake time.
        counter_supported: whether it has the total-energy counter (Volta and newer).
        power_supported: whether it reports power.
        energy_mj: overrides the counter: a function of fake time returning mJ, or a list of
            readings returned one per call (the last one repeats). By default the counter is
            the exact integral of ``power_w`` since time 0.
        mig: its MIG slices.
        processes: the processes on it (mutable: tests change it between samples).
        process_util_supported: whether per-process utilisation is reported.
        util_period_s: how often the fake NVML takes a per-process utilisation sample.
        lost_at_s: from this fake time on, every call about this GPU fails with GPU_IS_LOST.
        handle_error: an NVML error name raised when its handle is requested.
    """

    uuid: str
    name: str = "NVIDIA H100 80GB HBM3"
    memory_total_bytes: int = 80 * 2**30
    power_limit_w: float | None = 700.0
    power_w: PowerCurve = 100.0
    counter_supported: bool = True
    power_supported: bool = True
    energy_mj: Callable[[float], float] | Sequence[int] | None = None
    mig: Sequence[FakeMig] = ()
    processes: list[FakeProcess] = field(default_factory=list)
    process_util_supported: bool = True
    util_period_s: float = 0.5
    lost_at_s: float | None = None
    handle_error: str | None = None


@dataclass(frozen=True)
class _Handle:
    gpu: int
    mig: int | None = None


class _FakeNvmlError(Exception):
    """Stands in for ``pynvml.NVMLError``: carries the NVML return code in ``value``."""

    def __init__(self, value: int) -> None:
        super().__init__(value)
        self.value = value

    def __str__(self) -> str:
        names = {code: name for name, code in NVML_ERROR_CODES.items()}
        return names.get(self.value, f"NVML error {self.value}")


class FakeNvml:
    """A stand-in for the ``pynvml`` module, with the functions algoprint calls.

    Args:
        gpus: the physical GPUs, in NVML index order.
        clock: the time source for power curves, counters and utilisation samples.
        init_error: an NVML error name that ``nvmlInit`` raises (e.g. no driver).

    Attributes:
        calls: how often each NVML function was called, to assert the meter's cost.
        NVMLError: the exception class (``.value`` holds the code), as in pynvml.
    """

    NVMLError: ClassVar[type[_FakeNvmlError]] = _FakeNvmlError

    def __init__(
        self,
        gpus: Sequence[FakeGpu] = (),
        *,
        clock: Callable[[], float] | None = None,
        init_error: str | None = None,
    ) -> None:
        self.gpus = list(gpus)
        self.clock: Callable[[], float] = clock or FakeClock()
        self.init_error = init_error
        self.calls: Counter[str] = Counter()
        self.initialised = 0
        self._readings: dict[int, int] = {}
        self._energy_cache: dict[int, tuple[float, float]] = {}
        for name, code in NVML_ERROR_CODES.items():
            setattr(self, name, code)

    def __getattr__(self, name: str) -> Any:  # the NVML_ERROR_* constants, for mypy
        raise AttributeError(name)

    def _error(self, name: str) -> _FakeNvmlError:
        return _FakeNvmlError(NVML_ERROR_CODES[name])

    def _gpu(self, handle: _Handle, call: str) -> FakeGpu:
        self.calls[call] += 1
        if not self.initialised:
            raise self._error("NVML_ERROR_UNINITIALIZED")
        gpu = self.gpus[handle.gpu]
        if gpu.lost_at_s is not None and self.clock() >= gpu.lost_at_s:
            raise self._error("NVML_ERROR_GPU_IS_LOST")
        return gpu

    # --- library -----------------------------------------------------------------------------
    def nvmlInit(self) -> None:
        self.calls["nvmlInit"] += 1
        if self.init_error is not None:
            raise self._error(self.init_error)
        self.initialised += 1

    def nvmlShutdown(self) -> None:
        self.calls["nvmlShutdown"] += 1
        if not self.initialised:
            raise self._error("NVML_ERROR_UNINITIALIZED")
        self.initialised -= 1

    def nvmlSystemGetDriverVersion(self) -> str:
        return "550.00-fake"

    def nvmlDeviceGetCount(self) -> int:
        self.calls["nvmlDeviceGetCount"] += 1
        return len(self.gpus)

    # --- handles -------------------------------------------------------------------------------
    def nvmlDeviceGetHandleByIndex(self, index: int) -> _Handle:
        self.calls["nvmlDeviceGetHandleByIndex"] += 1
        if not 0 <= index < len(self.gpus):
            raise self._error("NVML_ERROR_INVALID_ARGUMENT")
        if self.gpus[index].handle_error is not None:
            raise self._error(str(self.gpus[index].handle_error))
        return _Handle(index)

    def nvmlDeviceGetHandleByUUID(self, uuid: str | bytes) -> _Handle:
        text = uuid.decode() if isinstance(uuid, bytes) else uuid
        for i, gpu in enumerate(self.gpus):
            if gpu.uuid == text:
                return _Handle(i)
            for j, mig in enumerate(gpu.mig):
                if mig.uuid == text:
                    return _Handle(i, j)
        raise self._error("NVML_ERROR_NOT_FOUND")

    def nvmlDeviceGetMaxMigDeviceCount(self, handle: _Handle) -> int:
        gpu = self._gpu(handle, "nvmlDeviceGetMaxMigDeviceCount")
        if not gpu.mig:
            raise self._error("NVML_ERROR_NOT_SUPPORTED")
        return len(gpu.mig) + 1  # real GPUs have more slots than slices in use

    def nvmlDeviceGetMigDeviceHandleByIndex(self, handle: _Handle, index: int) -> _Handle:
        gpu = self._gpu(handle, "nvmlDeviceGetMigDeviceHandleByIndex")
        if not 0 <= index < len(gpu.mig):
            raise self._error("NVML_ERROR_NOT_FOUND")
        return _Handle(handle.gpu, index)

    def nvmlDeviceGetDeviceHandleFromMigDeviceHandle(self, handle: _Handle) -> _Handle:
        return _Handle(handle.gpu)

    def nvmlDeviceIsMigDeviceHandle(self, handle: _Handle) -> bool:
        return handle.mig is not None

    def nvmlDeviceGetGpuInstanceId(self, handle: _Handle) -> int:
        gpu = self._gpu(handle, "nvmlDeviceGetGpuInstanceId")
        if handle.mig is None:
            raise self._error("NVML_ERROR_INVALID_ARGUMENT")
        return gpu.mig[handle.mig].gpu_instance_id

    def nvmlDeviceGetComputeInstanceId(self, handle: _Handle) -> int:
        gpu = self._gpu(handle, "nvmlDeviceGetComputeInstanceId")
        if handle.mig is None:
            raise self._error("NVML_ERROR_INVALID_ARGUMENT")
        return gpu.mig[handle.mig].compute_instance_id

    # --- identity ------------------------------------------------------------------------------
    def nvmlDeviceGetUUID(self, handle: _Handle) -> str:
        gpu = self._gpu(handle, "nvmlDeviceGetUUID")
        return gpu.uuid if handle.mig is None else gpu.mig[handle.mig].uuid

    def nvmlDeviceGetName(self, handle: _Handle) -> str:
        return self._gpu(handle, "nvmlDeviceGetName").name

    def nvmlDeviceGetIndex(self, handle: _Handle) -> int:
        self._gpu(handle, "nvmlDeviceGetIndex")
        return handle.gpu if handle.mig is None else handle.mig

    def nvmlDeviceGetMemoryInfo(self, handle: _Handle) -> SimpleNamespace:
        gpu = self._gpu(handle, "nvmlDeviceGetMemoryInfo")
        return SimpleNamespace(total=gpu.memory_total_bytes, used=0, free=gpu.memory_total_bytes)

    def nvmlDeviceGetEnforcedPowerLimit(self, handle: _Handle) -> int:
        gpu = self._gpu(handle, "nvmlDeviceGetEnforcedPowerLimit")
        if gpu.power_limit_w is None:
            raise self._error("NVML_ERROR_NOT_SUPPORTED")
        return round(gpu.power_limit_w * 1000)

    # --- energy and power ----------------------------------------------------------------------
    def _power_w(self, gpu: FakeGpu, t_s: float) -> float:
        return float(gpu.power_w(t_s) if callable(gpu.power_w) else gpu.power_w)

    def _energy_mj(self, index: int, gpu: FakeGpu, t_s: float) -> float:
        if isinstance(gpu.power_w, ReplayPowerSource):
            return gpu.power_w.energy_j(0.0, t_s) * 1000
        if not callable(gpu.power_w):
            return gpu.power_w * t_s * 1000
        # Any other curve: midpoint rule in 1 ms steps, continued from the previous call.
        last_t, energy_j = self._energy_cache.get(index, (0.0, 0.0))
        if t_s < last_t:
            last_t, energy_j = 0.0, 0.0
        steps = max(1, round((t_s - last_t) / 0.001))
        width = (t_s - last_t) / steps
        for k in range(steps):
            energy_j += self._power_w(gpu, last_t + (k + 0.5) * width) * width
        self._energy_cache[index] = (t_s, energy_j)
        return energy_j * 1000

    def nvmlDeviceGetTotalEnergyConsumption(self, handle: _Handle) -> int:
        gpu = self._gpu(handle, "nvmlDeviceGetTotalEnergyConsumption")
        if handle.mig is not None or not gpu.counter_supported:
            raise self._error("NVML_ERROR_NOT_SUPPORTED")
        if gpu.energy_mj is None:
            return math.floor(self._energy_mj(handle.gpu, gpu, self.clock()))
        if callable(gpu.energy_mj):
            return math.floor(gpu.energy_mj(self.clock()))
        readings = list(gpu.energy_mj)
        position = self._readings.get(handle.gpu, 0)
        self._readings[handle.gpu] = position + 1
        return int(readings[min(position, len(readings) - 1)])

    def nvmlDeviceGetPowerUsage(self, handle: _Handle) -> int:
        gpu = self._gpu(handle, "nvmlDeviceGetPowerUsage")
        if handle.mig is not None or not gpu.power_supported:
            raise self._error("NVML_ERROR_NOT_SUPPORTED")
        return round(self._power_w(gpu, self.clock()) * 1000)

    # --- processes -----------------------------------------------------------------------------
    def nvmlDeviceGetComputeRunningProcesses(self, handle: _Handle) -> list[SimpleNamespace]:
        gpu = self._gpu(handle, "nvmlDeviceGetComputeRunningProcesses")
        return [
            SimpleNamespace(pid=p.pid, usedGpuMemory=p.used_memory_bytes) for p in gpu.processes
        ]

    def nvmlDeviceGetProcessUtilization(
        self, handle: _Handle, last_seen_us: int
    ) -> list[SimpleNamespace]:
        """One sample per busy process every ``util_period_s``, newer than ``last_seen_us``.

        Raises NOT_FOUND when there is no newer sample, as NVML does.
        """
        gpu = self._gpu(handle, "nvmlDeviceGetProcessUtilization")
        if not gpu.process_util_supported:
            raise self._error("NVML_ERROR_NOT_SUPPORTED")
        period_us = round(gpu.util_period_s * 1_000_000)
        now_us = round(self.clock() * 1_000_000)
        first = last_seen_us // period_us + 1
        samples = [
            SimpleNamespace(
                pid=p.pid, timeStamp=k * period_us, smUtil=int(p.sm_util_pct), memUtil=0
            )
            for k in range(first, now_us // period_us + 1)
            for p in gpu.processes
            if p.sm_util_pct > 0
        ]
        if not samples:
            raise self._error("NVML_ERROR_NOT_FOUND")
        return samples
