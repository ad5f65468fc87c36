"""The server database: organisations, people, tokens, the run index, aggregates and budgets.

Each organisation's runs, algorithms, assessments and analyses live in its own run store
(:mod:`algoprint.server.orgs`); these tables hold what the server adds. Every table that holds
organisation data has ``org_id`` and every query filters on it.

Migrations (``server/migrations/versions``) create the same shape with frozen definitions;
``tests/server/test_server_db.py`` checks that the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from algoprint.store._schema import RUN_STATUS_TYPE, UtcDateTime, json_type

__all__ = [
    "SERVER_VERSION_TABLE",
    "agg_algorithm",
    "agg_daily",
    "agg_monthly",
    "agg_org_monthly",
    "alerts",
    "api_tokens",
    "budgets",
    "factor_sets",
    "login_links",
    "memberships",
    "metadata",
    "organisations",
    "run_index",
    "sessions",
    "team_algorithms",
    "teams",
    "users",
]

SERVER_VERSION_TABLE = "algoprint_server_alembic_version"
"""Alembic's bookkeeping for the server tables (apart from the run store's own)."""

metadata = MetaData()


def _org_fk() -> Column[int]:
    return Column(
        "org_id", Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False
    )


organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

teams = Table(
    "teams",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _org_fk(),
    Column("slug", String(64), nullable=False),
    Column("name", Text, nullable=False),
    UniqueConstraint("org_id", "slug", name="uq_teams_org_slug"),
)

team_algorithms = Table(
    "team_algorithms",
    metadata,
    _org_fk(),
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
    Column("algorithm", String(200), nullable=False),
    PrimaryKeyConstraint("org_id", "algorithm", name="pk_team_algorithms"),
)
"""Which team owns an algorithm of the organisation (one team per algorithm)."""

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("password_hash", Text, nullable=True),
    Column("oidc_subject", String(255), nullable=True, unique=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
)
"""People. ``password_hash`` is argon2id (``None``: OIDC only or not yet set)."""

memberships = Table(
    "memberships",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    _org_fk(),
    Column("role", String(32), nullable=False),
    PrimaryKeyConstraint("user_id", "org_id", name="pk_memberships"),
)
"""A person's role in one organisation: ontwikkelaar, projectleider, beleid-en-advies, admin."""

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _org_fk(),
    Column("scope", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
)
"""Scoped API tokens (ingest, read, admin); only the SHA-256 of the secret is kept."""

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    _org_fk(),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)
"""Web sessions; the cookie holds the secret, the table its SHA-256."""

login_links = Table(
    "login_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    _org_fk(),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
)
"""One-time login links (the embedded server prints one for its admin)."""

run_index = Table(
    "run_index",
    metadata,
    _org_fk(),
    Column("run_id", String(128), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("algorithm", String(200), nullable=False),
    Column("phase", String(64), nullable=False),
    Column("day", String(10), nullable=False),
    Column("status", RUN_STATUS_TYPE, nullable=False),
    Column("hostname", Text, nullable=True),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime, nullable=True),
    Column("checkpoint_at", UtcDateTime, nullable=True),
    Column("duration_s", Float, nullable=False),
    Column("energy_j", Float, nullable=True),
    Column("power_w", Float, nullable=True),
    Column("factor_key", String(128), nullable=False),
    Column("host_key", Text, nullable=True),
    Column("scope", String(16), nullable=True),
    Column("counted_j", Float, nullable=True),
    PrimaryKeyConstraint("org_id", "run_id", name="pk_run_index"),
    Index("ix_run_index_list", "org_id", "started_at", "run_id"),
    Index("ix_run_index_algorithm", "org_id", "algorithm", "started_at"),
    Index("ix_run_index_host", "org_id", "host_key", "started_at"),
)
"""One row per ingested run: what the aggregates count for it (so a newer checkpoint replaces
exactly its old contribution), its content digest (idempotency, conflicts), and the columns
the runs list filters and pages on. ``algorithm``/``phase`` are ``''`` when the run has none;
``day`` is the UTC date of ``started_at``. ``counted_j`` is the energy the aggregates hold for
the run: ``energy_j`` with the machine counted once (:mod:`algoprint.server._counting`; J),
using ``host_key`` (the host's boot id, else its hostname) and ``scope``."""


def _agg(name: str, keys: list[Column[str]]) -> Table:
    names = [c.name for c in keys]
    return Table(
        name,
        metadata,
        _org_fk(),
        *keys,
        Column("factor_key", String(128), nullable=False),
        Column("runs", Integer, nullable=False),
        Column("gaps", Integer, nullable=False),
        Column("energy_j", Float, nullable=False),
        Column("duration_s", Float, nullable=False),
        PrimaryKeyConstraint("org_id", *names, "factor_key", name=f"pk_{name}"),
    )


def _alg() -> Column[str]:
    return Column("algorithm", String(200), nullable=False)


def _phase() -> Column[str]:
    return Column("phase", String(64), nullable=False)


agg_daily = _agg("agg_daily", [_alg(), Column("day", String(10), nullable=False), _phase()])
"""Energy per organisation × algorithm × UTC day × phase × factor set (runs without a total
count in ``gaps`` and add no energy): the algorithm page's series."""
agg_monthly = _agg("agg_monthly", [_alg(), Column("month", String(7), nullable=False), _phase()])
"""The same per calendar month (``YYYY-MM``): budgets, and an algorithm's months."""
agg_org_monthly = _agg("agg_org_monthly", [Column("month", String(7), nullable=False), _phase()])
"""Per organisation × month × phase × factor set, all algorithms together: the overview's
totals, trend and training vs use read a few hundred rows whatever the number of runs."""
agg_algorithm = _agg("agg_algorithm", [_alg()])
"""Per organisation × algorithm × factor set, all time: the overview's top algorithms."""

factor_sets = Table(
    "factor_sets",
    metadata,
    Column("factor_key", String(128), primary_key=True),
    Column("description", json_type(), nullable=False),
    Column("co2e_g_per_j", Float, nullable=True),
    Column("co2e_market_g_per_j", Float, nullable=True),
    Column("computed_at", UtcDateTime, nullable=False),
)
"""Facility CO2e per joule of IT energy for one location profile and year (PUE × grid
intensity); impacts are linear in energy, so aggregates times these give the totals."""

budgets = Table(
    "budgets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _org_fk(),
    Column("algorithm", String(200), nullable=False),
    Column("metric", String(16), nullable=False),
    Column("period", String(8), nullable=False),
    Column("limit_value", Float, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", Text, nullable=False),
    UniqueConstraint("org_id", "algorithm", "metric", "period", name="uq_budgets"),
)
"""An energy (``energy_j``) or CO2e (``co2e_g``) budget per algorithm and ``month``/``year``."""

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _org_fk(),
    Column("budget_id", Integer, ForeignKey("budgets.id", ondelete="CASCADE"), nullable=False),
    Column("period_start", String(10), nullable=False),
    Column("value", Float, nullable=False),
    Column("limit_value", Float, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("notified_at", UtcDateTime, nullable=True),
    Column("webhook_error", Text, nullable=True),
    UniqueConstraint("budget_id", "period_start", name="uq_alerts_budget_period"),
)
"""A budget exceeded in one period (raised once per budget and period)."""
