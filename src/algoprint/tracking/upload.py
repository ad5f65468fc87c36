"""Upload finished runs to an algoprint server, without slowing or endangering the workload.

Configured by ``ALGOPRINT_SERVER`` and ``ALGOPRINT_TOKEN`` (or ``[server] url`` and ``token``
in algoprint.toml). Standard library only (``urllib``): nothing heavy loads in the user's
process.

Every final run record is first written to a local **outbox** (one atomic JSON file per run
in ``<user data dir>/outbox/<hash of the server URL>/``; the run is also in the local store
as always) and only then sent, from a daemon
thread with a short timeout. A file leaves the outbox only when the server has answered for
it (created, updated, unchanged or stale); the server is idempotent by run id, so a run sent
twice (a crash between the answer and the delete) is stored once. When the server cannot be
reached the files wait and later runs retry with exponential backoff (5 s doubling to 1 h);
``algoprint sync`` retries at once. A run the server refuses for its content (409, 422) moves
to ``rejected/`` with the reason, where ``algoprint sync`` reports it: never silently dropped.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import http.client
import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FlushResult", "Outbox", "ServerTarget", "flush", "server_target", "submit"]

SUFFIX = ".run.json"
BACKGROUND_TIMEOUT_S = 2.0
"""Timeout of one background upload request (seconds)."""
EXIT_WAIT_S = 1.0
"""At interpreter exit, how long to wait for an upload in flight (seconds); the run stays in
the outbox when it does not finish."""
MAX_BATCH = 200
_BACKOFF_START_S = 5.0
_BACKOFF_MAX_S = 3600.0
_LOCAL = ("localhost", "127.", "[::1]")


@dataclass(frozen=True, slots=True)
class ServerTarget:
    """Where runs go: ``url`` (without a trailing slash) and the bearer ``token``."""

    url: str
    token: str = field(repr=False)

    @property
    def runs_url(self) -> str:
        """The upload endpoint."""
        return f"{self.url}/api/v1/runs"


def _problem(message: str) -> None:
    from algoprint.meters.common import warn_once

    warn_once(f"upload:{message}", f"algoprint: {message}")


def server_target(
    extra: Mapping[str, Any], env: Mapping[str, str] | None = None
) -> ServerTarget | None:
    """The configured server, or ``None`` when none is configured.

    Args:
        extra: ``Settings.extra`` (its ``[server]`` table: ``url``, ``token``).
        env: the environment (default ``os.environ``): ``ALGOPRINT_SERVER``,
            ``ALGOPRINT_TOKEN`` override the file.

    Raises:
        ConfigError: a URL that is not http(s), plain http to a host other than loopback, or a
            URL without a token.
    """
    from algoprint.errors import ConfigError

    env = os.environ if env is None else env
    table = extra.get("server") or {}
    unknown = set(table) - {"url", "token"}
    if unknown:
        raise ConfigError(
            f"unknown key(s) in [server]: {', '.join(sorted(unknown))}", hint="use url and token"
        )
    url = env.get("ALGOPRINT_SERVER") or table.get("url")
    token = env.get("ALGOPRINT_TOKEN") or table.get("token")
    if not url:
        return None
    url = str(url).rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise ConfigError(
            f"server URL {url!r} is not http(s)", hint="e.g. https://algoprint.example.nl"
        )
    if url.startswith("http://") and not url[len("http://") :].startswith(_LOCAL):
        raise ConfigError(
            f"server URL {url!r} is plain http to another machine; the token would travel "
            "unencrypted",
            hint="use https:// (plain http only to localhost)",
        )
    if not token:
        raise ConfigError(
            "ALGOPRINT_SERVER is set but no token", hint="set ALGOPRINT_TOKEN (an ingest token)"
        )
    return ServerTarget(url=url, token=str(token))


class Outbox:
    """Run documents waiting for one server (a directory of atomic JSON files)."""

    def __init__(self, target: ServerTarget, root: Path | None = None) -> None:
        if root is None:
            from platformdirs import user_data_dir

            root = Path(user_data_dir("algoprint")) / "outbox"
        digest = hashlib.sha256(target.url.encode()).hexdigest()[:16]
        self.directory = root / digest
        self.rejected_dir = self.directory / "rejected"

    def put(self, document: Mapping[str, Any]) -> Path:
        """Write ``document`` atomically; returns its file. No fsync: the run is already
        durable in the local store (its spool), from which ``algoprint sync`` uploads the
        history, so a power loss costs at most an automatic retry, never the run; and an
        fsync on the tracked thread can take tens of milliseconds on a busy disk."""
        import tempfile

        self.directory.mkdir(parents=True, exist_ok=True)
        data = json.dumps(document, separators=(",", ":")).encode()
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            target = self.directory / f"{document['run_id']}{SUFFIX}"
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def pending(self) -> list[Path]:
        """The waiting files, oldest first."""
        try:
            files = [p for p in self.directory.iterdir() if p.name.endswith(SUFFIX)]
        except FileNotFoundError:
            return []

        def mtime(p: Path) -> float:
            try:
                return p.stat().st_mtime
            except FileNotFoundError:
                return 0.0

        return sorted(files, key=mtime)

    def rejected(self) -> list[tuple[Path, str]]:
        """Refused runs with the server's reason."""
        out = []
        try:
            for p in sorted(self.rejected_dir.glob(f"*{SUFFIX}")):
                reason = p.with_suffix(".reason")
                out.append((p, reason.read_text() if reason.exists() else ""))
        except FileNotFoundError:
            return []
        return out

    def reject(self, path: Path, reason: str) -> None:
        """Move ``path`` to ``rejected/`` with ``reason`` beside it."""
        self.rejected_dir.mkdir(parents=True, exist_ok=True)
        target = self.rejected_dir / path.name
        target.with_suffix(".reason").write_text(reason)
        with contextlib.suppress(FileNotFoundError):
            os.replace(path, target)

    # -- backoff ---------------------------------------------------------------------------

    @property
    def _backoff_file(self) -> Path:
        return self.directory / "backoff.json"

    def wait_s(self) -> float:
        """Seconds until the next background attempt is due (0 = now)."""
        try:
            state = json.loads(self._backoff_file.read_text())
            return max(0.0, float(state["next_at"]) - time.time())
        except (OSError, ValueError, KeyError, TypeError):
            return 0.0

    def failed(self) -> None:
        """Record a failed attempt: the next background attempt waits twice as long."""
        try:
            failures = int(json.loads(self._backoff_file.read_text())["failures"]) + 1
        except (OSError, ValueError, KeyError, TypeError):
            failures = 1
        delay = min(_BACKOFF_MAX_S, _BACKOFF_START_S * 2 ** (failures - 1))
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._backoff_file.write_text(
                json.dumps({"failures": failures, "next_at": time.time() + delay})
            )
        except OSError:
            pass

    def succeeded(self) -> None:
        """Clear the backoff."""
        self._backoff_file.unlink(missing_ok=True)


@dataclass(slots=True)
class FlushResult:
    """What one flush did: runs ``sent`` (answered by the server), ``rejected`` (refused for
    their content), ``remaining`` in the outbox, and the ``error`` that stopped it, if any."""

    sent: int = 0
    rejected: int = 0
    remaining: int = 0
    error: str | None = None
    results: dict[str, str] = field(default_factory=dict)


class _Stop(Exception):
    """The server or the network failed: keep the files, back off."""


def _post(target: ServerTarget, body: bytes, timeout_s: float) -> tuple[int, dict[str, Any]]:
    from algoprint._version import __version__

    request = urllib.request.Request(  # noqa: S310 - http(s) checked in server_target
        target.runs_url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {target.token}",
            "Content-Type": "application/json",
            "User-Agent": f"algoprint/{__version__}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        try:
            payload = json.loads(e.read() or b"{}")
        except ValueError:
            payload = {}
        return e.code, payload if isinstance(payload, dict) else {}
    except (OSError, ValueError, http.client.HTTPException) as e:
        # URLError, timeouts, resets, bad JSON, an answer cut short (server killed mid-reply)
        raise _Stop(f"cannot reach {target.url}: {getattr(e, 'reason', e)}") from None


def _message(payload: dict[str, Any], status: int) -> str:
    error = payload.get("error") or {}
    return f"HTTP {status}: {error.get('message') or 'no reason given'}"


def _send(
    target: ServerTarget, outbox: Outbox, files: list[Path], timeout_s: float, result: FlushResult
) -> None:
    docs = []
    kept = []
    for path in files:
        try:
            docs.append(json.loads(path.read_bytes()))
            kept.append(path)
        except FileNotFoundError:
            continue  # another process sent it
        except ValueError:
            outbox.reject(path, "not a JSON run document")
            result.rejected += 1
    if not docs:
        return
    status, payload = _post(target, json.dumps(docs).encode(), timeout_s)
    if status == 200:
        result.results.update(payload.get("results") or {})
        for path in kept:
            path.unlink(missing_ok=True)
        result.sent += len(kept)
        return
    if status in {409, 413, 422} and len(kept) > 1:
        for path in kept:  # find the one the server refuses
            _send(target, outbox, [path], timeout_s, result)
        return
    if status in {400, 409, 413, 422}:
        outbox.reject(kept[0], _message(payload, status))
        result.rejected += 1
        return
    raise _Stop(_message(payload, status))


def flush(
    target: ServerTarget,
    *,
    outbox: Outbox | None = None,
    timeout_s: float = 10.0,
    respect_backoff: bool = False,
) -> FlushResult:
    """Send every waiting run of ``target`` in batches; never raises.

    Args:
        respect_backoff: skip when a failed attempt asked to wait (background uploads).
    """
    box = outbox or Outbox(target)
    result = FlushResult()
    if respect_backoff and box.wait_s() > 0:
        result.remaining = len(box.pending())
        result.error = "waiting after a failed attempt"
        return result
    try:
        # Runs that other threads or processes add meanwhile are sent too (a few passes).
        for _ in range(5):
            files = box.pending()
            if not files:
                break
            for start in range(0, len(files), MAX_BATCH):
                _send(target, box, files[start : start + MAX_BATCH], timeout_s, result)
        box.succeeded()
    except _Stop as e:
        result.error = str(e)
        box.failed()
    except OSError as e:
        result.error = f"outbox {box.directory}: {e}"
    result.remaining = len(box.pending())
    return result


_threads: list[threading.Thread] = []
_registered: list[bool] = []
_guard = threading.Lock()


def _wait_at_exit() -> None:
    deadline = time.monotonic() + EXIT_WAIT_S
    for thread in list(_threads):
        thread.join(max(0.0, deadline - time.monotonic()))


def submit(document: Mapping[str, Any], extra: Mapping[str, Any]) -> None:
    """Put a finished run into the outbox and start a background upload; never raises.

    Does nothing when no server is configured. A configuration problem is said once on
    stderr (the run is still stored locally as always).
    """
    try:
        target = server_target(extra)
    except Exception as e:  # a ConfigError: say it once, never break the workload
        _problem(f"runs are not uploaded: {getattr(e, 'message', e)}")
        return
    if target is None:
        return
    try:
        outbox = Outbox(target)
        outbox.put(document)
    except OSError as e:
        _problem(f"cannot write the upload outbox: {e}")
        return
    with _guard:
        _threads[:] = [t for t in _threads if t.is_alive()]
        if any(t.is_alive() for t in _threads):
            return  # the running upload picks this file up too (or the next run does)
        thread = threading.Thread(
            target=flush,
            args=(target,),
            kwargs={"outbox": outbox, "timeout_s": BACKGROUND_TIMEOUT_S, "respect_backoff": True},
            name="algoprint-upload",
            daemon=True,
        )
        _threads.append(thread)
        if not _registered:
            atexit.register(_wait_at_exit)
            _registered.append(True)
    thread.start()
