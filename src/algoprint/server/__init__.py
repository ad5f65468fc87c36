"""The organisation server: REST API, aggregates, budgets, metrics and (in ``web/``) the
dashboard. ``algoprint serve`` runs it; :func:`create_app` builds the app for tests and ASGI
servers. Needs the ``server`` extra (``pip install 'algoprint[server]'``).

docs/server.md describes the API, the deployment and the contract for the web layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from algoprint.server.app import create_app
    from algoprint.server.settings import ServerSettings, server_settings

__all__ = ["ServerSettings", "create_app", "server_settings"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from algoprint.server.app import create_app

        return create_app
    if name in {"ServerSettings", "server_settings"}:
        from algoprint.server import settings

        return getattr(settings, name)
    raise AttributeError(name)
