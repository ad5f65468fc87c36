"""Energy meters: one module per source. See :mod:`algoprint.meters.common` for the shape and
:mod:`algoprint.meters.discovery` for how the best source per component is chosen."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time


if TYPE_CHECKING:
    from typing import Any

    from algoprint.config import Settings
    from algoprint.meters.discovery import Discovery

__all__ = ["discover"]


def discover(settings: Settings, **kwargs: Any) -> Discovery:
    """Choose the meters for this machine (see :func:`algoprint.meters.discovery.discover`)."""
    from algoprint.meters.discovery import discover as _discover

    return _discover(settings, **kwargs)
