"""What every request handler reaches through ``request.app.state.ctx``: settings, the server
database, the organisations' stores and the metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from algoprint.server.db import ServerDB
from algoprint.server.factors import FactorCache
from algoprint.server.orgs import OrgStores
from algoprint.server.settings import ServerSettings

if TYPE_CHECKING:
    from starlette.requests import Request

    from algoprint.server.accounts import Organisation
    from algoprint.server.metrics import Metrics
    from algoprint.server.ratelimit import RateLimiter
    from algoprint.tracking.record import RunRecord

__all__ = ["ServerContext", "ctx"]


@dataclass
class ServerContext:
    """The shared state of one app (one per :func:`~algoprint.server.app.create_app`)."""

    settings: ServerSettings
    db: ServerDB
    stores: OrgStores
    metrics: Metrics
    limiter: RateLimiter
    factors: FactorCache = field(default_factory=FactorCache)
    extra: dict[str, object] = field(default_factory=dict)

    def after_ingest(self, org: Organisation, records: list[RunRecord]) -> None:
        """Update the metrics and check the budgets after ``records`` were ingested. Never
        raises: the runs are stored already; a failed check is logged."""
        import contextlib
        import logging

        from algoprint.server.aggregates import algorithm_factor_description
        from algoprint.server.budgets import check_budgets
        from algoprint.server.factors import factor_key

        self.metrics.runs.labels(org.slug).inc(len(records))
        touched: set[tuple[str, str]] = set()
        keys: dict[tuple[str, int], str] = {}
        for r in records:
            alg, phase = r.algorithm or "", r.phase or ""
            touched.add((alg, r.started_at[:7]))
            if r.energy_j is None:
                continue
            if r.status.value == "running":
                if r.duration_s > 0:
                    self.metrics.power.labels(org.slug, alg).set(r.energy_j / r.duration_s)
                continue
            with contextlib.suppress(KeyError):  # the run finished: no longer running
                self.metrics.power.remove(org.slug, alg)
            self.metrics.energy.labels(org.slug, alg, phase).inc(r.energy_j)
            year = int(r.started_at[:4])
            key = keys.get((alg, year)) or keys.setdefault(
                (alg, year), factor_key(algorithm_factor_description(self, org, alg), year)
            )
            per_j = self.factor_per_joule.get(key)
            if per_j is None:
                per_j = self.refresh_factor_cache().get(key)
            if per_j is not None:
                self.metrics.co2e.labels(org.slug, alg, phase).inc(r.energy_j * per_j)
        try:
            check_budgets(self, org, touched)
        except Exception:
            logging.getLogger("algoprint.server").exception("checking budgets failed")

    @property
    def factor_per_joule(self) -> dict[str, float]:
        """Location-based CO2e per joule of every known factor set (cached, refreshed with
        :meth:`refresh_factor_cache`)."""
        cached = self.extra.get("factor_per_joule")
        if not isinstance(cached, dict):
            cached = self.refresh_factor_cache()
        return cached

    def refresh_factor_cache(self) -> dict[str, float]:
        """Reload :attr:`factor_per_joule` from the database."""
        from sqlalchemy import select

        from algoprint.server._schema import factor_sets

        query = select(factor_sets.c.factor_key, factor_sets.c.co2e_g_per_j)
        rows = self.db.read(lambda c: c.execute(query).all(), "reading factor sets")
        table = {str(k): float(v) for k, v in rows if v is not None}
        self.extra["factor_per_joule"] = table
        return table

    def close(self) -> None:
        """Release the stores and the database connections."""
        self.stores.close()
        self.db.close()


def ctx(request: Request) -> ServerContext:
    """The :class:`ServerContext` of the app serving ``request`` (a FastAPI dependency)."""
    context = request.app.state.ctx
    assert isinstance(context, ServerContext)
    return context
