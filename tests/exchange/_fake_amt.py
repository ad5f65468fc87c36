"""A small fake of AMT's measure form on loopback, enforcing what the real one does.

Behaviour taken from MinBZK/amt (amt/middleware/csrf.py, amt/middleware/authorization.py,
amt/api/routes/algorithm.py; no code copied): every GET sets the ``fastapi-csrf-token``
cookie; a POST without a valid one is a 401 HTML page; without the ``session_id`` cookie AMT
redirects to ``/``; ``GET /algorithm/{id}/download`` is the YAML card;
``POST /algorithm/{id}/measure/{urn}`` for a measure not on the card is a 404 page, with a
person name that is no AMT user a 500 page, and on success 200 with ``HX-Redirect``.
"""

from __future__ import annotations

import secrets
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import yaml

SESSION = "valid-session"


@dataclass
class FakeAmt:
    """State of the fake: the card's measure URNs, AMT's user names, what it received."""

    algorithm_id: int = 7
    urns: list[str] = field(default_factory=lambda: ["urn:nl:ak:mtr:owp-12"])
    users: set[str] = field(default_factory=lambda: {"Ada de Vries", "Piet Jansen"})
    tokens: set[str] = field(default_factory=set)
    posts: list[tuple[str, list[tuple[str, str]], dict[str, str]]] = field(default_factory=list)
    mode: str = "ok"  # ok | html-errors | expire-after-first | bad-csrf
    url: str = ""

    def card(self) -> str:
        measures = [
            {"urn": u, "state": "to do", "value": "", "links": [], "files": [], "version": "1.1.0"}
            for u in self.urns
        ]
        return yaml.safe_dump({"name": "Churn model", "measures": measures}, sort_keys=False)


def _handler(fake: FakeAmt) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _cookies(self) -> dict[str, str]:
            jar: SimpleCookie = SimpleCookie()
            jar.load(self.headers.get("Cookie", ""))
            return {k: m.value for k, m in jar.items()}

        def _send(self, status: int, body: str, ctype: str, extra: dict[str, str]) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _page(self, status: int, title: str) -> None:
            self._send(
                status,
                f"<html><title>{title}</title><body><h1>{title}</h1></body>",
                "text/html",
                {},
            )

        def _logged_in(self) -> bool:
            if fake.mode == "html-errors":
                self._page(502, "Bad Gateway")
                return False
            if fake.mode == "expired" or self._cookies().get("session_id") != SESSION:
                self._send(307, "", "text/plain", {"Location": "/"})
                return False
            return True

        def do_GET(self) -> None:
            if not self._logged_in():
                return
            token = secrets.token_hex(8)
            fake.tokens.add(token)
            cookie = {"Set-Cookie": f"fastapi-csrf-token={token}; Path=/; SameSite=strict"}
            base = f"/algorithm/{fake.algorithm_id}"
            if self.path == f"{base}/download":
                self._send(200, fake.card(), "application/yaml; charset=utf-8", cookie)
            elif self.path.startswith(f"{base}/measure/"):
                body = f'<form hx-headers=\'{{"X-CSRF-Token": "{token}x"}}\'></form>'
                self._send(200, body, "text/html", cookie)
            else:
                self._page(404, "Not Found")

        def do_POST(self) -> None:
            if not self._logged_in():
                return
            length = int(self.headers.get("Content-Length", 0))
            form = urllib.parse.parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True)
            headers = {k.lower(): v for k, v in self.headers.items()}
            csrf = self._cookies().get("fastapi-csrf-token")
            if fake.mode == "bad-csrf" or csrf not in fake.tokens:
                self._page(401, "CSRF check failed.")
                return
            prefix = f"/algorithm/{fake.algorithm_id}/measure/"
            urn = urllib.parse.unquote(self.path.removeprefix(prefix))
            if not self.path.startswith(prefix) or urn not in fake.urns:
                self._page(404, "Not Found")
                return
            names = [
                v
                for k, v in form
                if k.startswith("measure_") and k.endswith(("able", "ible", "ewer")) and v
            ]
            if any(n not in fake.users for n in names):
                self._page(500, "Internal Server Error")
                return
            fake.posts.append((urn, form, headers))
            if fake.mode == "expire-after-first":
                fake.mode = "expired"
            self._send(200, "<html></html>", "text/html", {"HX-Redirect": "/algorithm/7/redirect"})

    return Handler


@contextmanager
def running(fake: FakeAmt) -> Iterator[FakeAmt]:
    """Serve ``fake`` on a free loopback port; ``fake.url`` is its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
