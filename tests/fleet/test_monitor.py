"""algoprint monitor: interval runs, metrics out (Prometheus + OpenTelemetry), SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from algoprint.fleet.metrics import OtelMetrics, PrometheusMetrics
from algoprint.fleet.monitor import Monitor, cgroup_pids, next_boundary
from algoprint.meters.common import Domain
from algoprint.testing import ReplayMeter, ReplayPowerSource


class ListSink:
    def __init__(self) -> None:
        self.saved: list = []

    def save(self, record, *, durable: bool = False) -> None:  # type: ignore[no-untyped-def]
        self.saved.append(record)


def _meter() -> ReplayMeter:
    return ReplayMeter(
        source=ReplayPowerSource([(0.0, 50.0)]), domain=Domain.CPU, device="package-0"
    )


def test_boundaries_are_wall_clock_aligned() -> None:
    assert next_boundary(3599.0, 3600.0) == 3600.0
    assert next_boundary(3600.0, 3600.0) == 7200.0


def test_interval_runs_and_metrics_agree() -> None:
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader

    prom = PrometheusMetrics()
    reader = InMemoryMetricReader()
    otel = OtelMetrics(reader=reader)
    sink = ListSink()
    mon = Monitor(
        interval_s=0.5, algorithm="web-api", sink=sink, instruments=[prom, otel], tick_s=0.1,
        impacts=lambda r: ((r.energy_j or 0) * 0.1, (r.energy_j or 0) * 0.001),
        meters=[_meter()],
    )  # fmt: skip
    assert mon.run(max_intervals=3) == 3
    finals = [r for r in sink.saved if r.status.value != "running"]
    assert len(finals) == 3 and len({r.run_id for r in finals}) == 3
    assert all(r.tags["monitor.session"] == mon.session for r in finals)
    total = sum(r.energy_j for r in finals)
    host = os.uname().nodename
    labels = {"algorithm": "web-api", "phase": "use", "host": host}
    labels |= {"method": "counter", "nature": "measured"}
    got = prom.registry.get_sample_value("algoprint_energy_joules_total", labels)
    assert got == pytest.approx(total)
    assert prom.registry.get_sample_value("algoprint_runs_total", labels) == 3
    assert prom.registry.get_sample_value("algoprint_co2e_grams_total", labels) == pytest.approx(
        total * 0.1
    )
    assert prom.registry.get_sample_value("algoprint_power_watts", labels) == pytest.approx(
        50.0, rel=0.2
    )
    data = reader.get_metrics_data()
    points = {
        m.name: m.data.data_points[0]
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for m in sm.metrics
    }
    assert points["algoprint.energy"].value == pytest.approx(total)
    assert points["algoprint.energy"].attributes["algoprint.algorithm"] == "web-api"
    assert points["algoprint.energy"].attributes["host.name"] == host


def test_stop_request_ends_the_interval_as_interrupted() -> None:
    sink = ListSink()
    mon = Monitor(interval_s=3600, sink=sink, tick_s=0.05, meters=[_meter()])
    mon.stop_event.set()
    record = mon.run_interval()
    assert record.status.value == "interrupted" and mon.finished()


def test_cgroup_pids_reads_the_tree(tmp_path: Path) -> None:
    (tmp_path / "cgroup.procs").write_text("10\n11\n")
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "cgroup.procs").write_text("12\n")
    assert sorted(cgroup_pids(tmp_path)) == [10, 11, 12]
    from algoprint.errors import InputError

    with pytest.raises(InputError, match="not a cgroup"):
        cgroup_pids(tmp_path / "child" / "nope")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_cli_monitor_command_with_metrics_and_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "ALGOPRINT_DB": str(tmp_path / "runs.sqlite")}
    port = _free_port()
    cmd = [sys.executable, "-m", "algoprint", "monitor", "--interval", "1s", "--tick", "0.2s",
           "-a", "batch-job", "--metrics-port", str(port), "--location", "NL", "--",
           sys.executable, "-c", "import time; time.sleep(30)"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    body = ""
    for _ in range(100):
        time.sleep(0.2)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
                body = r.read().decode()
        except OSError:
            continue
        if "algoprint_runs_total{" in body:
            break
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM, err  # the command's own fate, like run
    assert 'algoprint_energy_joules_total{algorithm="batch-job"' in body
    assert "algoprint_co2e_grams_total{" in body
    from algoprint.store import open_store

    runs = open_store(str(tmp_path / "runs.sqlite")).list_runs()
    assert len(runs) >= 2
    assert runs[0].status.value == "interrupted"  # the newest: cut by SIGTERM
    assert all(r.tags["monitor.mode"] == "command" for r in runs)
