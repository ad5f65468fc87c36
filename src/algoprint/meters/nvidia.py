"""NVIDIA GPU energy through NVML (``pynvml`` from nvidia-ml-py, extra ``algoprint[nvidia]``).

Method, in order of preference per physical GPU:

1. **Energy counter** (``nvmlDeviceGetTotalEnergyConsumption``, mJ since the driver loaded,
   Volta and newer). The window energy is the difference of two readings, so it needs no
   polling: the meter reads it at start, whenever the tracker samples (window edges) and at
   least every ``counter_interval_s`` (10 s). One read costs about 3.9 ms on an H100 and the
   counter moves in 100 ms steps (both measured), so reading it more often buys nothing; reads
   closer together than 50 ms are skipped.
2. **Power integration**, only where the counter is NOT_SUPPORTED (pre-Volta): power
   (``nvmlDeviceGetPowerUsage``, mW) polled every ``power_interval_s`` (0.1 s, i.e. 10 Hz)
   and integrated with the trapezoid rule. Recorded as a fallback (warned once, in the status
   and in the figure's note).
3. Otherwise an explicit **gap**: ``energy_j=None``, ``Method.NONE`` and a note saying why,
   never 0 J. A GPU that is lost during the run becomes a gap from then on.

Uncertainty: NVIDIA states an accuracy (±5 % of the power draw) only for the power readings of
Fermi and Kepler GPUs (NVML reference, ``nvmlDeviceGetPowerUsage``); it states none for the
Volta+ energy counter. The ±5 % (``uncertainty_rel=0.05``) used for the counter is therefore an
*assumption*, in line with that figure; Yang et al., "Part-time Power Measurements: nvidia-smi's
Lack of Attention" (arXiv:2312.02741, SC24) show that on A100/H100 the power sensor samples
only part of the time, so short bursts (well under a second) can be off by more. Power
integration gets an assumed ±10 %: the same sensor plus the error of sampling at 10 Hz.

Scope: NVML reports whole-GPU energy, also for MIG slices (only the parent GPU has a counter),
so a visible MIG slice is measured as its whole physical GPU, once, and the note says so. When
the tracker passes process ids, the meter also records the tracked processes' share of each
GPU (``process_energy_j``) from NVML's per-process SM utilisation samples.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from algoprint.errors import MeterError, MeterUnavailable, TrackingError
from algoprint.meters._gpu_visible import (
    EntryKind,
    MigSlice,
    Resolution,
    parse_visible_devices,
    resolve_visible,
)
from algoprint.meters._nvml import (
    FATAL,
    INSTALL_HINT,
    describe,
    gpu_inventory,
    import_pynvml,
    nvml_error_name,
    nvml_init,
    nvml_shutdown,
    text,
    translate_nvml_error,
)
from algoprint.meters._nvml_share import ProcessShare
from algoprint.meters.common import (
    ComponentEnergy,
    Domain,
    Meter,
    MeterStatus,
    Method,
    SampleContext,
    check_gpu_intervals,
    warn_once,
)

__all__ = [
    "COUNTER_UNCERTAINTY_REL",
    "INSTALL_HINT",
    "POWER_UNCERTAINTY_REL",
    "NvidiaMeter",
    "gpu_inventory",
    "nvidia_status",
    "translate_nvml_error",
]

log = logging.getLogger("algoprint")

COUNTER_UNCERTAINTY_REL = 0.05
"""Assumed ±5 % for the NVML energy counter (see the module docstring)."""
POWER_UNCERTAINTY_REL = 0.10
"""Assumed ±10 % for integrated NVML power readings."""
COUNTER_UPDATE_S = 0.1
"""The counter's update period (measured on H100)."""
MIN_READ_GAP_S = COUNTER_UPDATE_S / 2
"""Counter reads closer together than this are skipped: they cost ~4 ms and add nothing."""
_MAX_FAILURES = 3


class _Mode(StrEnum):
    COUNTER = "counter"
    POWER = "power"
    GAP = "gap"


@dataclass
class _Gpu:
    """State of one physical GPU; guarded by the meter's lock."""

    index: int
    uuid: str | None
    name: str
    handle: Any
    mig_uuids: tuple[str, ...] = ()
    mode: _Mode = _Mode.COUNTER
    note: str | None = None
    energy_j: float = 0.0
    last_mj: int | None = None
    last_read_s: float | None = None
    last_power_w: float | None = None
    failures: int = 0
    share: ProcessShare | None = None

    @property
    def measured(self) -> bool:
        return self.mode is not _Mode.GAP

    @property
    def device_id(self) -> str:
        return f"nvidia:{self.index}:{self.uuid or 'unknown'}"


class NvidiaMeter(Meter):
    """Energy of the visible NVIDIA GPUs, from NVML.

    Args:
        nvml: the pynvml module or a stand-in (:class:`algoprint.testing.FakeNvml`); ``None``
            imports pynvml.
        visible_devices: which GPUs to measure, in ``CUDA_VISIBLE_DEVICES`` syntax; ``None``
            reads that variable (unset: all GPUs).
        counter_interval_s: the longest gap between two energy-counter reads (s).
        power_interval_s: the power polling period where there is no counter (s, ≤ 0.1).

    Raises:
        ConfigError: an interval out of range.
        MeterUnavailable: pynvml is not installed, NVML cannot start (no driver, library or
            version mismatch), or no GPU is visible.
        PermissionDenied: NVML refuses access.
    """

    name: ClassVar[str] = "nvidia"

    def __init__(
        self,
        *,
        nvml: Any | None = None,
        visible_devices: str | None = None,
        counter_interval_s: float = 10.0,
        power_interval_s: float = 0.1,
    ) -> None:
        check_gpu_intervals(counter_interval_s, power_interval_s)
        self._nvml: Any = nvml if nvml is not None else import_pynvml()
        self._counter_interval_s = counter_interval_s
        self._power_interval_s = power_interval_s
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self._notes: list[str] = []
        if visible_devices is None:
            visible_devices = os.environ.get("CUDA_VISIBLE_DEVICES")
        self._visible = visible_devices
        nvml_init(self._nvml)
        try:
            self._gpus = self._discover(visible_devices)
            for gpu in self._gpus:
                self._probe(gpu)
        except BaseException:
            nvml_shutdown(self._nvml)
            raise
        any_power = any(g.mode is _Mode.POWER for g in self._gpus)
        self.sample_interval_s = power_interval_s if any_power else counter_interval_s

    # --- discovery ---------------------------------------------------------------------------
    def _discover(self, visible: str | None) -> list[_Gpu]:
        nvml = self._nvml
        try:
            count = int(nvml.nvmlDeviceGetCount())
        except nvml.NVMLError as e:
            raise translate_nvml_error(nvml, e, action="counting GPUs") from e
        found: dict[int, _Gpu] = {}
        for index in range(count):
            try:
                handle = nvml.nvmlDeviceGetHandleByIndex(index)
                uuid = text(nvml.nvmlDeviceGetUUID(handle))
                name = text(nvml.nvmlDeviceGetName(handle))
                found[index] = _Gpu(index, uuid, name, handle)
            except nvml.NVMLError as e:
                err = translate_nvml_error(nvml, e, action="opening the GPU", device=f"#{index}")
                found[index] = _Gpu(index, None, "?", None, mode=_Mode.GAP, note=err.message)
        spec = parse_visible_devices(visible)
        needs_mig = any(e.kind in (EntryKind.MIG, EntryKind.MIG_LEGACY) for e in spec.entries)
        migs = self._list_mig(found.values()) if needs_mig else None
        resolution = resolve_visible(spec, [(g.index, g.uuid) for g in found.values()], migs)
        self._note_resolution(spec.entries, resolution, found)
        gpus = [found[index] for index in resolution.parents]
        for gpu in gpus:
            gpu.mig_uuids = resolution.mig_uuids.get(gpu.index, ())
        if not gpus:
            why = f"CUDA_VISIBLE_DEVICES={visible!r} names no GPU" if visible is not None else ""
            raise MeterUnavailable(
                f"no NVIDIA GPU to measure{': ' + why if why else ''}",
                hint="unset CUDA_VISIBLE_DEVICES to measure every GPU" if why else None,
                source="nvidia",
            )
        return gpus

    def _list_mig(self, gpus: Iterable[_Gpu]) -> list[MigSlice]:
        nvml = self._nvml
        slices: list[MigSlice] = []
        for gpu in gpus:
            if gpu.handle is None:
                continue
            try:
                slots = int(nvml.nvmlDeviceGetMaxMigDeviceCount(gpu.handle))
            except nvml.NVMLError:
                continue  # no MIG on this GPU
            for slot in range(slots):
                try:
                    mig = nvml.nvmlDeviceGetMigDeviceHandleByIndex(gpu.handle, slot)
                    uuid = text(nvml.nvmlDeviceGetUUID(mig))
                except nvml.NVMLError:
                    continue  # empty slot
                ids: list[int | None] = []
                for getter in ("nvmlDeviceGetGpuInstanceId", "nvmlDeviceGetComputeInstanceId"):
                    try:
                        ids.append(int(getattr(nvml, getter)(mig)))
                    except nvml.NVMLError:
                        ids.append(None)
                slices.append(MigSlice(uuid, gpu.index, ids[0], ids[1]))
        return slices

    def _note_resolution(self, entries: Any, res: Resolution, found: dict[int, _Gpu]) -> None:
        if res.stopped_at is not None:
            message = (
                f"CUDA_VISIBLE_DEVICES entry {res.stopped_at!r} {res.reason}; like CUDA, the "
                "meter ignores it and every entry after it"
            )
            self._notes.append(message)
            warn_once(f"nvidia-visible:{self._visible}", message)
        by_index = any(e.kind is EntryKind.INDEX for e in entries)
        names = {g.name for g in found.values()}
        if by_index and len(names) > 1 and os.environ.get("CUDA_DEVICE_ORDER") != "PCI_BUS_ID":
            message = (
                "CUDA_VISIBLE_DEVICES uses indices on a machine with different GPU models: "
                "CUDA orders them fastest first, NVML by PCI bus, so an index may name "
                "another GPU"
            )
            self._notes.append(message)
            warn_once("nvidia-device-order", message + "; set CUDA_DEVICE_ORDER=PCI_BUS_ID")

    def _probe(self, gpu: _Gpu) -> None:
        """Choose counter, power or gap for one GPU (one counter read, ~4 ms)."""
        nvml = self._nvml
        if gpu.mode is _Mode.GAP:
            return
        try:
            nvml.nvmlDeviceGetTotalEnergyConsumption(gpu.handle)
            return
        except nvml.NVMLError as e:
            if nvml_error_name(nvml, e) != "NVML_ERROR_NOT_SUPPORTED":
                self._gap(gpu, e, "reading the energy counter")
                return
        try:
            nvml.nvmlDeviceGetPowerUsage(gpu.handle)
        except nvml.NVMLError as e:
            err = translate_nvml_error(nvml, e, action="reading power", device=gpu.device_id)
            gpu.mode = _Mode.GAP
            gpu.note = f"no energy counter and no power reading: {err.message}"
            return
        gpu.mode = _Mode.POWER
        gpu.note = (
            f"fallback: {gpu.name} has no energy counter (pre-Volta), so power is polled every "
            f"{self._power_interval_s:g} s and integrated"
        )
        warn_once(f"nvidia-power-fallback:{gpu.uuid}", f"{gpu.device_id}: {gpu.note}")

    def _gap(self, gpu: _Gpu, exc: BaseException, action: str) -> None:
        err = translate_nvml_error(self._nvml, exc, action=action, device=gpu.device_id)
        measured = f"; {gpu.energy_j:.1f} J measured before that" if self._started else ""
        gpu.mode = _Mode.GAP
        gpu.note = f"not measured from here on: {err.message}{measured}"
        warn_once(f"nvidia-gap:{gpu.device_id}", f"{gpu.device_id} {gpu.note}")

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self, ctx: SampleContext) -> None:
        """Take the baseline reading of every GPU (a failing GPU becomes a gap)."""
        with self._lock:
            if self._started:
                raise TrackingError("NvidiaMeter.start() was called twice")
            if self._closed:
                raise TrackingError("NvidiaMeter.start() after close()")
            self._started = True
            for gpu in self._gpus:
                if gpu.measured:
                    gpu.share = ProcessShare(self._nvml, gpu.handle)
                    self._read(gpu, ctx, baseline=True)
                    if ctx.pids and gpu.measured:
                        gpu.share.begin(ctx.now_s)

    def sample(self, ctx: SampleContext) -> None:
        """Read every GPU; never raises (errors become notes and gaps)."""
        with self._lock:
            if not self._started or self._closed:
                return
            for gpu in self._gpus:
                try:
                    if gpu.mode is not _Mode.GAP:
                        self._read(gpu, ctx, baseline=False)
                except Exception:  # never hurt the workload
                    log.exception("algoprint: unexpected error reading %s", gpu.device_id)

    def _read(self, gpu: _Gpu, ctx: SampleContext, *, baseline: bool) -> None:
        nvml = self._nvml
        now_s = ctx.now_s
        if gpu.mode is _Mode.COUNTER:
            recent = gpu.last_read_s is not None and now_s - gpu.last_read_s < MIN_READ_GAP_S
            if recent and not baseline:
                return
            action = "reading the energy counter"
        else:
            action = "reading power"
        try:
            if gpu.mode is _Mode.COUNTER:
                value = int(nvml.nvmlDeviceGetTotalEnergyConsumption(gpu.handle))
            else:
                value = int(nvml.nvmlDeviceGetPowerUsage(gpu.handle))
        except nvml.NVMLError as e:
            gpu.failures += 1
            if baseline or gpu.failures >= _MAX_FAILURES or nvml_error_name(nvml, e) in FATAL:
                self._gap(gpu, e, action)
            return
        gpu.failures = 0
        delta_j = 0.0
        if gpu.mode is _Mode.COUNTER:
            if gpu.last_mj is not None:
                if value < gpu.last_mj:
                    gpu.mode = _Mode.GAP
                    gpu.note = (
                        "not measured from here on: the energy counter went backwards (driver "
                        f"reloaded?); {gpu.energy_j:.1f} J measured before that"
                    )
                    return
                delta_j = (value - gpu.last_mj) / 1000
            gpu.last_mj = value
        else:
            power_w = value / 1000
            if gpu.last_power_w is not None and gpu.last_read_s is not None:
                delta_j = (gpu.last_power_w + power_w) / 2 * max(0.0, now_s - gpu.last_read_s)
            gpu.last_power_w = power_w
        gpu.last_read_s = now_s
        gpu.energy_j += delta_j
        if not baseline and gpu.share is not None:
            due = gpu.mode is _Mode.COUNTER or (
                now_s - gpu.share.last_query_s >= self._counter_interval_s
            )
            gpu.share.add(delta_j, ctx, query=due)

    def totals(self) -> list[ComponentEnergy]:
        """Cumulative energy per physical GPU since ``start()``; gaps are ``energy_j=None``."""
        with self._lock:
            return [self._component(gpu) for gpu in self._gpus]

    def _component(self, gpu: _Gpu) -> ComponentEnergy:
        notes = [gpu.note] if gpu.note else []
        if gpu.mig_uuids:
            notes.append(
                f"MIG slice(s) {', '.join(gpu.mig_uuids)}: NVML measures only the whole "
                f"physical GPU {gpu.uuid}, so this figure includes every slice on it"
            )
        process_j = None
        if gpu.share is not None:
            process_j = gpu.share.process_energy_j()
            if gpu.share.note:
                notes.append(gpu.share.note)
        note = "; ".join(notes) or None
        if gpu.mode is _Mode.GAP:
            return ComponentEnergy(Domain.GPU, gpu.device_id, None, Method.NONE, 0.0, None, note)
        counter = gpu.mode is _Mode.COUNTER
        return ComponentEnergy(
            domain=Domain.GPU,
            device=gpu.device_id,
            energy_j=gpu.energy_j,
            method=Method.COUNTER if counter else Method.POWER_INTEGRATION,
            uncertainty_rel=COUNTER_UNCERTAINTY_REL if counter else POWER_UNCERTAINTY_REL,
            process_energy_j=process_j,
            note=note,
        )

    def status(self) -> MeterStatus:
        """Which GPUs are measured and how (for ``doctor`` and run records)."""
        with self._lock:
            parts = []
            for gpu in self._gpus:
                how = {
                    _Mode.COUNTER: "energy counter",
                    _Mode.POWER: f"power polled at {1 / self._power_interval_s:g} Hz (fallback)",
                    _Mode.GAP: "not measured",
                }[gpu.mode]
                extra = f": {gpu.note}" if gpu.mode is not _Mode.COUNTER and gpu.note else ""
                parts.append(f"{gpu.device_id} ({gpu.name}) {how}{extra}")
            modes = {g.mode for g in self._gpus}
            method = (
                Method.COUNTER
                if modes == {_Mode.COUNTER}
                else Method.POWER_INTEGRATION
                if _Mode.POWER in modes
                else Method.COUNTER
                if _Mode.COUNTER in modes
                else Method.NONE
            )
            return MeterStatus(
                name=self.name,
                available=modes != {_Mode.GAP},
                detail="; ".join(parts + self._notes),
                hint=(
                    "a Volta or newer GPU has an energy counter (more accurate)"
                    if _Mode.POWER in modes
                    else None
                ),
                method=method,
            )

    def gpu_inventory(self) -> list[dict[str, Any]]:
        """The measured GPUs, as :func:`gpu_inventory` describes them."""
        with self._lock:
            return [describe(self._nvml, g.index, g.handle, g.uuid, g.name) for g in self._gpus]

    def close(self) -> None:
        """Release NVML; idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        nvml_shutdown(self._nvml)


def nvidia_status(nvml: Any | None = None, *, visible_devices: str | None = None) -> MeterStatus:
    """What the NVIDIA meter would measure here, for ``algoprint doctor``; never raises."""
    try:
        meter = NvidiaMeter(nvml=nvml, visible_devices=visible_devices)
    except MeterError as e:
        return MeterStatus(name="nvidia", available=False, detail=e.message, hint=e.hint)
    try:
        return meter.status()
    finally:
        meter.close()
