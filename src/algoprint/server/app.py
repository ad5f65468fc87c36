"""The app factory: :func:`create_app` builds one FastAPI app from :class:`ServerSettings`.

Routes: the REST API under ``/api/v1`` (:mod:`algoprint.server.api`), ``/metrics``,
``/healthz``, ``/readyz``, the OIDC callback under ``/auth``, and the web pages of
:mod:`algoprint.server.web` when that package is installed. Middleware (outermost first):
forwarded headers from trusted proxies, security headers, request size limit.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from algoprint.errors import AlgoprintError, InputError, NotFound, StoreError
from algoprint.server._middleware import AfterResponse, RootPath, SecurityHeaders, SizeLimit
from algoprint.server.context import ServerContext
from algoprint.server.db import ServerDB
from algoprint.server.metrics import Metrics
from algoprint.server.orgs import OrgStores
from algoprint.server.ratelimit import RateLimiter
from algoprint.server.settings import ServerSettings

__all__ = ["API_PREFIX", "create_app", "error_response"]

API_PREFIX = "/api/v1"
_log = logging.getLogger("algoprint.server")
_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal",
    503: "unavailable",
}


def error_response(
    status: int,
    message: str,
    *,
    hint: str | None = None,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The one JSON error envelope of the API:
    ``{"error": {"status", "code", "message", "hint"?, "details"?}}``."""
    error: dict[str, Any] = {
        "status": status,
        "code": _CODES.get(status, "error"),
        "message": message,
    }
    if hint:
        error["hint"] = hint
    if details is not None:
        error["details"] = details
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def _store_unavailable(e: StoreError) -> JSONResponse:
    return error_response(
        503,
        f"the database is unavailable: {e.message}",
        hint="nothing was written; retry later",
        headers={"Retry-After": "5"},
    )


def _install_handlers(app: FastAPI) -> None:
    def html_or_json(request: Request, response: JSONResponse) -> Response:
        handler = getattr(request.app.state, "html_error", None)
        path = request.url.path[len(request.scope.get("root_path", "")) :]
        if handler is not None and not path.startswith(API_PREFIX):
            return handler(request, response)  # type: ignore[no-any-return]
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail
        if isinstance(detail, dict):
            response = error_response(
                exc.status_code,
                str(detail.get("message")),
                hint=detail.get("hint"),
                headers=exc.headers,
            )
        else:
            response = error_response(exc.status_code, str(detail), headers=exc.headers)
        return html_or_json(request, response)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        details = []
        for err in exc.errors()[:50]:
            loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            details.append({"field": loc, "problem": str(err.get("msg"))})
        first = details[0] if details else {"field": "", "problem": "invalid request"}
        message = f"invalid request: {first['field'] or 'body'}: {first['problem']}"
        if len(details) > 1:
            message += f" (and {len(details) - 1} more)"
        return html_or_json(
            request,
            error_response(
                422,
                message,
                hint="see docs/run-schema.md and /api/v1/openapi.json",
                details=details,
            ),
        )

    @app.exception_handler(AlgoprintError)
    async def domain(request: Request, exc: AlgoprintError) -> Response:
        from algoprint.server.ingest import Conflict

        if isinstance(exc, Conflict):
            response = error_response(409, exc.message, hint=exc.hint)
        elif isinstance(exc, NotFound):
            response = error_response(404, exc.message, hint=exc.hint)
        elif isinstance(exc, StoreError):
            _log.warning("database error: %s", exc)
            response = _store_unavailable(exc)
        elif isinstance(exc, InputError):
            response = error_response(422, exc.message, hint=exc.hint)
        else:
            response = error_response(400, exc.message, hint=exc.hint)
        return html_or_json(request, response)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        _log.exception("unexpected error in %s %s", request.method, request.url.path)
        return html_or_json(request, error_response(500, "internal error; it was logged"))


def create_app(settings: ServerSettings) -> FastAPI:
    """Build the server app for ``settings`` (the database is opened on first use, so an
    app can start while its database is down; ``/readyz`` says so)."""
    from algoprint.server.api import api_router
    from algoprint.server.auth import csrf_cookie_header
    from algoprint.server.auth.links import link_router
    from algoprint.server.auth.oidc import oidc_router

    db = ServerDB(settings.db)
    context = ServerContext(
        settings=settings,
        db=db,
        stores=OrgStores(db),
        metrics=Metrics(),
        limiter=RateLimiter(settings.ingest_rate_per_min),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        import threading

        # New reference tables (an upgrade) change factor sets: recompute them in the
        # background; the views pick up the new CO2e at once, nothing else is redone.
        refresher = threading.Thread(target=_refresh_factors, args=(context,), daemon=True)
        refresher.start()
        try:
            yield
        finally:
            refresher.join(30)
            context.close()

    app = FastAPI(
        title="algoprint server",
        version=_version(),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = context
    _install_handlers(app)

    api_path = f"{settings.root_path}{API_PREFIX}"

    def on_start(scope: Any, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        cookie = csrf_cookie_header(context, scope)
        if cookie is not None:
            headers.append((b"set-cookie", cookie))
        if str(scope.get("path", "")).startswith((api_path, API_PREFIX)):
            context.metrics.requests.labels(f"{status // 100}xx").inc()

    app.add_middleware(AfterResponse, on_start=on_start)
    app.add_middleware(SizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    app.add_middleware(RootPath, root_path=settings.root_path)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> Response:
        try:
            context.db.ping()
        except StoreError as e:
            return error_response(503, f"the database is not ready: {e.message}")
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return PlainTextResponse(
            context.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    app.include_router(api_router, prefix=API_PREFIX)
    app.include_router(oidc_router)
    app.include_router(link_router)
    web = _web_module()
    if web is not None and hasattr(web, "router"):
        app.include_router(web.router)
        setup = getattr(web, "setup", None)
        if callable(setup):
            setup(app)
    return app


def _refresh_factors(context: ServerContext) -> None:
    from algoprint.server.factors import refresh_factor_sets

    try:
        changed = refresh_factor_sets(context.db)
        context.refresh_factor_cache()
    except Exception:
        _log.exception("refreshing the factor sets failed; the stored factors stay in use")
        return
    if changed:
        _log.info("recomputed %d factor sets from the current reference tables", changed)


def _web_module() -> Any:
    """``algoprint.server.web`` when it exists (the dashboard), else ``None``."""
    try:
        if importlib.util.find_spec("algoprint.server.web") is None:
            return None
    except ModuleNotFoundError:  # pragma: no cover
        return None
    return importlib.import_module("algoprint.server.web")


def _version() -> str:
    from algoprint._version import __version__

    return str(__version__)
