"""Encodings and fuzzed inputs: clear messages, never a traceback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.resilience._progs import PY, env_for


def _cli(
    *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [PY, "-m", "algoprint", *args], env=env, cwd=cwd, capture_output=True, timeout=120,
        check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("enc") / "runs.sqlite"
    proc = _cli("run", "--json", "-a", "codering", "--", PY, "-c", "pass", env=env_for(db))
    assert proc.returncode == 0, proc.stderr
    return db, json.loads(proc.stdout)["run_id"]


@pytest.mark.parametrize("encoding", ["latin-1", "ascii", "utf-8"])
@pytest.mark.parametrize("command", ["runs", "show", "doctor"])
def test_output_in_any_terminal_encoding(
    stored: tuple[Path, str], encoding: str, command: str
) -> None:
    db, run_id = stored
    args = [command, run_id] if command == "show" else [command]
    env = env_for(db, PYTHONIOENCODING=encoding, LC_ALL="C", LANG="C")
    proc = _cli(*args, env=env)
    assert proc.returncode == 0, proc.stderr.decode(encoding, "replace")
    out = proc.stdout.decode(encoding)  # what the terminal receives is in its encoding
    err = proc.stderr.decode(encoding)
    assert "Traceback" not in err
    assert out.strip()


def test_binary_config_file_is_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "algoprint.toml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    proc = _cli("runs", env=env_for(tmp_path / "r.db"), cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert "not UTF-8" in err and "algoprint.toml" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "env", "needle"),
    [
        (["runs", "-n", "1e23"], {}, "-n"),
        (["runs", "-n", "100000000000000000000000"], {}, "-n"),
        (["runs", "--db", ""], {}, "db is empty"),
        (["runs"], {"ALGOPRINT_DB": ""}, "db is empty"),
        (["run", "--cpu-tdp", "1e308", "--", "true"], {}, "--cpu-tdp"),
        (["run", "--cpu-tdp", "nan", "--", "true"], {}, "cpu-tdp"),
        (["run", "--interval", "inf", "--", "true"], {}, "--interval"),
        (["run", "--db", "", "--", "true"], {}, "db is empty"),
    ],
)
def test_fuzzed_inputs_are_refused_clearly(
    tmp_path: Path, args: list[str], env: dict[str, str], needle: str
) -> None:
    proc = _cli(*args, env=env_for(tmp_path / "r.db", **env))
    err = proc.stderr.decode()
    assert proc.returncode in (2, 125), err
    assert needle in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["1e308", "nan", "", "-1"])
def test_a_bad_environment_number_never_stops_the_command(tmp_path: Path, value: str) -> None:
    # `algoprint run` is never in the way: the bad setting is reported and skipped (the
    # default applies), the command runs, and the run is stored with energy, not 0 J.
    env = env_for(tmp_path / "r.db", ALGOPRINT_CPU_TDP_W=value)
    proc = _cli("run", "--json", "--", PY, "-c", "pass", env=env)
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert "cpu_tdp_w" in err and "Traceback" not in err
    doc = json.loads(proc.stdout)
    assert doc["energy_j"] is not None and doc["energy_j"] > 0
