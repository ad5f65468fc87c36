"""``algoprint demo --serve``: the demo's store is the dashboard's organisation store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.web.conftest import sample_runs

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:httpx")


def test_demo_store_is_served_by_the_dashboard(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from algoprint.kader.register import Algorithm, add_algorithm
    from algoprint.server.web.demo import prepare_demo_server
    from algoprint.store import open_store

    server = prepare_demo_server(tmp_path / "out", port=8799)
    assert server.store_url.startswith("sqlite:///") and str(tmp_path) in server.store_url
    runs = [r for r in sample_runs(6) if r.algorithm == "fraude-risico"]
    with open_store(server.store_url) as store:  # what run_demo(db=store_url) does
        add_algorithm(store, Algorithm(slug="fraude-risico", name="Fraude-risicomodel"))
        for run in runs:
            store.save_run(run)
    app, count, created = server.app()
    assert (count, created) == (len(runs), len(runs))
    with TestClient(app, follow_redirects=False) as client:
        reply = client.get(f"/auth/link?token={server.login_secret}")
        assert reply.status_code in (302, 303)
        page = client.get("/").text
        assert "fraude-risico" in page and "Fraude-risicomodel" in page
    app.state.ctx.close()
    again = prepare_demo_server(tmp_path / "out", port=8799)  # a second demo run: same store
    assert again.store_url == server.store_url
    _app, count, created = again.app()
    assert (count, created) == (len(runs), 0)
    _app.state.ctx.close()


def test_serve_refuses_a_db_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from algoprint.cli import main

    status = main(["demo", "--serve", "--db", str(tmp_path / "x.sqlite"), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2
    assert "--serve keeps the demo" in err and "Traceback" not in err
