"""algoprint: measure, monitor and report the energy and environmental impact of algorithms.

The public API is what ``__all__`` lists (a test pins it); every other module is private.
Importing this package stays light: attributes are loaded on first use, and no SQLAlchemy,
pandas or plotting library is imported until a run is stored or a report is made.

    >>> import algoprint
    >>> with algoprint.track(algorithm="my-model", phase="training") as run:  # doctest: +SKIP
    ...     with run.phase("epoch"):
    ...         train_one_epoch()
    >>> run.record.energy_j  # doctest: +SKIP
"""

from __future__ import annotations

import importlib

from algoprint._version import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Any

    from algoprint.config import Settings, load_settings
    from algoprint.errors import (
        AlgoprintError,
        ConfigError,
        ImpactError,
        InputError,
        MeterError,
        MeterUnavailable,
        NotFound,
        PermissionDenied,
        StoreError,
        TrackingError,
    )
    from algoprint.tracking.record import RunRecord, RunStatus
    from algoprint.tracking.tracker import Run, Tracker, track

__all__ = [
    "AlgoprintError",
    "ConfigError",
    "ImpactError",
    "InputError",
    "MeterError",
    "MeterUnavailable",
    "NotFound",
    "PermissionDenied",
    "Run",
    "RunRecord",
    "RunStatus",
    "Settings",
    "StoreError",
    "Tracker",
    "TrackingError",
    "__version__",
    "load_settings",
    "track",
]

_LAZY = {
    "Run": "algoprint.tracking.tracker",
    "Tracker": "algoprint.tracking.tracker",
    "track": "algoprint.tracking.tracker",
    "RunRecord": "algoprint.tracking.record",
    "RunStatus": "algoprint.tracking.record",
    "Settings": "algoprint.config",
    "load_settings": "algoprint.config",
    **{
        name: "algoprint.errors"
        for name in (
            "AlgoprintError",
            "ConfigError",
            "ImpactError",
            "InputError",
            "MeterError",
            "MeterUnavailable",
            "NotFound",
            "PermissionDenied",
            "StoreError",
            "TrackingError",
        )
    },
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'algoprint' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext algoprint`` in IPython/Jupyter: the ``%%algoprint`` cell magic and
    ``%algoprint_summary`` (:mod:`algoprint.integrations.jupyter`)."""
    from algoprint.integrations.jupyter import load_ipython_extension as load

    load(ipython)


def __dir__() -> list[str]:
    return sorted(__all__)
