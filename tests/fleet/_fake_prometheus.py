"""A fake Prometheus HTTP API on loopback serving recorded series, and a Kepler-shaped recording.

The recording (``kepler_recording``), all at a 30 s step from T0 = 2026-01-01T00:00Z, window
``(T0, T0 + 600]``; the expected energies are worked out by hand next to each series:

- node-a reports ``package``, ``dram`` and ``core`` zones (core overlaps package: ignored);
  node-b reports only ``psys``.
- pod u1 (ml/train-1, algorithm fraud-model, phase training) on node-a, container trainer,
  starts inside the window at T0+60 and ends at T0+300; its series switches ``state`` from
  running to terminated at T0+240 (two Prometheus series, one stream).
  package 10, 40, ..., 250 → 250 J (from zero); dram 1, 4, ..., 25 → 25 J;
  gpu 0, 50, ..., 400 → 400 J. Total 675 J.
- pod u2 (ml/serve-1, fraud-model, inference) on node-b, containers api and sidecar, running
  from before the window to its end. api psys = 1000 + 20 k at T0 - 120 + 30 k, with a Kepler
  restart at k = 14 (new ``instance`` label, counter back to 5 + 20 (k - 14)):
  (1260 - 1080) + 5 + (205 - 5) = 385 J. sidecar 100 + 2 k → 148 - 108 = 40 J. Total 425 J.
- pod u3 (kube-system/coredns-x) on node-a, no algorithm label: 500 + 5 k → 100 J, unassigned.
- pod u4 (gov/permit-1, label algoprint.nl/lars=LARS-123) on node-a, pod-level series only:
  package 7 + 2 k from T0 + 300 → 27 J (from zero).
- pod-level series for u1..u3 hold 9999 J: the container series win, so these never count.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

T0 = 1_767_225_600.0
STEP = 30.0

Recording = list[dict[str, Any]]


def _series(name: str, labels: dict[str, str], points: list[tuple[float, float]]) -> dict[str, Any]:
    return {"metric": {"__name__": name, **labels}, "values": points}


def kepler_recording() -> Recording:
    """The series described in the module docstring."""
    out: Recording = []
    cpu = "kepler_container_cpu_joules_total"
    a = {"node_name": "node-a", "instance": "kepler-a", "job": "kepler"}
    b = {"node_name": "node-b", "job": "kepler"}
    u1 = {"pod_id": "u1", "container_name": "trainer", "container_id": "c1"}
    t1 = [T0 + 60 + 30 * k for k in range(9)]
    for zone, f in (("package", lambda k: 10 + 30 * k), ("dram", lambda k: 1 + 3 * k)):
        for state, ks in (("running", range(6)), ("terminated", range(6, 9))):
            pts = [(t1[k], float(f(k))) for k in ks]
            out.append(_series(cpu, {**a, **u1, "zone": zone, "state": state}, pts))
    out.append(
        _series(cpu, {**a, **u1, "zone": "core", "state": "running"}, [(t, 1e6) for t in t1])
    )
    out.append(
        _series(
            "kepler_container_gpu_joules_total",
            {**a, **u1, "gpu": "0", "vendor": "nvidia", "state": "running"},
            [(t1[k], 50.0 * k) for k in range(9)],
        )
    )
    t2 = [T0 - 120 + 30 * k for k in range(25)]
    api = {**b, "pod_id": "u2", "container_name": "api", "zone": "psys", "state": "running"}
    out.append(
        _series(
            cpu, {**api, "instance": "kepler-b1"}, [(t2[k], 1000.0 + 20 * k) for k in range(14)]
        )
    )
    out.append(
        _series(
            cpu,
            {**api, "instance": "kepler-b2"},
            [(t2[k], 5.0 + 20 * (k - 14)) for k in range(14, 25)],
        )
    )
    side = {**b, "pod_id": "u2", "container_name": "sidecar", "zone": "psys", "state": "running"}
    out.append(_series(cpu, side, [(t2[k], 100.0 + 2 * k) for k in range(25)]))
    dns = {**a, "pod_id": "u3", "container_name": "coredns", "zone": "package", "state": "running"}
    out.append(_series(cpu, dns, [(t2[k], 500.0 + 5 * k) for k in range(25)]))
    pod = "kepler_pod_cpu_joules_total"
    names = {"u1": ("ml", "train-1"), "u2": ("ml", "serve-1"), "u3": ("kube-system", "coredns-x")}
    for uid, (ns, name) in names.items():
        node = b if uid == "u2" else a
        zone = "psys" if uid == "u2" else "package"
        out.append(
            _series(
                pod,
                {**node, "pod_id": uid, "pod_name": name, "pod_namespace": ns, "zone": zone},
                [(T0 + 30 * k, 9999.0) for k in range(21)],
            )
        )
    t4 = [T0 + 300 + 30 * k for k in range(11)]
    p4 = {**a, "pod_id": "u4", "pod_name": "permit-1", "pod_namespace": "gov", "zone": "package"}
    out.append(_series(pod, p4, [(t4[k], 7.0 + 2 * k) for k in range(11)]))
    kube = "kube_pod_labels"
    ksm = {"job": "kube-state-metrics"}
    every = [(T0 - 120 + 30 * k, 1.0) for k in range(25)]
    alg = "label_algoprint_nl_algorithm"
    phase = "label_algoprint_nl_phase"
    out.append(
        _series(
            kube,
            {**ksm, "namespace": "ml", "pod": "train-1", "uid": "u1", alg: "fraud-model",
             phase: "training"},
            every,
        )
    )  # fmt: skip
    out.append(
        _series(
            kube,
            {**ksm, "namespace": "ml", "pod": "serve-1", "uid": "u2", alg: "fraud-model",
             phase: "inference"},
            every,
        )
    )  # fmt: skip
    out.append(
        _series(kube, {**ksm, "namespace": "kube-system", "pod": "coredns-x", "uid": "u3"}, every)
    )
    out.append(
        _series(
            kube,
            {**ksm, "namespace": "gov", "pod": "permit-1", "uid": "u4",
             "label_algoprint_nl_lars": "LARS-123"},
            every,
        )
    )  # fmt: skip
    return out


_SELECTOR = re.compile(r'^(?P<name>[a-zA-Z_:][\w:]*)(?:\{zone=~"(?P<zones>[^"]*)"\})?$')


class FakePrometheus:
    """Answers ``/api/v1/query_range`` from a recording; ``mode`` switches failures on."""

    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self.mode = "ok"  # ok | error | warnings | html
        self.requests: list[str] = []

    def answer(self, query: str, start: float, end: float) -> dict[str, Any]:
        m = _SELECTOR.match(query)
        if m is None:
            return {"status": "error", "errorType": "bad_data", "error": f"parse error: {query}"}
        zones = set(m.group("zones").split("|")) if m.group("zones") else None
        result = []
        for s in self.recording:
            if s["metric"]["__name__"] != m.group("name"):
                continue
            if zones is not None and s["metric"].get("zone") not in zones:
                continue
            values = [[t, str(v)] for t, v in s["values"] if start <= t <= end]
            if values:
                result.append({"metric": s["metric"], "values": values})
        doc: dict[str, Any] = {
            "status": "success",
            "data": {"resultType": "matrix", "result": result},
        }
        if self.mode == "warnings":
            doc["warnings"] = ["store gateway eu-1 did not answer: partial response"]
        return doc


@contextmanager
def serve(fake: FakePrometheus) -> Iterator[str]:
    """Serve ``fake`` on 127.0.0.1; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urllib.parse.urlparse(self.path)
            params = dict(urllib.parse.parse_qsl(url.query))
            fake.requests.append(params.get("query", ""))
            if fake.mode == "error":
                body = json.dumps({"status": "error", "errorType": "execution", "error": "boom"})
                self._send(422, body.encode(), "application/json")
                return
            if fake.mode == "html" or url.path != "/api/v1/query_range":
                self._send(200, b"<html>login</html>", "text/html")
                return
            doc = fake.answer(params["query"], float(params["start"]), float(params["end"]))
            self._send(200, json.dumps(doc).encode(), "application/json")

        def _send(self, code: int, body: bytes, ctype: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            del format, args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
