"""Passwords (argon2id), API tokens and session secrets: generated here, stored only hashed."""

from __future__ import annotations

import functools
import hashlib
import secrets

__all__ = ["hash_password", "new_secret", "sha256", "verify_password"]


def _hasher() -> object:
    try:
        from argon2 import PasswordHasher
    except ModuleNotFoundError:  # pragma: no cover - the server extra installs it
        from algoprint.errors import ConfigError

        raise ConfigError(
            "local passwords need argon2-cffi", hint="pip install 'algoprint[server]'"
        ) from None
    return PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (at least 12 characters).

    Raises:
        InputError: the password is shorter than 12 characters.
    """
    from algoprint.errors import InputError

    if len(password) < 12:
        raise InputError("the password is shorter than 12 characters", hint="choose a longer one")
    hasher = _hasher()
    return str(hasher.hash(password))  # type: ignore[attr-defined]


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; always spends one hash computation, so
    an unknown account takes as long as a wrong password."""
    from argon2.exceptions import Argon2Error, InvalidHashError

    hasher = _hasher()
    if password_hash is None:
        password_hash = _dummy_hash()
        password = password + "\x00"  # never matches the dummy
    try:
        return bool(hasher.verify(password_hash, password))  # type: ignore[attr-defined]
    except (Argon2Error, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return str(_hasher().hash("not-a-password-0000"))  # type: ignore[attr-defined]


def new_secret(prefix: str = "") -> str:
    """A new random secret (256 bits, URL-safe), with an optional readable prefix."""
    return prefix + secrets.token_urlsafe(32)


def sha256(value: str) -> str:
    """Hex SHA-256 of ``value``: how tokens, sessions and login links are stored."""
    return hashlib.sha256(value.encode()).hexdigest()
