"""The exception tree of algoprint, documented in one place.

Every vendor or OS error is translated at the boundary into one of these (``raise ... from e``),
and each carries the context a user needs to fix it (device, path, source) plus a ``hint``.

    AlgoprintError
    ├── ConfigError            invalid setting, unknown key, bad value (names the accepted values)
    ├── MeterError             a meter could not be read
    │   ├── MeterUnavailable   the source does not exist here (no RAPL, no NVIDIA driver, ...)
    │   └── PermissionDenied   the source exists but is not readable (RAPL since Linux 5.10)
    ├── TrackingError          misuse of the tracking API (stop before start, phase after stop)
    ├── StoreError             the run store cannot be opened or written
    │   └── NotFound           a run, algorithm or measure that does not exist
    ├── ImpactError            an impact cannot be computed (unknown zone, PUE < 1, ...)
    ├── SourceError            an outside source cannot be read (Prometheus, sacct)
    └── InputError             other bad user input (CLI arguments, files)
"""

from __future__ import annotations

__all__ = [
    "AlgoprintError",
    "ConfigError",
    "ImpactError",
    "InputError",
    "MeterError",
    "MeterUnavailable",
    "NotFound",
    "PermissionDenied",
    "SourceError",
    "StoreError",
    "TrackingError",
]


class AlgoprintError(Exception):
    """Base class of every error algoprint raises on purpose.

    Args:
        message: one line naming the problem.
        hint: one line naming the fix, shown after the message by the CLI.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class ConfigError(AlgoprintError):
    """A setting is unknown or has an invalid value."""


class MeterError(AlgoprintError):
    """A meter could not be read."""

    def __init__(self, message: str, *, hint: str | None = None, source: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.source = source


class MeterUnavailable(MeterError):
    """The energy source does not exist on this machine."""


class PermissionDenied(MeterError):
    """The energy source exists but this user may not read it."""


class TrackingError(AlgoprintError):
    """The tracking API was used in an invalid order."""


class StoreError(AlgoprintError):
    """The run store cannot be opened, migrated or written."""


class NotFound(StoreError):
    """A stored object (run, algorithm, measure) does not exist."""


class ImpactError(AlgoprintError):
    """An impact figure cannot be computed from the given inputs."""


class SourceError(AlgoprintError):
    """An outside system that algoprint reads (Prometheus, ``sacct``) is unreachable, refuses
    the request or answers something unusable; the message names the source."""


class InputError(AlgoprintError):
    """Bad user input that is not a setting (arguments, files)."""
