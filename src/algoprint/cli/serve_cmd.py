"""``algoprint serve`` and ``algoprint server ...`` (organisations and tokens)."""

from __future__ import annotations

import sys
from typing import Any

import click

from algoprint.cli._common import json_option, print_json
from algoprint.cli._options import PORT, bounded_int

_DB_HELP = "Server database: SQLite path or postgresql+psycopg:// URL (default: user data dir)."


def _server_modules() -> Any:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ModuleNotFoundError as e:
        from algoprint.errors import ConfigError

        raise ConfigError(
            f"the server needs {e.name}", hint="pip install 'algoprint[server]'"
        ) from None
    from algoprint.server import settings

    return settings


def _db(db: str | None) -> Any:
    settings = _server_modules().server_settings({"db": db})
    from algoprint.server.db import ServerDB

    return ServerDB(settings.db).open()


@click.command("serve")
@click.option("--db", metavar="URL_OR_PATH", help=_DB_HELP)
@click.option("--host", default=None, help="Address to bind.  [default: 127.0.0.1]")
@click.option("--port", type=PORT, default=None, help="[default: 8765]")
@click.option("--root-path", default=None, help="Path prefix behind a reverse proxy (/algoprint).")
@click.option(
    "--strict", is_flag=True, default=None, help="Refuse runs of unregistered algorithms."
)
def serve(
    db: str | None, host: str | None, port: int | None, root_path: str | None, strict: bool | None
) -> None:
    """Run the organisation server: REST API, dashboard, /metrics (needs algoprint[server]).

    With no options it uses a SQLite file in the user data dir and binds 127.0.0.1:8765. The
    first start creates an organisation and prints an ingest token; every start prints a
    one-time admin login link.
    """
    module = _server_modules()
    overrides: dict[str, Any] = {
        "db": db,
        "host": host,
        "port": port,
        "root_path": root_path,
        "strict_algorithms": strict,
    }
    settings = module.server_settings(overrides)
    from algoprint.server.bootstrap import bootstrap, secret_key_for
    from algoprint.server.db import ServerDB

    server_db = ServerDB(settings.db).open()
    changes: dict[str, Any] = {}
    key = secret_key_for(server_db)
    import os

    if key is not None and not os.environ.get("ALGOPRINT_SERVE_SECRET_KEY"):
        changes["secret_key"] = key
    if settings.host in {"127.0.0.1", "::1", "localhost"} and not os.environ.get(
        "ALGOPRINT_SERVE_SECURE_COOKIES"
    ):
        changes["secure_cookies"] = False  # plain http on loopback: Secure cookies would not stick
    settings = module.replace(settings, **changes)
    first = bootstrap(server_db)
    server_db.close()
    base = f"http://{settings.host}:{settings.port}{settings.root_path}"
    if first.ingest_token:
        click.echo(f"Created organisation {first.org_slug!r}. Ingest token (shown once):")
        click.echo(f"  export ALGOPRINT_SERVER={base} ALGOPRINT_TOKEN={first.ingest_token}")
    if first.login_secret:
        click.echo(
            f"One-time admin login link (1 hour): {base}/auth/link?token={first.login_secret}"
        )
    import uvicorn

    from algoprint.server.app import create_app

    # The app itself trusts X-Forwarded-* from forwarded_allow_ips and applies root_path
    # (tested in-process), so uvicorn does neither a second time.
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        proxy_headers=False,
        log_level="info",
    )


@click.group("server")
def server() -> None:
    """Administer the organisation server's database (organisations, tokens)."""


@server.group("org")
def org() -> None:
    """Organisations."""


@org.command("create")
@click.argument("slug")
@click.option("--name", help="Display name (default: the slug).")
@click.option("--db", metavar="URL_OR_PATH", help=_DB_HELP)
@json_option
def org_create(slug: str, name: str | None, db: str | None, as_json: bool) -> None:
    """Create organisation SLUG."""
    from algoprint.server.accounts import create_org

    created = create_org(_db(db), slug, name)
    if as_json:
        print_json({"slug": created.slug, "name": created.name})
    else:
        click.echo(f"Created organisation {created.slug!r}.")


@server.group("token")
def token() -> None:
    """API tokens."""


@token.command("create")
@click.option("--org", "org_slug", required=True, metavar="SLUG", help="The organisation.")
@click.option("--scope", type=click.Choice(["ingest", "read", "admin"]), required=True)
@click.option("--name", default="", help="What the token is for.")
@click.option("--db", metavar="URL_OR_PATH", help=_DB_HELP)
@json_option
def token_create(org_slug: str, scope: str, name: str, db: str | None, as_json: bool) -> None:
    """Create an API token; it is printed once (only its hash is kept)."""
    from algoprint.server.accounts import create_token, get_org

    server_db = _db(db)
    secret = create_token(server_db, get_org(server_db, org_slug), scope, name=name)
    if as_json:
        print_json({"token": secret})
    else:
        click.echo(secret)
        print("algoprint: the token is shown only this once; store it safely", file=sys.stderr)


@token.command("revoke")
@click.option("--org", "org_slug", required=True, metavar="SLUG", help="The organisation.")
@click.argument("token_id", type=bounded_int(1, 2**63 - 1))
@click.option("--db", metavar="URL_OR_PATH", help=_DB_HELP)
def token_revoke(org_slug: str, token_id: int, db: str | None) -> None:
    """Revoke token TOKEN_ID of an organisation."""
    from algoprint.server.accounts import get_org, revoke_token

    server_db = _db(db)
    revoke_token(server_db, get_org(server_db, org_slug), token_id)
    click.echo(f"Revoked token {token_id}.")


@server.group("user")
def user() -> None:
    """People."""


@user.command("add")
@click.argument("email")
@click.option("--org", "org_slug", required=True, metavar="SLUG", help="The organisation.")
@click.option(
    "--role",
    type=click.Choice(["ontwikkelaar", "projectleider", "beleid-en-advies", "admin"]),
    required=True,
)
@click.option("--password-stdin", is_flag=True, help="Read a local password from stdin.")
@click.option("--db", metavar="URL_OR_PATH", help=_DB_HELP)
def user_add(email: str, org_slug: str, role: str, password_stdin: bool, db: str | None) -> None:
    """Add a person to an organisation with a role (password from stdin, or OIDC only)."""
    from algoprint.server.accounts import create_user, find_user, get_org, set_membership

    server_db = _db(db)
    organisation = get_org(server_db, org_slug)
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    found = find_user(server_db, email)
    user_id = found[0] if found else create_user(server_db, email, password=password)
    set_membership(server_db, user_id, organisation, role)
    click.echo(f"{email} is {role} in {org_slug}.")
