"""NVML plumbing for the NVIDIA meter: import, init, error translation, inventory.

Every pynvml ``NVMLError`` is translated here, at the boundary, into the algoprint error tree
through one lookup table (:data:`NVML_ERRORS`); the message keeps the NVML code name and the
caller raises the result ``from`` the original error.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from algoprint.errors import MeterError, MeterUnavailable, PermissionDenied

__all__ = [
    "FATAL",
    "INSTALL_HINT",
    "NVML_ERRORS",
    "describe",
    "gpu_inventory",
    "import_pynvml",
    "nvml_error_name",
    "nvml_init",
    "nvml_shutdown",
    "text",
    "translate_nvml_error",
]

log = logging.getLogger("algoprint")

INSTALL_HINT = "pip install 'algoprint[nvidia]'"


@dataclass(frozen=True, slots=True)
class Rule:
    """How one NVML error becomes an algoprint error."""

    cls: type[MeterError]
    what: str
    hint: str | None = None


NVML_ERRORS: dict[str, Rule] = {
    "NVML_ERROR_NOT_SUPPORTED": Rule(MeterUnavailable, "not supported by this GPU or driver"),
    "NVML_ERROR_NO_PERMISSION": Rule(
        PermissionDenied,
        "permission denied",
        "run as a user who may open /dev/nvidia*; in a container, pass the GPU through",
    ),
    "NVML_ERROR_LIB_RM_VERSION_MISMATCH": Rule(
        MeterUnavailable,
        "the NVML library and the loaded kernel driver have different versions",
        "reboot (or reload the nvidia kernel module) after the driver update",
    ),
    "NVML_ERROR_DRIVER_NOT_LOADED": Rule(
        MeterUnavailable,
        "the NVIDIA kernel driver is not loaded",
        "install and load the NVIDIA driver; `nvidia-smi` must work",
    ),
    "NVML_ERROR_LIBRARY_NOT_FOUND": Rule(
        MeterUnavailable,
        "libnvidia-ml.so was not found",
        "install the NVIDIA driver; in a container use the NVIDIA container toolkit",
    ),
    "NVML_ERROR_FUNCTION_NOT_FOUND": Rule(
        MeterUnavailable, "the driver lacks this NVML function", "update the NVIDIA driver"
    ),
    "NVML_ERROR_GPU_IS_LOST": Rule(
        MeterError,
        "the GPU is lost (it fell off the bus or stopped answering)",
        "check `nvidia-smi` and the kernel log; an administrator must look at the GPU",
    ),
    "NVML_ERROR_RESET_REQUIRED": Rule(
        MeterError, "the GPU needs a reset", "ask an administrator to reset the GPU"
    ),
    "NVML_ERROR_UNINITIALIZED": Rule(MeterError, "NVML is not initialised"),
    "NVML_ERROR_NOT_FOUND": Rule(MeterError, "no such device or data"),
    "NVML_ERROR_INVALID_ARGUMENT": Rule(MeterError, "invalid argument"),
    "NVML_ERROR_TIMEOUT": Rule(MeterError, "the driver timed out"),
    "NVML_ERROR_INSUFFICIENT_POWER": Rule(
        MeterError, "the GPU lacks external power", "check the GPU's power cables"
    ),
    "NVML_ERROR_CORRUPTED_INFOROM": Rule(
        MeterError, "the GPU's infoROM is corrupted", "ask an administrator to check the GPU"
    ),
    "NVML_ERROR_UNKNOWN": Rule(MeterError, "unknown NVML error"),
}
"""NVML error name -> the algoprint error it becomes, what it means and how to fix it."""

FATAL = frozenset(
    {
        "NVML_ERROR_GPU_IS_LOST",
        "NVML_ERROR_RESET_REQUIRED",
        "NVML_ERROR_DRIVER_NOT_LOADED",
        "NVML_ERROR_LIB_RM_VERSION_MISMATCH",
        "NVML_ERROR_UNINITIALIZED",
    }
)
"""Errors after which a GPU is not read again in this run."""


def nvml_error_name(nvml: Any, exc: BaseException) -> str | None:
    """The ``NVML_ERROR_*`` name of an ``NVMLError`` (found by its ``.value`` code), if any."""
    code = getattr(exc, "value", None)
    if code is None:
        return None
    names: Iterable[str] = [*NVML_ERRORS, *(n for n in dir(nvml) if n.startswith("NVML_ERROR_"))]
    for name in names:
        if getattr(nvml, name, None) == code:
            return name
    return None


def translate_nvml_error(
    nvml: Any, exc: BaseException, *, action: str, device: str | None = None
) -> MeterError:
    """Turn a pynvml ``NVMLError`` into the algoprint error that says what to do.

    Args:
        nvml: the pynvml module (or a fake), whose ``NVML_ERROR_*`` constants name the code.
        exc: the NVML error.
        action: what was attempted, e.g. ``"reading the energy counter"``.
        device: the device id, if the call was about one device.

    Returns:
        The translated error, to be raised ``from exc``; unknown codes become
        :class:`~algoprint.errors.MeterError`.
    """
    name = nvml_error_name(nvml, exc)
    rule = NVML_ERRORS.get(name or "", Rule(MeterError, f"NVML error {exc}"))
    where = f" on {device}" if device else ""
    return rule.cls(
        f"NVML {action}{where} failed: {rule.what} ({name or getattr(exc, 'value', '?')})",
        hint=rule.hint,
        source="nvidia",
    )


def import_pynvml() -> Any:
    """Import pynvml lazily, so ``import algoprint`` works without it.

    Raises:
        MeterUnavailable: nvidia-ml-py is not installed (hint: the install command).
    """
    try:
        import pynvml
    except ImportError as e:
        raise MeterUnavailable(
            "measuring NVIDIA GPUs needs nvidia-ml-py (module pynvml), which is not installed",
            hint=INSTALL_HINT,
            source="nvidia",
        ) from e
    return pynvml


def nvml_init(nvml: Any) -> None:
    """``nvmlInit``; every failure means NVIDIA GPUs cannot be measured here.

    Raises:
        MeterUnavailable: no driver, no library, version mismatch, any other failure.
        PermissionDenied: NVML refuses access.
    """
    try:
        nvml.nvmlInit()
    except nvml.NVMLError as e:
        err = translate_nvml_error(nvml, e, action="initialisation")
        if not isinstance(err, MeterUnavailable | PermissionDenied):
            err = MeterUnavailable(err.message, hint=err.hint, source="nvidia")
        raise err from e


def nvml_shutdown(nvml: Any) -> None:
    """``nvmlShutdown``, logging (not raising) a failure."""
    try:
        nvml.nvmlShutdown()
    except nvml.NVMLError as e:
        log.debug("algoprint: nvmlShutdown failed: %s", e)


def text(value: Any) -> str:
    """NVML strings are ``str`` in recent pynvml, ``bytes`` in old ones."""
    return value.decode() if isinstance(value, bytes) else str(value)


def describe(nvml: Any, index: int, handle: Any, uuid: str | None, name: str) -> dict[str, Any]:
    """One GPU for host info; values NVML does not report are ``None``."""
    info: dict[str, Any] = {
        "index": index,
        "uuid": uuid,
        "name": name,
        "memory_gb": None,
        "power_limit_w": None,
    }
    if handle is None:
        return info
    with contextlib.suppress(nvml.NVMLError):
        info["memory_gb"] = round(int(nvml.nvmlDeviceGetMemoryInfo(handle).total) / 1e9, 3)
    with contextlib.suppress(nvml.NVMLError):
        info["power_limit_w"] = int(nvml.nvmlDeviceGetEnforcedPowerLimit(handle)) / 1000
    return info


def gpu_inventory(*, nvml: Any | None = None) -> list[dict[str, Any]]:
    """Every NVIDIA GPU on this host (whatever CUDA_VISIBLE_DEVICES says), for host info.

    Args:
        nvml: the pynvml module or a stand-in; ``None`` imports pynvml.

    Returns:
        One dict per GPU: ``index``, ``uuid``, ``name``, ``memory_gb`` (decimal GB, 1e9 bytes),
        ``power_limit_w`` (enforced limit in W; ``None`` where NVML does not report it).

    Raises:
        MeterUnavailable: pynvml missing or NVML cannot start.
        MeterError: NVML fails while listing.
    """
    module: Any = nvml if nvml is not None else import_pynvml()
    nvml_init(module)
    try:
        rows = []
        for index in range(int(module.nvmlDeviceGetCount())):
            handle, uuid, name = None, None, "?"
            try:
                handle = module.nvmlDeviceGetHandleByIndex(index)
                uuid = text(module.nvmlDeviceGetUUID(handle))
                name = text(module.nvmlDeviceGetName(handle))
            except module.NVMLError:
                handle = None
            rows.append(describe(module, index, handle, uuid, name))
        return rows
    except module.NVMLError as e:
        raise translate_nvml_error(module, e, action="listing GPUs") from e
    finally:
        nvml_shutdown(module)
