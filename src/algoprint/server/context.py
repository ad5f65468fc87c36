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

    from algoprint.server.metrics import Metrics
    from algoprint.server.ratelimit import RateLimiter

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
