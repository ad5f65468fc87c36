"""`algoprint profile` and `algoprint compare` from the command line."""

from __future__ import annotations

import json
import re
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
    proc = run("profile", "--lang", "en", "--", "sleep", "0.2")
    assert proc.returncode == 0, proc.stderr
    assert "whole-process energy only" in proc.stdout and "not a Python" in proc.stdout
    dutch = run("profile", "--lang", "nl", "--", "sleep", "0.2")
    assert dutch.returncode == 0, dutch.stderr
    assert "alleen de energie van het hele proces" in dutch.stdout
    assert "is geen Python-interpreter" in dutch.stdout


# Words of the English output that must not appear in the Dutch one.
ENGLISH = re.compile(
    r"\b(energy|command|note|ranked by|sampled|attributed|share|function|verdict|ratio|"
    r"duration|decided|deciding|process CPU time|wall time|no clear|uses (less|more)|"
    r"not available|counter|power model|whole-process)\b"
)


def test_profile_speaks_dutch_and_english(tmp_path: Path) -> None:
    script = tmp_path / "prog.py"
    script.write_text("def hot():\n    return sum(i * i for i in range(300_000))\nhot()\n")
    nl = run("profile", "--lang", "nl", "--", PY, str(script))
    assert nl.returncode == 0, nl.stderr
    assert "gerangschikt op: CPU-tijd van het proces" in nl.stdout
    assert "functie (bestand:regel)" in nl.stdout and "let op:" in nl.stdout
    # The command line and the table rows (function names, paths) are the user's; every
    # other line is Dutch and fits 80 columns.
    lines = nl.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if "functie (bestand:regel)" in line)
    text_lines = [line for line in lines[: head + 1] if not line.startswith("opdracht:")]
    assert ENGLISH.findall("\n".join(text_lines)) == [], nl.stdout
    assert max(len(line) for line in text_lines) <= 80, nl.stdout
    en = run("profile", "--lang", "en", "--", PY, str(script))
    assert en.returncode == 0, en.stderr
    assert "ranked by: process CPU time" in en.stdout and "function (file:line)" in en.stdout
    assert ",0" not in en.stdout.replace(str(script), "")  # English decimals


def test_compare_speaks_dutch_and_english() -> None:
    cmd = ["--", PY, "-c", "sum(range(10**5))", "--", PY, "-c", "sum(range(10**5))"]
    nl = run("compare", "-n", "2", "--lang", "nl", *cmd)
    assert nl.returncode == 0, nl.stderr
    assert "oordeel: " in nl.stdout and "beslissende maat: " in nl.stdout
    assert "verhouding B/A" in nl.stdout and "95 %" in nl.stdout
    body = "\n".join(line for line in nl.stdout.splitlines() if not line.startswith(("A: ", "B: ")))
    assert ENGLISH.findall(body) == [], body
    assert max(len(line) for line in body.splitlines()) <= 80
    en = run("compare", "-n", "2", "--lang", "en", *cmd)
    assert en.returncode == 0, en.stderr
    assert "verdict: " in en.stdout and "deciding metric: " in en.stdout
    bad = run("compare", "--lang", "fr", *cmd)
    assert bad.returncode == 2 and "'fr' is not one of" in bad.stderr


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
