"""Several processes writing one store at once lose nothing (WAL, busy timeout, one writer per
Store with retries, locked migrations on first open)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from algoprint.store import Store
from algoprint.tracking.record import RunStatus

WRITER = Path(__file__).with_name("_writer.py")
PROCESSES = 8
CHECKPOINTS = 5


@pytest.mark.slow
def test_concurrent_writer_processes_lose_no_run(store_url: str, tmp_path: Path) -> None:
    sync = tmp_path / "sync"
    sync.mkdir()
    run_ids = [f"proc-{i}-run" for i in range(PROCESSES)]
    # The store does not exist yet: every process races to create and migrate it.
    children = [
        subprocess.Popen(
            [sys.executable, str(WRITER), store_url, run_id, str(CHECKPOINTS), str(sync)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for run_id in run_ids
    ]
    try:
        deadline = time.monotonic() + 120
        while len(list(sync.glob("ready-*"))) < PROCESSES:
            assert all(c.poll() is None for c in children), "a writer died before the start"
            assert time.monotonic() < deadline, "writers did not start"
            time.sleep(0.01)
        (sync / "go").touch()
        outcomes = [(c.wait(timeout=180), c.stderr.read() if c.stderr else "") for c in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
            for stream in (child.stdout, child.stderr):
                if stream is not None:
                    stream.close()
    assert [code for code, _ in outcomes] == [0] * PROCESSES, [err for _, err in outcomes]
    with Store(url=store_url) as store:
        stored = store.list_runs(algorithm="concurrency")
        assert store.count_runs() == PROCESSES
    assert sorted(r.run_id for r in stored) == sorted(run_ids)
    for record in stored:
        assert record.status == RunStatus.COMPLETED
        assert record.measured_energy_j == 10.0 * CHECKPOINTS
        assert len(record.phases) == CHECKPOINTS
        assert [c.energy_j for c in record.components] == [5.0 * CHECKPOINTS] * 2


def _save_in_child(store: Store, run_id: str) -> None:
    from datetime import UTC, datetime

    from algoprint.tracking.record import RunRecord

    record = RunRecord(
        run_id=run_id,
        algorithm="fork",
        phase=None,
        status=RunStatus.COMPLETED,
        started_at=datetime.now(UTC).isoformat(),
        scope="machine",
    )
    store.save_run(record)
    reconnected = store._engine_pid == os.getpid()
    store.close()
    raise SystemExit(0 if reconnected else 3)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_store_used_across_fork_reconnects_in_the_child(sqlite_url: str) -> None:
    context = multiprocessing.get_context("fork")
    with Store(url=sqlite_url) as store:
        assert store.count_runs() == 0  # the parent holds a pooled connection now
        child = context.Process(target=_save_in_child, args=(store, "forked-run"))
        child.start()
        child.join(timeout=60)
        assert child.exitcode == 0
        assert [r.run_id for r in store.list_runs()] == ["forked-run"]
