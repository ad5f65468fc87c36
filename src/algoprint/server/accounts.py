"""Organisations, teams, people, roles, API tokens, sessions and login links.

Plain functions over the :class:`~algoprint.server.db.ServerDB`; the FastAPI dependencies in
:mod:`algoprint.server.auth` and the CLI call them. Secrets are returned once and stored only
as SHA-256 (tokens, sessions, links) or argon2id (passwords).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from algoprint.errors import InputError, NotFound
from algoprint.server._schema import (
    api_tokens,
    login_links,
    memberships,
    organisations,
    sessions,
    team_algorithms,
    teams,
    users,
)
from algoprint.server._secrets import hash_password, new_secret, sha256
from algoprint.server.db import ServerDB

__all__ = [
    "ROLES",
    "SCOPES",
    "Organisation",
    "Principal",
    "TokenInfo",
    "create_login_link",
    "create_org",
    "create_session",
    "create_team",
    "create_token",
    "create_user",
    "delete_session",
    "get_org",
    "list_orgs",
    "list_tokens",
    "resolve_token",
    "revoke_token",
    "session_principal",
    "set_membership",
    "use_login_link",
]

ROLES = ("ontwikkelaar", "projectleider", "beleid-en-advies", "admin")
"""Roles named after the Algoritmekader roles, plus admin."""
SCOPES = ("ingest", "read", "admin")
"""API token scopes: ``ingest`` (trackers: upload runs only), ``read``, ``admin`` (all)."""
TOKEN_PREFIX = "apt_"  # noqa: S105 - a readable prefix, not a secret
_SLUG = re.compile(r"[a-z][a-z0-9-]{1,63}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,189}")


def _now() -> datetime:
    return datetime.now(UTC)


def _slug(slug: str, what: str) -> str:
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        raise InputError(
            f"{what} slug {slug!r} is not valid",
            hint="2-64 characters: lowercase letters, digits and hyphens, starting with a letter",
        )
    return slug


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation: ``id`` (internal), ``slug`` (in URLs and the CLI) and ``name``."""

    id: int
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class Principal:
    """Who makes a request, always within exactly one organisation.

    Attributes:
        org: the organisation whose data the request may read or write (never another).
        role: the person's role (sessions) or ``None`` (tokens).
        scope: the token's scope (tokens) or ``None`` (sessions).
        user_id: the person (sessions), ``None`` for tokens.
        name: who, for history entries (person's e-mail, or ``token:<prefix>``).
        csrf: the session's CSRF secret (sessions only).
    """

    org: Organisation
    role: str | None = None
    scope: str | None = None
    user_id: int | None = None
    name: str = ""
    csrf: str | None = None

    def can(self, action: str) -> bool:
        """Whether this principal may ``action``: ``read``, ``ingest``, ``edit`` (register,
        assessments, budgets) or ``admin`` (people and tokens)."""
        if self.scope is not None:
            allowed = {"ingest": {"ingest"}, "read": {"read"}, "admin": set(_ACTIONS)}
            return action in allowed.get(self.scope, set())
        return action in _ROLE_ACTIONS.get(self.role or "", set())


_ACTIONS = ("read", "ingest", "edit", "admin")
_ROLE_ACTIONS = {
    "ontwikkelaar": {"read", "ingest"},
    "projectleider": {"read", "ingest", "edit"},
    "beleid-en-advies": {"read", "edit"},
    "admin": set(_ACTIONS),
}


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token as listed (never its secret)."""

    id: int
    scope: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def _org(row: Any) -> Organisation:
    return Organisation(id=int(row.id), slug=str(row.slug), name=str(row.name))


def create_org(db: ServerDB, slug: str, name: str | None = None) -> Organisation:
    """Create organisation ``slug``.

    Raises:
        InputError: an invalid slug, or the organisation exists.
    """
    _slug(slug, "organisation")

    def write(conn: Any) -> Organisation:
        if conn.execute(select(organisations.c.id).where(organisations.c.slug == slug)).first():
            raise InputError(f"organisation {slug!r} already exists")
        row = {"slug": slug, "name": name or slug, "created_at": _now()}
        org_id = conn.execute(insert(organisations).values(**row)).inserted_primary_key[0]
        return Organisation(id=int(org_id), slug=slug, name=name or slug)

    return db.write(write, f"creating organisation {slug}")


def get_org(db: ServerDB, slug: str) -> Organisation:
    """The organisation ``slug``.

    Raises:
        NotFound: no such organisation.
    """
    row = db.read(
        lambda c: c.execute(select(organisations).where(organisations.c.slug == slug)).first(),
        "reading organisations",
    )
    if row is None:
        raise NotFound(
            f"no organisation {slug!r}", hint="algoprint server org create SLUG creates one"
        )
    return _org(row)


def list_orgs(db: ServerDB) -> list[Organisation]:
    """All organisations, by slug (CLI and admin use only)."""
    rows = db.read(
        lambda c: c.execute(select(organisations).order_by(organisations.c.slug)).all(),
        "listing organisations",
    )
    return [_org(r) for r in rows]


def create_team(db: ServerDB, org: Organisation, slug: str, name: str | None = None) -> int:
    """Create team ``slug`` in ``org``; returns its id.

    Raises:
        InputError: an invalid slug or a team with this slug exists in ``org``.
    """
    _slug(slug, "team")
    values = {"org_id": org.id, "slug": slug, "name": name or slug}
    try:

        def write(conn: Any) -> int:
            key = conn.execute(insert(teams).values(**values)).inserted_primary_key
            assert key is not None
            return int(key[0])

        return db.write(write, "creating a team")
    except Exception as e:
        if isinstance(e.__cause__, IntegrityError):
            raise InputError(f"team {slug!r} already exists in {org.slug}") from None
        raise


def assign_algorithm(db: ServerDB, org: Organisation, team_id: int, algorithm: str) -> None:
    """Make team ``team_id`` (of ``org``) the owner of ``algorithm``.

    Raises:
        NotFound: the team is not one of ``org``'s.
    """

    def write(conn: Any) -> None:
        found = conn.execute(
            select(teams.c.id).where(teams.c.id == team_id, teams.c.org_id == org.id)
        ).first()
        if found is None:
            raise NotFound(f"no team {team_id} in {org.slug}")
        conn.execute(
            team_algorithms.delete().where(
                team_algorithms.c.org_id == org.id, team_algorithms.c.algorithm == algorithm
            )
        )
        conn.execute(
            insert(team_algorithms).values(org_id=org.id, team_id=team_id, algorithm=algorithm)
        )

    db.write(write, "assigning an algorithm to a team")


def create_user(
    db: ServerDB,
    email: str,
    *,
    name: str | None = None,
    password: str | None = None,
    oidc_subject: str | None = None,
) -> int:
    """Create a person; returns the user id. The password (if any) is stored as argon2id.

    Raises:
        InputError: an invalid e-mail, a short password, or the e-mail is taken.
    """
    if not _EMAIL.fullmatch(email or ""):
        raise InputError(f"{email!r} is not an e-mail address")
    values = {
        "email": email.lower(),
        "name": name or email,
        "password_hash": None if password is None else hash_password(password),
        "oidc_subject": oidc_subject,
        "disabled": False,
        "created_at": _now(),
    }

    def write(conn: Any) -> int:
        if conn.execute(select(users.c.id).where(users.c.email == values["email"])).first():
            raise InputError(f"a user {email!r} already exists")
        return int(conn.execute(insert(users).values(**values)).inserted_primary_key[0])

    return db.write(write, "creating a user")


def find_user(db: ServerDB, email: str) -> tuple[int, str | None] | None:
    """``(user id, password hash)`` of the enabled person with this e-mail, or ``None``."""
    row = db.read(
        lambda c: c.execute(
            select(users.c.id, users.c.password_hash).where(
                users.c.email == email.lower(), users.c.disabled.is_(False)
            )
        ).first(),
        "reading users",
    )
    return None if row is None else (int(row.id), row.password_hash)


def set_membership(db: ServerDB, user_id: int, org: Organisation, role: str) -> None:
    """Give ``user_id`` the ``role`` in ``org`` (replacing an earlier role there).

    Raises:
        InputError: an unknown role.
    """
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}", hint=f"use one of {', '.join(ROLES)}")

    def write(conn: Any) -> None:
        conn.execute(
            memberships.delete().where(
                memberships.c.user_id == user_id, memberships.c.org_id == org.id
            )
        )
        conn.execute(insert(memberships).values(user_id=user_id, org_id=org.id, role=role))

    db.write(write, "setting a role")


def user_orgs(db: ServerDB, user_id: int) -> list[tuple[Organisation, str]]:
    """The organisations of ``user_id`` with the role in each, by slug."""
    query = (
        select(organisations, memberships.c.role)
        .join(memberships, memberships.c.org_id == organisations.c.id)
        .where(memberships.c.user_id == user_id)
        .order_by(organisations.c.slug)
    )
    rows = db.read(lambda c: c.execute(query).all(), "reading memberships")
    return [(_org(r), str(r.role)) for r in rows]


# -- API tokens ---------------------------------------------------------------------------


def create_token(
    db: ServerDB,
    org: Organisation,
    scope: str,
    *,
    name: str = "",
    expires_at: datetime | None = None,
) -> str:
    """A new API token of ``org`` with ``scope``; the secret is returned once, never stored.

    Raises:
        InputError: an unknown scope or an expiry in the past.
    """
    if scope not in SCOPES:
        raise InputError(f"unknown token scope {scope!r}", hint=f"use one of {', '.join(SCOPES)}")
    if expires_at is not None and expires_at <= _now():
        raise InputError("the token's expiry is in the past")
    secret = new_secret(TOKEN_PREFIX)
    values = {
        "org_id": org.id,
        "scope": scope,
        "name": name or scope,
        "token_hash": sha256(secret),
        "prefix": secret[:12],
        "created_at": _now(),
        "expires_at": expires_at,
        "revoked_at": None,
    }
    db.write(lambda c: c.execute(insert(api_tokens).values(**values)), "creating a token")
    return secret


def list_tokens(db: ServerDB, org: Organisation) -> list[TokenInfo]:
    """The tokens of ``org`` (never their secrets), oldest first."""
    query = select(api_tokens).where(api_tokens.c.org_id == org.id).order_by(api_tokens.c.id)
    rows = db.read(lambda c: c.execute(query).all(), "listing tokens")
    return [
        TokenInfo(
            id=int(r.id),
            scope=str(r.scope),
            name=str(r.name),
            prefix=str(r.prefix),
            created_at=r.created_at,
            expires_at=r.expires_at,
            revoked_at=r.revoked_at,
        )
        for r in rows
    ]


def revoke_token(db: ServerDB, org: Organisation, token_id: int) -> None:
    """Revoke token ``token_id`` of ``org`` (idempotent).

    Raises:
        NotFound: ``org`` has no such token.
    """
    query = (
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.org_id == org.id)
        .values(revoked_at=_now())
    )
    if db.write(lambda c: c.execute(query).rowcount, "revoking a token") == 0:
        raise NotFound(f"no token {token_id} in {org.slug}")


class TokenRefused(InputError):
    """A bearer token that cannot be used; the message says why (unknown, revoked, expired)."""


def resolve_token(db: ServerDB, secret: str) -> Principal:
    """The principal of the bearer token ``secret``.

    Raises:
        TokenRefused: unknown, revoked or expired.
    """
    query = (
        select(api_tokens, organisations.c.slug, organisations.c.name.label("org_name"))
        .join(organisations, organisations.c.id == api_tokens.c.org_id)
        .where(api_tokens.c.token_hash == sha256(secret))
    )
    row = db.read(lambda c: c.execute(query).first(), "checking a token")
    if row is None:
        raise TokenRefused("unknown API token", hint="create one: algoprint server token create")
    if row.revoked_at is not None:
        raise TokenRefused(f"API token {row.prefix}... was revoked", hint="create a new one")
    if row.expires_at is not None and row.expires_at <= _now():
        raise TokenRefused(f"API token {row.prefix}... has expired", hint="create a new one")
    org = Organisation(id=int(row.org_id), slug=str(row.slug), name=str(row.org_name))
    return Principal(org=org, scope=str(row.scope), name=f"token:{row.prefix}")


# -- sessions and one-time login links ----------------------------------------------------


def create_session(db: ServerDB, user_id: int, org: Organisation, ttl_s: int) -> str:
    """A new web session of ``user_id`` in ``org``; returns the cookie secret."""
    secret = new_secret()
    now = _now()
    values = {
        "id_hash": sha256(secret),
        "user_id": user_id,
        "org_id": org.id,
        "csrf": new_secret(),
        "created_at": now,
        "expires_at": now + timedelta(seconds=ttl_s),
    }
    db.write(lambda c: c.execute(insert(sessions).values(**values)), "starting a session")
    return secret


def session_principal(db: ServerDB, secret: str) -> Principal | None:
    """The principal of a session cookie, or ``None`` (unknown, expired, no longer a member)."""
    query = (
        select(
            sessions.c.user_id,
            sessions.c.csrf,
            sessions.c.expires_at,
            organisations.c.id.label("org_id"),
            organisations.c.slug,
            organisations.c.name.label("org_name"),
            memberships.c.role,
            users.c.email,
        )
        .join(organisations, organisations.c.id == sessions.c.org_id)
        .join(users, and_(users.c.id == sessions.c.user_id, users.c.disabled.is_(False)))
        .join(
            memberships,
            and_(
                memberships.c.user_id == sessions.c.user_id,
                memberships.c.org_id == sessions.c.org_id,
            ),
        )
        .where(sessions.c.id_hash == sha256(secret))
    )
    row = db.read(lambda c: c.execute(query).first(), "reading a session")
    if row is None or row.expires_at <= _now():
        return None
    org = Organisation(id=int(row.org_id), slug=str(row.slug), name=str(row.org_name))
    return Principal(
        org=org, role=str(row.role), user_id=int(row.user_id), name=str(row.email), csrf=row.csrf
    )


def delete_session(db: ServerDB, secret: str) -> None:
    """End the session with this cookie secret (idempotent)."""
    query = sessions.delete().where(sessions.c.id_hash == sha256(secret))
    db.write(lambda c: c.execute(query), "ending a session")


def create_login_link(db: ServerDB, user_id: int, org: Organisation, ttl_s: int = 3600) -> str:
    """A one-time login secret for ``user_id`` in ``org`` (valid ``ttl_s`` seconds)."""
    secret = new_secret()
    values = {
        "token_hash": sha256(secret),
        "user_id": user_id,
        "org_id": org.id,
        "expires_at": _now() + timedelta(seconds=ttl_s),
        "used_at": None,
    }
    db.write(lambda c: c.execute(insert(login_links).values(**values)), "creating a login link")
    return secret


def use_login_link(db: ServerDB, secret: str) -> tuple[int, Organisation] | None:
    """Consume a one-time login link: ``(user id, organisation)``, or ``None`` when it is
    unknown, used or expired. A link works once."""

    def write(conn: Any) -> tuple[int, Organisation] | None:
        row = conn.execute(
            select(login_links, organisations.c.slug, organisations.c.name.label("org_name"))
            .join(organisations, organisations.c.id == login_links.c.org_id)
            .where(login_links.c.token_hash == sha256(secret))
        ).first()
        if row is None or row.used_at is not None or row.expires_at <= _now():
            return None
        conn.execute(
            update(login_links)
            .where(login_links.c.token_hash == row.token_hash)
            .values(used_at=_now())
        )
        org = Organisation(id=int(row.org_id), slug=str(row.slug), name=str(row.org_name))
        return int(row.user_id), org

    return db.write(write, "using a login link")
