"""``algoprint sync``: upload waiting runs and the local history to the server."""

from __future__ import annotations

import sys

import click

from algoprint.cli._common import db_option, json_option, open_store_for, print_json


@click.command("sync")
@click.option("--no-history", is_flag=True, help="Only send runs waiting in the outbox.")
@db_option
@json_option
def sync(no_history: bool, db: str | None, as_json: bool) -> None:
    """Upload runs to the algoprint server (ALGOPRINT_SERVER and ALGOPRINT_TOKEN, or [server]
    url and token in algoprint.toml): the runs waiting in the outbox, then every run of the
    local store the server has not confirmed yet. Safe to repeat: the server stores each run
    once."""
    from algoprint.config import load_settings
    from algoprint.errors import AlgoprintError, ConfigError
    from algoprint.store._sync import sync as run_sync
    from algoprint.tracking.upload import server_target

    settings = load_settings({"db": db})
    target = server_target(settings.extra)
    if target is None:
        raise ConfigError(
            "no server configured",
            hint="set ALGOPRINT_SERVER and ALGOPRINT_TOKEN, or [server] url/token in "
            "algoprint.toml",
        )
    store = None if no_history else open_store_for(db, register_runs=False)
    result = run_sync(store, target)
    counts: dict[str, int] = {}
    for what in result.flush.results.values():
        counts[what] = counts.get(what, 0) + 1
    if as_json:
        print_json(
            {
                "server": target.url,
                "queued": result.queued,
                "sent": result.flush.sent,
                "results": counts,
                "remaining": result.flush.remaining,
                "rejected": [{"run_id": r, "reason": why} for r, why in result.rejected],
                "error": result.flush.error,
            }
        )
    else:
        parts = ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "nothing new"
        click.echo(f"Sent {result.flush.sent} runs to {target.url} ({parts}).")
        for run_id, why in result.rejected:
            print(f"algoprint: run {run_id} was refused by the server: {why}", file=sys.stderr)
    if result.flush.error is not None:
        raise AlgoprintError(
            f"{result.flush.error}; {result.flush.remaining} runs wait in the outbox",
            hint="run algoprint sync again when the server is reachable",
        )
