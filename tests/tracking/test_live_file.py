"""Checkpoints of runs tracked from Python: one live file per run, overwritten in place, locked
while its tracker lives, ingested in place while it runs and claimed when its tracker is gone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from algoprint.store import ingest_spool, open_store
from algoprint.store._spool import _held
from algoprint.tracking import RunStatus, Tracker
from algoprint.tracking.spool import LIVE_SUFFIX, SUFFIX, LiveFile, SpoolSink, read_live, spool_dir
from tests.tracking._fakes import ConstantPowerMeter

posix_only = pytest.mark.skipif(os.name != "posix", reason="live files need fcntl")


def _wait_for(predicate: object, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def _checkpoint_energy(path: Path) -> float:
    data = read_live(path.read_bytes())
    assert data is not None
    doc = json.loads(data)
    assert doc["status"] == "running"
    return float(doc["energy_j"] or 0.0)


@posix_only
def test_checkpoints_overwrite_one_locked_live_file_then_the_final_record_replaces_it(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "runs.sqlite")
    tracker = Tracker(db=db, meters=[ConstantPowerMeter(power_w=100.0)], checkpoint_interval_s=0.05)
    tracker.start()
    live = spool_dir(db) / f"{tracker.run_id}{LIVE_SUFFIX}"
    _wait_for(live.exists)
    inode = live.stat().st_ino
    first = _checkpoint_energy(live)
    _wait_for(lambda: _checkpoint_energy(live) > first)  # a later checkpoint, same file
    assert live.stat().st_ino == inode
    assert [p.name for p in spool_dir(db).iterdir()] == [live.name]  # no file per checkpoint
    assert _held(live)
    final = tracker.stop()
    assert not live.exists()
    assert [p.name for p in spool_dir(db).iterdir()] == [f"{final.run_id}{SUFFIX}"]


@posix_only
def test_a_running_run_is_ingested_in_place_and_its_final_record_wins(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.sqlite")
    tracker = Tracker(db=db, meters=[ConstantPowerMeter(power_w=10.0)], checkpoint_interval_s=0.05)
    tracker.start()
    live = spool_dir(db) / f"{tracker.run_id}{LIVE_SUFFIX}"
    _wait_for(live.exists)
    with open_store(db) as store:
        assert store.get_run(tracker.run_id).status is RunStatus.RUNNING
    assert live.exists() and _held(live)  # read, not taken: the tracker still writes it
    final = tracker.stop()
    with open_store(db) as store:
        stored = store.get_run(final.run_id)
        assert stored.status is RunStatus.COMPLETED
        assert stored.energy_j == final.energy_j
        assert ingest_spool(store) == 0
    assert not list(spool_dir(db).iterdir())


_KILLED = """
import os, sys, time
from algoprint.tracking import Tracker
from tests.tracking._fakes import ConstantPowerMeter
t = Tracker(db=sys.argv[1], meters=[ConstantPowerMeter(power_w=50.0)], checkpoint_interval_s=0.05)
t.start()
if sys.argv[2] == "fork":
    child = os.fork()
    if child == 0:  # a worker that outlives the tracker's process
        time.sleep(60)
        os._exit(0)
    print(child, flush=True)
print(t.run_id, flush=True)
time.sleep(60)
"""


@posix_only
@pytest.mark.parametrize("worker", [False, True], ids=["alone", "with-a-forked-worker"])
def test_a_killed_trackers_live_file_is_claimed_and_its_run_kept(
    tmp_path: Path, worker: bool
) -> None:
    db = str(tmp_path / "runs.sqlite")
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED, db, "fork" if worker else "alone"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.stdout is not None
    child = int(proc.stdout.readline()) if worker else None
    run_id = proc.stdout.readline().strip()
    live = spool_dir(db) / f"{run_id}{LIVE_SUFFIX}"
    try:
        _wait_for(lambda: live.exists() and _checkpoint_energy(live) > 0)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        # The worker lives on with a copy of the descriptor, closed at fork: no lock held.
        assert not _held(live)
        with open_store(db) as store:
            stored = store.get_run(run_id)
            assert stored.energy_j is not None and stored.energy_j > 0
        assert not live.exists()
        assert not list(spool_dir(db).glob("*.bad"))
    finally:
        proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()
        if child is not None:
            os.kill(child, signal.SIGKILL)


@posix_only
def test_half_written_checkpoints_are_never_taken_for_whole_ones(tmp_path: Path) -> None:
    live = LiveFile(tmp_path, "r1")
    live.write(b'{"run_id": "r1", "energy_j": 12.5}')
    whole = live.path.read_bytes()
    assert read_live(whole) == b'{"run_id": "r1", "energy_j": 12.5}'
    live.write(b'{"run_id": "r1"}')  # shorter: padded over the longer one
    assert read_live(live.path.read_bytes()) == b'{"run_id": "r1"}'
    assert read_live(whole[:-3]) is None  # cut short
    assert read_live(whole.replace(b"12.5", b"13.5")) is None  # mixed old and new bytes
    assert read_live(b"{}") is None  # not a live file
    live.close()
    assert not live.path.exists()


@posix_only
def test_a_torn_checkpoint_of_a_running_tracker_is_skipped_and_of_a_dead_one_kept_aside(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "runs.sqlite")
    directory = spool_dir(db)
    directory.mkdir(parents=True)
    held = LiveFile(directory, "a" * 32)
    held.write(b"{}")
    fd = os.open(held.path, os.O_WRONLY)
    os.pwrite(fd, b"garbage", 0)  # torn while its tracker runs
    os.close(fd)
    dead = directory / f"{'b' * 32}{LIVE_SUFFIX}"
    dead.write_bytes(b"algoprint-live 1 99 0\n{")  # cut short, nobody holds it
    with open_store(db) as store:
        assert store.count_runs() == 0
    assert held.path.exists()  # skipped this time, not moved aside: its tracker lives
    assert (directory / f"{'b' * 32}.bad").exists() and not dead.exists()
    held.close()


def test_with_equal_intervals_the_sampler_wakes_once_per_checkpoint() -> None:
    # A checkpoint samples every meter, so a meter with the checkpoint's interval is never
    # sampled on a wake of its own (the defaults: interval_s = checkpoint_interval_s = 2 s).
    from algoprint.tracking.attribution import ProcessTree
    from algoprint.tracking.sampler import Sampler

    meter = ConstantPowerMeter(power_w=1.0, interval_s=0.1)
    checkpoints = []

    def checkpoint() -> None:
        checkpoints.append(sampler.snapshot())

    sampler = Sampler(
        meters=[meter], tree=ProcessTree(), checkpoint=checkpoint, checkpoint_interval_s=0.1
    )
    sampler.start()
    _wait_for(lambda: len(checkpoints) >= 8)
    sampler.snapshot()  # a window edge off the cadence
    _wait_for(lambda: len(checkpoints) >= 12)
    sampler.stop()
    # every sample: a checkpoint, the edge, or the final snapshot; none on a wake of its own
    assert meter.samples == len(checkpoints) + 2


@posix_only
def test_a_forked_child_never_touches_its_parents_live_file(tmp_path: Path) -> None:
    from algoprint.tracking.record import RunRecord

    db = str(tmp_path / "runs.sqlite")
    sink = SpoolSink(db)
    record = RunRecord("c" * 32, "alg", None, RunStatus.RUNNING, "t0", "machine")
    live = sink.save(record)
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            sink.save(record)  # a checkpoint: a file of its own, not the parent's live file
            sink.save(record.replace(status=RunStatus.COMPLETED))
            code = 0 if live.exists() else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert live.exists() and _held(live)  # still the parent's, still locked
    sink.save(record.replace(status=RunStatus.COMPLETED))
    assert not live.exists()
