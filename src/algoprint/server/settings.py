"""The server's settings: one frozen, validated dataclass built by :func:`server_settings`.

Precedence: explicit arguments (CLI options) > environment (``ALGOPRINT_SERVE_*``) > defaults.
Nothing is read at import time. Unknown environment names with the ``ALGOPRINT_SERVE_`` prefix
and invalid values are errors that name the setting and the fix.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from algoprint.errors import ConfigError

__all__ = ["ENV_PREFIX", "OidcSettings", "ServerSettings", "default_server_db", "server_settings"]

ENV_PREFIX = "ALGOPRINT_SERVE_"
"""Environment variables for the server start with this prefix (``ALGOPRINT_SERVE_DB``...)."""


def default_server_db() -> Path:
    """The embedded server's SQLite file: ``<user data dir>/server/server.sqlite``."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("algoprint")) / "server" / "server.sqlite"


@dataclass(frozen=True, kw_only=True)
class OidcSettings:
    """Web login through an OpenID Connect provider (Authlib), used when ``issuer`` is set.

    Attributes:
        issuer: the provider's issuer URL (its ``/.well-known/openid-configuration`` is read).
        client_id: the client registered at the provider.
        client_secret: its secret.
        role_claim: the ID-token claim that carries the algoprint role (optional).
        organisation_claim: the claim naming the organisation slug (optional).
    """

    issuer: str
    client_id: str
    client_secret: str
    role_claim: str = "algoprint_role"
    organisation_claim: str = "algoprint_org"


@dataclass(frozen=True, kw_only=True)
class ServerSettings:
    """Everything the server needs; build with :func:`server_settings`.

    Attributes:
        db: SQLAlchemy URL of the server database (SQLite file or PostgreSQL). Each
            organisation's runs live in their own store: a SQLite file next to it, or a
            PostgreSQL schema in the same database.
        host: address to bind (127.0.0.1 by default: never exposed without asking).
        port: TCP port.
        root_path: path prefix when served behind a reverse proxy (``/algoprint``), ``""`` if none.
        secret_key: key for signed cookies and CSRF tokens (random per start when not given,
            which logs everyone out on restart).
        secure_cookies: mark cookies ``Secure`` (HTTPS only); on by default, off for the
            embedded loopback server.
        forwarded_allow_ips: proxies whose ``X-Forwarded-*`` headers are trusted.
        max_body_bytes: largest request body accepted (bytes).
        max_batch_runs: most runs in one batch upload.
        ingest_rate_per_min: ingest requests per token and minute (0: no limit).
        strict_algorithms: refuse runs of algorithms that are not registered.
        session_ttl_s: lifetime of a web session (seconds).
        webhook_url: where budget alerts are posted (HTTPS; ``None``: no outbound calls).
        oidc: OpenID Connect login, or ``None`` for local accounts only.
    """

    db: str
    host: str = "127.0.0.1"
    port: int = 8765
    root_path: str = ""
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    secure_cookies: bool = True
    forwarded_allow_ips: str = "127.0.0.1"
    max_body_bytes: int = 10 * 1024 * 1024
    max_batch_runs: int = 1000
    ingest_rate_per_min: int = 6000
    strict_algorithms: bool = False
    session_ttl_s: int = 8 * 3600
    webhook_url: str | None = None
    oidc: OidcSettings | None = None

    def __post_init__(self) -> None:
        _check(self)


def _check(s: ServerSettings) -> None:
    if not s.db:
        raise ConfigError("the server database URL is empty", hint="give --db URL or leave it out")
    try:
        ipaddress.ip_address(s.host)
    except ValueError:
        if s.host != "localhost":
            raise ConfigError(
                f"host {s.host!r} is not an IP address", hint="use 127.0.0.1, ::1 or 0.0.0.0"
            ) from None
    if s.root_path and (not s.root_path.startswith("/") or s.root_path.endswith("/")):
        raise ConfigError(
            f"root_path {s.root_path!r} must start with '/' and not end with it",
            hint="for example --root-path /algoprint",
        )
    if len(s.secret_key) < 32:
        raise ConfigError(
            "the secret key is shorter than 32 characters",
            hint='generate one with: python -c "import secrets; print(secrets.token_urlsafe(32))"',
        )
    for name, (low, high) in INT_BOUNDS.items():
        value = getattr(s, name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(
                f"{name} must be a whole number from {low} to {high}, got {value!r}",
                hint=f"set {ENV_PREFIX}{name.upper()} (or the option) within that range",
            )
    if s.webhook_url is not None and not s.webhook_url.startswith(("https://", "http://127.")):
        raise ConfigError(
            f"webhook URL {s.webhook_url!r} is not HTTPS",
            hint="give an https:// URL (plain http only to 127.0.0.1 for testing)",
        )


INT_BOUNDS: dict[str, tuple[int, int]] = {
    "port": (1, 65535),
    "max_body_bytes": (1, 1 << 30),
    "max_batch_runs": (1, 100_000),
    "ingest_rate_per_min": (0, 10_000_000),
    "session_ttl_s": (1, 366 * 86400),
}
"""Accepted range of every whole-number setting (0 ingest rate: no limit)."""


def _int(value: Any) -> int:
    # Whole numbers only: "1e23", "2.5", "nan" and "" are refused by int() (ValueError).
    if isinstance(value, bool):
        raise ValueError(value)
    return value if isinstance(value, int) else int(str(value).strip(), 10)


_CONVERT: dict[str, Any] = {
    "db": str,
    "host": str,
    "port": _int,
    "root_path": str,
    "secret_key": str,
    "secure_cookies": lambda v: _bool("secure_cookies", v),
    "forwarded_allow_ips": str,
    "max_body_bytes": _int,
    "max_batch_runs": _int,
    "ingest_rate_per_min": _int,
    "strict_algorithms": lambda v: _bool("strict_algorithms", v),
    "session_ttl_s": _int,
    "webhook_url": lambda v: v or None,
}
_OIDC_KEYS = ("oidc_issuer", "oidc_client_id", "oidc_client_secret")


def _bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {value!r}")


def server_settings(
    overrides: Mapping[str, Any] | None = None, *, env: Mapping[str, str] | None = None
) -> ServerSettings:
    """Build and validate the server settings.

    Args:
        overrides: explicit values (CLI options); ``None`` values are ignored. ``db`` may be a
            path or URL as for ``--db`` (resolved by :func:`algoprint.store.resolve_url`);
            without one the embedded default :func:`default_server_db` is used.
        env: the environment (default ``os.environ``); ``ALGOPRINT_SERVE_<NAME>`` sets
            ``<name>``; ``ALGOPRINT_SERVE_OIDC_ISSUER``/``_CLIENT_ID``/``_CLIENT_SECRET``
            configure OIDC.

    Raises:
        ConfigError: an unknown ``ALGOPRINT_SERVE_*`` name, an invalid value, or OIDC
            half-configured.
    """
    from algoprint._dburl import resolve_url

    env = os.environ if env is None else env
    raw: dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name[len(ENV_PREFIX) :].lower()
        if key not in _CONVERT and key not in _OIDC_KEYS:
            known = ", ".join(ENV_PREFIX + k.upper() for k in [*_CONVERT, *_OIDC_KEYS])
            raise ConfigError(f"unknown environment variable {name}", hint=f"known: {known}")
        raw[key] = value
    raw.update({k: v for k, v in (overrides or {}).items() if v is not None})
    oidc_values = [raw.pop(k, None) for k in _OIDC_KEYS]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _CONVERT:
            raise ConfigError(f"unknown server setting {key!r}")
        try:
            values[key] = _CONVERT[key](value)
        except ValueError:
            low, high = INT_BOUNDS.get(key, (None, None))
            accepted = f"a whole number from {low} to {high}" if low is not None else "a value"
            raise ConfigError(
                f"server setting {key} has an invalid value {value!r}",
                hint=f"set {ENV_PREFIX}{key.upper()} to {accepted}",
            ) from None
    if "db" in values:
        values["db"] = resolve_url(values["db"])
    else:
        path = default_server_db()
        path.parent.mkdir(parents=True, exist_ok=True)
        values["db"] = f"sqlite:///{path}"
    if any(oidc_values):
        if not all(oidc_values):
            raise ConfigError(
                "OIDC is half configured",
                hint="set ALGOPRINT_SERVE_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET together",
            )
        issuer, client_id, secret = (str(v) for v in oidc_values)
        values["oidc"] = OidcSettings(issuer=issuer, client_id=client_id, client_secret=secret)
    return ServerSettings(**values)


def replace(settings: ServerSettings, **changes: Any) -> ServerSettings:
    """A validated copy of ``settings`` with ``changes`` (tests, the CLI)."""
    return dataclasses.replace(settings, **changes)
