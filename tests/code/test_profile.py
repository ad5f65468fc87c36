"""Energy profiles of Python commands, other commands and in-process code."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from algoprint.advice.code import profile, profile_command, render_profile
from algoprint.advice.code._command import parse_python_command
from algoprint.config import Settings
from algoprint.errors import InputError
from algoprint.records import AnalysisRecord
from tests.tracking._fakes import ConstantPowerMeter

HOT_PROGRAM = """
import sys


def busy(n):
    x = 0
    for i in range(n):  # a fixed amount of CPU work: the same under any load
        x += i * i
    return x


def hot():
    return busy(1_500_000)


def warm():
    return busy(150_000)


def main():
    for _ in range(3):
        hot()
        warm()
    sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)


if __name__ == "__main__":
    main()
"""


class FakeStore:
    def __init__(self) -> None:
        self.saved: list[AnalysisRecord] = []

    def save_analysis(self, record: AnalysisRecord) -> None:
        self.saved.append(record)


@pytest.fixture
def hot_script(tmp_path: Path) -> Path:
    path = tmp_path / "hot_app.py"
    path.write_text(HOT_PROGRAM)
    return path


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def hot_function() -> None:
    busy(0.25)


def mild_function() -> None:
    busy(0.04)


def test_the_hot_function_ranks_first(hot_script: Path, tmp_path: Path) -> None:
    html = tmp_path / "flame.html"
    store = FakeStore()
    result = profile_command(
        [sys.executable, str(hot_script)],
        settings=Settings(),
        meters=[ConstantPowerMeter(power_w=50.0)],
        out_html=html,
        algorithm="my-model",
        store=store,
    )
    assert result.per_function
    assert result.exit_code == 0
    own = [h for h in result.hotspots if h.file == str(hot_script)]
    # Process scope (the default) ranks by the process's own CPU time: the leaf that computes
    # comes first. The work is a fixed number of iterations, not a wall-clock span, so the
    # ranking holds however loaded the machine is.
    assert result.scope == "process"
    assert own[0].function == "busy"
    assert own[0].self_cpu_s == max(h.self_cpu_s for h in result.hotspots) > 0
    by_name = {h.function: h for h in own}
    assert by_name["main"].total_s >= by_name["hot"].total_s  # a caller includes its callee
    assert by_name["busy"].process_energy_j == max(
        h.process_energy_j or 0.0 for h in result.hotspots
    )
    # At a constant 50 W, the attributed energy is 50 W x the sampled time.
    assert result.energy_j == pytest.approx(50.0 * result.duration_s, rel=0.05)
    assert result.attributed_energy_j == pytest.approx(50.0 * result.profiled_s, rel=0.1)
    assert result.outside_energy_j is not None and result.outside_energy_j >= 0
    # No runner or runpy frames leak into the profile.
    assert not any("runpy" in h.file or "_runner" in h.file for h in result.hotspots)
    assert result.html_path == str(html)
    page = html.read_text()
    assert ">hot<" in page and "https://" not in page
    [record] = store.saved
    assert record.kind == "code-profile" and record.algorithm == "my-model"
    assert record.result["hotspots"][0]["function"] == "busy"
    assert record.run_ids == [result.run.run_id]
    json.dumps(record.to_dict())  # JSON-ready
    text = "\n".join(render_profile(result))
    assert "hot (" in text and "power-timeline" in text


def test_exit_code_and_arguments_reach_the_target(hot_script: Path) -> None:
    result = profile_command(
        [sys.executable, "-u", str(hot_script), "3"],
        settings=Settings(),
        meters=[ConstantPowerMeter(power_w=10.0)],
    )
    assert result.exit_code == 3
    assert result.per_function
    assert result.run.exit_code == 3


def test_module_targets_run_as_main(
    hot_script: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "app.py").write_text(HOT_PROGRAM)
    monkeypatch.chdir(tmp_path)
    result = profile_command(
        [sys.executable, "-m", "pkg.app"],
        settings=Settings(),
        meters=[ConstantPowerMeter(power_w=10.0)],
    )
    assert result.per_function
    assert result.hotspots[0].function == "busy"
    assert result.hotspots[0].file.endswith("app.py")


def test_other_commands_fall_back_to_whole_process(tmp_path: Path) -> None:
    html = tmp_path / "flame.html"
    result = profile_command(
        ["sleep", "0.2"],
        settings=Settings(),
        meters=[ConstantPowerMeter(power_w=20.0)],
        out_html=html,
    )
    assert not result.per_function
    assert result.method == "whole-process"
    assert result.hotspots == []
    assert result.energy_j == pytest.approx(20.0 * result.duration_s, rel=0.05)
    assert result.duration_s >= 0.2
    assert any("whole-process energy only" in n and "sleep" in n for n in result.notes)
    assert not html.exists()
    assert any("no flame graph" in n for n in result.notes)
    assert "whole-process" in "\n".join(render_profile(result))
    # Dutch: the same notes in Dutch, in the same order, and a Dutch rendering.
    assert len(result.notes_nl) == len(result.notes)
    assert any("alleen de energie van het hele proces" in n for n in result.notes_nl)
    assert any("sleep is geen Python-interpreter" in n for n in result.notes_nl)
    assert any("geen vlamgrafiek" in n for n in result.notes_nl)
    dutch = "\n".join(render_profile(result, lang="nl"))
    assert "toerekening: hele proces" in dutch and "whole" not in dutch
    assert f"{result.duration_s:.3g}".replace(".", ",") in dutch
    with pytest.raises(InputError, match="unknown language"):
        render_profile(result, lang="de")


def test_meter_notices_are_dutch_in_dutch_output() -> None:
    from algoprint.advice.code._texts import degradation_text

    rapl = "no readable CPU energy counter (RAPL); CPU energy comes from a power model"
    assert "geen leesbare CPU-energieteller" in degradation_text("cpu", rapl, "nl")
    assert degradation_text("cpu", rapl, "en") == f"cpu: {rapl}"
    other = degradation_text("nvml", "the GPU counter wrapped", "nl")
    assert other.startswith("nvml: melding van de meter") and "wrapped" not in other


def test_python_c_falls_back_with_a_reason() -> None:
    result = profile_command(
        [sys.executable, "-c", "pass"],
        settings=Settings(),
        meters=[ConstantPowerMeter(power_w=5.0)],
    )
    assert not result.per_function
    assert any("-c" in n for n in result.notes)


def test_a_target_that_leaves_no_profile_is_said(tmp_path: Path) -> None:
    script = tmp_path / "hard_exit.py"
    script.write_text("import os\nos._exit(4)\n")
    result = profile_command(
        [sys.executable, str(script)], settings=Settings(), meters=[ConstantPowerMeter(power_w=5.0)]
    )
    assert result.exit_code == 4
    assert not result.per_function
    assert any("left no profile" in n for n in result.notes)


@pytest.mark.parametrize(
    ("argv", "message"),
    [([], "no command"), (["/nonexistent/algoprint-test-binary"], "cannot start")],
)
def test_bad_commands_are_input_errors(argv: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        profile_command(argv, settings=Settings(), meters=[ConstantPowerMeter(power_w=5.0)])


def test_unwritable_html_is_an_input_error(hot_script: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="flame graph"):
        profile_command(
            [sys.executable, str(hot_script)],
            settings=Settings(),
            meters=[ConstantPowerMeter(power_w=5.0)],
            out_html=tmp_path / "missing-dir" / "f.html",
        )


@pytest.mark.parametrize(
    ("argv", "script", "module", "args", "options"),
    [
        (["python", "app.py", "-x", "1"], "app.py", None, ("-x", "1"), ()),
        (["python3", "-u", "-X", "dev", "app.py"], "app.py", None, (), ("-u", "-X", "dev")),
        (["python3.11", "-m", "pkg.mod", "--flag"], None, "pkg.mod", ("--flag",), ()),
        (["/usr/bin/python3", "-Wignore", "-mpkg"], None, "pkg", (), ("-Wignore",)),
        ([sys.executable, "-O", "s.py"], "s.py", None, (), ("-O",)),
    ],
)
def test_python_commands_are_recognised(
    argv: list[str],
    script: str | None,
    module: str | None,
    args: tuple[str, ...],
    options: tuple[str, ...],
) -> None:
    target, reason = parse_python_command(argv)
    assert reason is None and target is not None
    assert (target.script, target.module, target.args, target.options) == (
        script,
        module,
        args,
        options,
    )


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["bash", "run.sh"], "not a Python interpreter"),
        (["python", "-c", "pass"], "-c"),
        (["python"], "interactive"),
        (["python", "-"], "stdin"),
        (["python", "-m"], "-m without"),
        (["pythonista", "a.py"], "not a Python interpreter"),
    ],
)
def test_other_commands_are_not_python_targets(argv: list[str], reason: str) -> None:
    target, why = parse_python_command(argv)
    assert target is None
    assert why is not None and reason in why


def test_profile_context_manager_ranks_the_hot_function_first(tmp_path: Path) -> None:
    html = tmp_path / "in-process.html"
    with profile(
        settings=Settings(), meters=[ConstantPowerMeter(power_w=40.0)], out_html=html
    ) as prof:
        hot_function()
        mild_function()
    result = prof.result
    assert result is not None and result.per_function
    ranked = [h.function for h in result.hotspots if h.self_s > 0]
    assert ranked[0] == "busy"
    by_name = {h.function: h for h in result.hotspots}
    assert by_name["hot_function"].total_s > 3 * by_name["mild_function"].total_s
    # Stacks start at this test function: pytest's frames are cut off.
    assert {h.file for h in result.hotspots} == {__file__}
    assert result.energy_j == pytest.approx(40.0 * result.duration_s, rel=0.05)
    assert html.exists()


def test_profile_decorator_keeps_the_last_result_and_the_return_value() -> None:
    prof = profile(settings=Settings(), meters=[ConstantPowerMeter(power_w=10.0)])

    @prof
    def work(n: int) -> int:
        busy(0.1)
        return n * 2

    assert work(21) == 42
    result = prof.result
    assert result is not None
    names = {h.function for h in result.hotspots}
    assert (
        "test_profile_decorator_keeps_the_last_result_and_the_return_value.<locals>.work" in names
    )
    assert not any(h.file.endswith("contextlib.py") for h in result.hotspots)


def test_profile_lets_the_block_exception_through() -> None:
    prof = profile(settings=Settings(), meters=[ConstantPowerMeter(power_w=10.0)])
    with pytest.raises(ZeroDivisionError), prof:
        busy(0.02)
        _ = 1 / 0
    assert prof.result is not None
    assert prof.result.run.status.value == "failed"
