"""First start of an embedded server, the persisted secret key, and admin helpers for the CLI."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from algoprint.server._schema import memberships, users
from algoprint.server.accounts import (
    create_login_link,
    create_org,
    create_token,
    create_user,
    list_orgs,
    set_membership,
)
from algoprint.server.db import ServerDB

__all__ = ["Bootstrap", "bootstrap", "secret_key_for"]

DEFAULT_ORG = "default"
ADMIN_EMAIL = "admin@localhost"


@dataclass(frozen=True, slots=True)
class Bootstrap:
    """What a start printed: a one-time login link secret, and the ingest token on the first
    start only."""

    org_slug: str
    login_secret: str | None
    ingest_token: str | None


def secret_key_for(db: ServerDB) -> str | None:
    """The persisted secret key of a SQLite server (``secret_key`` beside the database, mode
    0600, created once), so sessions survive a restart; ``None`` for PostgreSQL (give
    ``ALGOPRINT_SERVE_SECRET_KEY``)."""
    if db.path is None:
        return None
    path: Path = db.path.parent / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def bootstrap(db: ServerDB) -> Bootstrap:
    """On the first start (no organisation yet) create the organisation ``default``, its admin
    and an ingest token; on every start issue a one-time login link for the first admin."""
    token = None
    if not list_orgs(db):
        org = create_org(db, DEFAULT_ORG, "Default organisation")
        admin = create_user(db, ADMIN_EMAIL, name="Admin")
        set_membership(db, admin, org, "admin")
        token = create_token(db, org, "ingest", name="first ingest token")
    query = (
        select(users.c.id, memberships.c.org_id)
        .join(memberships, memberships.c.user_id == users.c.id)
        .where(memberships.c.role == "admin", users.c.disabled.is_(False))
        .order_by(users.c.id)
        .limit(1)
    )
    row = db.read(lambda c: c.execute(query).first(), "finding the admin")
    orgs = {o.id: o for o in list_orgs(db)}
    if row is None:
        first = next(iter(orgs.values()))
        return Bootstrap(first.slug, None, token)
    org = orgs[int(row.org_id)]
    return Bootstrap(org.slug, create_login_link(db, int(row.id), org), token)
