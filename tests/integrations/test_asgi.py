"""EnergyMiddleware (ASGI) on a real FastAPI app served by uvicorn on loopback."""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from algoprint.errors import InputError
from algoprint.integrations import add_units
from algoprint.integrations.asgi import EnergyMiddleware
from algoprint.store import open_store
from algoprint.tracking.tracker import Tracker

from .conftest import burn, make_tracker, serve_asgi, settle, timed_burn

HEAVY, LIGHT = 600_000, 120_000


def build(tracker: Tracker | None, **kwargs: Any) -> FastAPI:
    app = FastAPI()

    @app.get("/heavy")
    async def heavy() -> dict[str, float]:
        return {"cpu_s": timed_burn(HEAVY)}

    @app.get("/light")
    async def light() -> dict[str, float]:
        return {"cpu_s": timed_burn(LIGHT)}

    @app.get("/items/{item_id}")
    async def item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("handler failed")

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def chunks() -> Any:
            for _ in range(4):
                burn(HEAVY // 4)
                yield b"x" * 10
                await asyncio.sleep(0)

        return StreamingResponse(chunks())

    @app.get("/predict")
    def predict(n: int) -> dict[str, int]:  # a sync handler: runs in the thread pool
        add_units(n)
        return {"n": n}

    app.add_middleware(EnergyMiddleware, tracker=tracker, window_s=3600, **kwargs)
    return app


def middleware(app: FastAPI) -> EnergyMiddleware:
    layer: Any = app.middleware_stack
    while not isinstance(layer, EnergyMiddleware):
        layer = layer.app
    return layer


def by_route(window: Any) -> dict[str, Any]:
    return {r.route: r for r in window.routes}


def test_cpu_heavy_and_light_endpoints_share_energy_by_cpu_time(tracker: Tracker) -> None:
    app = build(tracker, location="NL")
    handler_cpu = {"heavy": 0.0, "light": 0.0}
    with serve_asgi(app) as url, httpx.Client(base_url=url) as client:
        for _ in range(6):
            for name in handler_cpu:
                handler_cpu[name] += client.get(f"/{name}").json()["cpu_s"]
        settle(middleware(app).meter, 12)
        window = middleware(app).flush()
    routes = by_route(window)
    heavy, light = routes["GET /heavy"], routes["GET /light"]
    assert heavy.count == light.count == 6
    energy_ratio = heavy.energy_j / light.energy_j
    cpu_ratio = handler_cpu["heavy"] / handler_cpu["light"]
    # The handlers' own thread CPU is the truth. The fair share also charges each request the
    # server's and the in-process test client's CPU over its span (~1 ms), which weighs more on
    # the light endpoint; a factor of 2 either way still tells a 5x heavier endpoint apart.
    assert 0.5 < energy_ratio / cpu_ratio < 2.0, (energy_ratio, cpu_ratio)
    # Nothing is dropped or spread: requests + outside requests = process; + baseline = machine.
    assert window.requests_energy_j + window.outside_requests_energy_j == pytest.approx(
        window.process_energy_j
    )
    assert window.process_energy_j + window.baseline_energy_j == pytest.approx(
        window.machine_energy_j
    )
    assert window.baseline_energy_j == pytest.approx(window.machine_energy_j / 2)
    per = heavy.energy_per_request
    assert per.low <= per.value <= per.high and per.value == pytest.approx(heavy.energy_j / 6)
    assert heavy.co2e_location_g_per_request.value > 0
    assert heavy.water_l_per_request.value > 0
    assert window.sci["sci_g_per_unit"]["value"] > 0
    assert window.sci["boundary"] == "consumer"
    assert window.energy_per_unit.value == pytest.approx(window.process_energy_j / 12)


def test_route_templates_not_raw_paths(tracker: Tracker) -> None:
    app = build(tracker)
    with serve_asgi(app) as url, httpx.Client(base_url=url) as client:
        for i in range(3):
            assert client.get(f"/items/{i}").status_code == 200
        assert client.get("/no/such/page").status_code == 404
        settle(middleware(app).meter, 4)
        window = middleware(app).flush()
    routes = by_route(window)
    assert routes["GET /items/{item_id}"].count == 3
    assert routes["GET <unmatched>"].count == 1
    assert not any("/items/1" in r for r in routes)


def test_concurrent_requests_share_the_process_cpu(tracker: Tracker) -> None:
    app = build(tracker)
    with serve_asgi(app) as url:
        statuses: list[int] = []

        def call() -> None:
            with httpx.Client(base_url=url) as client:
                statuses.append(client.get("/heavy").status_code)

        threads = [threading.Thread(target=call) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        settle(middleware(app).meter, 8)
        window = middleware(app).flush()
    assert statuses == [200] * 8
    heavy = by_route(window)["GET /heavy"]
    assert heavy.count == 8
    # Fair shares never hand out more CPU than the process used.
    assert heavy.cpu_s <= window.process_cpu_s * 1.001
    assert window.requests_energy_j <= window.process_energy_j * 1.001


def test_exceptions_are_counted_and_reraised_untouched(tracker: Tracker) -> None:
    app = build(tracker)
    with serve_asgi(app) as url, httpx.Client(base_url=url) as client:
        assert client.get("/boom").status_code == 500
        settle(middleware(app).meter, 1)
        window = middleware(app).flush()
    boom = by_route(window)["GET /boom"]
    assert boom.count == 1 and boom.errors == 1 and boom.energy_j is not None

    class Mine(Exception):
        pass

    raised = Mine("the app's own")

    async def app_raising(scope: Any, receive: Any, send: Any) -> None:
        raise raised

    mw = EnergyMiddleware(app_raising, tracker=make_tracker(Path("unused")), store=False)
    scope = {"type": "http", "method": "GET", "path": "/x"}
    with pytest.raises(Mine) as info:
        asyncio.run(mw(scope, None, None))  # type: ignore[arg-type]
    assert info.value is raised
    mw.close()


def test_streaming_is_measured_until_the_last_chunk(tracker: Tracker) -> None:
    app = build(tracker)
    with serve_asgi(app) as url, httpx.Client(base_url=url) as client:
        for _ in range(4):
            assert client.get("/stream").content == b"x" * 40
            client.get("/heavy")
        settle(middleware(app).meter, 8)
        window = middleware(app).flush()
    routes = by_route(window)
    # The stream burns as much CPU as /heavy, all of it while sending chunks.
    ratio = routes["GET /stream"].cpu_s / routes["GET /heavy"].cpu_s
    assert 0.5 < ratio < 2.0, ratio


def test_without_a_tracker_requests_pass_through_and_it_is_said_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = build(None)
    with caplog.at_level(logging.WARNING, logger="algoprint"):
        with serve_asgi(app) as url, httpx.Client(base_url=url) as client:
            for _ in range(3):
                assert client.get("/items/7").json() == {"id": 7}
            assert client.get("/algoprint/metrics").status_code == 404  # not intercepted
        said = [r for r in caplog.records if "passes requests through" in r.getMessage()]
    assert len(said) == 1
    assert "no tracker configured" in said[0].getMessage()
    assert middleware(app).flush() is None


def test_unwritable_store_never_breaks_serving(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    app = build(make_tracker(blocker / "runs.sqlite"))
    with serve_asgi(app) as url, httpx.Client(base_url=url) as client:
        assert client.get("/items/1").status_code == 200
        settle(middleware(app).meter, 1)
        window = middleware(app).flush()
        assert client.get("/items/2").status_code == 200
    assert window.stored is False and "could not be stored" in window.missing["stored"]
    assert middleware(app).meter.store_failures >= 1


def test_windows_are_stored_as_use_phase_runs_and_flushed_at_shutdown(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    app = build(make_tracker(db))
    with serve_asgi(app) as url, httpx.Client(base_url=url) as client:
        for i in range(3):
            client.get(f"/items/{i}")
    # No explicit flush: the lifespan shutdown closed and stored the last window.
    runs = open_store(str(db)).list_runs()
    assert len(runs) == 1
    run = runs[0]
    assert run.algorithm == "svc" and run.phase == "use" and run.units == 3
    assert run.tags["functional_unit"] == "requests" and run.tags["integration"] == "asgi"
    phases = {p.name: p for p in run.phases}
    assert phases["request GET /items/{item_id}"].count == 3
    assert "outside requests" in phases


def test_prometheus_endpoint_has_units_in_names(tracker: Tracker) -> None:
    app = build(tracker, location="NL")
    with serve_asgi(app) as url, httpx.Client(base_url=url) as client:
        client.get("/light")
        settle(middleware(app).meter, 1)
        middleware(app).flush()
        client.get("/light")
        settle(middleware(app).meter, 1)
        page = client.get("/algoprint/metrics")
    assert page.status_code == 200
    text = page.text
    assert 'algoprint_service_requests_total{endpoint="GET /light"} 2.0' in text
    assert 'algoprint_service_request_energy_joules_total{endpoint="GET /light"}' in text
    assert "algoprint_service_baseline_energy_joules_total" in text
    assert (
        'algoprint_service_co2e_location_per_request_grams{bound="value",endpoint="GET /light"}'
        in text
    )
    assert "algoprint_service_sci_per_unit_grams" in text
    assert (
        'algoprint_service_energy_per_unit_joules{bound="value",functional_unit="requests"}' in text
    )


def test_functional_units_counted_by_handlers_and_zero_units(tracker: Tracker) -> None:
    app = build(tracker, location="NL", functional_unit="predictions")
    with serve_asgi(app) as url, httpx.Client(base_url=url) as client:
        client.get("/predict", params={"n": 5})
        client.get("/predict", params={"n": 3})
        settle(middleware(app).meter, 2)
        window = middleware(app).flush()
        assert window.units == 8
        assert window.sci["gsf_sci_for_ai_unit"].startswith("per inference")
        sci = window.sci["sci_g_per_unit"]
        assert math.isfinite(sci["value"]) and sci["low"] <= sci["value"] <= sci["high"]
        # A window with requests but zero units: SCI is missing with the reason, not 0 or inf.
        client.get("/predict", params={"n": 0})
        settle(middleware(app).meter, 1)
        zero = middleware(app).flush()
    assert zero.units == 0 and zero.sci["sci_g_per_unit"] is None
    assert "R = 0" in zero.sci["missing"]
    with pytest.raises(InputError, match=">= 0"):
        add_units(-1)


def test_bad_settings_fail_at_construction() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        return None

    with pytest.raises(InputError, match="window_s"):
        EnergyMiddleware(app, algorithm="svc", window_s=0)
    with pytest.raises(InputError, match="functional unit"):
        EnergyMiddleware(app, algorithm="svc", functional_unit=" ")
