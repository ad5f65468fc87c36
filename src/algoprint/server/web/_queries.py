"""Aggregate queries the overview needs that :mod:`algoprint.server.aggregates` does not have
yet. REQUEST FROM THE WEB LAYER (docs/server.md, "Requests from the web layer"): move
:func:`datacentre_mix` into ``aggregates`` and delete this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from algoprint.server._schema import agg_monthly, factor_sets

if TYPE_CHECKING:
    from algoprint.server.accounts import Organisation
    from algoprint.server.context import ServerContext

__all__ = ["datacentre_mix"]


def _label(description: dict[str, Any]) -> str:
    if description.get("default"):
        return "NL (default location)"
    parts = [
        str(description[k]) for k in ("datacentre", "cloud", "region", "zone") if description.get(k)
    ]
    return " · ".join(dict.fromkeys(parts)) or "unknown"


def datacentre_mix(context: ServerContext, org: Organisation) -> list[dict[str, Any]]:
    """IT energy per location profile (factor-set description without the year), most first.

    Each row: ``label``, ``runs``, ``energy_j``, ``pue`` (``None``: not recorded, a default
    was used) and ``dcie`` = 1 / PUE (``None`` without a recorded PUE).
    """
    query = (
        select(
            factor_sets.c.description,
            func.sum(agg_monthly.c.runs).label("runs"),
            func.sum(agg_monthly.c.energy_j).label("energy_j"),
        )
        .select_from(
            agg_monthly.join(factor_sets, factor_sets.c.factor_key == agg_monthly.c.factor_key)
        )
        .where(agg_monthly.c.org_id == org.id)
        .group_by(factor_sets.c.factor_key, factor_sets.c.description)
    )
    rows = context.db.read(lambda c: c.execute(query).all(), "reading the datacentre mix")
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        description = dict(row.description or {})
        label = _label(description)
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
    return sorted(merged.values(), key=lambda d: -d["energy_j"])
