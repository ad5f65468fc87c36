#!/usr/bin/env python3
"""Overhead of the service middlewares: requests/s and p99 latency with and without.

For a FastAPI app (ASGI ``EnergyMiddleware``) and a Flask app (WSGI ``EnergyMiddleware``), two
endpoints each: a trivial one (returns a constant) and a model-inference one (scikit-learn
``LogisticRegression.predict`` on one row). Requests are driven in-process, straight into the
ASGI/WSGI callable (no sockets, no server), so the figures isolate what the middleware adds;
with a real server and network each request costs more and the *relative* loss is smaller.
Bare and wrapped apps run interleaved over ``--rounds`` rounds (medians), with a real tracker
(auto-detected meters, sampler thread running) behind the middleware.

Targets (issue 17): <= 2 % throughput loss, <= 50 µs added per request.

Usage:  PYTHONPATH=src .venv/bin/python bench/service_overhead.py [--requests 3000] [--rounds 5]
Needs:  pip install 'algoprint[services,ml]' flask
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _model() -> tuple[Any, list[list[float]]]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 20))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    return LogisticRegression().fit(x, y), x[:1].tolist()


def fastapi_app(model: Any, row: list[list[float]]) -> Any:
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/trivial")
    async def trivial() -> dict[str, int]:
        return {"ok": 1}

    @app.get("/predict")
    async def predict() -> dict[str, int]:
        return {"y": int(model.predict(row)[0])}

    return app


def flask_app(model: Any, row: list[list[float]]) -> Any:
    from flask import Flask

    app = Flask("bench")

    @app.get("/trivial")
    def trivial() -> dict[str, int]:
        return {"ok": 1}

    @app.get("/predict")
    def predict() -> dict[str, int]:
        return {"y": int(model.predict(row)[0])}

    return app


async def raw_asgi(scope: Any, receive: Any, send: Any) -> None:
    """The smallest ASGI app: isolates what the middleware itself costs."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def raw_wsgi(environ: Any, start_response: Any) -> list[bytes]:
    """The smallest WSGI app."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def drive_asgi(app: Any, path: str, n: int) -> list[float]:
    """Send ``n`` GET requests into an ASGI app; per-request latencies (s)."""

    async def run() -> list[float]:
        latencies = []
        body_sent = {"type": "http.request", "body": b"", "more_body": False}

        async def receive() -> dict[str, Any]:
            return body_sent

        async def send(message: dict[str, Any]) -> None:
            return None

        for _ in range(n):
            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": "GET",
                "scheme": "http",
                "path": path,
                "raw_path": path.encode(),
                "root_path": "",
                "query_string": b"",
                "headers": [(b"host", b"bench")],
                "client": ("127.0.0.1", 1),
                "server": ("127.0.0.1", 80),
            }
            t0 = time.perf_counter()
            await app(scope, receive, send)
            latencies.append(time.perf_counter() - t0)
        return latencies

    return asyncio.run(run())


def drive_wsgi(app: Callable[..., Any], path: str, n: int) -> list[float]:
    """Send ``n`` GET requests into a WSGI app (body consumed and closed); latencies (s)."""
    from werkzeug.test import EnvironBuilder

    base = EnvironBuilder(path=path, method="GET").get_environ()
    latencies = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        return None

    for _ in range(n):
        environ = dict(base)
        t0 = time.perf_counter()
        body = app(environ, start_response)
        for _chunk in body:
            pass
        close = getattr(body, "close", None)
        if close is not None:
            close()
        latencies.append(time.perf_counter() - t0)
    return latencies


def loopback(kind: str, app: Any) -> Callable[[Any, str, int], list[float]]:
    """A driver that serves ``app`` on 127.0.0.1 (uvicorn or werkzeug, in a thread) and sends
    sequential requests with one keep-alive httpx client."""
    import threading

    import httpx

    def drive(_app: Any, path: str, n: int) -> list[float]:
        with _server(kind, app) as url, httpx.Client(base_url=url) as client:
            latencies = []
            for _ in range(n):
                t0 = time.perf_counter()
                client.get(path).raise_for_status()
                latencies.append(time.perf_counter() - t0)
        return latencies

    servers: dict[str, Any] = {}

    class _server:
        def __init__(self, kind: str, app: Any) -> None:
            self.kind, self.app = kind, app

        def __enter__(self) -> str:
            if self.kind == "asgi":
                import uvicorn

                server = uvicorn.Server(
                    uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="critical")
                )
                thread = threading.Thread(target=server.run, daemon=True)
                thread.start()
                while not server.started:
                    time.sleep(0.01)
                port = server.servers[0].sockets[0].getsockname()[1]
            else:
                from werkzeug.serving import make_server

                server = make_server("127.0.0.1", 0, self.app, threaded=True)
                thread = threading.Thread(target=server.serve_forever, daemon=True)
                thread.start()
                port = server.port
            servers["s"], servers["t"] = server, thread
            return f"http://127.0.0.1:{port}"

        def __exit__(self, *exc: object) -> None:
            server = servers["s"]
            if self.kind == "asgi":
                server.should_exit = True
            else:
                server.shutdown()
            servers["t"].join(30)

    return drive


CPU: dict[str, float] = {}
"""CPU seconds of the last drive: the driving thread's (in-process) or the process's
(loopback: server and client threads), robust to other load on the machine."""


def cpu_clock(loopback: bool) -> Callable[[], float]:
    return time.process_time if loopback else time.thread_time


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def _loopback_pair(label: str, bare: Any, wrapped: Any) -> Callable[[Any, str, int], list[float]]:
    kind = "asgi" if label.startswith("ASGI") else "wsgi"
    drivers = {id(bare): loopback(kind, bare), id(wrapped): loopback(kind, wrapped)}
    return lambda app, path, n: drivers[id(app)](app, path, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--loopback",
        action="store_true",
        help="serve on 127.0.0.1 (uvicorn / werkzeug) and send requests with httpx instead",
    )
    args = parser.parse_args()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log per request

    from algoprint.integrations.asgi import EnergyMiddleware as AsgiMiddleware
    from algoprint.integrations.wsgi import EnergyMiddleware as WsgiMiddleware
    from algoprint.tracking.tracker import Tracker

    model, row = _model()
    tmp = Path(tempfile.mkdtemp(prefix="algoprint-bench-"))
    db = str(tmp / "runs.sqlite")

    bare_asgi = fastapi_app(model, row)
    wrapped_asgi = fastapi_app(model, row)
    wrapped_asgi.add_middleware(
        AsgiMiddleware, tracker=Tracker(algorithm="bench", store=False, db=db), window_s=3600
    )
    bare_wsgi = flask_app(model, row)
    wrapped_flask = flask_app(model, row)
    wsgi_mw = WsgiMiddleware(
        wrapped_flask.wsgi_app,
        tracker=Tracker(algorithm="bench", store=False, db=db),
        window_s=3600,
    )
    wrapped_flask.wsgi_app = wsgi_mw  # type: ignore[method-assign]

    raw_asgi_mw = AsgiMiddleware(
        raw_asgi, tracker=Tracker(algorithm="bench", store=False, db=db), window_s=3600
    )
    raw_wsgi_mw = WsgiMiddleware(
        raw_wsgi, tracker=Tracker(algorithm="bench", store=False, db=db), window_s=3600
    )
    cases = [("ASGI raw app", "/", drive_asgi, raw_asgi, raw_asgi_mw)]
    cases += [("WSGI raw app", "/", drive_wsgi, raw_wsgi, raw_wsgi_mw)]
    cases += [
        ("ASGI FastAPI", path, drive_asgi, bare_asgi, wrapped_asgi)
        for path in ("/trivial", "/predict")
    ] + [
        ("WSGI Flask", path, drive_wsgi, bare_wsgi, wrapped_flask)
        for path in ("/trivial", "/predict")
    ]
    if args.loopback:
        cases = [
            (label, path, _loopback_pair(label, bare, wrapped), bare, wrapped)
            for label, path, _, bare, wrapped in cases
        ]
    where = "loopback HTTP" if args.loopback else "in-process"
    print(f"{args.requests} requests x {args.rounds} rounds per case, {where}, interleaved")
    print(
        f"{'case':28} {'bare req/s':>11} {'mw req/s':>11} {'throughput':>11} {'+µs/req':>9} "
        f"{'p99 µs':>9} {'mw p99':>9} {'cpu thrpt':>10} {'+cpu µs':>9}"
    )
    for label, path, drive, bare, wrapped in cases:
        drive(bare, path, 200)  # warm-up (imports, first-request start of the tracker)
        drive(wrapped, path, 200)
        bare_mean, mw_mean, bare_p99, mw_p99, bare_cpu, mw_cpu = [], [], [], [], [], []
        clock = cpu_clock(args.loopback)
        for _ in range(args.rounds):
            c0 = clock()
            b = drive(bare, path, args.requests)
            c1 = clock()
            w = drive(wrapped, path, args.requests)
            c2 = clock()
            bare_cpu.append((c1 - c0) / args.requests)
            mw_cpu.append((c2 - c1) / args.requests)
            bare_mean.append(statistics.fmean(b))
            mw_mean.append(statistics.fmean(w))
            bare_p99.append(p99(b))
            mw_p99.append(p99(w))
        b_mean, w_mean = statistics.median(bare_mean), statistics.median(mw_mean)
        b_cpu, w_cpu = statistics.median(bare_cpu), statistics.median(mw_cpu)
        print(
            f"{label + ' ' + path:28} {1 / b_mean:11,.0f} {1 / w_mean:11,.0f} "
            f"{b_mean / w_mean:10.1%} {(w_mean - b_mean) * 1e6:9.1f} "
            f"{statistics.median(bare_p99) * 1e6:9.0f} {statistics.median(mw_p99) * 1e6:9.0f} "
            f"{b_cpu / w_cpu:10.1%} {(w_cpu - b_cpu) * 1e6:9.1f}"
        )
    print(
        "wall: req/s from mean latency; throughput = middleware ÷ bare (100 % = no loss).\n"
        "cpu: CPU seconds per request (the driving thread in-process; the whole process over\n"
        "loopback), which other load on the machine does not inflate."
    )


if __name__ == "__main__":
    main()
