"""Energy regression gate for test suites: baselines and their statistical comparison.

Used by the pytest plugin (``pytest --algoprint``, :mod:`algoprint.pytest_plugin`), and usable
on its own. A baseline is a JSON file with, per test, the repeated measurements of energy (J),
wall time (s) and CPU time (s), plus the machine and meters that made them.

A test *regresses* when the whole ``confidence`` interval of the ratio current/baseline of the
gating metric lies above ``1 + threshold`` (Welch's t-interval on the logs,
:func:`.stats.welch_log_ratio`). So noise alone does not fail a build, and a real slowdown
smaller than the threshold does not either.

Gating metric: ``energy`` when the energy comes from counters (RAPL, NVML: methods
``counter``/``power-integration``); otherwise ``cpu`` (process CPU time), because a CPU power
*model* turns utilisation into watts and adds its own noise to tiny tests while carrying no
more information than the CPU time itself. ``--algoprint-metric`` overrides this.
"""

from __future__ import annotations

import json
import math
import os
import platform
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from algoprint.advice.code.stats import RatioEstimate, mean_std, welch_log_ratio
from algoprint.errors import InputError
from algoprint.records import AnalysisRecord, utc_now_iso

__all__ = [
    "BASELINE_FORMAT",
    "METRICS",
    "GateReport",
    "TestMeasurement",
    "Verdict",
    "build_baseline",
    "compare_to_baseline",
    "load_baseline",
    "render_gate",
    "render_measurements",
    "resolve_metric",
    "write_baseline",
]

BASELINE_FORMAT = "algoprint-pytest-baseline/1"
METRICS = ("auto", "energy", "cpu", "duration")
_UNITS = {"energy": "J", "cpu": "s", "duration": "s"}
_FIELDS = {"energy": "energy_j", "cpu": "cpu_s", "duration": "duration_s"}


@dataclass(slots=True)
class TestMeasurement:
    """The repeated measurements of one test (one value per repeat)."""

    __test__ = False  # not a pytest test class

    nodeid: str
    energy_j: list[float | None] = field(default_factory=list)
    duration_s: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)

    def values(self, metric: str) -> list[float | None]:
        return list(getattr(self, _FIELDS[metric]))


def machine_info() -> dict[str, Any]:
    """Where a baseline was made: host, CPU, OS, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "hostname": socket.gethostname(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def resolve_metric(requested: str, energy_methods: Iterable[str]) -> tuple[str, str]:
    """The gating metric and why it was chosen.

    Raises:
        InputError: an unknown metric name.
    """
    if requested not in METRICS:
        raise InputError(f"unknown metric {requested!r}", hint=f"use one of {', '.join(METRICS)}")
    if requested != "auto":
        return requested, f"{requested} (chosen with --algoprint-metric)"
    from algoprint.advice._decide import choose_basis

    basis = choose_basis(energy_methods)
    if basis.metric == "energy":
        return "energy", basis.reason
    return "cpu", basis.reason + " (the shared decision rule: process CPU time decides)"


def _stats(values: Sequence[float | None]) -> dict[str, float | None]:
    known = [v for v in values if v is not None]
    if len(known) != len(values) or not known:
        return {"mean": None, "std": None}
    mean, std = mean_std(known)
    return {"mean": mean, "std": std}


def build_baseline(
    measurements: Iterable[TestMeasurement],
    *,
    meters: list[dict[str, Any]],
    scope: str,
    energy_methods: Iterable[str],
    repeats: int,
    warmup: int,
) -> dict[str, Any]:
    """The baseline document (JSON-ready) of this session's measurements."""
    tests = {}
    for m in measurements:
        tests[m.nodeid] = {
            "repeats": len(m.duration_s),
            "energy_j": m.energy_j,
            "duration_s": m.duration_s,
            "cpu_s": m.cpu_s,
            "energy": _stats(m.energy_j),
            "duration": _stats(list(m.duration_s)),
            "cpu": _stats(list(m.cpu_s)),
        }
    return {
        "format": BASELINE_FORMAT,
        "created_at": utc_now_iso(),
        "machine": machine_info(),
        "meters": meters,
        "energy_methods": sorted(set(energy_methods)),
        "scope": scope,
        "repeats": repeats,
        "warmup": warmup,
        "tests": tests,
    }


def write_baseline(path: str | Path, document: dict[str, Any]) -> Path:
    """Write a baseline atomically. Raises InputError when the path is not writable."""
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(json.dumps(document, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, target)
    except OSError as e:
        raise InputError(
            f"cannot write the baseline {target}: {e.strerror or e}",
            hint="pass --algoprint-save-baseline a writable path in an existing directory",
        ) from e
    return target


def load_baseline(path: str | Path) -> dict[str, Any]:
    """Read a baseline written by :func:`write_baseline`.

    Raises:
        InputError: missing or unreadable file, not JSON, or not an algoprint baseline.
    """
    source = Path(path)
    hint = "make one first with pytest --algoprint-save-baseline PATH"
    try:
        doc = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise InputError(f"baseline {source} does not exist", hint=hint) from e
    except (OSError, ValueError) as e:
        raise InputError(f"baseline {source} cannot be read: {e}", hint=hint) from e
    if not isinstance(doc, dict) or doc.get("format") != BASELINE_FORMAT:
        raise InputError(f"{source} is not an algoprint baseline ({BASELINE_FORMAT})", hint=hint)
    return doc


@dataclass(slots=True)
class Verdict:
    """The comparison of one test. ``status``: regression, ok, improved, new, not-comparable."""

    nodeid: str
    status: str
    estimate: RatioEstimate | None = None
    reason: str | None = None


@dataclass(slots=True)
class GateReport:
    """The outcome of :func:`compare_to_baseline`."""

    metric: str
    metric_reason: str
    threshold: float
    confidence: float
    verdicts: list[Verdict]
    notes: list[str] = field(default_factory=list)

    @property
    def regressions(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.status == "regression"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "metric_reason": self.metric_reason,
            "threshold": self.threshold,
            "confidence": self.confidence,
            "method": "welch-log-t",
            "regressions": len(self.regressions),
            "notes": list(self.notes),
            "tests": [
                {
                    "nodeid": v.nodeid,
                    "status": v.status,
                    "ratio": None if v.estimate is None else v.estimate.to_dict(),
                    "reason": v.reason,
                }
                for v in self.verdicts
            ],
        }

    def to_analysis(self, algorithm: str | None) -> AnalysisRecord:
        """The ``energy-regression-gate`` analysis record (evidence for owk-05)."""
        n, bad = len(self.verdicts), len(self.regressions)
        return AnalysisRecord(
            kind="energy-regression-gate",
            algorithm=algorithm,
            title=f"Energy regression gate: {n} tests, {bad} regressions ({self.metric})",
            result=self.to_dict(),
            summary_en=f"{bad} of {n} tests regressed by more than "
            f"{100 * self.threshold:.0f} % ({self.metric}).",
            summary_nl=f"{bad} van {n} tests zijn meer dan {100 * self.threshold:.0f} % "
            f"verslechterd ({self.metric}).",
        )


def compare_to_baseline(
    baseline: dict[str, Any],
    measurements: Iterable[TestMeasurement],
    *,
    metric: str,
    metric_reason: str,
    threshold: float = 0.10,
    confidence: float = 0.95,
) -> GateReport:
    """Compare this session's measurements with a baseline, test by test.

    Raises:
        InputError: a threshold that is not > 0.
    """
    if not (math.isfinite(threshold) and threshold > 0):
        raise InputError(f"threshold must be > 0, got {threshold}", hint="e.g. 0.10 for 10 %")
    report = GateReport(metric, metric_reason, threshold, confidence, [])
    machine = baseline.get("machine", {})
    here = machine_info()
    if machine.get("cpu") != here["cpu"] or machine.get("hostname") != here["hostname"]:
        report.notes.append(
            f"the baseline was made on {machine.get('hostname')} ({machine.get('cpu')}), this "
            f"run on {here['hostname']} ({here['cpu']}): the comparison includes the machine"
        )
    tests = baseline.get("tests", {})
    key = _FIELDS[metric]
    for m in measurements:
        old = tests.get(m.nodeid)
        if old is None:
            report.verdicts.append(Verdict(m.nodeid, "new", reason="not in the baseline"))
            continue
        before = [None if v is None else float(v) for v in old.get(key, [])]
        now = m.values(metric)
        known_before = [v for v in before if v is not None]
        known_now = [v for v in now if v is not None]
        if len(known_before) != len(before) or len(known_now) != len(now):
            report.verdicts.append(
                Verdict(m.nodeid, "not-comparable", reason=f"{metric} not measured in a repeat")
            )
            continue
        try:
            est = welch_log_ratio(known_before, known_now, confidence=confidence)
        except InputError as e:
            report.verdicts.append(Verdict(m.nodeid, "not-comparable", reason=e.message))
            continue
        if est.low > 1 + threshold:
            status = "regression"
        elif est.high < 1 / (1 + threshold):
            status = "improved"
        else:
            status = "ok"
        report.verdicts.append(Verdict(m.nodeid, status, est))
    return report


def render_measurements(measurements: Iterable[TestMeasurement]) -> list[str]:
    """One line per test: mean ± sd of energy, wall time and CPU time."""
    lines = []
    for m in measurements:
        energy = _stats(m.energy_j)
        e_txt = (
            "energy unknown"
            if energy["mean"] is None
            else f"{energy['mean']:.4g} ± {energy['std'] or 0.0:.2g} J"
        )
        d_mean, d_sd = mean_std(m.duration_s)
        c_mean, c_sd = mean_std(m.cpu_s)
        lines.append(
            f"{m.nodeid}: {e_txt}, {d_mean:.4g} ± {d_sd:.2g} s wall, "
            f"{c_mean:.4g} ± {c_sd:.2g} s cpu (n={len(m.duration_s)})"
        )
    return lines


def render_gate(report: GateReport) -> list[str]:
    """The comparison as lines, regressions first, with the rule that decided."""
    pct = f"{100 * report.confidence:.0f} %"
    lines = [
        f"metric: {report.metric_reason}",
        f"rule: regression when the whole {pct} interval of current/baseline lies above "
        f"{1 + report.threshold:.2f} (Welch t-interval on log values)",
    ]
    lines.extend(f"note: {n}" for n in report.notes)
    order = {"regression": 0, "not-comparable": 1, "new": 2, "improved": 3, "ok": 4}
    for v in sorted(report.verdicts, key=lambda v: (order.get(v.status, 9), v.nodeid)):
        if v.estimate is None:
            lines.append(f"{v.status.upper():<15} {v.nodeid}: {v.reason}")
        else:
            e = v.estimate
            lines.append(
                f"{v.status.upper():<15} {v.nodeid}: ×{e.ratio:.3f} [{e.low:.3f}, {e.high:.3f}]"
            )
    bad = len(report.regressions)
    lines.append(
        f"algoprint: {bad} regression(s) beyond {100 * report.threshold:.0f} % in {report.metric}"
        if bad
        else f"algoprint: no regression beyond {100 * report.threshold:.0f} % in {report.metric}"
    )
    return lines
