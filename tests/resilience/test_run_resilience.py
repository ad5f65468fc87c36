"""``algoprint run`` under faults: killed wrapper, broken store or config, full disk."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from algoprint.store import open_store
from algoprint.tracking import RunStatus
from tests.resilience._progs import PY, env_for

WRAPPER_ERROR_EXIT = 125  # algoprint.cli.WRAPPER_ERROR_EXIT, documented in README and cli.md
SLEEPER = "import os, time; print(os.getpid(), flush=True); time.sleep(60)"


def _wrapper(db: Path | str, *args: str, **kw: object) -> subprocess.Popen[str]:
    code = "import sys; from algoprint.cli import main; sys.exit(main())"
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [PY, "-c", code, "run", "-q", *args],
        env=kw.pop("env", None) or env_for(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def _gone(pid: int, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def test_sigkill_of_the_wrapper_takes_the_command_along(tmp_path: Path) -> None:
    proc = _wrapper(tmp_path / "r.db", "--", PY, "-c", SLEEPER)
    assert proc.stdout is not None
    child_pid = int(proc.stdout.readline())
    assert psutil.pid_exists(child_pid)
    proc.kill()
    proc.communicate(timeout=30)
    try:
        assert _gone(child_pid), "the command outlived its SIGKILLed wrapper"
    finally:
        if not _gone(child_pid, 0):
            os.kill(child_pid, signal.SIGKILL)


def test_wrapper_killed_at_0_3_s_keeps_the_run(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    proc = _wrapper(db, "--algorithm", "early", "--", PY, "-c", SLEEPER)
    assert proc.stdout is not None
    child_pid = int(proc.stdout.readline())
    time.sleep(0.3)
    proc.kill()
    proc.communicate(timeout=30)
    assert _gone(child_pid)
    with open_store(str(db)) as store:
        store.recover_stale_runs(stale_after_s=0)
        runs = store.list_runs()
    assert [(r.algorithm, r.status) for r in runs] == [("early", RunStatus.INCOMPLETE)]


def _run(
    db: Path | str,
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    **kw: object,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [PY, "-m", "algoprint", "run", *args],
        env=env or env_for(db),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kw,
    )


def test_broken_store_still_runs_the_command_and_spools_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "store"
    blocker.write_text("a file where the store's directory should be")
    db = str(blocker / "runs.sqlite")
    marker = tmp_path / "ran"
    env = env_for(db, XDG_CACHE_HOME=str(tmp_path / "cache"))
    proc = _run(db, "--algorithm", "spooled", "--", "touch", str(marker), env=env)
    assert proc.returncode == 0, proc.stderr
    assert marker.exists()
    assert "store cannot be opened" in proc.stderr and "spooled to" in proc.stderr
    assert "Traceback" not in proc.stderr
    blocker.unlink()
    blocker.mkdir()
    listed = subprocess.run(
        [PY, "-m", "algoprint", "runs", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    [run] = json.loads(listed.stdout)
    assert run["algorithm"] == "spooled" and run["status"] == "completed"
    assert {d["source"] for d in run["degradations"]} >= {"store"}


def test_strict_keeps_refusing_a_broken_store(tmp_path: Path) -> None:
    blocker = tmp_path / "store"
    blocker.write_text("x")
    marker = tmp_path / "ran"
    db = str(blocker / "runs.sqlite")
    proc = _run(db, "--strict", "--", "touch", str(marker))
    assert proc.returncode == WRAPPER_ERROR_EXIT
    assert not marker.exists()
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("env", "config"),
    [({"ALGOPRINT_FOO": "1"}, None), ({"ALGOPRINT_INTERVAL_S": "-3"}, None), ({}, b"\xff\x00")],
)
def test_broken_config_still_runs_the_command(
    tmp_path: Path, env: dict[str, str], config: bytes | None
) -> None:
    db = tmp_path / "r.db"
    if config is not None:
        (tmp_path / "algoprint.toml").write_bytes(config)
    proc = _run(db, "--json", "--", PY, "-c", "pass", env=env_for(db, **env), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "setting ignored" in proc.stderr and "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    assert any(d["source"] == "config" for d in doc["degradations"])
    strict = _run(db, "--strict", "--", PY, "-c", "pass", env=env_for(db, **env), cwd=tmp_path)
    assert strict.returncode == WRAPPER_ERROR_EXIT


@pytest.mark.parametrize(
    "args",
    [
        ["--interval", "0", "--", "true"],
        ["--bogus", "--", "true"],
        ["--cpu-tdp", "1e308", "--", "true"],
        ["--db", "", "--", "true"],
        ["--algorithm", "Bad Slug!", "--", "true"],
    ],
)
def test_own_errors_use_the_wrapper_exit_status(tmp_path: Path, args: list[str]) -> None:
    proc = _run(tmp_path / "r.db", *args)
    assert proc.returncode == WRAPPER_ERROR_EXIT, proc.stderr
    assert "Traceback" not in proc.stderr


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a core dump
    resource.setrlimit(resource.RLIMIT_FSIZE, (96 * 1024, 96 * 1024))


def test_disk_that_fills_mid_run_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    with open_store(str(db)):
        pass  # created before the limit: the WAL grows with each checkpoint until it hits it
    env = env_for(db, ALGOPRINT_CHECKPOINT_INTERVAL_S="0.1", XDG_CACHE_HOME=str(tmp_path / "c"))
    proc = _run(
        db,
        "--json",
        "--algorithm",
        "full",
        "--",
        PY,
        "-c",
        "import time; time.sleep(4)",
        env=env,
        preexec_fn=_limit_file_size,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert any("spooled to" in d["message"] for d in doc["degradations"]), proc.stderr
    with open_store(str(db)) as store:
        stored = store.get_run(doc["run_id"])
    assert stored.status.value == doc["status"]
    assert stored.duration_s == pytest.approx(doc["duration_s"])
    assert stored.energy_j == pytest.approx(doc["energy_j"])
