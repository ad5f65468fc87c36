"""A/B comparison of callables and commands."""

from __future__ import annotations

import sys
import time

import pytest

from algoprint.advice.code import compare_callables, compare_commands, render_compare
from algoprint.advice.code._testmeter import ConstantPowerMeter
from algoprint.advice.code.compare import _plan, split_commands
from algoprint.config import Settings
from algoprint.errors import InputError
from algoprint.records import AnalysisRecord
from tests.tracking._fakes import ConstantPowerMeter as GapMeter


class FakeStore:
    def __init__(self) -> None:
        self.saved: list[AnalysisRecord] = []

    def save_analysis(self, record: AnalysisRecord) -> None:
        self.saved.append(record)


def constant(power_w: float = 30.0) -> list[ConstantPowerMeter]:
    return [ConstantPowerMeter(power_w=power_w)]


def test_twice_the_work_is_about_twice_the_energy() -> None:
    store = FakeStore()
    result = compare_callables(
        lambda: time.sleep(0.05),
        lambda: time.sleep(0.10),
        repeats=4,
        settings=Settings(),
        meter_factory=constant,
        algorithm="route-planner",
        store=store,
    )
    assert result.energy is not None
    assert 1.7 < result.energy.ratio < 2.2
    assert result.energy.low > 1.3
    # 30 W constant: each trial's energy is 30 W x its own duration.
    for trial in result.trials:
        assert trial.energy_j == pytest.approx(30.0 * trial.duration_s, rel=1e-6)
        assert trial.run_duration_s >= trial.duration_s
    assert result.duration.ratio == pytest.approx(result.energy.ratio, rel=1e-6)
    # A constant power is not a counter: the shared rule decides on process CPU time, and a
    # sleep uses (almost) none, whatever the machine-scope energy says.
    assert result.basis is not None and result.basis.metric == "cpu"
    assert result.deciding_metric() in {"cpu", "duration"}
    assert [t.side for t in result.trials] == ["A", "B", "B", "A", "A", "B", "B", "A"]
    assert len(result.side("A")) == len(result.side("B")) == 4
    [record] = store.saved
    assert record.kind == "code-compare" and record.measure == "owk-05"
    assert record.result["energy_ratio"]["method"] == "paired-log-t"
    assert len(record.run_ids) == 8
    assert "(CPU-tijd)" in record.summary_nl
    text = "\n".join(render_compare(result))
    # Decided on process CPU time, never on the 2x machine-scope energy of the sleeps. Which
    # verdict that gives is chance: the process's other threads (a sampler, a test server)
    # run for twice as long during B's sleeps on a loaded machine.
    assert "energy" in text and "(decided on process CPU time)" in text
    dutch = "\n".join(render_compare(result, lang="nl"))
    assert "(beslist op CPU-tijd van het proces)" in dutch
    assert "volgorde om en om" in dutch and "95 %" in dutch
    assert "maar geschat (vaste waarde)" in dutch  # the constant meter, in Dutch
    body = "\n".join(dutch.splitlines()[2:])  # after the two labels (the functions' names)
    assert "verdict" not in body and "energy" not in body


def test_commands_are_compared_with_their_exit_checked() -> None:
    slow = [sys.executable, "-c", "import time; time.sleep(0.15)"]
    fast = [sys.executable, "-c", "import time; time.sleep(0.02)"]
    result = compare_commands(
        slow, fast, repeats=2, settings=Settings(), meter_factory=constant, order="random", seed=3
    )
    assert result.energy is not None
    assert result.energy.ratio < 0.8
    # The constant meter models energy, so the verdict is decided on CPU time (the shared
    # rule); both commands do the same CPU work, so which way two repeats lean under load is
    # chance (the A/A rate is tested in test_decide.py), not part of this test.
    assert result.deciding_metric() == "cpu"
    assert result.cpu is not None
    assert result.label_a == " ".join(slow)
    assert {t.side for t in result.trials} == {"A", "B"}


def test_a_failing_command_is_an_error() -> None:
    with pytest.raises(InputError, match="exited with 2"):
        compare_commands(
            [sys.executable, "-c", "raise SystemExit(2)"],
            [sys.executable, "-c", "pass"],
            repeats=2,
            settings=Settings(),
            meter_factory=constant,
        )


def test_a_missing_program_is_an_error() -> None:
    with pytest.raises(InputError, match="cannot start command A"):
        compare_commands(
            ["/nonexistent/algoprint-x"], ["true"], repeats=2, settings=Settings(),
            meter_factory=constant,
        )  # fmt: skip


def test_energy_gaps_fall_back_to_time_and_say_so() -> None:
    result = compare_callables(
        lambda: time.sleep(0.01),
        lambda: time.sleep(0.01),
        repeats=2,
        settings=Settings(),
        meter_factory=lambda: [GapMeter(power_w=5.0, gap=True)],
    )
    assert result.energy is None
    assert result.energy_note is not None and "not measured" in result.energy_note
    assert "energy   not available" in "\n".join(render_compare(result))


@pytest.mark.parametrize("repeats", [0, 1])
def test_fewer_than_two_repeats_is_an_error(repeats: int) -> None:
    with pytest.raises(InputError, match="at least 2"):
        compare_callables(lambda: None, lambda: None, repeats=repeats, settings=Settings())


def test_random_order_is_reproducible_and_balanced() -> None:
    first = _plan(6, "random", 42)
    assert first == _plan(6, "random", 42)
    for pair in range(6):
        assert sorted(side for p, side in first if p == pair) == ["A", "B"]
    with pytest.raises(InputError, match="unknown order"):
        _plan(3, "sideways", 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["python", "a.py"], "separated by --"),
        (["python", "a.py", "--"], "second command is missing"),
        (["--", "python", "b.py"], "first command is missing"),
    ],
)
def test_split_commands_errors(args: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        split_commands(args)


def test_split_commands() -> None:
    assert split_commands(["a", "-x", "--", "b", "--", "c"]) == (["a", "-x"], ["b", "--", "c"])


def test_missing_second_command_is_an_error() -> None:
    with pytest.raises(InputError, match="second command is missing"):
        compare_commands(["true"], [], repeats=2, settings=Settings())
