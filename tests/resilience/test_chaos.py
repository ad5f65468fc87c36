"""Chaos: wrapped commands, Python trackers and readers at once, with random kills.

Every run that started is stored exactly once, with the status its end deserves. Bounded:
14 processes; the runs last until every kill has landed (about 25 s on 2 busy cores).
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import threading
import time
from pathlib import Path

from algoprint.store import open_store
from tests.resilience._progs import PY, env_for

SEED = 18
WRAPPED = 6
TRACKERS = 6
READERS = 2
SIGNALS = [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP, None, None]  # None: let it finish

# Each run lasts until the test says "done" (a file appears), so every kill lands on a live run
# however slowly the processes started; the ones not killed then end normally.
WAIT = (
    "import pathlib, time\n"
    "end = time.monotonic() + 60\n"
    "while not pathlib.Path(DONE).exists() and time.monotonic() < end:\n"
    "    time.sleep(0.05)\n"
)
TRACKER = """
import sys, time, algoprint
DONE = sys.argv[2]
with algoprint.track(algorithm="chaos", tags={"chaos": sys.argv[1]}):
    print("started", flush=True)
""" + "\n".join("    " + line for line in WAIT.splitlines())
CHILD = "import sys\nDONE = sys.argv[1]\nprint('started', flush=True)\n" + WAIT


def _expected(returncode: int) -> set[str]:
    """The status a run deserves, from how its process ended."""
    if returncode == 0:
        return {"completed", "degraded"}
    if returncode == -signal.SIGKILL:
        return {"incomplete"}  # the tracker (or the wrapper) died without a word
    # SIGTERM/SIGHUP: a tracker dies of it (-N), a wrapper exits 128+N after its child.
    return {"interrupted"}


def _reader(env: dict[str, str], stop: threading.Event, errors: list[str]) -> None:
    while not stop.is_set():
        proc = subprocess.run(
            [PY, "-m", "algoprint", "runs", "--json", "-n", "100"], env=env,
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        if proc.returncode != 0:
            errors.append(proc.stderr)
        else:
            json.loads(proc.stdout)


def test_every_started_run_is_stored_exactly_once(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    db = tmp_path / "chaos.sqlite"
    env = env_for(db, ALGOPRINT_CHECKPOINT_INTERVAL_S="0.3", ALGOPRINT_SCOPE="process")
    procs: dict[str, tuple[subprocess.Popen[str], int | None]] = {}
    done = str(tmp_path / "done")
    for i in range(WRAPPED + TRACKERS):
        tag = f"c{i}"
        if i < WRAPPED:
            cmd = [PY, "-m", "algoprint", "run", "-q", "-a", "chaos", "--tag", f"chaos={tag}",
                   "--", PY, "-c", CHILD, done]  # fmt: skip
        else:
            cmd = [PY, "-c", TRACKER, tag, done]
        proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        procs[tag] = (proc, rng.choice(SIGNALS))
    stop, errors = threading.Event(), []
    readers = [threading.Thread(target=_reader, args=(env, stop, errors)) for _ in range(READERS)]
    for t in readers:
        t.start()
    try:
        for proc, _ in procs.values():  # every run has started before the first kill
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "started"
        victims = [(proc, sig) for proc, sig in procs.values() if sig is not None]
        rng.shuffle(victims)
        for proc, sig in victims:
            time.sleep(rng.uniform(0.0, 0.3))
            proc.send_signal(sig)
        time.sleep(0.5)
        Path(done).touch()
        for proc, _ in procs.values():
            proc.communicate(timeout=120)
    finally:
        stop.set()
        for t in readers:
            t.join(timeout=120)
    assert not errors, errors[:2]
    with open_store(str(db)) as store:
        store.recover_stale_runs(stale_after_s=0)
        runs = store.list_runs(algorithm="chaos")
    by_tag: dict[str, list[str]] = {}
    for run in runs:
        by_tag.setdefault(run.tags["chaos"], []).append(run.status.value)
    assert sorted(by_tag) == sorted(procs), "a started run is missing"
    for tag, (proc, sig) in procs.items():
        assert (proc.returncode == 0) == (sig is None), (tag, sig, proc.returncode)
        assert len(by_tag[tag]) == 1, f"{tag} stored {len(by_tag[tag])} times"
        assert by_tag[tag][0] in _expected(proc.returncode), (
            tag,
            sig,
            proc.returncode,
            by_tag[tag],
        )
    assert len({r.run_id for r in runs}) == len(runs)
    statuses = {s for found in by_tag.values() for s in found}
    assert {"incomplete", "interrupted", "completed"} <= statuses  # the kills did land
