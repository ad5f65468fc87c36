"""What the middlewares record per request: functional units counted by handlers and the
per-endpoint figures of the current window (see :mod:`algoprint.integrations._requests`)."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from algoprint.impact.sci import check_units
from algoprint.meters.common import warn_once

if TYPE_CHECKING:
    from algoprint.tracking.tracker import Tracker

__all__ = ["SERVICES_HINT", "RouteStats", "WindowMeter", "add_units"]

SERVICES_HINT = "pip install 'algoprint[services]'"

# The functional units a handler counts for the request in flight (a one-item list: cheap to
# make, and mutable through the copies of the context that thread pools take).
_UNITS: contextvars.ContextVar[list[float] | None] = contextvars.ContextVar(
    "algoprint_request_units", default=None
)


def add_units(count: float) -> None:
    """Count functional units (predictions, tokens, documents) served by the request in flight.

    Call it inside a handler of an app wrapped by an ``EnergyMiddleware`` whose
    ``functional_unit`` is not ``requests``. Outside a measured request it is ignored (said once).

    Raises:
        InputError: ``count`` is negative, NaN or infinite.
    """
    value = check_units(count)
    box = _UNITS.get()
    if box is None:
        warn_once(
            "add_units:outside",
            "algoprint: add_units() called outside a request measured by EnergyMiddleware; ignored",
        )
        return
    box[0] += value


@dataclass(slots=True)
class RouteStats:
    """What the requests of one endpoint used in the current window.

    Attributes:
        count: requests that ended in the window.
        errors: of which raised an exception (or answered 5xx).
        cpu_s: their CPU seconds (thread or fair share, see the module docs).
        cpu_sq_s2: sum of squared per-request CPU seconds (for the spread).
        share_wall_s: their fair-share wall seconds (for the GPU share).
        wall_s: their summed wall time (s).
        units: functional units counted by the handlers.
    """

    count: int = 0
    errors: int = 0
    cpu_s: float = 0.0
    cpu_sq_s2: float = 0.0
    share_wall_s: float = 0.0
    wall_s: float = 0.0
    units: float = 0.0


class WindowMeter(Protocol):
    """What closing a window (:func:`algoprint.integrations._window.close_window`) needs of
    the meter that owns it; :class:`~algoprint.integrations._requests.ServiceMeter` is one.

    Declared here, below both modules, so that ``_window`` never imports ``_requests``.

    Attributes:
        tracker: the tracker whose snapshots measure the windows (``None`` once stopped).
        unit: the functional unit (``requests`` or what the handlers count).
        algorithm: the algorithm the window runs are recorded under.
        store: whether window runs are stored.
        integration: ``wsgi`` or ``asgi``.
        window_s: the window length (s).
        store_failures: window runs that could not be stored (incremented on failure).
    """

    tracker: Tracker | None
    unit: str
    algorithm: str | None
    store: bool
    integration: str
    window_s: float
    store_failures: int

    @property
    def profile(self) -> Any:
        """The location profile for impacts (``None`` when it could not be resolved)."""
