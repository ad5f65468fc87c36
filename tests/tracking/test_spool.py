"""Runs tracked from Python reach the store through the spool, without SQLAlchemy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from algoprint.store import ingest_spool, open_store
from algoprint.tracking import RunStatus, Tracker, track
from algoprint.tracking.spool import SUFFIX, SpoolSink, spool_dir
from tests.tracking._fakes import ConstantPowerMeter


def test_tracked_run_lands_in_the_store_on_next_open(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.sqlite")
    with track(db=db, meters=[ConstantPowerMeter(power_w=10.0)], algorithm="spooled") as run:
        pass
    assert list(spool_dir(db).glob(f"*{SUFFIX}"))  # left in the spool, not yet in the store
    with open_store(db) as store:
        stored = store.get_run(run.run_id)
        assert stored.algorithm == "spooled"
        assert stored.status is RunStatus.COMPLETED
        assert stored.energy_j is not None and run.record is not None
        assert stored.energy_j == run.record.energy_j
    assert not list(spool_dir(db).glob(f"*{SUFFIX}*"))  # ingested and removed


def test_older_checkpoint_never_replaces_the_final_record(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.sqlite")
    tracker = Tracker(db=db, meters=[ConstantPowerMeter(power_w=1.0)])
    tracker.start()
    final = tracker.stop()
    with open_store(db) as store:
        running = store.get_run(final.run_id)
        assert running.status is RunStatus.COMPLETED
        # A stale "running" checkpoint arriving late (a slow ingesting process) is ignored.
        stale = json.loads(json.dumps(final.to_dict()))
        stale["status"] = "running"
        stale["checkpoint_at"] = "2000-01-01T00:00:00.000+00:00"
        (spool_dir(db) / f"{final.run_id}{SUFFIX}").write_text(json.dumps(stale))
        assert ingest_spool(store) == 0
        assert store.get_run(final.run_id).status is RunStatus.COMPLETED


def test_unreadable_spool_file_is_kept_aside_not_deleted(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.sqlite")
    directory = spool_dir(db)
    directory.mkdir(parents=True)
    (directory / f"broken{SUFFIX}").write_text("{not json")
    with open_store(db) as store:
        assert store.count_runs() == 0
    assert (directory / "broken.bad").read_text() == "{not json"


def test_spool_sink_writes_atomically(tmp_path: Path) -> None:
    sink = SpoolSink(str(tmp_path / "x.sqlite"))
    with track(store=False, meters=[ConstantPowerMeter(power_w=1.0)]) as run:
        pass
    assert run.record is not None
    path = sink.save(run.record, durable=True)
    assert json.loads(path.read_text())["run_id"] == run.run_id
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left


def test_unwritable_spool_degrades_but_returns_the_record(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    db = str(blocker / "sub" / "runs.sqlite")  # parent is a file: cannot be created
    with track(db=db, meters=[ConstantPowerMeter(power_w=1.0)]) as run:
        pass
    assert run.record is not None
    assert run.record.energy_j is not None
    assert any(d.source == "store" for d in run.record.degradations)


def test_tracking_from_python_loads_no_database_stack(tmp_path: Path) -> None:
    code = (
        "import sys, algoprint\n"
        "with algoprint.track(algorithm='light') as run:\n"
        "    sum(range(10**5))\n"
        "heavy = [m for m in ('sqlalchemy', 'alembic', 'pandas', 'click', 'rich', 'numpy')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    env = dict(os.environ, ALGOPRINT_DB=str(tmp_path / "r.sqlite"))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
