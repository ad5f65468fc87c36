"""The regression gate's decisions, baselines and metric choice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from algoprint.advice.code import gate
from algoprint.advice.code.gate import TestMeasurement
from algoprint.errors import InputError


def measured(
    nodeid: str, cpu: list[float], energy: list[float | None] | None = None
) -> TestMeasurement:
    return TestMeasurement(
        nodeid, energy_j=energy or [c * 10 for c in cpu], duration_s=list(cpu), cpu_s=list(cpu)
    )


def baseline(*items: TestMeasurement) -> dict[str, object]:
    return gate.build_baseline(
        items, meters=[{"name": "constant"}], scope="machine", energy_methods=["model"],
        repeats=5, warmup=1,
    )  # fmt: skip


BASE = [1.00, 1.02, 0.98, 1.01, 0.99]


@pytest.mark.parametrize(
    ("current", "status"),
    [
        ([1.50, 1.52, 1.49, 1.51, 1.48], "regression"),
        ([1.05, 1.07, 1.03, 1.06, 1.04], "ok"),  # slower, but not beyond 10 %
        ([1.00, 1.30, 0.90, 1.60, 1.10], "ok"),  # too noisy to be sure
        ([0.50, 0.51, 0.49, 0.50, 0.50], "improved"),
    ],
)
def test_verdicts(current: list[float], status: str) -> None:
    report = gate.compare_to_baseline(
        baseline(measured("t::a", BASE)),
        [measured("t::a", current)],
        metric="cpu",
        metric_reason="cpu",
    )
    [verdict] = report.verdicts
    assert verdict.status == status
    assert (report.regressions != []) is (status == "regression")


def test_new_and_not_comparable_tests_never_fail() -> None:
    report = gate.compare_to_baseline(
        baseline(measured("t::old", BASE), measured("t::gap", BASE)),
        [
            measured("t::new", BASE),
            measured("t::gap", BASE, energy=[None, 1.0, 1.0, 1.0, 1.0]),
        ],
        metric="energy",
        metric_reason="energy",
    )
    statuses = {v.nodeid: v.status for v in report.verdicts}
    assert statuses == {"t::new": "new", "t::gap": "not-comparable"}
    assert report.regressions == []


def test_zero_values_are_not_comparable() -> None:
    report = gate.compare_to_baseline(
        baseline(measured("t::z", BASE)), [measured("t::z", [0.0, 0.0])],
        metric="cpu", metric_reason="cpu",
    )  # fmt: skip
    [verdict] = report.verdicts
    assert verdict.status == "not-comparable"
    assert verdict.reason is not None and "non-positive" in verdict.reason


@pytest.mark.parametrize(
    ("requested", "methods", "metric"),
    [
        ("auto", ["counter"], "energy"),
        ("auto", ["counter", "power-integration"], "energy"),
        ("auto", ["model"], "cpu"),
        ("auto", ["counter", "model"], "cpu"),
        ("auto", [], "cpu"),
        ("energy", ["model"], "energy"),
        ("duration", ["counter"], "duration"),
    ],
)
def test_metric_choice(requested: str, methods: list[str], metric: str) -> None:
    chosen, reason = gate.resolve_metric(requested, methods)
    assert chosen == metric
    assert reason.startswith("process CPU time" if metric == "cpu" else metric)
    with pytest.raises(InputError):
        gate.resolve_metric("joules", methods)


def test_baseline_round_trip_and_bad_files(tmp_path: Path) -> None:
    doc = baseline(measured("t::a", BASE))
    path = gate.write_baseline(tmp_path / "b.json", doc)
    loaded = gate.load_baseline(path)
    assert loaded["tests"]["t::a"]["cpu_s"] == BASE
    assert loaded["tests"]["t::a"]["repeats"] == 5
    assert loaded["tests"]["t::a"]["cpu"]["mean"] == pytest.approx(1.0)
    assert loaded["machine"]["hostname"]
    with pytest.raises(InputError, match="does not exist"):
        gate.load_baseline(tmp_path / "missing.json")
    (tmp_path / "junk.json").write_text("{")
    with pytest.raises(InputError, match="cannot be read"):
        gate.load_baseline(tmp_path / "junk.json")
    (tmp_path / "other.json").write_text(json.dumps({"format": "x"}))
    with pytest.raises(InputError, match="not an algoprint baseline"):
        gate.load_baseline(tmp_path / "other.json")
    with pytest.raises(InputError, match="cannot write"):
        gate.write_baseline(tmp_path / "no" / "b.json", doc)


def test_report_renders_and_becomes_an_analysis() -> None:
    report = gate.compare_to_baseline(
        baseline(measured("t::a", BASE), measured("t::b", BASE)),
        [measured("t::a", [2.0, 2.01, 1.99, 2.0, 2.0]), measured("t::b", BASE)],
        metric="cpu", metric_reason="cpu time (test)", threshold=0.2,
    )  # fmt: skip
    lines = gate.render_gate(report)
    assert lines[0] == "metric: cpu time (test)"
    assert lines[2].startswith("REGRESSION") and "t::a" in lines[2]
    assert lines[-1] == "algoprint: 1 regression(s) beyond 20 % in cpu"
    record = report.to_analysis("alg")
    assert record.kind == "energy-regression-gate"
    assert record.result["regressions"] == 1
    assert "1 van 2" in record.summary_nl
    with pytest.raises(InputError, match="threshold"):
        gate.compare_to_baseline({}, [], metric="cpu", metric_reason="", threshold=0)


def test_a_baseline_from_another_machine_is_noted() -> None:
    doc = baseline(measured("t::a", BASE))
    doc["machine"] = {"hostname": "elsewhere", "cpu": "Other CPU"}
    report = gate.compare_to_baseline(doc, [measured("t::a", BASE)], metric="cpu", metric_reason="")
    assert any("elsewhere" in n for n in report.notes)
