"""``algoprint demo --serve``: the dashboard on the demo's own store.

The demo gets a server database of its own (``<out>/server/server.sqlite``); its run store is
the store of that server's first organisation, so the register, the assessments, the analyses
and the runs the demo writes are what the dashboard shows. Before serving, the demo's runs
are indexed into the server's aggregates through the normal ingest path (idempotent: running
the demo again adds only the new runs).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DemoServer", "prepare_demo_server"]


@dataclass
class DemoServer:
    """A prepared server for the demo: ``store_url`` is where the demo writes its runs."""

    settings: Any
    org_slug: str
    store_url: str
    login_secret: str | None

    def app(self) -> tuple[Any, int, int]:
        """The server app with the demo's runs indexed: ``(app, runs, newly indexed)``."""
        from algoprint.server.accounts import get_org
        from algoprint.server.api.models import RunIn
        from algoprint.server.app import create_app
        from algoprint.server.ingest import ingest_runs

        app = create_app(self.settings)
        ctx = app.state.ctx
        org = get_org(ctx.db, self.org_slug)
        runs = ctx.stores.get(org.id).list_runs()
        documents = [RunIn.model_validate(r.to_dict()).model_dump() for r in runs]
        outcome = ingest_runs(ctx, org, documents)
        created = sum(1 for what in outcome.results.values() if what == "created")
        return app, len(runs), created

    def serve(self, echo: Callable[[str], None]) -> None:
        """Index the demo's runs, print the login link and serve until interrupted."""
        import uvicorn

        app, runs, created = self.app()
        s = self.settings
        base = f"http://{s.host}:{s.port}{s.root_path}"
        echo(f"dashboard: {runs} runs ({created} new) of the demo at {base}/")
        if self.login_secret:
            echo(f"log in (one-time link, 1 hour): {base}/auth/link?token={self.login_secret}")
        echo("stop with Ctrl+C")
        uvicorn.run(app, host=s.host, port=s.port, log_level="warning")


def prepare_demo_server(out_dir: Path, *, port: int = 8765) -> DemoServer:
    """Create (or reopen) the demo's server database under ``out_dir`` and its organisation.

    Raises:
        ConfigError: the ``server`` extra is not installed, or a setting is invalid.
        StoreError: the database cannot be created.
    """
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ModuleNotFoundError as e:
        from algoprint.errors import ConfigError

        raise ConfigError(
            f"demo --serve needs {e.name}", hint="pip install 'algoprint[server]'"
        ) from None
    from algoprint.server.accounts import get_org
    from algoprint.server.bootstrap import bootstrap, secret_key_for
    from algoprint.server.db import ServerDB
    from algoprint.server.orgs import OrgStores
    from algoprint.server.settings import replace, server_settings

    folder = out_dir / "server"
    folder.mkdir(parents=True, exist_ok=True)
    settings = server_settings({"db": str(folder / "server.sqlite"), "port": port})
    db = ServerDB(settings.db).open()
    try:
        changes: dict[str, Any] = {"secure_cookies": False}  # plain http on loopback
        key = secret_key_for(db)
        if key is not None and not os.environ.get("ALGOPRINT_SERVE_SECRET_KEY"):
            changes["secret_key"] = key
        first = bootstrap(db)
        org = get_org(db, first.org_slug)
        stores = OrgStores(db)
        stores.get(org.id).close()  # creates and migrates the organisation's store
        store_url = stores.url_for(org.id)
    finally:
        db.close()
    return DemoServer(
        settings=replace(settings, **changes),
        org_slug=first.org_slug,
        store_url=store_url,
        login_secret=first.login_secret,
    )
