"""Kepler collection against a fake Prometheus on loopback, with hand-computed energies
(see tests/fleet/_fake_prometheus.py for the recording and the arithmetic)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from algoprint.errors import SourceError
from algoprint.fleet._kepler_series import increase, kube_label_name
from algoprint.fleet.kepler import KeplerOptions, collect
from algoprint.fleet.prometheus import PrometheusClient
from algoprint.store import open_store
from tests.cli._invoke import algoprint, new_user
from tests.fleet._fake_prometheus import T0, FakePrometheus, kepler_recording, serve

END = T0 + 600


def _by_pod(runs: list) -> dict[str, object]:
    return {r.tags["kubernetes.pod_uid"]: r for r in runs}


def test_increase_counts_resets_from_zero_and_chains() -> None:
    samples = [(0.0, 10.0), (30.0, 20.0), (60.0, 3.0), (90.0, 8.0)]
    assert increase(samples, 0.0, 90.0) == (10.0 + 3.0 + 5.0, 1, True)
    whole = increase(samples, -1.0, 90.0)[0]
    parts = increase(samples, -1.0, 30.0)[0] + increase(samples, 30.0, 90.0)[0]
    assert whole == parts == 28.0
    assert increase(samples, 90.0, 120.0) == (0.0, 0, False)


def test_kube_state_metrics_label_names() -> None:
    assert kube_label_name("algoprint.nl/algorithm") == "label_algoprint_nl_algorithm"


def test_collect_matches_hand_computed_energies() -> None:
    fake = FakePrometheus(kepler_recording())
    with serve(fake) as url:
        result = collect(
            PrometheusClient(url=url, timeout_s=5),
            start_s=T0,
            end_s=END,
            options=KeplerOptions(lars_map={"LARS-123": "permit-check"}),
        )
    assert result.schema == "kepler>=0.10"
    runs = _by_pod(result.runs)
    assert set(runs) == {"u1", "u2", "u4"}
    u1, u2, u4 = runs["u1"], runs["u2"], runs["u4"]
    comps = {(c.domain, c.device): c.energy_j for c in u1.components}
    assert comps == {
        ("cpu", "trainer"): pytest.approx(250.0),
        ("memory", "trainer"): pytest.approx(25.0),
        ("gpu", "trainer/gpu0"): pytest.approx(400.0),
    }
    assert u1.energy_j == pytest.approx(675.0)
    assert (u1.algorithm, u1.phase, u1.status.value) == ("fraud-model", "training", "completed")
    assert u1.started_at.startswith("2026-01-01T00:01:00")
    assert u1.duration_s == pytest.approx(240.0)
    assert {c.method for c in u1.components} == {"kepler"}
    assert any("idle energy" in d.message for d in u1.degradations)
    comps2 = {(c.domain, c.device): c.energy_j for c in u2.components}
    assert comps2 == {
        ("platform", "api"): pytest.approx(385.0),
        ("platform", "sidecar"): pytest.approx(40.0),
    }
    assert u2.energy_j == pytest.approx(425.0)
    assert u2.status.value == "running" and u2.phase == "inference"
    assert any("counter reset" in d.message for d in u2.degradations)
    assert u4.algorithm == "permit-check" and u4.energy_j == pytest.approx(27.0)
    assert [(u["pod"], u["energy_j"]) for u in result.unassigned] == [("coredns-x", 100.0)]
    assert "no algoprint.nl/algorithm" in result.unassigned[0]["reason"]


def test_windows_chain_and_restart_never_double_counts() -> None:
    fake = FakePrometheus(kepler_recording())
    stored: dict[str, object] = {}

    def run(start: float, end: float) -> None:
        res = collect(
            PrometheusClient(url=url, timeout_s=5),
            start_s=start,
            end_s=end,
            existing=stored.get,  # type: ignore[arg-type]
        )
        for r in res.runs:
            stored[r.run_id] = r

    with serve(fake) as url:
        run(T0, T0 + 300)
        run(T0 + 300, END)
        totals = {r.tags["kubernetes.pod_uid"]: r.energy_j for r in stored.values()}  # type: ignore[attr-defined]
        assert totals == {"u1": pytest.approx(675.0), "u2": pytest.approx(425.0)}
        # u1's last sample closed the first window; the second one finds it ended.
        statuses = {r.tags["kubernetes.pod_uid"]: r.status.value for r in stored.values()}  # type: ignore[attr-defined]
        assert statuses == {"u1": "completed", "u2": "running"}
        # A restart without its state file collects the whole window again: nothing is added.
        run(T0, END)
        again = {r.tags["kubernetes.pod_uid"]: r.energy_j for r in stored.values()}  # type: ignore[attr-defined]
        assert again == totals


def test_prometheus_down_is_one_clear_error() -> None:
    with serve(FakePrometheus([])) as url:
        pass  # the port is closed again now
    with pytest.raises(SourceError, match="not reachable"):
        collect(PrometheusClient(url=url, timeout_s=2), start_s=T0, end_s=END)


@pytest.mark.parametrize(
    ("mode", "message"), [("error", "HTTP 422 boom"), ("html", "not answer JSON")]
)
def test_prometheus_errors_name_the_problem(mode: str, message: str) -> None:
    fake = FakePrometheus(kepler_recording())
    fake.mode = mode
    with serve(fake) as url, pytest.raises(SourceError, match=message):
        collect(PrometheusClient(url=url, timeout_s=5), start_s=T0, end_s=END)


def test_partial_data_warnings_are_kept() -> None:
    fake = FakePrometheus(kepler_recording())
    fake.mode = "warnings"
    with serve(fake) as url:
        res = collect(PrometheusClient(url=url, timeout_s=5), start_s=T0, end_s=END)
    assert any("partial response" in w for w in res.warnings)


def test_no_kepler_series_is_said() -> None:
    with serve(FakePrometheus([])) as url:
        res = collect(PrometheusClient(url=url, timeout_s=5), start_s=T0, end_s=END)
    assert res.runs == [] and "no Kepler energy series" in res.warnings[0]


def test_legacy_metric_names() -> None:
    legacy = [
        {
            "metric": {
                "__name__": "kepler_container_package_joules_total",
                "container_namespace": "ml",
                "pod_name": "old-1",
                "container_name": "main",
                "mode": mode,
                "instance": "node-x",
            },
            "values": [(T0 + 30 * k, base + k) for k in range(5)],
        }
        for mode, base in (("dynamic", 100.0), ("idle", 50.0))
    ] + [
        {
            "metric": {"__name__": "kube_pod_labels", "namespace": "ml", "pod": "old-1",
                       "label_algoprint_nl_algorithm": "legacy-model"},
            "values": [(T0 + 30 * k, 1.0) for k in range(5)],
        }
    ]  # fmt: skip
    with serve(FakePrometheus(legacy)) as url:
        res = collect(PrometheusClient(url=url, timeout_s=5), start_s=T0, end_s=T0 + 120)
    assert res.schema == "kepler<=0.7"
    (run,) = res.runs
    # dynamic and idle are separate parts that add: 4 J each over four steps.
    assert run.algorithm == "legacy-model" and run.energy_j == pytest.approx(8.0)


def test_cli_collect_stores_runs_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = new_user(tmp_path, monkeypatch)
    store = open_store(db)
    from algoprint.kader.register import Algorithm, add_algorithm

    add_algorithm(store, Algorithm(slug="permit-check", name="Permits", lars_id="LARS-123"))
    fake = FakePrometheus(kepler_recording())
    state = str(tmp_path / "state.json")
    since = "2026-01-01T00:00:00+00:00"
    with serve(fake) as url:
        args = ("kubernetes", "collect", "--prometheus", url, "--once", "--state", state)
        args += ("--until", "2026-01-01T00:10:30+00:00")
        rc, out, err = algoprint(*args, "--since", since, "--json")
        assert rc == 0, err
        doc = json.loads(out)
        assert len(doc["runs"]) == 3 and doc["unassigned_energy_j"] == pytest.approx(100.0)
        rc, out, err = algoprint(*args, "--since", since, "--json")
        assert rc == 0, err
        assert json.loads(out)["runs"] == []
    runs = open_store(db).list_runs()
    assert sorted(round(r.energy_j or 0) for r in runs) == [27, 425, 675]
    assert json.loads(Path(state).read_text())["last_end"] > since


def test_cli_prometheus_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new_user(tmp_path, monkeypatch)
    with serve(FakePrometheus([])) as url:
        pass
    rc, _, err = algoprint("kubernetes", "collect", "--prometheus", url, "--once")
    assert rc == 2 and "not reachable" in err and "Traceback" not in err
    rc, _, err = algoprint("kubernetes", "collect", "--prometheus", "prom:9090", "--once")
    assert rc == 2 and "not an http(s) URL" in err


def test_metrics_add_only_what_each_window_added() -> None:
    from algoprint.cli.kubernetes_cmd import export_metrics
    from algoprint.fleet.metrics import PrometheusMetrics

    prom = PrometheusMetrics()
    stored: dict[str, object] = {}
    with serve(FakePrometheus(kepler_recording())) as url:
        for lo, hi in ((T0, T0 + 300), (T0 + 300, END)):
            priors: dict[str, object] = {}
            res = collect(
                PrometheusClient(url=url, timeout_s=5),
                start_s=lo,
                end_s=hi,
                existing=lambda rid, p=priors: p.setdefault(rid, stored.get(rid)),  # type: ignore[misc]
            )
            export_metrics(res.runs, priors, prom, lambda r: (r.energy_j * 0.5, None))
            for r in res.runs:
                stored[r.run_id] = r

    def value(name: str, node: str, phase: str) -> float | None:
        labels = {"algorithm": "fraud-model", "phase": phase, "host": node, "method": "kepler"}
        return prom.registry.get_sample_value(name, {**labels, "nature": "measured"})

    assert value("algoprint_energy_joules_total", "node-a", "training") == pytest.approx(675.0)
    assert value("algoprint_energy_joules_total", "node-b", "inference") == pytest.approx(425.0)
    assert value("algoprint_co2e_grams_total", "node-a", "training") == pytest.approx(337.5)
    assert value("algoprint_runs_total", "node-a", "training") == 1  # ended: counted once
    assert value("algoprint_runs_total", "node-b", "inference") is None  # still running
