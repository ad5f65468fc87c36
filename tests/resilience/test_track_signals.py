"""``track()`` in a real process: save at start, final record on terminating signals."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from algoprint.store import open_store
from algoprint.tracking import RunStatus
from tests.resilience._progs import env_for, start_python, wait_for_line

TRACKED = """
    import time, algoprint
    with algoprint.track(algorithm="sig") as run:
        print(run.run_id, flush=True)
        print("ready", flush=True)
        time.sleep(30)
"""


def _only_run(db: Path) -> tuple[str, RunStatus, float]:
    with open_store(str(db)) as store:
        store.recover_stale_runs(stale_after_s=0)
        runs = store.list_runs()
    assert len(runs) == 1, [r.run_id for r in runs]
    return runs[0].run_id, runs[0].status, runs[0].duration_s


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_terminating_signal_writes_a_final_interrupted_record(tmp_path: Path, sig: int) -> None:
    db = tmp_path / "runs.sqlite"
    proc = start_python(TRACKED, env=env_for(db))
    assert proc.stdout is not None
    run_id = proc.stdout.readline().strip()
    wait_for_line(proc, "ready")
    time.sleep(1.5)
    proc.send_signal(sig)
    proc.communicate(timeout=30)
    assert proc.returncode == -sig  # the program still dies of the same signal
    stored_id, status, duration_s = _only_run(db)
    assert stored_id == run_id
    assert status is RunStatus.INTERRUPTED
    assert duration_s >= 1.5  # the final record, not the checkpoint at start


def test_a_handler_the_program_set_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    code = """
        import signal, sys, time, algoprint
        def mine(signum, frame):
            print("mine", flush=True)
            sys.exit(3)
        signal.signal(signal.SIGTERM, mine)
        with algoprint.track(algorithm="own"):
            assert signal.getsignal(signal.SIGTERM) is mine
            print("ready", flush=True)
            time.sleep(30)
        """
    proc = start_python(code, env=env_for(db))
    wait_for_line(proc, "ready")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 3, err
    assert "mine" in out
    _, status, _ = _only_run(db)
    assert status is RunStatus.FAILED  # SystemExit(3) left the block


def test_default_disposition_is_restored_after_the_run(tmp_path: Path) -> None:
    code = """
        import signal, algoprint
        with algoprint.track(algorithm="restore"):
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        print("ok", flush=True)
        """
    proc = start_python(code, env=env_for(tmp_path / "runs.sqlite"))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.strip() == "ok"


def test_run_killed_at_0_3_s_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    proc = start_python(TRACKED, env=env_for(db))
    assert proc.stdout is not None
    run_id = proc.stdout.readline().strip()
    wait_for_line(proc, "ready")
    time.sleep(0.3)
    proc.kill()
    proc.communicate(timeout=30)
    stored_id, status, _ = _only_run(db)
    assert stored_id == run_id
    assert status is RunStatus.INCOMPLETE
