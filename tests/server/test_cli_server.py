"""``algoprint server org create``, ``server token create --json``, ``server user add``,
``sync`` without a server, and the first start of ``serve`` (without binding a port)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._invoke import algoprint, new_user


def test_org_and_token_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new_user(tmp_path, monkeypatch)
    db = str(tmp_path / "server.sqlite")
    rc, out, err = algoprint("server", "org", "create", "minbzk", "--db", db)
    assert rc == 0, err
    assert "minbzk" in out
    rc, _, err = algoprint("server", "org", "create", "minbzk", "--db", db)
    assert rc == 2 and "already exists" in err and "Traceback" not in err
    rc, out, err = algoprint(
        "server", "token", "create", "--org", "minbzk", "--scope", "ingest", "--db", db, "--json"
    )
    assert rc == 0, err
    token = json.loads(out)["token"]
    assert token.startswith("apt_")
    rc, _, err = algoprint(
        "server", "token", "create", "--org", "nope", "--scope", "read", "--db", db
    )
    assert rc == 2 and "no organisation 'nope'" in err
    rc, out, err = algoprint(
        "server",
        "user",
        "add",
        "pl@example.nl",
        "--org",
        "minbzk",
        "--role",
        "projectleider",
        "--password-stdin",
        "--db",
        db,
        stdin="een-lang-wachtwoord\n",
    )
    assert rc == 0, err
    from algoprint.server.accounts import resolve_token
    from algoprint.server.db import ServerDB

    server_db = ServerDB(f"sqlite:///{db}").open()
    assert resolve_token(server_db, token).org.slug == "minbzk"
    rc, _, err = algoprint("server", "org", "create", "Bad Slug", "--db", db)
    assert rc == 2 and "not valid" in err


def test_sync_without_a_server_says_how_to_configure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_user(tmp_path, monkeypatch)
    rc, _, err = algoprint("sync")
    assert rc == 2 and "no server configured" in err and "ALGOPRINT_SERVER" in err


def test_sync_with_an_unreachable_server_keeps_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.server.live import free_port

    new_user(tmp_path, monkeypatch)
    monkeypatch.setenv("ALGOPRINT_SERVER", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("ALGOPRINT_TOKEN", "apt_x")
    from algoprint.store import open_store
    from algoprint.tracking.record import RunRecord
    from tests.server.conftest import make_run

    with open_store(str(tmp_path / "runs.sqlite")) as store:
        store.save_run(RunRecord.from_dict(make_run(run_id="local-1")))
    rc, _, err = algoprint("sync", "--json")
    assert rc == 2 and "cannot reach" in err and "1 runs wait in the outbox" in err


def test_first_start_creates_an_organisation_and_prints_secrets_once(tmp_path: Path) -> None:
    from algoprint.server.bootstrap import bootstrap, secret_key_for
    from algoprint.server.db import ServerDB

    db = ServerDB(f"sqlite:///{tmp_path / 'server.sqlite'}").open()
    first = bootstrap(db)
    assert first.org_slug == "default" and first.ingest_token and first.login_secret
    second = bootstrap(db)
    assert second.ingest_token is None and second.login_secret not in {None, first.login_secret}
    key = secret_key_for(db)
    assert key is not None and len(key) >= 32 and secret_key_for(db) == key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
