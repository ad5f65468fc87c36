"""Pick the best available meter per component on this machine.

Order per component, most direct first:
- CPU: RAPL package counters → CPU power model (utilisation × TDP table).
- Memory: RAPL DRAM counter → memory model (W per GB available to the job).
- GPU: NVIDIA (NVML energy counter → power integration), AMD (amdsmi); none present → nothing.

An auto-detected source that is missing degrades to the next one; the fallback is recorded
(``Degradation(kind="fallback")``) and said once. With ``strict`` set any fallback is an error.
Vendor libraries are imported only here, lazily, so ``import algoprint`` stays light.
"""

from __future__ import annotations

import os
from pathlib import Path

from algoprint.config import Settings
from algoprint.errors import ConfigError, MeterError, PermissionDenied
from algoprint.meters.common import (
    RAPL_UNAVAILABLE_HINT,
    Domain,
    Meter,
    MeterStatus,
    Method,
    warn_once,
)
from algoprint.records import Degradation

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Discovery", "discover"]


class Discovery:
    """The meters chosen for a run, what every source said, and the fallbacks taken."""

    __slots__ = ("degradations", "host", "meters", "statuses")

    def __init__(self) -> None:
        self.meters: list[Meter] = []
        self.statuses: list[MeterStatus] = []
        self.degradations: list[Degradation] = []
        self.host: dict[str, Any] = {}


def _fallback(
    found: Discovery, settings: Settings, source: str, message: str, hint: str | None, *, say: bool
) -> None:
    if settings.strict:
        raise ConfigError(f"{message} (strict mode)", hint=hint)
    found.degradations.append(
        Degradation(source=source, message=message, hint=hint, kind="fallback")
    )
    if say:
        warn_once(f"fallback:{source}", f"algoprint: {message}" + (f" — {hint}" if hint else ""))


def discover(settings: Settings, *, for_doctor: bool = False) -> Discovery:
    """Choose meters for this machine.

    Args:
        settings: validated settings (roots of /proc, cgroup and powercap; overrides).
        for_doctor: gather every status without warning (``algoprint doctor``).

    Raises:
        ConfigError: ``strict`` is set and a component had to fall back.
    """
    from algoprint.meters import _host

    with _host.remembered():  # the meters ask for the same host facts: read them once
        return _discover(settings, for_doctor=for_doctor)


def _discover(settings: Settings, *, for_doctor: bool) -> Discovery:
    from algoprint.meters import _host

    found = Discovery()
    found.host = dict(
        _host.host_info(proc_root=settings.proc_root, cgroup_root=settings.cgroup_root)
    )
    say = not for_doctor
    cpu_done = mem_done = False

    # -- RAPL ------------------------------------------------------------------------------
    try:
        missing = _no_powercap(settings.rapl_root)
        if missing is not None:
            raise missing
        from algoprint.meters import rapl

        meter = rapl.probe_rapl(
            root=settings.rapl_root, cpuinfo_path=Path(settings.proc_root) / "cpuinfo"
        )
    except PermissionDenied as e:
        found.statuses.append(MeterStatus("rapl", False, e.message, e.hint, Method.COUNTER))
        if not for_doctor:
            _fallback(
                found,
                settings,
                "rapl",
                "RAPL counters exist but are not readable; using the CPU power model",
                e.hint,
                say=say,
            )
    except MeterError as e:
        found.statuses.append(MeterStatus("rapl", False, e.message, e.hint, Method.COUNTER))
    else:
        found.statuses.append(meter.status())
        found.meters.append(meter)
        domains = {d for d, _ in meter.devices}
        cpu_done = Domain.CPU in domains or Domain.PLATFORM in domains
        mem_done = Domain.MEMORY in domains or Domain.PLATFORM in domains

    # -- CPU model ---------------------------------------------------------------------------
    from algoprint.meters import cpu_model

    cpu = cpu_model.CpuModelMeter(
        proc_root=settings.proc_root,
        cgroup_root=settings.cgroup_root,
        tdp_w=settings.cpu_tdp_w,
        model_name=settings.cpu_model,
        interval_s=settings.interval_s,
        strict=settings.strict and not cpu_done,
        warn=not cpu_done and not for_doctor,
    )
    found.statuses.append(cpu.status())
    if not cpu_done:
        found.meters.append(cpu)
        if not any(d.source == "rapl" for d in found.degradations) and not for_doctor:
            _fallback(
                found,
                settings,
                "cpu",
                "no readable CPU energy counter (RAPL); CPU energy "
                "comes from a power model of utilisation and TDP (wider uncertainty)",
                "run on bare metal with RAPL readable for measured CPU energy",
                say=False,
            )

    # -- memory model ----------------------------------------------------------------------
    from algoprint.meters import memory

    mem = memory.MemoryModelMeter(
        proc_root=settings.proc_root,
        cgroup_root=settings.cgroup_root,
        w_per_gb=settings.memory_w_per_gb,
        interval_s=settings.interval_s,
    )
    found.statuses.append(mem.status())
    if not mem_done:
        found.meters.append(mem)

    # -- GPUs ------------------------------------------------------------------------------
    if settings.gpu:
        for meter_name, factory in (("nvidia", _nvidia), ("amd", _amd)):
            try:
                gpu = factory(settings)
            except MeterError as e:
                found.statuses.append(
                    MeterStatus(meter_name, False, e.message, e.hint, Method.COUNTER)
                )
                continue
            found.statuses.append(gpu.status())
            found.meters.append(gpu)
    return found


def _no_powercap(root: str) -> MeterError | None:
    """The RAPL meter's own error when the powercap directory does not exist (VMs, most
    clouds), found without importing the RAPL modules; ``None`` when there is one to probe."""
    try:
        os.stat(root)
    except (FileNotFoundError, NotADirectoryError) as e:
        from algoprint.errors import MeterUnavailable

        return MeterUnavailable(
            f"no powercap directory at {root} ({e.strerror or e})",
            hint=RAPL_UNAVAILABLE_HINT,
            source=str(root),
        )
    except OSError:
        pass  # the RAPL meter says what is wrong (permissions, ...)
    return None


# Loading pynvml and failing nvmlInit costs ~70 ms; without any of these device nodes there
# is no NVIDIA driver to talk to (/dev/dxg: WSL2), so the import is skipped.
_NVIDIA_NODES = ("/dev/nvidiactl", "/proc/driver/nvidia", "/dev/dxg")


def _nvidia(settings: Settings) -> Meter:
    from algoprint.errors import MeterUnavailable

    if not any(Path(node).exists() for node in _NVIDIA_NODES):
        raise MeterUnavailable(
            "no NVIDIA driver found (none of " + ", ".join(_NVIDIA_NODES) + " exists)",
            source="nvidia",
        )
    from algoprint.meters.nvidia import NvidiaMeter

    return NvidiaMeter(counter_interval_s=settings.counter_interval_s)


def _amd(settings: Settings) -> Meter:
    from algoprint.errors import MeterUnavailable

    # amdsmi talks to the amdgpu driver through /dev/kfd; without it (or without the package)
    # there is nothing to measure, and the meter module is not imported at all.
    if not Path("/dev/kfd").exists():
        raise MeterUnavailable("no AMD GPU driver found (/dev/kfd does not exist)", source="amd")
    import importlib.util  # after the check: most hosts stop above

    if importlib.util.find_spec("amdsmi") is None:
        from algoprint.meters.amd import INSTALL_HINT

        raise MeterUnavailable(
            "measuring AMD GPUs needs the amdsmi package, which is not installed",
            hint=INSTALL_HINT,
            source="amd",
        )
    from algoprint.meters.amd import AmdMeter

    del settings
    return AmdMeter()
