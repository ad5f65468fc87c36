"""The client side: configuration, the outbox, background upload from the tracker, sync of
the local history, and a server killed and restarted in the middle of a stream of uploads
(zero lost, zero duplicated)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from algoprint.errors import ConfigError
from algoprint.tracking import upload
from tests.server.conftest import make_run
from tests.server.live import LiveServer


def test_server_target_configuration() -> None:
    assert upload.server_target({}, env={}) is None
    target = upload.server_target({"server": {"url": "https://a.example/", "token": "t"}}, env={})
    assert target is not None and target.runs_url == "https://a.example/api/v1/runs"
    env = {"ALGOPRINT_SERVER": "http://127.0.0.1:9", "ALGOPRINT_TOKEN": "x"}
    assert upload.server_target({}, env=env) is not None
    with pytest.raises(ConfigError, match="plain http to another machine"):
        upload.server_target(
            {}, env={"ALGOPRINT_SERVER": "http://a.example", "ALGOPRINT_TOKEN": "x"}
        )
    with pytest.raises(ConfigError, match="no token"):
        upload.server_target({}, env={"ALGOPRINT_SERVER": "https://a.example"})
    with pytest.raises(ConfigError, match="unknown key"):
        upload.server_target({"server": {"url": "https://a", "tokn": "x"}}, env={})
    with pytest.raises(ConfigError, match="not http"):
        upload.server_target({}, env={"ALGOPRINT_SERVER": "ftp://a", "ALGOPRINT_TOKEN": "x"})


def test_settings_accept_the_client_and_server_environment() -> None:
    from algoprint.config import load_settings

    env = {"ALGOPRINT_SERVER": "https://a", "ALGOPRINT_TOKEN": "x", "ALGOPRINT_SERVE_PORT": "1"}
    none = Path("/nonexistent")
    problems: list[ConfigError] = []
    load_settings(env=env, project_file=none, user_file=none, problems=problems)
    assert problems == []  # read by the upload client and `serve`, not settings errors
    with pytest.raises(ConfigError, match="unknown environment variable ALGOPRINT_SERVR"):
        load_settings(env={**env, "ALGOPRINT_SERVR": "x"}, project_file=none, user_file=none)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[LiveServer, str, Any]]:
    """A live server with organisation ``org-a``; yields (server, ingest token, read token)."""
    from algoprint.server.accounts import create_org, create_token
    from algoprint.server.db import ServerDB

    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    db = ServerDB(url).open()
    org = create_org(db, "org-a")
    ingest, read = create_token(db, org, "ingest"), create_token(db, org, "read")
    db.close()
    server = LiveServer(url)
    server.start()
    try:
        yield server, ingest, read
    finally:
        server.stop()


def _server_runs(server: LiveServer, token: str) -> list[str]:
    import urllib.request

    ids: list[str] = []
    cursor = None
    while True:
        query = "limit=1000" + (f"&cursor={cursor}" if cursor else "")
        request = urllib.request.Request(
            f"{server.url}/api/v1/runs?{query}", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as r:
            page = json.loads(r.read())
        ids += [item["run_id"] for item in page["items"]]
        cursor = page["next"]
        if not cursor:
            return ids


def _totals(server: LiveServer, token: str) -> dict[str, Any]:
    import urllib.request

    request = urllib.request.Request(
        f"{server.url}/api/v1/organisation", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        return dict(json.loads(r.read())["totals"])


def test_tracked_runs_are_uploaded_in_the_background(
    live: tuple[LiveServer, str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from algoprint.tracking.tracker import track
    from tests.tracking._fakes import ConstantPowerMeter

    server, ingest, read = live
    monkeypatch.setenv("ALGOPRINT_SERVER", server.url)
    monkeypatch.setenv("ALGOPRINT_TOKEN", ingest)
    db = str(tmp_path / "local.sqlite")
    with track(db=db, meters=[ConstantPowerMeter(power_w=10.0)], algorithm="upload-test") as run:
        sum(range(1000))
    for thread in list(upload._threads):
        thread.join(10)
    assert _server_runs(server, read) == [run.run_id]
    # `algoprint sync` later sends the same run read back from the local store (timestamps
    # written differently): the server sees the same run, not a conflict.
    from algoprint.store import open_store
    from algoprint.store._sync import sync

    target = upload.server_target({})
    assert target is not None
    with open_store(db) as store:
        result = sync(store, target)
    assert result.rejected == []
    assert result.flush.results == {run.run_id: "unchanged"}


def test_unreachable_server_keeps_runs_and_sync_sends_them_once(
    live: tuple[LiveServer, str, str], tmp_path: Path
) -> None:
    server, ingest, read = live
    target = upload.ServerTarget(url=server.url, token=ingest)
    box = upload.Outbox(target, root=tmp_path / "outbox")
    server.stop()
    docs = [make_run(run_id=f"wait-{i}") for i in range(5)]
    for doc in docs:
        box.put(doc)
    result = upload.flush(target, outbox=box, timeout_s=1.0)
    assert result.error is not None and "cannot reach" in result.error
    assert result.remaining == 5
    assert box.wait_s() > 0  # backoff for background attempts
    skipped = upload.flush(target, outbox=box, timeout_s=1.0, respect_backoff=True)
    assert skipped.sent == 0 and skipped.remaining == 5
    server.start()
    done = upload.flush(target, outbox=box, timeout_s=5.0)
    assert done.error is None and done.sent == 5 and done.remaining == 0
    assert sorted(_server_runs(server, read)) == sorted(d["run_id"] for d in docs)


def test_refused_runs_move_to_rejected_with_the_reason(
    live: tuple[LiveServer, str, str], tmp_path: Path
) -> None:
    server, ingest, _read = live
    target = upload.ServerTarget(url=server.url, token=ingest)
    box = upload.Outbox(target, root=tmp_path / "outbox")
    good = make_run(run_id="good-1")
    box.put(good)
    assert upload.flush(target, outbox=box).sent == 1
    box.put({**good, "energy_j": 1.0})  # same id, other content
    box.put(make_run(run_id="good-2"))
    result = upload.flush(target, outbox=box)
    assert result.rejected == 1 and result.sent == 1 and result.remaining == 0
    [(path, reason)] = box.rejected()
    assert path.name.startswith("good-1") and "409" in reason
    wrong = upload.ServerTarget(url=server.url, token="apt_wrong")
    box2 = upload.Outbox(wrong, root=tmp_path / "outbox2")
    box2.put(make_run())
    refused = upload.flush(wrong, outbox=box2)
    assert refused.remaining == 1 and "401" in str(refused.error)


def test_sync_uploads_the_local_history_once(
    live: tuple[LiveServer, str, str], tmp_path: Path
) -> None:
    from algoprint.store import open_store
    from algoprint.store._sync import sync
    from algoprint.tracking.record import RunRecord

    server, ingest, read = live
    store = open_store(str(tmp_path / "local.sqlite"))
    store.save_runs([RunRecord.from_dict(make_run(run_id=f"hist-{i}")) for i in range(30)])
    target = upload.ServerTarget(url=server.url, token=ingest)
    box = upload.Outbox(target, root=tmp_path / "outbox")
    first = sync(store, target, outbox=box)
    assert first.queued == 30 and first.flush.sent == 30
    second = sync(store, target, outbox=box)
    assert second.queued == 0 and second.flush.sent == 0
    assert len(_server_runs(server, read)) == 30
    store.close()


def test_an_answer_cut_short_keeps_the_runs_and_never_raises(tmp_path: Path) -> None:
    """A server that dies mid-reply (fewer bytes than its Content-Length) is a failed attempt
    like an unreachable one: flush never raises, the runs wait in the outbox."""
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n{")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    target = upload.ServerTarget(url=f"http://127.0.0.1:{port}", token="apt_x")
    box = upload.Outbox(target, root=tmp_path / "outbox")
    box.put(make_run(run_id="cut-1"))
    result = upload.flush(target, outbox=box, timeout_s=5.0)
    thread.join(5)
    listener.close()
    assert result.error is not None and "cannot reach" in result.error
    assert result.sent == 0 and result.remaining == 1


def test_kill_and_restart_the_server_during_a_stream_of_uploads(
    live: tuple[LiveServer, str, str], tmp_path: Path
) -> None:
    """Writers keep submitting runs while the server is SIGKILLed twice and restarted; at the
    end every run is on the server exactly once and the aggregates count each once."""
    server, ingest, read = live
    target = upload.ServerTarget(url=server.url, token=ingest)
    box = upload.Outbox(target, root=tmp_path / "outbox")
    expected: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def writer(n: int) -> None:
        i = 0
        while not stop.is_set():
            doc = make_run(run_id=f"w{n}-{i:04d}", energy_j=10.0)
            box.put(doc)
            with lock:
                expected.append(doc["run_id"])
            upload.flush(target, outbox=box, timeout_s=1.0)  # like each tracker's background try
            i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    import time

    for _ in range(2):
        time.sleep(1.5)
        server.kill()
        time.sleep(0.5)
        server.start()
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join(30)
    final = upload.flush(target, outbox=box, timeout_s=10.0)  # algoprint sync
    assert final.error is None and final.remaining == 0
    on_server = _server_runs(server, read)
    assert len(expected) > 20
    assert len(on_server) == len(set(on_server))  # zero duplicated
    assert set(on_server) == set(expected)  # zero lost
    totals = _totals(server, read)
    assert totals["runs"] == len(expected)
    assert totals["energy_j"] == pytest.approx(10.0 * len(expected))


def test_a_misconfigured_server_never_breaks_the_tracked_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from algoprint.store import open_store
    from algoprint.tracking.tracker import track
    from tests.tracking._fakes import ConstantPowerMeter

    monkeypatch.setenv("ALGOPRINT_SERVER", "http://algoprint.example.nl")  # plain http, remote
    monkeypatch.delenv("ALGOPRINT_TOKEN", raising=False)
    db = str(tmp_path / "local.sqlite")
    with track(db=db, meters=[ConstantPowerMeter(power_w=5.0)], algorithm="misconf") as run:
        total = sum(range(100))
    assert total == 4950
    assert "runs are not uploaded" in caplog.text and "plain http" in caplog.text
    with open_store(db) as store:
        assert store.get_run(run.run_id).algorithm == "misconf"  # stored locally as always
