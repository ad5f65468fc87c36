"""`algoprint profile` and `algoprint compare` from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PY = sys.executable


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PY, "-m", "algoprint", *args], capture_output=True, text=True, check=False, timeout=300
    )


def test_profile_ranks_the_hot_function_first(tmp_path: Path) -> None:
    script = tmp_path / "prog.py"
    script.write_text(
        "def hot():\n    return sum(i * i for i in range(2_000_000))\n"
        "def cold():\n    return sum(range(1000))\n"
        "for _ in range(3):\n    hot()\n    cold()\n"
    )
    html = tmp_path / "flame.html"
    proc = run("profile", "--json", "--html", str(html), "--", PY, str(script))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    top = doc["hotspots"][0]
    assert "hot" in top["function"] and "cold" not in top["function"]
    assert html.read_text().lstrip().lower().startswith("<!doctype html")


def test_profile_of_a_non_python_command_falls_back_and_says_so() -> None:
    proc = run("profile", "--", "sleep", "0.2")
    assert proc.returncode == 0, proc.stderr
    assert "whole process" in proc.stdout.lower() or "not a python" in proc.stdout.lower()


def test_compare_needs_two_commands() -> None:
    proc = run("compare", "--", PY, "-c", "pass")
    assert proc.returncode == 2
    assert "two commands" in proc.stderr and "Traceback" not in proc.stderr


def test_compare_reports_a_ratio_with_an_interval() -> None:
    proc = run(
        "compare",
        "--json",
        "-n",
        "3",
        "--",
        PY,
        "-c",
        "sum(range(10**5))",
        "--",
        PY,
        "-c",
        "sum(range(10**5))",
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["repeats"] == 3
    energy = doc["energy_ratio"]
    assert energy["low"] <= energy["ratio"] <= energy["high"]
