"""Pure ASGI middleware: request size limit and security headers (no per-request threads)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

__all__ = ["AfterResponse", "RootPath", "SecurityHeaders", "SizeLimit", "TooLarge", "error_body"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""The Content-Security-Policy of every response: no inline script, no inline style, nothing
from elsewhere."""

_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
]


def error_body(status: int, code: str, message: str, hint: str | None = None) -> bytes:
    """The JSON error envelope: ``{"error": {"status", "code", "message", "hint"}}``."""
    error: dict[str, Any] = {"status": status, "code": code, "message": message}
    if hint:
        error["hint"] = hint
    return json.dumps({"error": error}).encode()


class SecurityHeaders:
    """Adds the security headers (CSP without inline script, nosniff, frame denial) to every
    HTTP response, and HSTS when the request came over HTTPS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in _HEADERS if k not in present)
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


class TooLarge(HTTPException):
    """A request body that grew past the limit while it was read (HTTP 413)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            413,
            detail={  # type: ignore[arg-type]  # the app's handler takes a dict detail
                "message": f"the request body is larger than {max_bytes} bytes",
                "hint": "send fewer runs per batch",
            },
        )


class SizeLimit:
    """Refuses request bodies over ``max_bytes`` with 413 and the JSON error envelope, by
    ``Content-Length`` before reading and by counting for chunked bodies."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Send) -> None:
        body = error_body(
            413,
            "too_large",
            f"the request body is larger than {self.max_bytes} bytes",
            hint="send fewer runs per batch",
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = True
                if too_big:
                    await self._refuse(send)
                    return
        seen = 0
        started = False
        limit = self.max_bytes

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(limit)
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except TooLarge:
            if not started:
                await self._refuse(send)


class AfterResponse:
    """Calls ``on_start(scope, status, headers)`` when a response starts; it may append
    headers (the CSRF cookie) and count the response (metrics). Pure ASGI, so exceptions of
    the app reach the exception handlers unchanged."""

    def __init__(
        self, app: ASGIApp, on_start: Callable[[Scope, int, list[tuple[bytes, bytes]]], None]
    ) -> None:
        self.app = app
        self.on_start = on_start

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                self.on_start(scope, int(message["status"]), headers)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


class RootPath:
    """Serves the app under a path prefix that a reverse proxy strips (``--root-path``): sets
    the ASGI ``root_path`` and, as the ASGI spec wants, prefixes ``path`` with it, unless the
    server (uvicorn ``--root-path``) did so already."""

    def __init__(self, app: ASGIApp, root_path: str) -> None:
        self.app = app
        self.root_path = root_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.root_path
            and scope["type"] in {"http", "websocket"}
            and scope.get("root_path") != self.root_path
        ):
            scope = dict(scope)
            scope["root_path"] = self.root_path
            path = str(scope.get("path", ""))
            if not path.startswith(self.root_path + "/") and path != self.root_path:
                scope["path"] = self.root_path + path
        await self.app(scope, receive, send)
