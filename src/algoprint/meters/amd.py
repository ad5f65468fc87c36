"""AMD GPU energy through AMD SMI (``amdsmi`` from ROCm, extra ``algoprint[amd]``).

Method per GPU, in order of preference:

1. **Energy counter**: ``amdsmi_get_energy_count(handle)`` returns the energy accumulator (in
   ticks; the key is ``energy_accumulator``, ``power`` in older releases) and the
   ``counter_resolution`` (µJ per tick). Read at start, whenever the tracker samples (window
   edges) and at least every ``counter_interval_s``.
2. **Power integration** where the counter is not supported: ``amdsmi_get_power_info(handle)``
   (socket power in W) polled every ``power_interval_s`` (≤ 0.1 s) and integrated with the
   trapezoid rule; recorded as a fallback.
3. Otherwise a **gap** (``energy_j=None``, ``Method.NONE``, with the reason), never 0 J.

Uncertainty: AMD states no accuracy for either source, so the figures are *assumed*: ±10 %
for the counter, ±15 % for integrated power.

Visible devices: ``HIP_VISIBLE_DEVICES`` (else ``ROCR_VISIBLE_DEVICES``) with integer indices
or UUID prefixes, the first invalid entry ending the list as for CUDA. Indices are matched to
the order of ``amdsmi_get_processor_handles()``, which usually, not provably, matches HIP's
order; the nesting of both variables is not modelled. The meter does not attribute by process
(``process_energy_j`` is ``None``; tracking attributes by CPU time).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Any, ClassVar

from algoprint.errors import MeterError, MeterUnavailable, PermissionDenied
from algoprint.meters._gpu_visible import parse_visible_devices, resolve_visible
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

__all__ = ["AmdMeter", "amd_status", "translate_amdsmi_error"]

log = logging.getLogger("algoprint")

INSTALL_HINT = "pip install 'algoprint[amd]' (needs ROCm's AMD SMI library)"
COUNTER_UNCERTAINTY_REL = 0.10
"""Assumed: AMD states no accuracy for the energy accumulator."""
POWER_UNCERTAINTY_REL = 0.15
"""Assumed: AMD states no accuracy for the power reading; plus sampling error."""
_MAX_FAILURES = 3

# amdsmi_status_t codes from amdsmi.h; the module's own constants win where it has them.
_STATUS_CODES = {
    "AMDSMI_STATUS_NOT_SUPPORTED": 2,
    "AMDSMI_STATUS_NO_PERM": 10,
    "AMDSMI_STATUS_INIT_ERROR": 18,
}
_AMD_ERRORS: dict[str, tuple[type[MeterError], str, str | None]] = {
    "AMDSMI_STATUS_NOT_SUPPORTED": (MeterUnavailable, "not supported by this GPU or driver", None),
    "AMDSMI_STATUS_NO_PERM": (
        PermissionDenied,
        "permission denied",
        "add the user to the 'render' and 'video' groups",
    ),
    "AMDSMI_STATUS_INIT_ERROR": (
        MeterUnavailable,
        "AMD SMI could not start",
        "load the amdgpu driver; `amd-smi` must work",
    ),
}


def _status_name(amdsmi: Any, exc: BaseException) -> str | None:
    code = getattr(exc, "err_code", None)
    if code is None and callable(getattr(exc, "get_error_code", None)):
        code = exc.get_error_code()  # type: ignore[attr-defined]
    wrapper = getattr(amdsmi, "amdsmi_wrapper", None)
    for name, default in _STATUS_CODES.items():
        value = getattr(wrapper, name, getattr(amdsmi, name, default))
        if code is not None and int(code) == int(value):
            return name
    return None


def translate_amdsmi_error(
    amdsmi: Any, exc: BaseException, *, action: str, device: str | None = None
) -> MeterError:
    """Turn an ``AmdSmiException`` into the algoprint error that says what to do.

    Returns:
        The translated error, to be raised ``from exc``; unknown codes become MeterError.
    """
    name = _status_name(amdsmi, exc)
    cls, what, hint = _AMD_ERRORS.get(name or "", (MeterError, f"AMD SMI error: {exc}", None))
    where = f" on {device}" if device else ""
    return cls(f"AMD SMI {action}{where} failed: {what}", hint=hint, source="amd")


def _import_amdsmi() -> Any:
    try:
        import amdsmi
    except (ImportError, OSError) as e:  # the package loads libamd_smi.so on import
        raise MeterUnavailable(
            f"measuring AMD GPUs needs the amdsmi package and ROCm's library ({e})",
            hint=INSTALL_HINT,
            source="amd",
        ) from e
    return amdsmi


@dataclass
class _Gpu:
    index: int
    uuid: str
    name: str
    handle: Any
    mode: str = "counter"  # counter | power | gap
    note: str | None = None
    energy_j: float = 0.0
    last_ticks: int | None = None
    last_read_s: float | None = None
    last_power_w: float | None = None
    failures: int = 0

    @property
    def device_id(self) -> str:
        return f"amd:{self.index}:{self.uuid}"


class AmdMeter(Meter):
    """Energy of the visible AMD GPUs, from AMD SMI.

    Args:
        amdsmi: the amdsmi module or a stand-in; ``None`` imports it.
        visible_devices: which GPUs, in ``HIP_VISIBLE_DEVICES`` syntax; ``None`` reads
            ``HIP_VISIBLE_DEVICES`` then ``ROCR_VISIBLE_DEVICES`` (unset: all GPUs).
        counter_interval_s: the longest gap between counter reads (s).
        power_interval_s: the power polling period where there is no counter (s, ≤ 0.1).

    Raises:
        ConfigError: an interval out of range.
        MeterUnavailable: amdsmi is missing, cannot start, or no AMD GPU is visible.
        PermissionDenied: AMD SMI refuses access.
    """

    name: ClassVar[str] = "amd"

    def __init__(
        self,
        *,
        amdsmi: Any | None = None,
        visible_devices: str | None = None,
        counter_interval_s: float = 10.0,
        power_interval_s: float = 0.1,
    ) -> None:
        check_gpu_intervals(counter_interval_s, power_interval_s)
        self._smi: Any = amdsmi if amdsmi is not None else _import_amdsmi()
        self._error: Any = getattr(self._smi, "AmdSmiException", Exception)
        self._lock = threading.Lock()
        self._started = self._closed = False
        self._notes: list[str] = []
        if visible_devices is None:
            visible_devices = os.environ.get(
                "HIP_VISIBLE_DEVICES", os.environ.get("ROCR_VISIBLE_DEVICES")
            )
        try:
            self._smi.amdsmi_init()
        except self._error as e:
            err = translate_amdsmi_error(self._smi, e, action="initialisation")
            if not isinstance(err, MeterUnavailable | PermissionDenied):
                err = MeterUnavailable(err.message, hint=err.hint, source="amd")
            raise err from e
        try:
            self._gpus = self._discover(visible_devices)
        except BaseException:
            self._shutdown()
            raise
        for gpu in self._gpus:
            self._probe(gpu)
        any_power = any(g.mode == "power" for g in self._gpus)
        self.sample_interval_s = power_interval_s if any_power else counter_interval_s
        self._power_interval_s = power_interval_s

    def _discover(self, visible: str | None) -> list[_Gpu]:
        smi = self._smi
        try:
            handles = list(smi.amdsmi_get_processor_handles())
        except self._error as e:
            raise translate_amdsmi_error(smi, e, action="listing GPUs") from e
        found: list[_Gpu] = []
        for index, handle in enumerate(handles):
            try:
                uuid = str(smi.amdsmi_get_gpu_device_uuid(handle))
            except self._error:
                uuid = f"unknown-{index}"
            try:
                name = str(smi.amdsmi_get_gpu_asic_info(handle).get("market_name", "AMD GPU"))
            except (self._error, AttributeError):
                name = "AMD GPU"
            found.append(_Gpu(index, uuid, name, handle))
        spec = parse_visible_devices(visible)
        resolution = resolve_visible(spec, [(g.index, g.uuid) for g in found])
        if resolution.stopped_at is not None:
            message = (
                f"visible-devices entry {resolution.stopped_at!r} {resolution.reason}; it and "
                "every entry after it are ignored"
            )
            self._notes.append(message)
            warn_once(f"amd-visible:{visible}", message)
        gpus = [found[i] for i in resolution.parents]
        if not gpus:
            raise MeterUnavailable(
                "no AMD GPU to measure"
                + (f" (HIP/ROCR_VISIBLE_DEVICES={visible!r})" if visible is not None else ""),
                source="amd",
            )
        return gpus

    def _probe(self, gpu: _Gpu) -> None:
        try:
            self._ticks_j(gpu)
            return
        except self._error as e:
            if _status_name(self._smi, e) != "AMDSMI_STATUS_NOT_SUPPORTED":
                self._gap(gpu, e, "reading the energy counter")
                return
        try:
            self._power_w(gpu)
        except (self._error, ValueError) as e:
            gpu.mode, gpu.note = "gap", f"no energy counter and no power reading: {e}"
            return
        gpu.mode = "power"
        gpu.note = "fallback: no energy counter, so power is polled at 10 Hz and integrated"
        warn_once(f"amd-power-fallback:{gpu.uuid}", f"{gpu.device_id}: {gpu.note}")

    def _ticks_j(self, gpu: _Gpu) -> tuple[int, float]:
        info = self._smi.amdsmi_get_energy_count(gpu.handle)
        ticks = info.get("energy_accumulator", info.get("power"))
        return int(ticks), float(info["counter_resolution"]) * 1e-6

    def _power_w(self, gpu: _Gpu) -> float:
        info = self._smi.amdsmi_get_power_info(gpu.handle)
        for key in ("socket_power", "current_socket_power", "average_socket_power"):
            value = info.get(key)
            if isinstance(value, int | float) and value >= 0:
                return float(value)
        raise ValueError("AMD SMI reports no socket power (N/A)")

    def _gap(self, gpu: _Gpu, exc: BaseException, action: str) -> None:
        err = translate_amdsmi_error(self._smi, exc, action=action, device=gpu.device_id)
        measured = f"; {gpu.energy_j:.1f} J measured before that" if self._started else ""
        gpu.mode, gpu.note = "gap", f"not measured from here on: {err.message}{measured}"
        warn_once(f"amd-gap:{gpu.device_id}", f"{gpu.device_id} {gpu.note}")

    def start(self, ctx: SampleContext) -> None:
        """Take the baseline reading of every GPU."""
        with self._lock:
            self._started = True
            for gpu in self._gpus:
                if gpu.mode != "gap":
                    self._read(gpu, ctx.now_s, baseline=True)

    def sample(self, ctx: SampleContext) -> None:
        """Read every GPU; never raises."""
        with self._lock:
            if not self._started or self._closed:
                return
            for gpu in self._gpus:
                try:
                    if gpu.mode != "gap":
                        self._read(gpu, ctx.now_s, baseline=False)
                except Exception:  # never hurt the workload
                    log.exception("algoprint: unexpected error reading %s", gpu.device_id)

    def _read(self, gpu: _Gpu, now_s: float, *, baseline: bool) -> None:
        action = "reading the energy counter" if gpu.mode == "counter" else "reading power"
        try:
            if gpu.mode == "counter":
                ticks, j_per_tick = self._ticks_j(gpu)
            else:
                power_w = self._power_w(gpu)
        except (self._error, ValueError) as e:
            gpu.failures += 1
            if baseline or gpu.failures >= _MAX_FAILURES:
                self._gap(gpu, e, action)
            return
        gpu.failures = 0
        if gpu.mode == "counter":
            if gpu.last_ticks is not None:
                if ticks < gpu.last_ticks:
                    gpu.mode = "gap"
                    gpu.note = (
                        "not measured from here on: the energy counter went backwards; "
                        f"{gpu.energy_j:.1f} J measured before that"
                    )
                    return
                gpu.energy_j += (ticks - gpu.last_ticks) * j_per_tick
            gpu.last_ticks = ticks
        else:
            if gpu.last_power_w is not None and gpu.last_read_s is not None:
                step_s = max(0.0, now_s - gpu.last_read_s)
                gpu.energy_j += (gpu.last_power_w + power_w) / 2 * step_s
            gpu.last_power_w = power_w
        gpu.last_read_s = now_s

    def totals(self) -> list[ComponentEnergy]:
        """Cumulative energy per GPU since ``start()``; gaps are ``energy_j=None``."""
        with self._lock:
            out = []
            for gpu in self._gpus:
                if gpu.mode == "gap":
                    out.append(
                        ComponentEnergy(
                            Domain.GPU, gpu.device_id, None, Method.NONE, 0.0, None, gpu.note
                        )
                    )
                    continue
                counter = gpu.mode == "counter"
                out.append(
                    ComponentEnergy(
                        domain=Domain.GPU,
                        device=gpu.device_id,
                        energy_j=gpu.energy_j,
                        method=Method.COUNTER if counter else Method.POWER_INTEGRATION,
                        uncertainty_rel=(
                            COUNTER_UNCERTAINTY_REL if counter else POWER_UNCERTAINTY_REL
                        ),
                        note=gpu.note,
                    )
                )
            return out

    def status(self) -> MeterStatus:
        """Which GPUs are measured and how."""
        with self._lock:
            how = {"counter": "energy counter", "power": "power at 10 Hz (fallback)"}
            parts = [
                f"{g.device_id} ({g.name}) {how.get(g.mode, 'not measured')}"
                + (f": {g.note}" if g.mode == "gap" else "")
                for g in self._gpus
            ]
            modes = {g.mode for g in self._gpus}
            method = (
                Method.POWER_INTEGRATION
                if "power" in modes
                else Method.COUNTER
                if "counter" in modes
                else Method.NONE
            )
            return MeterStatus(
                name=self.name,
                available=modes != {"gap"},
                detail="; ".join(parts + self._notes),
                method=method,
            )

    def close(self) -> None:
        """Shut AMD SMI down; idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._shutdown()

    def _shutdown(self) -> None:
        try:
            self._smi.amdsmi_shut_down()
        except self._error as e:
            log.debug("algoprint: amdsmi_shut_down failed: %s", e)


def amd_status(amdsmi: Any | None = None, *, visible_devices: str | None = None) -> MeterStatus:
    """What the AMD meter would measure here, for ``algoprint doctor``; never raises."""
    try:
        meter = AmdMeter(amdsmi=amdsmi, visible_devices=visible_devices)
    except MeterError as e:
        return MeterStatus(name="amd", available=False, detail=e.message, hint=e.hint)
    try:
        return meter.status()
    finally:
        meter.close()
