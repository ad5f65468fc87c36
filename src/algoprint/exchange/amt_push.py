"""Set the sustainability measures of one algorithm in a running AMT, through AMT's own form.

AMT (the Algoritme Management Toolkit) has no import endpoint. A measure changes through the
form its web pages post: ``POST /algorithm/{id}/measure/{urn}`` with the form fields
``measure_state``, ``measure_value``, ``measure_links`` (repeated) and ``measure_responsible``
/ ``measure_reviewer`` / ``measure_accountable`` (AMT user *names*, which AMT looks up). AMT
checks a CSRF cookie (``fastapi-csrf-token``, set on every GET) and the login (cookie
``session_id``; without it AMT redirects to ``/``). On success it answers 200 with an
``HX-Redirect`` header; an unknown measure is a 404 page, a failed CSRF check a 401 page, a
name that is no AMT user a 500 page.

AMT shows a measure on an algorithm only when a task-registry requirement links to it. Today
only ``owp-12`` is linked (from ``urn:nl:ak:ver:awb-01``), so of the seven sustainability
measures only owp-12 reaches AMT; :func:`push_measures` reads the algorithm's card first
(``GET /algorithm/{id}/download``) and skips the others with that reason
(docs/proposal-amt-task-registry.md proposes the links).

Network use: only the URL the user gives, with a timeout; ``https`` except for a local AMT
(``localhost``, ``127.0.0.1``).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from algoprint.errors import AlgoprintError, InputError
from algoprint.exchange._amt_common import AmtSettings

__all__ = ["AmtError", "PushItem", "PushResult", "push_measures"]

CSRF_COOKIE = "fastapi-csrf-token"
SESSION_COOKIE = "session_id"
_LOCAL = {"localhost", "127.0.0.1", "::1"}
_TOKEN = re.compile(r'"X-CSRF-Token"\s*:\s*"([^"]*)"')


class AmtError(AlgoprintError):
    """AMT refused or could not be reached; the message says which measures went through."""


@dataclass(frozen=True)
class PushItem:
    """One measure to send: its URN and the form fields (``links`` may repeat)."""

    code: str
    urn: str
    fields: tuple[tuple[str, str], ...]

    def field(self, name: str) -> list[str]:
        """The values of form field ``name``."""
        return [v for k, v in self.fields if k == name]


@dataclass
class PushResult:
    """What :func:`push_measures` did (or, for a dry run, would do).

    Attributes:
        sent: measures AMT accepted (for a dry run: would send).
        skipped: code -> why it was not sent (not on the algorithm in AMT, not assessed).
        dry_run: nothing was sent.
    """

    sent: list[PushItem] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "dry_run": self.dry_run,
            "sent": [
                {"measure": i.code, "urn": i.urn, "fields": [list(f) for f in i.fields]}
                for i in self.sent
            ],
            "skipped": dict(self.skipped),
        }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer to read (AMT's login redirect), not to follow


Opener = Callable[[urllib.request.Request, float], Any]


def _default_open(request: urllib.request.Request, timeout_s: float) -> Any:
    return urllib.request.build_opener(_NoRedirect()).open(request, timeout=timeout_s)


@dataclass
class _Client:
    base: str
    amt_id: int
    settings: AmtSettings
    open: Opener
    timeout_s: float
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def _request(
        self, method: str, path: str, body: bytes | None = None
    ) -> tuple[int, dict[str, str], str]:
        headers = {"User-Agent": "algoprint", "Accept": "text/html, application/yaml"}
        jar: dict[str, str] = {}
        if self.settings.session_cookie:
            name, _, value = self.settings.session_cookie.partition("=")
            jar.update({name: value} if value else {SESSION_COOKIE: name})
        jar.update(self.cookies)  # what AMT set since (a refreshed session, the CSRF cookie)
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        if self.settings.token:
            headers["Authorization"] = f"Bearer {self.settings.token}"
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRF-Token"] = self.token
            headers["HX-Request"] = "true"
        # the scheme is http(s), checked by _check_url
        req = urllib.request.Request(self.base + path, data=body, headers=headers, method=method)  # noqa: S310
        try:
            resp = self.open(req, self.timeout_s)
            status, raw_headers, text = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, raw_headers, text = e.code, e.headers, e.read()
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise AmtError(
                f"AMT at {self.base} cannot be reached ({reason})",
                hint="check --url and that AMT is running",
            ) from None
        for line in raw_headers.get_all("Set-Cookie") or []:
            jar_in: SimpleCookie = SimpleCookie()
            jar_in.load(line)
            self.cookies.update({k: m.value for k, m in jar_in.items()})
        body_text = text.decode("utf-8", "replace")
        if found := _TOKEN.search(body_text):
            self.token = found.group(1)
        return status, {k.lower(): v for k, v in raw_headers.items()}, body_text


def _html_reason(text: str) -> str:
    for pattern in (r"<title>(.*?)</title>", r"<h1[^>]*>(.*?)</h1>", r"<p[^>]*>(.*?)</p>"):
        if found := re.search(pattern, text, re.S | re.I):
            clean = re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()
            if clean:
                return clean[:120]
    return text.strip()[:120] or "no text"


def _check_url(url: str | None) -> str:
    if not url:
        raise InputError("no AMT URL", hint="give --url or set url in [amt] in algoprint.toml")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"not an AMT URL: {url!r}", hint="use https://amt.example.nl")
    if parts.scheme == "http" and parts.hostname not in _LOCAL:
        raise InputError(
            f"{url} is not https", hint="use https:// (http only for an AMT on localhost)"
        )
    return url.rstrip("/")


def _done(sent: Sequence[PushItem], left: Sequence[PushItem]) -> str:
    names = ", ".join(i.code for i in sent)
    text = f"already set in AMT: {names}" if sent else "nothing was changed in AMT"
    return text + (f"; not sent: {', '.join(i.code for i in left)}" if left else "")


def push_measures(
    items: Sequence[PushItem],
    *,
    url: str | None,
    amt_algorithm_id: int,
    settings: AmtSettings,
    dry_run: bool = False,
    opener: Opener | None = None,
    timeout_s: float = 15.0,
) -> PushResult:
    """Send ``items`` to AMT's measure form, one measure at a time.

    The algorithm's card is read first: a measure that is not on it is skipped with the
    reason (AMT would answer 404). A dry run checks the URL and returns what would be sent.

    Raises:
        InputError: no or a non-https URL.
        AmtError: AMT down, not logged in (expired cookie), a failed CSRF check, an unknown
            algorithm, a person AMT does not know, an HTML error page; the message names the
            measure and which measures already went through.
    """
    base = _check_url(url)
    result = PushResult(dry_run=dry_run)
    if dry_run:
        result.sent = list(items)
        return result
    client = _Client(base, amt_algorithm_id, settings, opener or _default_open, timeout_s)
    on_card = _card_urns(client)
    for item in items:
        if item.urn not in on_card:
            result.skipped[item.code] = (
                f"not on this algorithm in AMT: no task-registry requirement links {item.urn} "
                "(today only owp-12 is linked, from urn:nl:ak:ver:awb-01)"
            )
    todo = [i for i in items if i.code not in result.skipped]
    for n, item in enumerate(todo):
        path = f"/algorithm/{amt_algorithm_id}/measure/{urllib.parse.quote(item.urn)}"
        if not client.token:
            client._request("GET", path)  # the form page carries the CSRF token
        body = urllib.parse.urlencode(list(item.fields)).encode()
        status, headers, text = client._request("POST", path, body)
        if status < 300 and "hx-redirect" in headers:
            result.sent.append(item)
            continue
        raise AmtError(
            f"AMT refused {item.code} ({item.urn}): {_explain(status, headers, text, item)}; "
            f"{_done(result.sent, todo[n + 1 :])}",
            hint=_hint(status, item),
        )
    return result


def _card_urns(client: _Client) -> set[str]:
    import yaml

    status, headers, text = client._request("GET", f"/algorithm/{client.amt_id}/download")
    if status >= 300 or "yaml" not in headers.get("content-type", ""):
        raise AmtError(
            f"cannot read algorithm {client.amt_id} in AMT: {_explain(status, headers, text, None)}"
            "; nothing was changed in AMT",
            hint=_hint(status, None),
        )
    try:
        card = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        raise AmtError("AMT's system-card download is not YAML; nothing was changed") from None
    measures = card.get("measures") if isinstance(card, Mapping) else None
    return {str(m.get("urn")) for m in measures or [] if isinstance(m, Mapping)}


def _explain(status: int, headers: Mapping[str, str], text: str, item: PushItem | None) -> str:
    if 300 <= status < 400:
        return (
            f"redirected to {headers.get('location', '?')} (not logged in or the session expired)"
        )
    if status == 401:
        return f"401 {_html_reason(text)} (the CSRF check failed)"
    if status == 404:
        what = f"measure {item.urn} or algorithm" if item else "algorithm"
        return f"404: {what} not found in AMT"
    if status >= 500 and item is not None:
        names = [
            v
            for k in ("measure_responsible", "measure_reviewer", "measure_accountable")
            for v in item.field(k)
            if v
        ]
        extra = f"; is every person an AMT user? sent: {', '.join(names)}" if names else ""
        return f"{status} server error ({_html_reason(text)}){extra}"
    return f"{status} {_html_reason(text)}"


def _hint(status: int, item: PushItem | None) -> str:
    if 300 <= status < 400:
        return "log in to AMT again and put the new session_id cookie in ALGOPRINT_AMT_SESSION"
    if status == 401:
        return "log in to AMT again; if it persists, AMT's CSRF settings reject this client"
    if status == 404:
        return "check --amt-algorithm-id (the number in AMT's URL /algorithm/N/...)"
    if status >= 500 and item is not None:
        return "map only AMT users in [amt.users] (names exactly as in AMT), or try again later"
    return "check --url; AMT answered with an error page"
