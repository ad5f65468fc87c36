"""Energy per request for WSGI services (Flask, Django): ``EnergyMiddleware``.

    from flask import Flask
    from algoprint.integrations.wsgi import EnergyMiddleware

    app = Flask(__name__)
    app.wsgi_app = EnergyMiddleware(app.wsgi_app, algorithm="toeslagen-risico", location="NL")

Each request's CPU time is its thread's own (``time.thread_time_ns``), from the call until the
server closes the response iterable, so a streamed body counts until its last chunk. Endpoints
are route templates: for Flask the matched rule (``/items/<int:item_id>``), set by a
``before_request`` hook the middleware adds; other frameworks set
``environ["algoprint.route"]`` (Django: ``request.resolver_match.route``) or pass ``route=``.
Everything else is as for :mod:`algoprint.integrations.asgi`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from algoprint.integrations._requests import ServiceMeter

if TYPE_CHECKING:
    from algoprint.tracking.tracker import Tracker

__all__ = ["ROUTE_KEY", "EnergyMiddleware"]

log = logging.getLogger("algoprint")

ROUTE_KEY = "algoprint.route"
"""The WSGI environ key a framework hook sets to the matched route template."""

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class EnergyMiddleware:
    """WSGI middleware that attributes the service process's energy to its requests.

    Takes the same keyword arguments as :class:`algoprint.integrations.asgi.EnergyMiddleware`,
    and:

    Args:
        route: ``route(environ) -> str``, the route template of a request when the framework
            sets no ``environ["algoprint.route"]`` (default: ``<unrouted>``).
    """

    def __init__(
        self,
        app: WSGIApp,
        *,
        tracker: Tracker | None = None,
        algorithm: str | None = None,
        window_s: float = 300.0,
        functional_unit: str = "requests",
        location: str | None = None,
        store: bool = True,
        metrics_path: str | None = "/algoprint/metrics",
        registry: Any = None,
        route: Callable[[dict[str, Any]], str] | None = None,
    ) -> None:
        self.app = app
        self.meter = ServiceMeter(
            tracker=tracker,
            algorithm=algorithm,
            window_s=window_s,
            functional_unit=functional_unit,
            location=location,
            store=store,
            mode="thread",
            integration="wsgi",
        )
        self.metrics_path = metrics_path
        self._route = route
        if metrics_path:
            from algoprint.integrations.asgi import _registry

            self.registry = _registry(self.meter, registry)
        _hook_flask(app)

    def route_of(self, environ: dict[str, Any]) -> str:
        """``METHOD /template`` of a request (see the module docs)."""
        route = environ.get(ROUTE_KEY)
        if route is None and self._route is not None:
            try:
                route = self._route(environ)
            except Exception as e:
                log.warning("algoprint: the route callable failed: %s", e)
        return f"{environ.get('REQUEST_METHOD', '')} {route or '<unrouted>'}"

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        meter = self.meter
        if not meter.enabled:
            return self.app(environ, start_response)
        if self.metrics_path and environ.get("PATH_INFO") == self.metrics_path:
            return self._metrics(start_response)
        token = meter.begin()
        t0 = time.thread_time_ns()
        status: list[str] = [""]

        def start(status_line: str, headers: Any, exc_info: Any = None) -> Any:
            status[0] = status_line
            return start_response(status_line, headers, exc_info)

        try:
            body = self.app(environ, start)
        except BaseException:
            self._end(token, environ, time.thread_time_ns() - t0, error=True)
            raise
        return _Body(self, body, token=token, environ=environ, t0=t0, status=status)

    def _end(self, token: Any, environ: dict[str, Any], cpu_ns: int, *, error: bool) -> None:
        try:
            self.meter.end(token, self.route_of(environ), thread_cpu_ns=cpu_ns, error=error)
        except Exception as e:  # never break serving
            log.warning("algoprint: accounting a request failed: %s", e)

    def _metrics(self, start_response: Callable[..., Any]) -> list[bytes]:
        from algoprint.integrations._metrics import exposition

        code, body, content_type = exposition(self.registry)
        reason = "OK" if code == 200 else "Not Implemented"
        start_response(
            f"{code} {reason}",
            [("Content-Type", content_type), ("Content-Length", str(len(body)))],
        )
        return [body]

    def flush(self) -> Any:
        """Close the current window now; returns its ``ServiceWindow`` (or ``None``)."""
        return self.meter.flush()

    def close(self) -> None:
        """Store the last window and stop measuring (also done at interpreter exit)."""
        self.meter.close()


class _Body:
    """The app's response iterable; the request ends when the server closes it (PEP 3333)."""

    __slots__ = (
        "_body",
        "_done",
        "_environ",
        "_error",
        "_ident",
        "_mw",
        "_status",
        "_t0",
        "_t1",
        "_token",
    )

    def __init__(
        self,
        mw: EnergyMiddleware,
        body: Iterable[bytes],
        *,
        token: Any,
        environ: Any,
        t0: int,
        status: list[str],
    ) -> None:
        self._mw, self._body, self._token, self._environ = mw, body, token, environ
        self._t0 = t0
        self._ident = threading.get_ident()
        self._status = status
        self._error = False
        self._done = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._body
        except BaseException:
            self._error = True
            raise

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            if not self._done:
                self._done = True
                # Its thread's CPU until the last chunk was written. A server that closes the
                # body on another thread (none known) is charged the wall time: an upper bound.
                if threading.get_ident() == self._ident:
                    cpu_ns = time.thread_time_ns() - self._t0
                else:
                    cpu_ns = time.monotonic_ns() - self._token[2]
                error = self._error or self._status[0][:1] == "5"
                self._mw._end(self._token, self._environ, cpu_ns, error=error)


def _hook_flask(app: Any) -> None:
    """Let Flask put the matched rule in the environ (after routing, before the view)."""
    flask_app = getattr(app, "__self__", app)
    if not (hasattr(flask_app, "url_map") and hasattr(flask_app, "before_request")):
        return
    if getattr(flask_app, "_algoprint_hooked", False):
        return

    def set_route() -> None:
        from flask import request

        rule = request.url_rule
        request.environ[ROUTE_KEY] = rule.rule if rule is not None else "<unmatched>"

    flask_app.before_request(set_route)
    flask_app._algoprint_hooked = True
