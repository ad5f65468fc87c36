"""The low-level bookkeeping of the server's aggregates, shared by ingest and the algorithm
views: the factor description that decides an algorithm's CO2e (cached per process) and
:func:`apply_deltas`, which moves run-index rows' contributions in the four aggregate tables.

Below :mod:`algoprint.server.aggregates` and :mod:`algoprint.server.ingest`, which both import
it (and never each other's internals), so the server's modules import one way only.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from algoprint.server._schema import agg_algorithm, agg_daily, agg_monthly, agg_org_monthly
from algoprint.server.accounts import Organisation
from algoprint.server.context import ServerContext

__all__ = ["algorithm_factor_description", "apply_deltas", "forget_algorithm"]

_DESCRIPTIONS: dict[tuple[int, int, str], dict[str, Any]] = {}
_GUARD = threading.Lock()


def algorithm_factor_description(
    ctx: ServerContext, org: Organisation, algorithm: str | None
) -> dict[str, Any]:
    """What determines CO2e for runs of ``algorithm``: its registered location, or the
    default (zone NL) when it is unregistered or has no location. Cached per process."""
    from algoprint.errors import AlgoprintError
    from algoprint.kader.register import get_algorithm, location_profile
    from algoprint.server.factors import factor_description

    key = (id(ctx), org.id, algorithm or "")
    with _GUARD:
        found = _DESCRIPTIONS.get(key)
    if found is not None:
        return found
    profile = None
    if algorithm:
        try:
            profile = location_profile(get_algorithm(ctx.stores.get(org.id), algorithm))
        except AlgoprintError:
            profile = None
    description = factor_description(profile)
    with _GUARD:
        _DESCRIPTIONS[key] = description
    return description


def forget_algorithm(ctx: ServerContext, org: Organisation, algorithm: str) -> None:
    """Drop the cached factor description of ``algorithm`` (its location changed)."""
    with _GUARD:
        _DESCRIPTIONS.pop((id(ctx), org.id, algorithm), None)


def _contribution(row: Any, sign: int) -> tuple[tuple[str, ...], list[float]]:
    key = (row["algorithm"], row["day"], row["phase"], row["factor_key"])
    energy = row["energy_j"]
    counted = row["counted_j"]  # the machine counted once (server/_counting.py)
    return key, [
        sign,
        sign if energy is None else 0,
        sign * (counted or 0.0),
        sign * row["duration_s"],
    ]


def apply_deltas(conn: Any, org_id: int, old: Sequence[Any], new: Sequence[Any]) -> None:
    """Move the aggregates from the ``old`` run-index rows to the ``new`` ones (all four
    tables: daily, monthly, organisation monthly, algorithm totals). Energy is each row's
    ``counted_j`` (its ``energy_j`` with the machine counted once)."""
    daily: dict[tuple[str, ...], list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
    for rows, sign in ((old, -1), (new, 1)):
        for row in rows:
            key, values = _contribution(row, sign)
            acc = daily[key]
            for i, v in enumerate(values):
                acc[i] += v
    monthly: dict[tuple[str, ...], list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
    org_monthly: dict[tuple[str, ...], list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
    per_alg: dict[tuple[str, ...], list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
    for (alg, day, phase, factor), values in daily.items():
        for target, key in (
            (monthly, (alg, day[:7], phase, factor)),
            (org_monthly, (day[:7], phase, factor)),
            (per_alg, (alg, factor)),
        ):
            acc = target[key]
            for i, v in enumerate(values):
                acc[i] += v
    _upsert_agg(conn, agg_daily, ("algorithm", "day", "phase"), org_id, daily)
    _upsert_agg(conn, agg_monthly, ("algorithm", "month", "phase"), org_id, monthly)
    _upsert_agg(conn, agg_org_monthly, ("month", "phase"), org_id, org_monthly)
    _upsert_agg(conn, agg_algorithm, ("algorithm",), org_id, per_alg)


def _upsert_agg(
    conn: Any,
    table: Any,
    names: tuple[str, ...],
    org_id: int,
    deltas: dict[tuple[str, ...], list[float]],
) -> None:
    sums = ("runs", "gaps", "energy_j", "duration_s")
    values = [
        {
            "org_id": org_id,
            **dict(zip((*names, "factor_key"), key, strict=True)),
            **{
                name: (int(x) if name in {"runs", "gaps"} else x)
                for name, x in zip(sums, v, strict=True)
            },
        }
        for key, v in deltas.items()
        if any(v)
    ]
    if not values:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["org_id", *names, "factor_key"],
        set_={c: table.c[c] + stmt.excluded[c] for c in sums},
    )
    for chunk in range(0, len(values), 1000):
        conn.execute(stmt, values[chunk : chunk + 1000])
