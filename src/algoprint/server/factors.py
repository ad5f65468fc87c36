"""Factor sets: the CO2e per joule of IT energy for one location profile and year.

Impacts are linear in energy for a fixed factor set, so the organisation views multiply
aggregated energy by these factors instead of recomputing every run. A factor set is
identified by a key over the profile's fields and the year; :func:`refresh_factor_sets`
recomputes every stored set (after an upgrade with new reference tables), and a changed
algorithm location moves its runs to another key (:mod:`algoprint.server.aggregates`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from algoprint.server._schema import factor_sets
from algoprint.server.db import ServerDB

__all__ = ["FactorCache", "factor_description", "factor_key", "refresh_factor_sets"]

_J_PER_KWH = 3.6e6


def factor_description(profile: Any | None) -> dict[str, Any]:
    """The profile fields that change CO2e (``None``: algoprint's default, zone NL)."""
    if profile is None:
        return {"zone": "NL", "default": True}
    return {
        "zone": profile.zone,
        "cloud": profile.cloud,
        "region": profile.region,
        "datacentre": profile.datacentre,
        "pue": profile.pue,
        "contract": profile.contract,
        "year": profile.year,
    }


def factor_key(description: dict[str, Any], year: int) -> str:
    """A short stable key for a description and a year: ``<zone>-<hash>@<year>``."""
    text = json.dumps(description, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{description.get('zone') or 'none'}-{digest}@{year}"


def _per_joule(description: dict[str, Any], year: int) -> tuple[float | None, float | None]:
    from algoprint.errors import AlgoprintError
    from algoprint.impact.compute import resolve_factors
    from algoprint.impact.location import default_location, resolve_location

    try:
        if description.get("default"):
            profile = default_location("NL")
        else:
            profile = resolve_location(
                {},
                location=description.get("zone"),
                cloud=description.get("cloud"),
                region=description.get("region"),
                datacentre=description.get("datacentre"),
            )
            if description.get("contract"):
                from dataclasses import replace

                profile = replace(profile, contract=description["contract"])
        factors = resolve_factors(profile, year=year)
    except AlgoprintError:
        return None, None
    pue = factors.pue.interval.value
    grid = factors.grid_g_per_kwh
    market = factors.market_g_per_kwh
    return (
        None if grid is None else pue * grid.interval.value / _J_PER_KWH,
        None if market is None else pue * market.interval.value / _J_PER_KWH,
    )


class FactorCache:
    """Known factor keys of this process, so ingest writes a factor set only once."""

    def __init__(self) -> None:
        self._known: set[str] = set()
        self._lock = threading.Lock()

    def ensure(self, conn: Any, description: dict[str, Any], year: int) -> str:
        """The key of ``description`` in ``year``, inserting its factor set when new."""
        key = factor_key(description, year)
        with self._lock:
            if key in self._known:
                return key
        exists = conn.execute(
            select(factor_sets.c.factor_key).where(factor_sets.c.factor_key == key)
        ).first()
        if exists is None:
            grid, market = _per_joule(description, year)
            conn.execute(
                factor_sets.insert().values(
                    factor_key=key,
                    description={**description, "for_year": year},
                    co2e_g_per_j=grid,
                    co2e_market_g_per_j=market,
                    computed_at=datetime.now(UTC),
                )
            )
        with self._lock:
            self._known.add(key)
        return key


def refresh_factor_sets(db: ServerDB) -> int:
    """Recompute every stored factor set from the current reference tables; returns how many
    changed. The organisation views pick up the new figures at once (nothing else to redo)."""

    def write(conn: Any) -> int:
        changed = 0
        for row in conn.execute(select(factor_sets)).all():
            desc = dict(row.description)
            year = int(desc.pop("for_year"))
            grid, market = _per_joule(desc, year)
            if (grid, market) != (row.co2e_g_per_j, row.co2e_market_g_per_j):
                conn.execute(
                    update(factor_sets)
                    .where(factor_sets.c.factor_key == row.factor_key)
                    .values(
                        co2e_g_per_j=grid, co2e_market_g_per_j=market, computed_at=datetime.now(UTC)
                    )
                )
                changed += 1
        return changed

    return db.write(write, "refreshing factor sets")
