"""Energy per request for ASGI services (FastAPI, Starlette): ``EnergyMiddleware``.

    from fastapi import FastAPI
    from algoprint.integrations.asgi import EnergyMiddleware

    app = FastAPI()
    app.add_middleware(EnergyMiddleware, algorithm="toeslagen-risico", location="NL")

Every request's share of the process's measured energy is accounted per endpoint (the route
template, ``GET /items/{item_id}``, never the raw path); every ``window_s`` seconds and at
shutdown (the ASGI lifespan, or interpreter exit) the window is stored as a ``use``-phase run of
the algorithm and its figures are served at ``metrics_path`` for Prometheus.

Async handlers share one thread, so a request's CPU is the process's CPU time over its span,
shared fairly among the requests in flight (see :mod:`algoprint.integrations._requests` and
docs/integrations.md for the method and its limits). A streamed response is measured until its
last body chunk; an exception from the app is counted and re-raised unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from algoprint.integrations._requests import ServiceMeter

if TYPE_CHECKING:
    from algoprint.tracking.tracker import Tracker

__all__ = ["EnergyMiddleware"]

log = logging.getLogger("algoprint")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def route_of(scope: Scope) -> str:
    """``METHOD /template`` of the route the app matched (Starlette/FastAPI put it in
    ``scope["route"]``), or ``METHOD <unmatched>`` (404s, apps without a router)."""
    method = scope.get("method", "")
    path = getattr(scope.get("route"), "path", None)
    if not isinstance(path, str):
        return f"{method} <unmatched>"
    return f"{method} {scope.get('root_path', '')}{path}"


class EnergyMiddleware:
    """ASGI middleware that attributes the service process's energy to its requests.

    Args:
        app: the ASGI app.
        tracker: a tracker of this process (started here when new); see ``algorithm``.
        algorithm: slug of the algorithm the service runs. Without ``tracker`` the middleware
            starts its own process-scope tracker. With neither, requests pass through
            unmeasured and a warning says so once.
        window_s: seconds per aggregation window (one stored ``use`` run each; default 300).
        functional_unit: SCI's R: ``requests`` (default, counted here) or a unit the handlers
            count with :func:`algoprint.integrations.add_units` (``predictions``, ``tokens``).
        location: grid zone for CO2e and water per request (default: the configured one).
        store: store each window as a run (the store's spool, like every tracked run).
        metrics_path: path served with the Prometheus metrics; ``None`` serves none.
        registry: a prometheus-client ``CollectorRegistry`` to register on (default: a new,
            explicit one, never the global registry).

    Raises:
        InputError: a bad ``window_s`` or functional unit.
        ImpactError: an unknown ``location``.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        tracker: Tracker | None = None,
        algorithm: str | None = None,
        window_s: float = 300.0,
        functional_unit: str = "requests",
        location: str | None = None,
        store: bool = True,
        metrics_path: str | None = "/algoprint/metrics",
        registry: Any = None,
    ) -> None:
        self.app = app
        self.meter = ServiceMeter(
            tracker=tracker,
            algorithm=algorithm,
            window_s=window_s,
            functional_unit=functional_unit,
            location=location,
            store=store,
            mode="fair",
            integration="asgi",
        )
        self.metrics_path = metrics_path
        self.registry = _registry(self.meter, registry) if metrics_path else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(scope, receive, send)
            return
        meter = self.meter
        if kind != "http" or not meter.enabled:
            await self.app(scope, receive, send)
            return
        if scope["path"] == self.metrics_path:
            await _serve_metrics(self.registry, send)
            return
        token = meter.begin()
        status = 0

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        error = True
        try:
            await self.app(scope, receive, send_status)
            error = status >= 500
        finally:
            try:
                meter.end(token, route_of(scope), thread_cpu_ns=None, error=error)
            except Exception as e:  # never mask the app's outcome
                log.warning("algoprint: accounting a request failed: %s", e)

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def watch(message: Message) -> None:
            kind = message["type"]
            if kind == "lifespan.startup.complete":
                _ = self.meter.enabled  # start measuring with the app
            elif kind in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
                self.meter.close()  # the last window, stored before the server exits
            await send(message)

        await self.app(scope, receive, watch)

    def flush(self) -> Any:
        """Close the current window now; returns its ``ServiceWindow`` (or ``None``)."""
        return self.meter.flush()

    def close(self) -> None:
        """Store the last window and stop measuring (the lifespan shutdown does this)."""
        self.meter.close()


def _registry(meter: ServiceMeter, registry: Any) -> Any:
    from algoprint.integrations._metrics import MetricsUnavailable, make_registry

    try:
        return make_registry(meter, registry)
    except MetricsUnavailable:
        return None


async def _serve_metrics(registry: Any, send: Send) -> None:
    from algoprint.integrations._metrics import exposition

    status, body, content_type = exposition(registry)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
