"""EnergyMiddleware (WSGI) on a real Flask app served by werkzeug on loopback."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("flask")

from flask import Flask, Response

from algoprint.integrations import add_units
from algoprint.integrations.wsgi import EnergyMiddleware
from algoprint.store import open_store
from algoprint.tracking.tracker import Tracker

from .conftest import burn, make_tracker, serve_wsgi, settle, timed_burn

HEAVY, LIGHT = 600_000, 60_000


def build(tracker: Tracker | None, **kwargs: Any) -> tuple[Flask, EnergyMiddleware]:
    app = Flask("svc")

    @app.get("/heavy")
    def heavy() -> dict[str, float]:
        return {"cpu_s": timed_burn(HEAVY)}

    @app.get("/light")
    def light() -> dict[str, float]:
        return {"cpu_s": timed_burn(LIGHT)}

    @app.get("/items/<int:item_id>")
    def item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("handler failed")

    @app.get("/stream")
    def stream() -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(4):
                burn(HEAVY // 4)
                yield b"x" * 10

        return Response(chunks())

    @app.get("/predict/<int:n>")
    def predict(n: int) -> dict[str, int]:
        add_units(n)
        return {"n": n}

    mw = EnergyMiddleware(app.wsgi_app, tracker=tracker, window_s=3600, **kwargs)
    app.wsgi_app = mw  # type: ignore[method-assign]
    return app, mw


def by_route(window: Any) -> dict[str, Any]:
    return {r.route: r for r in window.routes}


def test_energy_follows_thread_cpu_time(tracker: Tracker) -> None:
    app, mw = build(tracker, location="NL")
    handler_cpu = {"heavy": 0.0, "light": 0.0}
    with serve_wsgi(app) as url, httpx.Client(base_url=url) as client:
        for _ in range(6):
            for name in handler_cpu:
                handler_cpu[name] += client.get(f"/{name}").json()["cpu_s"]
        settle(mw.meter, 12)
        window = mw.flush()
    routes = by_route(window)
    heavy, light = routes["GET /heavy"], routes["GET /light"]
    assert heavy.count == light.count == 6
    # Thread CPU time also holds Flask's own work per request (~0.3 ms) besides the handler's;
    # that weighs on the light endpoint (10x less work). A factor of 2 either way is generous.
    ratio = (heavy.energy_j / light.energy_j) / (handler_cpu["heavy"] / handler_cpu["light"])
    assert 0.5 < ratio < 2.0, ratio
    assert heavy.cpu_s >= handler_cpu["heavy"]  # the thread's CPU includes the handler's
    assert window.requests_energy_j + window.outside_requests_energy_j == pytest.approx(
        window.process_energy_j
    )
    assert heavy.co2e_location_g_per_request.value > 0


def test_flask_rule_templates(tracker: Tracker) -> None:
    app, mw = build(tracker)
    with serve_wsgi(app) as url, httpx.Client(base_url=url) as client:
        for i in range(3):
            client.get(f"/items/{i}")
        client.get("/missing")
        settle(mw.meter, 4)
        window = mw.flush()
    routes = by_route(window)
    assert routes["GET /items/<int:item_id>"].count == 3
    assert routes["GET <unmatched>"].count == 1


def test_concurrent_requests_in_threads(tracker: Tracker) -> None:
    app, mw = build(tracker)
    with serve_wsgi(app) as url:
        codes: list[int] = []

        def call() -> None:
            with httpx.Client(base_url=url) as client:
                codes.append(client.get("/heavy").status_code)

        threads = [threading.Thread(target=call) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        settle(mw.meter, 6)
        window = mw.flush()
    assert codes == [200] * 6
    heavy = by_route(window)["GET /heavy"]
    assert heavy.count == 6 and heavy.cpu_s <= window.process_cpu_s * 1.001


def test_exceptions_counted_and_reraised(tracker: Tracker) -> None:
    app, mw = build(tracker)
    with serve_wsgi(app) as url, httpx.Client(base_url=url) as client:
        assert client.get("/boom").status_code == 500
        settle(mw.meter, 1)
        window = mw.flush()
    assert by_route(window)["GET /boom"].errors == 1

    class Mine(Exception):
        pass

    raised = Mine("the app's own")

    def raw(environ: Any, start_response: Any) -> Any:
        raise raised

    mw2 = EnergyMiddleware(raw, tracker=make_tracker(Path("unused")), store=False)
    with pytest.raises(Mine) as info:
        mw2({"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, lambda *a: None)
    assert info.value is raised
    assert by_route(mw2.flush())["GET <unrouted>"].errors == 1
    mw2.close()


def test_streamed_body_counts_until_the_last_chunk(tracker: Tracker) -> None:
    app, mw = build(tracker)
    with serve_wsgi(app) as url, httpx.Client(base_url=url) as client:
        for _ in range(3):
            assert client.get("/stream").content == b"x" * 40
            client.get("/heavy")
        settle(mw.meter, 6)
        window = mw.flush()
    routes = by_route(window)
    ratio = routes["GET /stream"].cpu_s / routes["GET /heavy"].cpu_s
    assert 0.5 < ratio < 2.0, ratio


def test_no_tracker_passes_through_once_said(caplog: pytest.LogCaptureFixture) -> None:
    app, _ = build(None)
    with (
        caplog.at_level(logging.WARNING, logger="algoprint"),
        serve_wsgi(app) as url,
        httpx.Client(base_url=url) as client,
    ):
        assert [client.get("/items/3").json()["id"] for _ in range(3)] == [3, 3, 3]
    said = [r for r in caplog.records if "passes requests through" in r.getMessage()]
    assert len(said) == 1


def test_unwritable_store_and_stored_runs(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    app, mw = build(make_tracker(blocker / "runs.sqlite"))
    with serve_wsgi(app) as url, httpx.Client(base_url=url) as client:
        assert client.get("/items/1").status_code == 200
        settle(mw.meter, 1)
        assert mw.flush().stored is False
        assert client.get("/items/1").status_code == 200
        settle(mw.meter, 1)
    mw.close()

    db = tmp_path / "ok.sqlite"
    app, mw = build(make_tracker(db), functional_unit="predictions")
    with serve_wsgi(app) as url, httpx.Client(base_url=url) as client:
        client.get("/predict/4")
        client.get("/predict/6")
        settle(mw.meter, 2)
    mw.close()  # the last window is stored on close (and at interpreter exit)
    (run,) = open_store(str(db)).list_runs()
    assert run.phase == "use" and run.units == 10
    assert run.tags["functional_unit"] == "predictions" and run.tags["integration"] == "wsgi"


def test_metrics_endpoint(tracker: Tracker) -> None:
    app, mw = build(tracker)
    with serve_wsgi(app) as url, httpx.Client(base_url=url) as client:
        client.get("/light")
        settle(mw.meter, 1)
        mw.flush()
        page = client.get("/algoprint/metrics")
    assert page.status_code == 200
    assert 'algoprint_service_request_energy_joules_total{endpoint="GET /light"}' in page.text


def test_gpu_energy_is_shared_by_wall_time_in_flight(tmp_path: Path) -> None:
    app = Flask("gpu")

    @app.get("/infer")
    def infer() -> dict[str, int]:
        threading.Event().wait(0.05)  # stands in for waiting on a GPU kernel: no CPU
        return {"ok": 1}

    tracker = make_tracker(tmp_path / "runs.sqlite", gpu=True)  # + a 200 W replayed GPU
    mw = EnergyMiddleware(app.wsgi_app, tracker=tracker, window_s=3600)
    app.wsgi_app = mw  # type: ignore[method-assign]
    with serve_wsgi(app) as url, httpx.Client(base_url=url) as client:
        for _ in range(4):
            client.get("/infer")
        settle(mw.meter, 4)
        window = mw.flush()
    route = by_route(window)["GET /infer"]
    # Sequential requests: each one's fair share of the wall clock is its own span, so the GPU
    # part of its energy is 200 W x its span; its CPU part is small (it waits).
    assert route.energy_j == pytest.approx(200.0 * route.wall_s, rel=0.25)
    assert window.requests_energy_j <= window.process_energy_j
    mw.close()
