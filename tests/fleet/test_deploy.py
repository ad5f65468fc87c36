"""deploy/: manifests, Helm chart and Grafana dashboard parse and agree with the code."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from algoprint.cli.app import cli

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
CHART = DEPLOY / "helm" / "algoprint-collector"


def test_manifests_parse_and_run_real_commands() -> None:
    docs = []
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    kinds = {d["kind"] for d in docs}
    assert {"Deployment", "ClusterRole", "ClusterRoleBinding", "ServiceMonitor"} <= kinds
    (deploy,) = (d for d in docs if d["kind"] == "Deployment")
    args = deploy["spec"]["template"]["spec"]["containers"][0]["args"]
    group = cli.commands[args[0]]
    command = group.commands[args[1]]  # type: ignore[attr-defined]
    options = {o for p in command.params for o in p.opts}
    assert {a.split("=")[0] for a in args[2:] if a.startswith("--")} <= options


def _lookup(values: dict[str, Any], dotted: str) -> bool:
    node: Any = values
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_helm_chart_values_exist_for_every_template_reference() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2" and chart["name"] == "algoprint-collector"
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    refs = set()
    for path in (CHART / "templates").glob("*.yaml"):
        refs |= set(re.findall(r"\.Values\.([A-Za-z0-9_.]+)", path.read_text()))
    assert refs and all(_lookup(values, r) for r in refs), sorted(
        r for r in refs if not _lookup(values, r)
    )


def test_grafana_dashboard_uses_metrics_that_exist() -> None:
    board = json.loads((DEPLOY / "grafana" / "algoprint-fleet.json").read_text())
    exprs = [t["expr"] for p in board["panels"] for t in p["targets"]]
    names = {n for e in exprs for n in re.findall(r"\b(algoprint_[a-z0-9_]+|kepler_[a-z0-9_]+)", e)}
    known = {
        "algoprint_energy_joules_total",
        "algoprint_power_watts",
        "algoprint_co2e_grams_total",
        "algoprint_water_litres_total",
        "kepler_pod_cpu_watts",
    }
    assert names <= known and "kepler_pod_cpu_watts" in names
    from algoprint.fleet.metrics import PrometheusMetrics

    families = {m.name for m in PrometheusMetrics().registry.collect()}
    assert {n.removesuffix("_total") for n in names if n.startswith("algoprint")} <= families
