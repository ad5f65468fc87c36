"""pytest plugin: energy per test and an energy regression gate (``pytest --algoprint``).

Registered through the ``pytest11`` entry point ``algoprint``; inactive unless one of its
options is given. Each test body runs ``--algoprint-warmup`` times unmeasured, then
``--algoprint-repeats`` times, each repeat inside its own phase of one session-wide tracker
(fixtures are set up once and shared by the repeats, so test bodies must be re-runnable).
Failed tests and async tests are not measured.

``--algoprint-save-baseline PATH`` writes the measurements; ``--algoprint-compare PATH``
compares with such a file and fails the session (exit status 1) when a test regresses: see
:mod:`algoprint.advice.code.gate` for the rule and the choice of metric, and
docs/code-energy.md.
"""

from __future__ import annotations

import inspect
import itertools
import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Literal

import pytest

__all__ = ["pytest_addoption", "pytest_configure"]

_PLUGIN_NAME = "algoprint-energy"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("algoprint", "energy per test (algoprint)")
    group.addoption("--algoprint", action="store_true", help="Measure the energy of each test.")
    group.addoption(
        "--algoprint-repeats", type=int, default=5, metavar="N",
        help="Measured runs of each test body (default 5; >= 2 to save or compare).",
    )  # fmt: skip
    group.addoption(
        "--algoprint-warmup", type=int, default=1, metavar="N",
        help="Unmeasured runs of each test body before the measured ones (default 1).",
    )  # fmt: skip
    group.addoption(
        "--algoprint-save-baseline", metavar="PATH", help="Write the measurements as a baseline."
    )
    group.addoption(
        "--algoprint-compare", metavar="PATH",
        help="Compare with a baseline; fail the session on a regression.",
    )  # fmt: skip
    group.addoption(
        "--algoprint-threshold", type=float, default=0.10, metavar="FRACTION",
        help="Regression threshold (0.10 = 10 %%, the default).",
    )  # fmt: skip
    group.addoption(
        "--algoprint-confidence", type=float, default=0.95, metavar="P",
        help="Coverage of the ratio's confidence interval (default 0.95).",
    )  # fmt: skip
    group.addoption(
        "--algoprint-metric", default="auto", choices=("auto", "energy", "cpu", "duration"),
        help="Gating metric (default auto: energy from counters, else CPU time).",
    )  # fmt: skip
    group.addoption(
        "--algoprint-scope", default=None, choices=("machine", "process"),
        help="Energy of the whole machine or of the pytest process (default: settings).",
    )  # fmt: skip
    group.addoption(
        "--algoprint-meter", default=None, metavar="SPEC",
        help="Testing aid: use constant:WATTS instead of the real meters.",
    )  # fmt: skip
    group.addoption(
        "--algoprint-algorithm", default=None, metavar="SLUG",
        help="Store the comparison as evidence (owk-05) for this algorithm.",
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Options:
    repeats: int
    warmup: int
    save: str | None
    compare: str | None
    threshold: float
    confidence: float
    metric: str
    scope: str | None
    meter: str | None
    algorithm: str | None


def _options(config: pytest.Config) -> _Options | None:
    get = config.getoption
    opts = _Options(
        repeats=int(get("algoprint_repeats")),
        warmup=int(get("algoprint_warmup")),
        save=get("algoprint_save_baseline"),
        compare=get("algoprint_compare"),
        threshold=float(get("algoprint_threshold")),
        confidence=float(get("algoprint_confidence")),
        metric=str(get("algoprint_metric")),
        scope=get("algoprint_scope"),
        meter=get("algoprint_meter"),
        algorithm=get("algoprint_algorithm"),
    )
    if not (get("algoprint") or opts.save or opts.compare):
        return None
    needs_stats = opts.save or opts.compare
    if not (2 if needs_stats else 1) <= opts.repeats <= 1000:
        raise pytest.UsageError(
            f"--algoprint-repeats must be from {2 if needs_stats else 1} to 1000, got "
            f"{opts.repeats} (a confidence interval needs 2 or more; 5 is the default)"
        )
    if not 0 <= opts.warmup <= 1000:
        raise pytest.UsageError(f"--algoprint-warmup must be from 0 to 1000, got {opts.warmup}")
    if not 0 < opts.threshold <= 10:  # also refuses nan and inf
        raise pytest.UsageError(
            f"--algoprint-threshold must be > 0 and <= 10 (0.10 = 10 %), got {opts.threshold}"
        )
    if not 0 < opts.confidence < 1:
        raise pytest.UsageError(f"--algoprint-confidence must be in (0, 1), got {opts.confidence}")
    return opts


def pytest_configure(config: pytest.Config) -> None:
    opts = _options(config)
    if opts is None:
        return
    from algoprint.errors import AlgoprintError

    try:
        plugin = _EnergyPlugin(opts)
    except AlgoprintError as e:
        raise pytest.UsageError(f"algoprint: {e}") from e
    config.pluginmanager.register(plugin, _PLUGIN_NAME)


class _EnergyPlugin:
    def __init__(self, opts: _Options) -> None:
        from algoprint.advice.code._testmeter import meter_from_spec
        from algoprint.advice.code.gate import load_baseline
        from algoprint.config import load_settings

        self.opts = opts
        self.settings = load_settings({"scope": opts.scope})
        self.meters = [meter_from_spec(opts.meter)] if opts.meter else None
        self.baseline = load_baseline(opts.compare) if opts.compare else None
        self.tracker: Any = None
        self.slots: list[tuple[str, str, float, float]] = []  # nodeid, phase, wall s, cpu s
        self.failed: set[str] = set()
        self.lines: list[str] = []
        self._names = itertools.count()

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        from algoprint.tracking.tracker import Tracker

        self.tracker = Tracker(settings=self.settings, meters=self.meters, store=False)
        self.tracker.start()

    @pytest.hookimpl(wrapper=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> Generator[None, object, object]:
        original = pyfuncitem.obj
        plain = not (inspect.iscoroutinefunction(original) or inspect.isasyncgenfunction(original))
        if self.tracker is None or not plain:
            return (yield)
        run, nodeid, opts = self.tracker.run, pyfuncitem.nodeid, self.opts

        def repeated(*args: Any, **kwargs: Any) -> Any:
            result = None
            for _ in range(opts.warmup):
                original(*args, **kwargs)
            for _ in range(opts.repeats):
                name = f"pytest-{next(self._names)}"
                with run.phase(name):
                    cpu0_s, wall0_s = time.process_time(), time.perf_counter()
                    result = original(*args, **kwargs)
                    wall_s = time.perf_counter() - wall0_s
                    cpu_s = time.process_time() - cpu0_s
                self.slots.append((nodeid, name, wall_s, cpu_s))
            return result

        pyfuncitem.obj = repeated
        try:
            return (yield)
        finally:
            pyfuncitem.obj = original

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed.add(report.nodeid)

    def _measurements(self, record: Any) -> list[Any]:
        from algoprint.advice.code.gate import TestMeasurement

        phases = {p.name: p for p in record.phases}
        found: dict[str, TestMeasurement] = {}
        for nodeid, name, wall_s, cpu_s in self.slots:
            phase = phases.get(name)
            if nodeid in self.failed or phase is None:
                continue
            m = found.setdefault(nodeid, TestMeasurement(nodeid))
            energy = phase.energy_j
            if energy is not None and phase.duration_s > 0:
                # The phase's mean power x the body's own time: the phase edges' snapshots
                # (milliseconds each) are not the test's work.
                energy = energy * min(1.0, wall_s / phase.duration_s)
            m.energy_j.append(energy)
            m.duration_s.append(wall_s)
            m.cpu_s.append(cpu_s)
        return list(found.values())

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        from algoprint.advice.code import gate
        from algoprint.errors import AlgoprintError

        if self.tracker is None:
            return
        record = self.tracker.stop()
        measurements = self._measurements(record)
        methods = {c.method for c in record.components if c.energy_j is not None}
        self.lines = gate.render_measurements(measurements)
        fail = False
        try:
            if self.baseline is not None:
                metric, reason = gate.resolve_metric(self.opts.metric, methods)
                report = gate.compare_to_baseline(
                    self.baseline, measurements, metric=metric, metric_reason=reason,
                    threshold=self.opts.threshold, confidence=self.opts.confidence,
                )  # fmt: skip
                self.lines += ["", *gate.render_gate(report)]
                fail = bool(report.regressions)
                for v in report.regressions:
                    e = v.estimate
                    ratio = "" if e is None else f" ×{e.ratio:.3f} [{e.low:.3f}, {e.high:.3f}]"
                    _report_failure(
                        session,
                        v.nodeid,
                        f"energy regression in {report.metric}:{ratio}, beyond "
                        f"{100 * report.threshold:.0f} % ({report.metric_reason})",
                    )
                if self.opts.algorithm is not None:
                    from algoprint.advice.code._persist import persist_analysis

                    persist_analysis(report.to_analysis(self.opts.algorithm), db=self.settings.db)
            if self.opts.save:
                doc = gate.build_baseline(
                    measurements, meters=record.meters, scope=record.scope,
                    energy_methods=methods, repeats=self.opts.repeats, warmup=self.opts.warmup,
                )  # fmt: skip
                path = gate.write_baseline(self.opts.save, doc)
                self.lines.append(f"algoprint: baseline of {len(measurements)} tests in {path}")
        except AlgoprintError as e:
            self.lines.append(f"algoprint: error: {e}")
            _report_failure(session, "", f"the energy gate could not run: {e}", when="setup")
            fail = True
        if fail and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.lines:
            return
        terminalreporter.write_sep("-", "algoprint energy per test")
        for line in self.lines:
            terminalreporter.write_line(line)


def _report_failure(
    session: pytest.Session,
    nodeid: str,
    message: str,
    when: Literal["setup", "call", "teardown"] = "call",
) -> None:
    """Report the gate's verdict as a test outcome, so pytest's own summary shows it.

    ``when="call"`` counts as a failure (a regression), ``"setup"`` as an error (the gate
    could not run). The item is ``<test>::algoprint-energy-gate``.
    """
    path = nodeid.split("::", 1)[0] or "algoprint"
    report = pytest.TestReport(
        nodeid=f"{nodeid}::algoprint-energy-gate" if nodeid else "algoprint-energy-gate",
        location=(path, None, "algoprint energy gate"),
        keywords={},
        outcome="failed",
        longrepr=f"algoprint: {message}",
        when=when,
    )
    session.config.hook.pytest_runtest_logreport(report=report)
