#!/usr/bin/env python3
"""Kepler collector throughput: 1,000 pods over a day of 30 s samples.

A fake Prometheus (an in-process opener, no sockets) serves Kepler >= 0.10 shaped series: per
pod one container with ``package`` and ``dram`` zones, the pod-level series and
``kube_pod_labels``. The day is collected in consecutive windows (like ``--every``), each
window's runs merged with the previous window's (the idempotency path) and, with ``--store``,
saved to a SQLite store. Reported: pod-windows per second of collector time (the fake server's
JSON encoding excluded), the whole day's wall time, and the peak RSS.

Usage:  .venv/bin/python bench/fleet_collector.py [--pods 1000] [--window 1h] [--store]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from algoprint.fleet.kepler import KeplerOptions, collect
from algoprint.fleet.prometheus import PrometheusClient

T0 = 1_767_225_600.0
STEP = 30.0


class FakeServer:
    def __init__(self, pods: int) -> None:
        self.pods = pods
        self.encode_s = 0.0

    def _points(self, start: float, end: float, base: float, rate: float) -> list[list[object]]:
        first = max(T0, start)
        k0 = int((first - T0 + STEP - 1e-9) // STEP)
        out = []
        t = T0 + k0 * STEP
        while t <= end:
            out.append([t, str(base + rate * (t - T0))])
            t += STEP
        return out

    def __call__(self, url: str, timeout_s: float) -> bytes:
        began = time.perf_counter()
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(url).query))
        query, start, end = q["query"], float(q["start"]), float(q["end"])
        result = []
        for i in range(self.pods):
            node = f"node-{i % 50}"
            uid = f"uid-{i}"
            if query.startswith("kepler_container_cpu"):
                for zone, rate in (("package", 2.0), ("dram", 0.2)):
                    labels = {"__name__": "kepler_container_cpu_joules_total", "node_name": node,
                              "pod_id": uid, "container_name": "main", "container_id": f"c{i}",
                              "zone": zone, "state": "running"}  # fmt: skip
                    result.append({"metric": labels, "values": self._points(start, end, 0, rate)})
            elif query.startswith("kepler_pod_cpu"):
                labels = {"__name__": "kepler_pod_cpu_joules_total", "node_name": node,
                          "pod_id": uid, "pod_name": f"pod-{i}", "pod_namespace": "ml",
                          "zone": "package"}  # fmt: skip
                result.append({"metric": labels, "values": self._points(start, end, 0, 2.0)})
            elif query == "kube_pod_labels":
                labels = {"__name__": "kube_pod_labels", "namespace": "ml", "pod": f"pod-{i}",
                          "uid": uid, "label_algoprint_nl_algorithm": f"alg-{i % 20}"}  # fmt: skip
                result.append({"metric": labels, "values": self._points(start, end, 1, 0)})
        body = json.dumps(
            {"status": "success", "data": {"resultType": "matrix", "result": result}}
        ).encode()
        self.encode_s += time.perf_counter() - began
        return body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pods", type=int, default=1000)
    parser.add_argument("--window", type=float, default=3600.0, help="seconds per window")
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--store", action="store_true", help="also save runs to SQLite")
    args = parser.parse_args()
    server = FakeServer(args.pods)
    client = PrometheusClient(url="http://fake:9090", opener=server)
    stored: dict[str, object] = {}
    store = None
    if args.store:
        from algoprint.store import open_store

        store = open_store(str(Path(tempfile.mkdtemp()) / "runs.sqlite"))
    store_s = 0.0
    pod_windows = 0
    began = time.perf_counter()
    start = T0
    end_of_day = T0 + args.hours * 3600
    while start < end_of_day:
        end = min(end_of_day, start + args.window)
        result = collect(
            client, start_s=start, end_s=end, options=KeplerOptions(),
            existing=stored.get,  # type: ignore[arg-type]
        )  # fmt: skip
        for r in result.runs:
            stored[r.run_id] = r
        if store is not None:
            t = time.perf_counter()
            store.save_runs(result.runs)
            store_s += time.perf_counter() - t
        pod_windows += len(result.runs)
        start = end
    wall = time.perf_counter() - began
    collector_s = wall - server.encode_s - store_s
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total_j = sum(r.energy_j or 0 for r in stored.values())  # type: ignore[attr-defined]
    expected_j = args.pods * 2.2 * args.hours * 3600
    print(f"pods {args.pods}, {args.hours:g} h of {STEP:.0f} s samples, windows of "
          f"{args.window:.0f} s")  # fmt: skip
    print(f"runs {len(stored)}, pod-windows {pod_windows}")
    print(f"collector time {collector_s:.1f} s -> {pod_windows / collector_s:.0f} pod-windows/s")
    print(
        f"  (fake Prometheus JSON encoding {server.encode_s:.1f} s excluded; store {store_s:.1f} s)"
    )
    print(f"energy check: {total_j:.0f} J collected vs {expected_j:.0f} J served")
    print(f"peak RSS {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
