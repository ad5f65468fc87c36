"""Fixtures for the integrations: a tracker on a replayed meter and loopback servers.

The replayed CPU meter draws a constant 100 W of which half is the process's, so a window's
process energy is known and the tests can check how it is shared; the CPU times are real.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from algoprint.meters.common import Domain
from algoprint.testing import ReplayMeter, ReplayPowerSource
from algoprint.tracking.tracker import Tracker


def replay_meters(*, gpu: bool = False) -> list[ReplayMeter]:
    """A replayed CPU meter (100 W, half of it the process's) and optionally a GPU (200 W)."""
    meters = [
        ReplayMeter(
            source=ReplayPowerSource([(0.0, 100.0), (1e6, 100.0)]),
            domain=Domain.CPU,
            device="package-0",
            process_share=0.5,
            sample_interval_s=5.0,
        )
    ]
    if gpu:
        meters.append(
            ReplayMeter(
                source=ReplayPowerSource([(0.0, 200.0), (1e6, 200.0)]),
                domain=Domain.GPU,
                device="gpu:0",
                process_share=1.0,
                sample_interval_s=5.0,
            )
        )
    return meters


def make_tracker(db: Path | str, *, gpu: bool = False) -> Tracker:
    """A process-scope tracker on :func:`replay_meters`."""
    meters = replay_meters(gpu=gpu)
    tracker = Tracker(algorithm="svc", meters=meters, store=False, db=str(db), scope="process")
    # Explicit meters skip host discovery; the embodied share (SCI's M) needs these two facts.
    tracker._host = {"vcpus_available": 2, "memory_gb_available": 4.0}
    return tracker


@pytest.fixture
def tracker(tmp_path: Path) -> Tracker:
    return make_tracker(tmp_path / "runs.sqlite")


def burn(n: int) -> int:
    """Deterministic CPU work: ``n`` rounds of integer arithmetic."""
    acc = 0
    for i in range(n):
        acc = (acc * 31 + i) % 1_000_003
    return acc


def timed_burn(n: int) -> float:
    """Burn and return this thread's CPU seconds for it."""
    t0 = time.thread_time_ns()
    burn(n)
    return (time.thread_time_ns() - t0) * 1e-9


@contextmanager
def serve_asgi(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on 127.0.0.1 in a thread (lifespan on); yields the base URL."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@contextmanager
def serve_wsgi(app: Callable[..., Any]) -> Iterator[str]:
    """Run ``app`` under werkzeug's threaded server on 127.0.0.1; yields the base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(30)


def settle(meter: Any, requests: int) -> None:
    """Wait until ``requests`` requests have ended in the meter's current window.

    A server sends the last byte before the middleware sees the request end (WSGI closes the
    body after writing it; the ASGI app returns after its last send), so a client can hold the
    response a moment before the request is accounted.
    """
    deadline = time.monotonic() + 20
    while sum(s.count for s in meter.live().values()) < requests:
        assert time.monotonic() < deadline, "the middleware did not see the requests end"
        time.sleep(0.005)
