"""The organisation views, read from the aggregates (never from every run).

Every function takes the organisation and reads only its rows. Energies are joules, CO2e
grams (location-based and market-based, facility energy = IT energy × PUE × grid factor of
the factor set); ``None`` where a factor set has no factor (unknown zone). ``runs`` counts the
runs, ``gaps`` those without an energy total (they add no energy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from algoprint.kader.evidence import TRAINING_PHASES as _TRAINING
from algoprint.server._rollup import algorithm_factor_description, apply_deltas, forget_algorithm
from algoprint.server._schema import (
    agg_algorithm,
    agg_daily,
    agg_monthly,
    agg_org_monthly,
    factor_sets,
    run_index,
)
from algoprint.server.accounts import Organisation
from algoprint.server.context import ServerContext

__all__ = [
    "Totals",
    "algorithm_factor_description",
    "algorithm_series",
    "datacentre_mix",
    "forget_algorithm",
    "monthly_trend",
    "organisation_totals",
    "phase_split",
    "rekey_algorithm",
    "top_algorithms",
]

TRAINING_PHASES = _TRAINING
"""Run phases counted as training in :func:`phase_split` (the kader's mon-06 set); every other
phase, and none, is use."""


@dataclass(frozen=True, slots=True)
class Totals:
    """Summed aggregates.

    Attributes:
        runs: runs counted. gaps: runs without an energy total.
        energy_j: IT energy (J). duration_s: summed run time (s).
        co2e_g: location-based CO2e (g); co2e_market_g: market-based (g).
    """

    runs: int
    gaps: int
    energy_j: float
    duration_s: float
    co2e_g: float | None
    co2e_market_g: float | None


def _co2e(table: Any) -> tuple[Any, Any]:
    return (
        func.sum(table.c.energy_j * factor_sets.c.co2e_g_per_j),
        func.sum(table.c.energy_j * factor_sets.c.co2e_market_g_per_j),
    )


def _sums(table: Any) -> list[Any]:
    loc, market = _co2e(table)
    return [
        func.coalesce(func.sum(table.c.runs), 0).label("runs"),
        func.coalesce(func.sum(table.c.gaps), 0).label("gaps"),
        func.coalesce(func.sum(table.c.energy_j), 0.0).label("energy_j"),
        func.coalesce(func.sum(table.c.duration_s), 0.0).label("duration_s"),
        loc.label("co2e_g"),
        market.label("co2e_market_g"),
    ]


def _totals(row: Any) -> Totals:
    return Totals(
        runs=int(row.runs or 0),
        gaps=int(row.gaps or 0),
        energy_j=float(row.energy_j or 0.0),
        duration_s=float(row.duration_s or 0.0),
        co2e_g=None if row.co2e_g is None else float(row.co2e_g),
        co2e_market_g=None if row.co2e_market_g is None else float(row.co2e_market_g),
    )


def _join(table: Any) -> Any:
    return table.join(factor_sets, factor_sets.c.factor_key == table.c.factor_key)


def organisation_totals(
    ctx: ServerContext, org: Organisation, *, since: date | None = None, until: date | None = None
) -> Totals:
    """Totals of ``org`` for whole months from ``since`` up to (not including) ``until``'s
    month (``None``: all)."""
    t = agg_org_monthly
    query = select(*_sums(t)).select_from(_join(t)).where(t.c.org_id == org.id)
    if since is not None:
        query = query.where(t.c.month >= since.isoformat()[:7])
    if until is not None:
        query = query.where(t.c.month < until.isoformat()[:7])
    return _totals(ctx.db.read(lambda c: c.execute(query).one(), "summing the organisation"))


def monthly_trend(ctx: ServerContext, org: Organisation) -> list[tuple[str, Totals]]:
    """``(YYYY-MM, totals)`` per month with runs, oldest first."""
    t = agg_org_monthly
    query = (
        select(t.c.month, *_sums(t))
        .select_from(_join(t))
        .where(t.c.org_id == org.id)
        .group_by(t.c.month)
        .order_by(t.c.month)
    )
    rows = ctx.db.read(lambda c: c.execute(query).all(), "reading the monthly trend")
    return [(str(r.month), _totals(r)) for r in rows]


def top_algorithms(
    ctx: ServerContext, org: Organisation, *, limit: int = 10, since: date | None = None
) -> list[tuple[str, Totals]]:
    """The ``limit`` algorithms with the most location-based CO2e (then energy), over all
    time (the per-algorithm totals) or from ``since``'s month (the monthly aggregates)."""
    t = agg_algorithm if since is None else agg_monthly
    sums = _sums(t)
    query = (
        select(t.c.algorithm, *sums)
        .select_from(_join(t))
        .where(t.c.org_id == org.id)
        .group_by(t.c.algorithm)
        .order_by(sums[4].desc().nulls_last(), sums[2].desc(), t.c.algorithm)
        .limit(limit)
    )
    if since is not None:
        query = query.where(agg_monthly.c.month >= since.isoformat()[:7])
    rows = ctx.db.read(lambda c: c.execute(query).all(), "ranking algorithms")
    return [(str(r.algorithm), _totals(r)) for r in rows]


def phase_split(
    ctx: ServerContext, org: Organisation, *, algorithm: str | None = None
) -> dict[str, Totals]:
    """Training vs use: ``{"training": totals, "use": totals}`` (phases in
    :data:`TRAINING_PHASES` are training; every other phase, and none, is use)."""
    t = agg_org_monthly if algorithm is None else agg_monthly
    query = select(t.c.phase, *_sums(t)).select_from(_join(t)).where(t.c.org_id == org.id)
    query = query.group_by(t.c.phase)
    if algorithm is not None:
        query = query.where(agg_monthly.c.algorithm == algorithm)
    rows = ctx.db.read(lambda c: c.execute(query).all(), "splitting training and use")
    out: dict[str, list[Any]] = {"training": [], "use": []}
    for row in rows:
        out["training" if str(row.phase).lower() in TRAINING_PHASES else "use"].append(row)
    return {name: _merge(rows) for name, rows in out.items()}


def _merge(rows: list[Any]) -> Totals:
    def total(name: str) -> float | None:
        values = [getattr(r, name) for r in rows]
        return None if values and all(v is None for v in values) else sum(v or 0 for v in values)

    return Totals(
        runs=int(total("runs") or 0),
        gaps=int(total("gaps") or 0),
        energy_j=float(total("energy_j") or 0.0),
        duration_s=float(total("duration_s") or 0.0),
        co2e_g=total("co2e_g") if rows else None,
        co2e_market_g=total("co2e_market_g") if rows else None,
    )


def algorithm_series(
    ctx: ServerContext,
    org: Organisation,
    algorithm: str,
    *,
    since: date | None = None,
    until: date | None = None,
) -> list[tuple[str, str, Totals]]:
    """``(day, phase, totals)`` of one algorithm per UTC day and phase, oldest first."""
    query = (
        select(agg_daily.c.day, agg_daily.c.phase, *_sums(agg_daily))
        .select_from(_join(agg_daily))
        .where(agg_daily.c.org_id == org.id, agg_daily.c.algorithm == algorithm)
        .group_by(agg_daily.c.day, agg_daily.c.phase)
        .order_by(agg_daily.c.day, agg_daily.c.phase)
    )
    if since is not None:
        query = query.where(agg_daily.c.day >= since.isoformat())
    if until is not None:
        query = query.where(agg_daily.c.day < until.isoformat())
    rows = ctx.db.read(lambda c: c.execute(query).all(), f"reading the series of {algorithm}")
    return [(str(r.day), str(r.phase), _totals(r)) for r in rows]


def period_totals(
    ctx: ServerContext, org: Organisation, algorithm: str, period_start: str
) -> Totals:
    """Totals of ``algorithm`` in one month (``YYYY-MM``) or year (``YYYY``)."""
    query = (
        select(*_sums(agg_monthly))
        .select_from(_join(agg_monthly))
        .where(
            agg_monthly.c.org_id == org.id,
            agg_monthly.c.algorithm == algorithm,
            agg_monthly.c.month.startswith(period_start),
        )
    )
    return _totals(ctx.db.read(lambda c: c.execute(query).one(), "summing a period"))


def rekey_algorithm(ctx: ServerContext, org: Organisation, algorithm: str) -> int:
    """Move the runs of ``algorithm`` to the factor set of its current location and rebuild
    its aggregates (after its location changed); returns the runs moved."""
    from sqlalchemy import update

    forget_algorithm(ctx, org, algorithm)
    description = algorithm_factor_description(ctx, org, algorithm)

    def write(conn: Any) -> int:
        cond = (run_index.c.org_id == org.id, run_index.c.algorithm == algorithm)
        rows = [dict(r._mapping) for r in conn.execute(select(run_index).where(*cond))]
        new_rows = []
        for row in rows:
            key = ctx.factors.ensure(conn, description, int(row["day"][:4]))
            new_rows.append({**row, "factor_key": key})
            if key != row["factor_key"]:
                conn.execute(
                    update(run_index)
                    .where(*cond, run_index.c.run_id == row["run_id"])
                    .values(factor_key=key)
                )
        apply_deltas(conn, org.id, rows, new_rows)
        return sum(1 for a, b in zip(rows, new_rows, strict=True) if a != b)

    return ctx.db.write(write, f"moving {algorithm} to its new location")


def _location_label(description: dict[str, Any]) -> str:
    if description.get("default"):
        return "NL (default location)"
    keys = ("datacentre", "cloud", "region", "zone")
    parts = [str(description[k]) for k in keys if description.get(k)]
    return " · ".join(dict.fromkeys(parts)) or "unknown"


def datacentre_mix(ctx: ServerContext, org: Organisation) -> list[dict[str, Any]]:
    """IT energy per location profile (factor-set description without the year), most first.

    Each row: ``label``, ``runs``, ``energy_j``, ``pue`` (``None``: not recorded, a default
    was used) and ``dcie`` = 1 / PUE (``None`` without a recorded PUE). Reads the
    organisation-monthly aggregates (a few hundred rows).
    """
    t = agg_org_monthly
    query = (
        select(
            factor_sets.c.factor_key,
            factor_sets.c.description,
            func.sum(t.c.runs).label("runs"),
            func.sum(t.c.energy_j).label("energy_j"),
        )
        .select_from(_join(t))
        .where(t.c.org_id == org.id)
        .group_by(factor_sets.c.factor_key, factor_sets.c.description)
    )
    rows = ctx.db.read(lambda c: c.execute(query).all(), "reading the datacentre mix")
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        description = dict(row.description or {})
        label = _location_label(description)
        pue = description.get("pue")
        entry = merged.setdefault(
            label,
            {
                "label": label,
                "runs": 0,
                "energy_j": 0.0,
                "pue": pue,
                "dcie": (1.0 / float(pue)) if pue else None,
            },
        )
        entry["runs"] += int(row.runs or 0)
        entry["energy_j"] += float(row.energy_j or 0.0)
    return sorted(merged.values(), key=lambda d: -float(d["energy_j"]))
