"""`algoprint run` end to end on this machine: real child processes, real store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from algoprint.store import open_store

PY = sys.executable


def algoprint(
    *args: str, db: Path | str, env: dict[str, str] | None = None, timeout: float = 60, **kw: object
) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, ALGOPRINT_DB=str(db), **(env or {}))
    return subprocess.run(
        [PY, "-m", "algoprint", *args],
        check=False,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        **kw,  # type: ignore[arg-type]
    )


def test_run_json_document(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    proc = algoprint(
        "run",
        "--json",
        "--algorithm",
        "e2e",
        "--phase",
        "training",
        "--",
        PY,
        "-c",
        "print('hello from child'); sum(i*i for i in range(3*10**6))",
        db=db,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("hello from child\n")  # child output passes through first
    doc = json.loads(out[len("hello from child\n") :])
    for key in (
        "run_id",
        "algorithm",
        "phase",
        "status",
        "exit_code",
        "started_at",
        "duration_s",
        "scope",
        "energy_j",
        "components",
        "schema_version",
    ):
        assert key in doc
    assert doc["algorithm"] == "e2e" and doc["phase"] == "training"
    assert doc["status"] == "completed" and doc["exit_code"] == 0
    assert doc["energy_j"] > 0
    assert doc["process_energy_j"] <= doc["machine_energy_j"]
    assert {c["domain"] for c in doc["components"]} >= {"cpu", "memory"}
    for c in doc["components"]:
        assert set(c) >= {"domain", "device", "energy_j", "method", "uncertainty_rel"}
    stored = open_store(str(db)).get_run(doc["run_id"])
    assert stored.energy_j == pytest.approx(doc["energy_j"])


@pytest.mark.parametrize("code", [0, 3])
def test_exit_code_is_propagated(tmp_path: Path, code: int) -> None:
    proc = algoprint("run", "-q", "--", PY, "-c", f"raise SystemExit({code})", db=tmp_path / "r.db")
    assert proc.returncode == code
    run = open_store(str(tmp_path / "r.db")).list_runs()[0]
    assert run.exit_code == code
    assert run.status.value == ("completed" if code == 0 else "failed")


def test_child_killed_by_signal_exits_128_plus_n(tmp_path: Path) -> None:
    proc = algoprint(
        "run",
        "-q",
        "--",
        PY,
        "-c",
        "import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
        db=tmp_path / "r.db",
    )
    assert proc.returncode == 128 + signal.SIGKILL
    run = open_store(str(tmp_path / "r.db")).list_runs()[0]
    assert run.status.value == "failed" and run.exit_code == 137


def test_stdin_is_passed_through(tmp_path: Path) -> None:
    proc = algoprint(
        "run",
        "-q",
        "--",
        PY,
        "-c",
        "import sys; print(sys.stdin.read().upper())",
        db=tmp_path / "r.db",
        input="piped text",
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == "PIPED TEXT"


def _wait_for(path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never appeared")
        time.sleep(0.05)


def test_sigterm_is_forwarded_and_run_closed_interrupted(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    marker = tmp_path / "started"
    child = (
        "import pathlib, signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *a: sys.exit(42))\n"
        f"pathlib.Path({str(marker)!r}).touch()\n"
        "time.sleep(60)\n"
    )
    env = dict(os.environ, ALGOPRINT_DB=str(db))
    proc = subprocess.Popen(
        [PY, "-m", "algoprint", "run", "-q", "--", PY, "-c", child],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(marker)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode == 42  # the child's own exit code after handling SIGTERM
    run = open_store(str(db)).list_runs()[0]
    assert run.status.value == "interrupted"
    assert run.exit_code == 42
    assert run.energy_j is not None and run.energy_j > 0


def test_sigkill_of_algoprint_is_recovered_as_incomplete(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    marker = tmp_path / "started"
    child = f"import pathlib, time; pathlib.Path({str(marker)!r}).touch(); time.sleep(60)"
    env = dict(os.environ, ALGOPRINT_DB=str(db), ALGOPRINT_CHECKPOINT_INTERVAL_S="0.3")
    proc = subprocess.Popen(
        [PY, "-m", "algoprint", "run", "-q", "--algorithm", "killed", "--", PY, "-c", child],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _wait_for(marker)
    time.sleep(2.0)  # the first checkpoint comes 1 s after start, then every 0.3 s
    os.killpg(proc.pid, signal.SIGKILL)  # algoprint and its child, like a lost machine
    proc.wait(timeout=10)
    listed = algoprint("runs", "--json", db=db)
    assert listed.returncode == 0, listed.stderr
    runs = json.loads(listed.stdout)
    assert len(runs) == 1
    run = runs[0]
    assert run["algorithm"] == "killed"
    assert run["status"] == "incomplete"
    assert run["measured_energy_j"] > 0  # energy up to the last checkpoint is kept
    assert run["duration_s"] >= 1.0


def test_eight_concurrent_tracked_processes_all_land(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite"
    env = dict(os.environ, ALGOPRINT_DB=str(db), ALGOPRINT_CHECKPOINT_INTERVAL_S="0.2")
    procs = [
        subprocess.Popen(
            [
                PY,
                "-m",
                "algoprint",
                "run",
                "-q",
                "--algorithm",
                f"p{i}",
                "--",
                PY,
                "-c",
                "import time; time.sleep(1.5)",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(8)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    runs = open_store(str(db)).list_runs()
    assert sorted(r.algorithm or "" for r in runs) == [f"p{i}" for i in range(8)]
    assert all(r.status.value == "completed" for r in runs)


def test_command_not_found_exits_127_and_is_stored_failed(tmp_path: Path) -> None:
    proc = algoprint("run", "--", "no-such-command-xyz", db=tmp_path / "r.db")
    assert proc.returncode == 127
    assert "no-such-command-xyz: command not found" in proc.stderr
    assert "Traceback" not in proc.stderr
    run = open_store(str(tmp_path / "r.db")).list_runs()[0]
    assert run.status.value == "failed" and run.exit_code == 127
    assert any("command not found" in d.message for d in run.degradations)


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["run"], "no command given after --"),
        (["run", "--interval", "0", "--", "true"], "too small: give a number > 0"),
        (["run", "--interval", "-1", "--", "true"], "too small: give a number > 0"),
        (["run", "--bogus", "--", "true"], "No such option '--bogus'"),
        (["run", "--scope", "galaxy", "--", "true"], "galaxy"),
        (["show", "zzzzzzzz"], "no run"),
    ],
)
def test_bad_input_gives_one_clear_line(tmp_path: Path, args: list[str], expect: str) -> None:
    proc = algoprint(*args, db=tmp_path / "r.db")
    assert proc.returncode == (125 if args[0] == "run" else 2)  # run: the wrapper's own status
    assert expect.lower() in proc.stderr.lower()
    assert "Traceback" not in proc.stderr


def test_unusable_db_path_still_runs_the_command(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    bad = tmp_path / "missing-dir" / "runs.sqlite"
    proc = algoprint("run", "--db", str(bad), "--", "touch", str(marker), db=tmp_path / "x.db")
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr
    assert str(bad.parent) in proc.stderr
    assert marker.exists()  # never in the way: the run is spooled, the problem said


def test_unusable_db_path_fails_before_running_with_strict(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    bad = tmp_path / "missing-dir" / "runs.sqlite"
    proc = algoprint(
        "run", "--strict", "--db", str(bad), "--", "touch", str(marker), db=tmp_path / "x.db"
    )
    assert proc.returncode == 125
    assert "Traceback" not in proc.stderr
    assert str(bad.parent) in proc.stderr
    assert not marker.exists()  # nothing ran, nothing lost


def test_corrupt_db_is_refused_and_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "corrupt.sqlite"
    payload = b"this is not a database" * 100
    bad.write_bytes(payload)
    proc = algoprint("runs", db=bad)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "not" in proc.stderr.lower()
    assert bad.read_bytes() == payload


@pytest.mark.postgres
def test_run_into_postgresql(postgres_url: str) -> None:
    proc = algoprint("run", "--json", "--algorithm", "pg", "--", PY, "-c", "pass", db=postgres_url)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    store = open_store(postgres_url)
    try:
        assert store.get_run(doc["run_id"]).algorithm == "pg"
    finally:
        store.close()


def test_unknown_algorithm_is_registered_with_a_message(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    proc = algoprint("run", "--algorithm", "nieuw-model", "--", PY, "-c", "pass", db=db)
    assert proc.returncode == 0, proc.stderr
    assert "registered new algorithm 'nieuw-model'" in proc.stderr
    shown = algoprint("algorithm", "show", "nieuw-model", "--json", db=db)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["algorithm"]["slug"] == "nieuw-model"


def test_strict_refuses_an_unknown_algorithm_before_running(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    proc = algoprint(
        "run",
        "--strict",
        "--algorithm",
        "onbekend",
        "--",
        "touch",
        str(marker),
        db=tmp_path / "r.db",
    )
    assert proc.returncode == 125
    assert "not registered" in proc.stderr and "Traceback" not in proc.stderr
    assert not marker.exists()


def test_illegal_slug_is_refused(tmp_path: Path) -> None:
    proc = algoprint("run", "--algorithm", "Bad Slug!", "--", "true", db=tmp_path / "r.db")
    assert proc.returncode == 125
    assert "Traceback" not in proc.stderr


def test_python_api_runs_are_registered_when_the_store_is_next_opened(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code = "import algoprint\nwith algoprint.track(algorithm='via-python'):\n    pass\n"
    env = dict(os.environ, ALGOPRINT_DB=str(db))
    subprocess.run([PY, "-c", code], env=env, check=True, capture_output=True)
    listed = algoprint("runs", "--json", db=db)
    assert listed.returncode == 0, listed.stderr
    assert [r["algorithm"] for r in json.loads(listed.stdout)] == ["via-python"]
    assert "registered new algorithm 'via-python'" in listed.stderr
