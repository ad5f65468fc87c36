"""A bare ``pip install algoprint`` (no extras): every command runs, or says in one line which
extra it needs. Never a traceback.

The package is built as a wheel and unpacked into a new virtual environment that holds only
the core dependencies (``[project] dependencies`` and what they need, linked from this
environment, so the test stays offline and takes seconds). No scikit-learn, numpy, Babel,
typst, openpyxl or torch is importable there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
OPTIONAL = ("sklearn", "numpy", "babel", "typst", "openpyxl", "torch", "scipy", "fastapi", "pandas")

pytestmark = [pytest.mark.slow, pytest.mark.fresh_venv]


def _requirement_name(spec: str) -> str | None:
    """The distribution a requirement names; ``None`` for one that only an extra needs.

    Other markers (python_version, platform) are not evaluated: a requirement that does not
    apply here is simply not installed, and :func:`core_distributions` skips it.
    """
    if ";" in spec and "extra" in spec.split(";", 1)[1]:
        return None
    match = re.match(r"[A-Za-z0-9_.\-]+", spec.strip())
    return match.group(0) if match else None


def core_distributions() -> set[str]:
    """The core dependencies of algoprint and everything they require (not extras)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    todo = [n for n in map(_requirement_name, project["dependencies"]) if n]
    seen: set[str] = set()
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python
        seen.add(name)
        for spec in requires:
            dep = _requirement_name(spec)
            if dep:
                todo.append(dep)
    return seen


def link_distribution(name: str, site: Path) -> None:
    """Link the top-level files of installed distribution ``name`` into ``site``."""
    dist = metadata.distribution(name)
    base = Path(str(dist.locate_file("")))
    tops = {Path(str(f)).parts[0] for f in dist.files or () if not str(f).startswith("..")}
    for top in tops:
        source = base / top
        target = site / top
        if source.exists() and not target.exists() and not top.endswith(".pth"):
            target.symlink_to(source)


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with algoprint (from its wheel) and only the core dependencies."""
    tmp = tmp_path_factory.mktemp("fresh")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp / "dist").glob("algoprint-*.whl"))
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    for name in core_distributions():
        link_distribution(name, site)
    return python


def algoprint(python: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "XDG_CONFIG_HOME": str(cwd / ".config"),
        "XDG_DATA_HOME": str(cwd / ".data"),
        "ALGOPRINT_DB": str(cwd / "store.sqlite"),
        "ALGOPRINT_LOCATION": "NL",
        "COLUMNS": "80",
    }
    return subprocess.run(
        [str(python), "-m", "algoprint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_no_optional_dependency_is_importable(bare: Path) -> None:
    code = f"import importlib.util as u; print([m for m in {OPTIONAL!r} if u.find_spec(m)])"
    out = subprocess.run([str(bare), "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _commands(tmp: Path) -> list[tuple[tuple[str, ...], str | None]]:
    """Every command once: (arguments, the extra it may name instead of running)."""
    answers = str(FIXTURES / "procure" / "supplier-groenai.csv")
    data = tmp / "data.csv"
    data.write_text("a,b,y\n1,2,0\n2,3,1\n3,4,0\n4,5,1\n")
    py = sys.executable  # any program to measure
    return [
        (("doctor",), None),
        (("run", "--", py, "-c", "pass"), None),
        (("runs",), None),
        (("show", "RUN"), None),
        (("algorithm", "add", "nieuw", "--name", "Nieuw", "--location", "NL"), None),
        (("algorithm", "edit", "nieuw", "--name", "Nieuw model"), None),
        (("algorithm", "list"), None),
        (("algorithm", "show", "fraude-risico"), None),
        (("algorithm", "archive", "nieuw"), None),
        (("algorithm", "unarchive", "nieuw"), None),
        (("kader", "status"), None),
        (("kader", "show", "mon-06"), None),
        (("kader", "set", "fraude-risico", "owp-13", "--state", "in progress"), None),
        (("kader", "history", "fraude-risico"), None),
        (("kader", "export", "-o", "amt.json"), None),
        (("kader", "import", "amt.json"), None),
        (("kader", "goals"), None),
        (("kader", "register-text", "fraude-risico"), None),
        (("report", "-a", "fraude-risico", "-f", "md"), None),
        (("report", "-a", "fraude-risico", "-f", "html"), None),
        (("report", "-a", "fraude-risico", "-f", "json", "-o", "r.json"), None),
        (("report", "-a", "fraude-risico", "-f", "csv"), None),
        (("report", "-a", "fraude-risico", "-f", "pdf"), "report"),
        (("export", "csrd", "-o", "csrd.json"), None),
        (("export", "boamps", "-o", "boamps.json"), None),
        (("export", "runs", "-o", "runs.csv"), None),
        (("export", "amt", "-a", "fraude-risico", "-o", "amt2.yaml"), None),
        (("amt", "export", "-a", "fraude-risico", "-o", "card.yaml"), None),
        (("amt", "pull", "card.yaml", "-a", "fraude-risico"), None),
        (("server", "org", "create", "gemeente-a"), "server"),
        (("profile", "--", py, "-c", "pass"), None),
        (("compare", "-n", "2", "--", py, "-c", "pass", "--", py, "-c", "x = 1"), None),
        (("factors",), None),
        (("estimate", "llm", "--model", "gpt-4o", "--output-tokens", "100"), None),
        (("advise", "simplicity", str(data), "-t", "y"), "ml"),
        (("advise", "data", str(data), "-t", "y"), "ml"),
        (("advise", "training", "--model", "m:f", "--data", "m:d", "--loss", "mse"), "train"),
        (("where", "NL", "SE", "--energy-kwh", "10"), None),
        (("procure", "requirements", "--kind", "ai-model"), None),
        (("procure", "questionnaire", "--kind", "ai-model", "-o", "q.csv"), None),
        (("procure", "evaluate", "--kind", "ai-model", answers), None),
        (("schedule", "--duration", "2h", "--zone", "NL"), None),
        (("demo", "--out", "demo"), "ml"),
    ]


def test_every_command_runs_or_names_its_extra(bare: Path, tmp_path: Path) -> None:
    fill = (
        "import sys; from algoprint.store import open_store; "
        "from algoprint.report.sample import fill_sample_store; "
        "fill_sample_store(open_store(sys.argv[1]), runs=12)"
    )
    subprocess.run([str(bare), "-c", fill, str(tmp_path / "store.sqlite")], check=True)
    (tmp_path / "algoprint.toml").write_text(  # the sample's datacentre (SAMPLE_SETTINGS_EXTRA)
        '[datacentres.rijks-dc]\nzone = "NL"\npue = 1.3\ncontract = "groen-gvo"\n'
    )
    runs = algoprint(bare, tmp_path, "runs", "--json")
    run_id = json.loads(runs.stdout)[0]["run_id"]
    problems = []
    for template, extra in _commands(tmp_path):
        args = tuple(run_id if a == "RUN" else a for a in template)
        result = algoprint(bare, tmp_path, *args)
        text = result.stdout + result.stderr
        line = " ".join(args)
        if "Traceback" in text:
            problems.append(f"{line}: traceback\n{text[-1500:]}")
        elif result.returncode != 0:
            errors = [x for x in result.stderr.splitlines() if x.startswith("algoprint: error")]
            if extra is None:
                problems.append(f"{line}: exit {result.returncode}\n{result.stderr[-800:]}")
            elif len(errors) != 1 or f"algoprint[{extra}]" not in result.stderr:
                problems.append(f"{line}: no one-line message naming [{extra}]\n{text[-800:]}")
    assert problems == [], "\n\n".join(problems)
