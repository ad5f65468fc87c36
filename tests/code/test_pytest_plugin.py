"""pytest --algoprint: per-test energy, baselines and the regression gate (via pytester)."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]


def _plugin_args() -> tuple[str, ...]:
    # Once the pytest11 entry point is installed the plugin loads by itself, and naming its
    # module again with -p would register it twice.
    installed = any(
        ep.value == "algoprint.pytest_plugin"
        for ep in importlib.metadata.entry_points(group="pytest11")
    )
    return () if installed else ("-p", "algoprint.pytest_plugin")


# hypothesis's plugin is blocked only to keep the inner sessions fast.
PLUGIN = (*_plugin_args(), "-p", "no:cacheprovider", "-p", "no:hypothesispytest")
METER = "--algoprint-meter=constant:50"


def write_tests(pytester: pytest.Pytester, nap_s: float) -> None:
    pytester.makepyfile(
        test_work=f"""
        import time

        def test_nap():
            time.sleep({nap_s})

        def test_steady():
            time.sleep(0.03)
        """
    )


def test_save_then_compare_passes_when_nothing_changed(pytester: pytest.Pytester) -> None:
    write_tests(pytester, 0.03)
    base = pytester.path / "base.json"
    saved = pytester.runpytest(
        *PLUGIN, METER, "--algoprint-repeats=3", f"--algoprint-save-baseline={base}"
    )
    assert saved.ret == 0
    doc = json.loads(base.read_text())
    nap = doc["tests"]["test_work.py::test_nap"]
    assert nap["repeats"] == 3
    assert len(nap["energy_j"]) == 3
    # constant 50 W: energy = 50 W x the body's own duration.
    for energy, duration in zip(nap["energy_j"], nap["duration_s"], strict=True):
        assert energy == pytest.approx(50.0 * duration, rel=1e-6)
    assert min(nap["duration_s"]) >= 0.03
    assert doc["energy_methods"] == ["constant"]
    saved.stdout.fnmatch_lines(
        ["*algoprint energy per test*", "*test_nap: *J*", "*baseline of 2 tests*"]
    )

    again = pytester.runpytest(
        *PLUGIN, METER, "--algoprint-repeats=3", f"--algoprint-compare={base}",
        "--algoprint-metric=energy", "--algoprint-threshold=0.5",
    )  # fmt: skip
    assert again.ret == 0
    again.stdout.fnmatch_lines(
        ["*metric: energy (chosen with --algoprint-metric)*", "*no regression beyond 50 %*"]
    )


def test_a_slower_test_fails_the_session(pytester: pytest.Pytester) -> None:
    write_tests(pytester, 0.02)
    base = pytester.path / "base.json"
    assert (
        pytester.runpytest(
            *PLUGIN, METER, "--algoprint-repeats=3", f"--algoprint-save-baseline={base}"
        ).ret
        == 0
    )

    write_tests(pytester, 0.08)  # four times the sleep: energy at 50 W grows with it
    result = pytester.runpytest(
        *PLUGIN, METER, "--algoprint-repeats=3", f"--algoprint-compare={base}",
        "--algoprint-metric=energy", "--algoprint-threshold=0.5",
    )  # fmt: skip
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # The tests pass; the gate's regression is a failure in pytest's own summary.
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*REGRESSION*test_work.py::test_nap: ×*",
            "*algoprint: 1 regression(s) beyond 50 % in energy*",
            "*FAILED test_work.py::test_nap::algoprint-energy-gate*",
        ]
    )


def test_auto_metric_uses_cpu_time_without_a_counter(pytester: pytest.Pytester) -> None:
    write_tests(pytester, 0.01)
    base = pytester.path / "base.json"
    assert (
        pytester.runpytest(
            *PLUGIN, METER, "--algoprint-repeats=2", f"--algoprint-save-baseline={base}"
        ).ret
        == 0
    )
    result = pytester.runpytest(
        *PLUGIN, METER, "--algoprint-repeats=2", f"--algoprint-compare={base}"
    )
    result.stdout.fnmatch_lines(
        ["*metric: process CPU time: the energy is estimated (constant), not measured by a*"]
    )


def test_failed_tests_are_not_measured(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_mixed="""
        def test_ok():
            pass

        def test_bad():
            assert False
        """
    )
    base = pytester.path / "base.json"
    result = pytester.runpytest(
        *PLUGIN, METER, "--algoprint-repeats=2", f"--algoprint-save-baseline={base}"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert list(json.loads(base.read_text())["tests"]) == ["test_mixed.py::test_ok"]


def test_repeats_body_and_fixture_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_count="""
        import pytest
        CALLS = []
        SETUPS = []

        @pytest.fixture
        def thing():
            SETUPS.append(1)
            return 1

        def test_body(thing):
            CALLS.append(thing)

        def test_after():
            assert len(SETUPS) == 1
            assert len(CALLS) == 1 + 4  # warm-up + repeats
        """
    )
    result = pytester.runpytest(
        *PLUGIN, METER, "--algoprint", "--algoprint-repeats=4", "-p", "no:randomly"
    )
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--algoprint-repeats=1", "--algoprint-save-baseline=b.json"],
            "*--algoprint-repeats must be from 2 to 1000*",
        ),
        (["--algoprint", "--algoprint-repeats=0"], "*--algoprint-repeats must be from 1 to 1000*"),
        (["--algoprint", "--algoprint-repeats=1e23"], "*invalid int value*"),
        (["--algoprint", "--algoprint-warmup=-1"], "*--algoprint-warmup must be from 0 to 1000*"),
        (["--algoprint-compare=missing.json"], "*baseline missing.json does not exist*"),
        (["--algoprint", "--algoprint-meter=solar:3"], "*unknown meter spec*"),
        (["--algoprint", "--algoprint-threshold=0"], "*--algoprint-threshold must be > 0*"),
        (["--algoprint", "--algoprint-threshold=inf"], "*--algoprint-threshold must be > 0*"),
        (["--algoprint", "--algoprint-threshold=nan"], "*--algoprint-threshold must be > 0*"),
        (["--algoprint", "--algoprint-threshold=1e308"], "*--algoprint-threshold must be > 0*"),
        (["--algoprint", "--algoprint-confidence=nan"], "*--algoprint-confidence must be in*"),
    ],
)
def test_bad_options_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    write_tests(pytester, 0.0)
    result = pytester.runpytest(*PLUGIN, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_inactive_without_options(pytester: pytest.Pytester) -> None:
    write_tests(pytester, 0.0)
    result = pytester.runpytest(*PLUGIN)
    assert result.ret == 0
    assert "algoprint energy" not in result.stdout.str()


def test_baseline_path_must_be_writable(pytester: pytest.Pytester, tmp_path: Path) -> None:
    write_tests(pytester, 0.0)
    target = tmp_path / "missing-dir" / "b.json"
    result = pytester.runpytest(
        *PLUGIN, METER, "--algoprint-repeats=2", f"--algoprint-save-baseline={target}"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*algoprint: error: cannot write the baseline*"])
