"""%load_ext algoprint, %%algoprint and %algoprint_summary through IPython's API."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("IPython")

from IPython.core.interactiveshell import InteractiveShell

from algoprint.errors import InputError
from algoprint.integrations.jupyter import _parse
from algoprint.store import open_store


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("ALGOPRINT_DB", str(tmp_path / "runs.sqlite"))
    monkeypatch.setenv("ALGOPRINT_CPU_TDP_W", "100")
    prompts = {name: getattr(sys, name) for name in ("ps1", "ps2") if hasattr(sys, name)}
    sh = InteractiveShell.instance()
    sh.run_line_magic("load_ext", "algoprint")
    yield sh
    InteractiveShell.clear_instance()
    # The shell sets sys.ps1/ps2, which mark an interactive interpreter (process scope by
    # default, config.context_scope): put them back so later tests run as a script does.
    for name in ("ps1", "ps2"):
        if name in prompts:
            setattr(sys, name, prompts[name])
        elif hasattr(sys, name):
            delattr(sys, name)


def test_cell_magic_measures_the_cell_and_prints_a_summary(
    shell: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = shell.run_cell(
        "%%algoprint --phase training --algorithm nb-model --location NL "
        "--units 1000 --unit training-samples\n"
        "total = sum(i * i for i in range(200_000))\n"
    )
    assert result.success
    assert shell.user_ns["total"] == sum(i * i for i in range(200_000))  # the cell really ran
    out = capsys.readouterr().out
    assert "algoprint · training ·" in out and "(process)" in out and "CO₂e" in out
    assert "per training sample" in out
    # energy in watt-hours with its interval in the same unit, or, for a few milliseconds of
    # work, the table floor (no long decimals); never exponent notation or joules
    assert re.search(r"(\d [k]?Wh \([\d.]+–[\d.]+\)|< 0\.001 Wh) \(process\)", out), out
    assert re.search(r"(\d k?g CO₂e \([\d.]+–[\d.]+\)|< 0\.001 g CO₂e)", out), out
    figures = re.sub(r"run [0-9a-f]{8}", "run ID", out)  # a hex run id may read like "3e3"
    assert not re.search(r"\d[eE][-+]?\d|× 10|\^| J\b", figures), out
    (run,) = open_store(str(tmp_path / "runs.sqlite")).list_runs()
    assert run.algorithm == "nb-model" and run.phase == "training" and run.scope == "process"
    assert run.units == 1000 and run.tags["functional_unit"] == "training-samples"


def test_failing_cell_is_stored_failed_and_summary_lists_cells(
    shell: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("%%algoprint\nx = 1\n")
    failed = shell.run_cell("%%algoprint --phase inference\nraise ValueError('in the cell')\n")
    assert failed.success  # the magic itself ran; IPython showed the cell's traceback
    capsys.readouterr()
    shell.run_line_magic("algoprint_summary", "")
    out = capsys.readouterr().out
    assert out.count("\n1. ") + out.startswith("1. ") == 1 and "2. inference" in out
    assert "total:" in out and "in 2 cells" in out
    statuses = sorted(r.status.value for r in open_store(str(tmp_path / "runs.sqlite")).list_runs())
    assert statuses == ["completed", "failed"]


def test_dutch_summaries(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("%%algoprint --lang nl --location NL\nw = sum(range(100_000))\n")
    out = capsys.readouterr().out
    assert out.startswith("algoprint · cel · ") and "(proces)" in out
    assert re.search(r"(\d,\d+ [k]?Wh \([\d,]+–[\d,]+\)|< 0,001 Wh)", out), out  # comma
    shell.run_line_magic("algoprint_summary", "--lang nl")
    out = capsys.readouterr().out
    assert "1. cel · " in out and "totaal: " in out and "in 1 cellen" in out
    assert "(process)" not in out  # one language per output
    shell.run_line_magic("algoprint_summary", "--lang fr")
    assert "usage: %algoprint_summary [--lang en|nl]" in capsys.readouterr().out


def test_bad_options_are_one_line_and_the_cell_does_not_run(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("%%algoprint --phase\ny = 2\n")
    assert "unknown or incomplete option" in capsys.readouterr().out
    assert "y" not in shell.user_ns
    with pytest.raises(InputError, match=">= 0"):
        _parse("--units -3")
    with pytest.raises(InputError, match="--lang must be en or nl, got 'de'"):
        _parse("--lang de")


def test_html_repr(shell: Any) -> None:
    shell.run_cell("%%algoprint --no-store\nz = 3\n")
    magics = shell.user_ns["_algoprint_magics"]
    html = magics.cells[-1]._repr_html_()
    assert html.startswith('<table class="algoprint">') and "run " in html
