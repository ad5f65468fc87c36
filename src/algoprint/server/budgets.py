"""Budgets per algorithm and period, the alerts they raise, and the optional webhook.

A budget limits ``energy_j`` (joules) or ``co2e_g`` (grams, location-based) of one algorithm
per calendar ``month`` or ``year`` (UTC). After each ingest the periods that changed are
checked; an exceeded budget raises one alert per period (kept in the database, shown on the
dashboard) and, only when ``webhook_url`` is configured, posts it there from a background
thread (stdlib HTTP, 5 s timeout, HTTPS). Nothing leaves the server otherwise.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from algoprint.errors import InputError, NotFound
from algoprint.server._schema import alerts, budgets
from algoprint.server.accounts import Organisation
from algoprint.server.aggregates import period_totals
from algoprint.server.context import ServerContext

__all__ = [
    "Alert",
    "Budget",
    "check_budgets",
    "create_budget",
    "delete_budget",
    "list_alerts",
    "list_budgets",
]

WEBHOOK_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class Budget:
    """A budget: ``limit`` in the unit of ``metric`` (J or g) per ``period``."""

    id: int
    algorithm: str
    metric: str
    period: str
    limit: float


@dataclass(frozen=True, slots=True)
class Alert:
    """An exceeded budget in one period (``YYYY-MM`` or ``YYYY``)."""

    id: int
    budget_id: int
    algorithm: str
    metric: str
    period_start: str
    value: float
    limit: float
    created_at: datetime
    notified_at: datetime | None
    webhook_error: str | None


def create_budget(
    ctx: ServerContext,
    org: Organisation,
    *,
    algorithm: str,
    metric: str,
    period: str,
    limit: float,
    by: str,
) -> Budget:
    """Create a budget.

    Raises:
        InputError: an unknown metric or period, a limit ≤ 0, or the same budget exists.
    """
    if metric not in {"energy_j", "co2e_g"} or period not in {"month", "year"}:
        raise InputError("a budget's metric is energy_j or co2e_g and its period month or year")
    if not limit > 0:
        raise InputError("a budget's limit must be > 0")
    values = {
        "org_id": org.id,
        "algorithm": algorithm,
        "metric": metric,
        "period": period,
        "limit_value": float(limit),
        "created_at": datetime.now(UTC),
        "created_by": by,
    }

    def write(conn: Any) -> int:
        try:
            with conn.begin_nested():
                return int(conn.execute(insert(budgets).values(**values)).inserted_primary_key[0])
        except IntegrityError:
            raise InputError(
                f"{algorithm} already has a {metric} budget per {period}",
                hint="delete it first to change the limit",
            ) from None

    budget_id = ctx.db.write(write, "creating a budget")
    return Budget(budget_id, algorithm, metric, period, float(limit))


def list_budgets(ctx: ServerContext, org: Organisation) -> list[Budget]:
    """The budgets of ``org``."""
    query = select(budgets).where(budgets.c.org_id == org.id).order_by(budgets.c.id)
    rows = ctx.db.read(lambda c: c.execute(query).all(), "listing budgets")
    return [Budget(r.id, r.algorithm, r.metric, r.period, r.limit_value) for r in rows]


def delete_budget(ctx: ServerContext, org: Organisation, budget_id: int) -> None:
    """Delete a budget of ``org`` and its alerts.

    Raises:
        NotFound: ``org`` has no such budget.
    """
    query = budgets.delete().where(budgets.c.id == budget_id, budgets.c.org_id == org.id)
    if ctx.db.write(lambda c: c.execute(query).rowcount, "deleting a budget") == 0:
        raise NotFound(f"no budget {budget_id}")


def list_alerts(ctx: ServerContext, org: Organisation, *, limit: int = 100) -> list[Alert]:
    """The newest alerts of ``org``."""
    query = (
        select(alerts, budgets.c.algorithm, budgets.c.metric)
        .join(budgets, budgets.c.id == alerts.c.budget_id)
        .where(alerts.c.org_id == org.id)
        .order_by(alerts.c.id.desc())
        .limit(limit)
    )
    rows = ctx.db.read(lambda c: c.execute(query).all(), "listing alerts")
    return [
        Alert(
            r.id,
            r.budget_id,
            r.algorithm,
            r.metric,
            r.period_start,
            r.value,
            r.limit_value,
            r.created_at,
            r.notified_at,
            r.webhook_error,
        )
        for r in rows
    ]


def check_budgets(
    ctx: ServerContext, org: Organisation, touched: set[tuple[str, str]]
) -> list[Alert]:
    """Check the budgets of the ``(algorithm, YYYY-MM)`` pairs that changed; raise new alerts
    (once per budget and period) and post them to the webhook if configured."""
    algorithms = {a for a, _ in touched}
    if not algorithms:
        return []
    query = select(budgets).where(budgets.c.org_id == org.id, budgets.c.algorithm.in_(algorithms))
    found = ctx.db.read(lambda c: c.execute(query).all(), "reading budgets")
    raised: list[Alert] = []
    for b in found:
        periods = {m if b.period == "month" else m[:4] for a, m in touched if a == b.algorithm}
        for start in sorted(periods):
            totals = period_totals(ctx, org, b.algorithm, start)
            value = totals.energy_j if b.metric == "energy_j" else totals.co2e_g
            if value is None or value <= b.limit_value:
                continue
            alert = _raise(ctx, org, b, start, value)
            if alert is not None:
                raised.append(alert)
    if raised and ctx.settings.webhook_url:
        threading.Thread(target=_post_all, args=(ctx, raised), daemon=True).start()
    return raised


def _raise(ctx: ServerContext, org: Organisation, b: Any, start: str, value: float) -> Alert | None:
    now = datetime.now(UTC)
    values = {
        "org_id": org.id,
        "budget_id": b.id,
        "period_start": start,
        "value": value,
        "limit_value": b.limit_value,
        "created_at": now,
    }

    def write(conn: Any) -> int | None:
        exists = conn.execute(
            select(alerts.c.id).where(alerts.c.budget_id == b.id, alerts.c.period_start == start)
        ).first()
        if exists is not None:
            conn.execute(update(alerts).where(alerts.c.id == exists.id).values(value=value))
            return None
        return int(conn.execute(insert(alerts).values(**values)).inserted_primary_key[0])

    alert_id = ctx.db.write(write, "raising an alert")
    if alert_id is None:
        return None
    return Alert(
        alert_id, b.id, b.algorithm, b.metric, start, value, b.limit_value, now, None, None
    )


def _post_all(ctx: ServerContext, raised: list[Alert]) -> None:
    for alert in raised:
        error = _post(str(ctx.settings.webhook_url), alert)
        values = {"notified_at": datetime.now(UTC)} if error is None else {"webhook_error": error}
        query = update(alerts).where(alerts.c.id == alert.id).values(**values)

        def write(conn: Any, q: Any = query) -> None:
            conn.execute(q)

        try:
            ctx.db.write(write, "recording a webhook")
        except Exception:
            return


def _post(url: str, alert: Alert) -> str | None:
    body = json.dumps(
        {
            "type": "algoprint.budget_exceeded",
            "algorithm": alert.algorithm,
            "metric": alert.metric,
            "period": alert.period_start,
            "value": alert.value,
            "limit": alert.limit,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - URL validated as https (or loopback)
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S) as response:  # noqa: S310
            response.read(1024)
        return None
    except OSError as e:
        return str(e)[:500]
