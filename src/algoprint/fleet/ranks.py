"""Multi-rank and multi-node jobs: one measuring tracker per node, one run per job.

The field's trackers start one tracker per rank, so a node with 8 ranks is counted 8 times.
Here every rank calls :func:`track_job` (or uses :class:`JobTracker`); per node, the rank that
takes the node's lock file (``fcntl.flock``: local rank 0 normally, any rank when it starts
late or the leader died) measures the machine; the others only record their phases. Each
process writes small JSON files into a job directory shared by all nodes (a shared
filesystem, as on every SLURM cluster): ``node-<node>-<pid>.json`` from each leader (its
components, a cumulative-energy timeline), ``phases-<node>-<rank>-<pid>.json`` from each rank.
Whoever stops (or a leader at each checkpoint) merges every file into one run whose id derives
from the job id, so every save replaces the same run:

- components per node (``node-a:cpu``...), each node's energy counted once;
- a node measured by several leaders one after the other (takeover) adds their segments,
  which never overlap because only one process holds the lock at a time;
- a phase's energy is, per node, the node energy over the union of that phase's windows on all
  ranks of the node (from the leader's timeline), summed over nodes; ``count`` is the number of
  rank windows.

Nothing here changes the tracker core; it is used from Python in the job's ranks.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from algoprint.fleet._common import stable_run_id
from algoprint.fleet._jobmerge import merge_job
from algoprint.fleet.slurm import slurm_tags
from algoprint.tracking.record import RunRecord

if TYPE_CHECKING:
    from algoprint.tracking import Tracker

__all__ = ["JobTracker", "LaunchInfo", "detect", "track_job"]

log = logging.getLogger("algoprint")


@dataclass(frozen=True, slots=True)
class LaunchInfo:
    """Where this process sits in a distributed job (from the launcher's environment)."""

    launcher: str
    job_id: str
    node_id: str
    rank: int
    local_rank: int
    world_size: int


def _int(environ: Mapping[str, str], *names: str, default: int = 0) -> int:
    for name in names:
        value = environ.get(name, "")
        if value.lstrip("-").isdigit():
            return int(value)
    return default


def detect(environ: Mapping[str, str] | None = None) -> LaunchInfo | None:
    """The launch of this process, or ``None`` when it is not part of a distributed job.

    Recognises torchrun/torch.distributed (``RANK``, ``LOCAL_RANK``, ``TORCHELASTIC_RUN_ID``),
    Accelerate (torchrun variables plus ``ACCELERATE_*``), DeepSpeed (``CROSS_RANK``), SLURM
    (``SLURM_PROCID``, ``SLURM_JOB_ID``) and MPI (Open MPI ``OMPI_COMM_WORLD_*``, MPICH/Intel
    ``PMI_RANK``). ``ALGOPRINT_JOB_ID`` and ``ALGOPRINT_NODE_ID`` override the job and node.
    """
    env = os.environ if environ is None else environ
    node = env.get("ALGOPRINT_NODE_ID") or env.get("SLURMD_NODENAME") or socket.gethostname()
    if "RANK" in env and "WORLD_SIZE" in env:
        launcher = "torchrun"
        if any(k.startswith("ACCELERATE_") for k in env):
            launcher = "accelerate"
        elif "CROSS_RANK" in env:
            launcher = "deepspeed"
        run_id = env.get("TORCHELASTIC_RUN_ID", "")
        if not run_id or run_id == "none":
            run_id = f"{env.get('MASTER_ADDR', '')}:{env.get('MASTER_PORT', '')}"
        job = env.get("SLURM_JOB_ID") or run_id
        rank, local = _int(env, "RANK"), _int(env, "LOCAL_RANK")
        size = _int(env, "WORLD_SIZE", default=1)
    elif "OMPI_COMM_WORLD_RANK" in env or "PMI_RANK" in env:
        launcher = "mpi"
        job = env.get("SLURM_JOB_ID") or env.get("PMIX_NAMESPACE") or env.get("PMI_JOBID", "")
        rank = _int(env, "OMPI_COMM_WORLD_RANK", "PMI_RANK")
        local = _int(env, "OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "PMI_LOCAL_RANK")
        size = _int(env, "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", default=1)
    elif "SLURM_PROCID" in env and "SLURM_JOB_ID" in env:
        launcher, job = "slurm", env["SLURM_JOB_ID"]
        rank, local = _int(env, "SLURM_PROCID"), _int(env, "SLURM_LOCALID")
        size = _int(env, "SLURM_NTASKS", default=1)
    else:
        return None
    job = env.get("ALGOPRINT_JOB_ID") or job
    if not job.strip(":"):
        return None
    return LaunchInfo(launcher, job, node, rank, local, size)


def _write(path: Path, data: Mapping[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(dict(data)), encoding="utf-8")
    os.replace(tmp, path)


class JobTracker:
    """Track one rank of a distributed job (see the module docs).

    Args:
        algorithm: the algorithm the job belongs to.
        phase: lifecycle label of the run.
        job_dir: directory shared by all nodes (default ``$ALGOPRINT_JOB_DIR``, else a folder
            in the user data dir: right for one node, or a home directory shared by all).
        info: the launch (default :func:`detect`; a single process is a job of one rank).
        sink: where merged runs go (default the store's spool, like ``Tracker``).
        timeline_interval_s: how often the leader records node energy (phase resolution).
        tracker_kwargs: passed to the leader's :class:`~algoprint.tracking.Tracker`.
    """

    def __init__(
        self,
        *,
        algorithm: str | None = None,
        phase: str | None = None,
        job_dir: str | os.PathLike[str] | None = None,
        info: LaunchInfo | None = None,
        sink: Any = None,
        timeline_interval_s: float = 5.0,
        **tracker_kwargs: Any,
    ) -> None:
        self.info = info or detect() or LaunchInfo(
            "none", f"pid-{os.getpid()}", socket.gethostname(), 0, 0, 1
        )  # fmt: skip
        self.algorithm, self.phase_label = algorithm, phase
        self.run_id = stable_run_id("job", self.info.job_id)
        base = job_dir or os.environ.get("ALGOPRINT_JOB_DIR")
        if base is None:
            from platformdirs import user_data_dir

            base = Path(user_data_dir("algoprint")) / "jobs"
        self.dir = Path(base) / self.run_id
        self.dir.mkdir(parents=True, exist_ok=True)
        self._sink = sink
        self._kwargs = tracker_kwargs
        self._interval = timeline_interval_s
        self._pid = os.getpid()
        self._phases: list[list[Any]] = []
        self._lock_file: TextIO | None = None
        self._tracker: Tracker | None = None
        self._timeline: list[list[float]] = []
        self._checkpoint: list[dict[str, Any]] = []
        self._started_wall = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._mutex = threading.Lock()
        self.record: RunRecord | None = None

    @property
    def is_leader(self) -> bool:
        """Whether this process measures its node."""
        return self._tracker is not None

    def start(self) -> JobTracker:
        """Join the job: lead the node when its lock is free, else attach."""
        self._write_phases(stopped=False)
        self._try_lead()
        return self

    def _try_lead(self) -> None:
        if self._tracker is not None:
            return
        lock = (self.dir / f"lead-{self.info.node_id}.lock").open("a")
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            return
        self._lock_file = lock
        from algoprint.tracking import Tracker  # only leaders load the meters

        tracker = Tracker(
            store=False, algorithm=self.algorithm, phase=self.phase_label, **self._kwargs
        )
        tracker.start()
        self._tracker = tracker
        self._started_wall = time.time()
        self._base = tracker.snapshot()
        self._timeline = [[self._base.wall_s, 0.0]]
        self._write_part(None)
        self._thread = threading.Thread(target=self._loop, name="algoprint-job", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._sample()
                self._write_part(None)
                self._save(final=False)
            except Exception as e:  # never break the workload; the next tick tries again
                log.debug("algoprint: job checkpoint failed: %s", e)

    def _sample(self) -> None:
        from algoprint.tracking.summary import summarise, window

        assert self._tracker is not None
        snap = self._tracker.snapshot()
        summary = summarise(list(window(self._base, snap)), scope="machine")
        with self._mutex:
            if summary.machine_energy_j is not None:
                self._timeline.append([snap.wall_s, summary.machine_energy_j])
            self._checkpoint = [c.as_dict() for c in summary.components]

    def _write_part(self, record: RunRecord | None) -> None:
        with self._mutex:
            timeline = list(self._timeline)
            checkpoint = list(self._checkpoint)
        data = {
            "node": self.info.node_id,
            "rank": self.info.rank,
            "pid": self._pid,
            "host": socket.gethostname(),
            "started": self._started_wall,
            "timeline": timeline,
            "checkpoint": checkpoint,
            "record": record.to_dict() if record is not None else None,
        }
        _write(self.dir / f"node-{self.info.node_id}-{self._pid}.json", data)

    def _write_phases(self, *, stopped: bool) -> None:
        data = {
            "node": self.info.node_id,
            "rank": self.info.rank,
            "world_size": self.info.world_size,
            "launcher": self.info.launcher,
            "job": self.info.job_id,
            "phases": self._phases,
            "stopped": stopped,
            "tags": slurm_tags(os.environ),  # so `slurm import` never counts the job again
        }
        name = f"phases-{self.info.node_id}-{self.info.rank}-{self._pid}.json"
        _write(self.dir / name, data)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """A named window on this rank; cheap on every rank (two file writes)."""
        entry = [name, time.time(), None]
        self._phases.append(entry)
        try:
            yield
        finally:
            entry[2] = time.time()
            with contextlib.suppress(OSError):
                self._write_phases(stopped=False)
                self._try_lead()  # a dead leader's node is taken over at a phase edge

    def stop(self, *, error: BaseException | None = None) -> RunRecord | None:
        """Leave the job, write this process's files and save the merged run (idempotent)."""
        if self._stop.is_set():
            return self.record
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        # Serialised across the job: whoever stops last merges every final file.
        with (self.dir / "merge.lock").open("a") as merge_lock:
            fcntl.flock(merge_lock.fileno(), fcntl.LOCK_EX)
            if self._tracker is not None:
                self._sample()
                record = self._tracker.stop(error=error)
                self._write_part(record)
            self._write_phases(stopped=True)
            result = self._save(final=True)
        if self._lock_file is not None:
            self._lock_file.close()  # releases the node's lock
        return result

    def _save(self, *, final: bool) -> RunRecord | None:
        try:
            record = merge_job(
                self.dir, run_id=self.run_id, algorithm=self.algorithm, phase=self.phase_label
            )
            if record is None:
                return None
            if self._sink is None:
                from algoprint.config import load_settings
                from algoprint.tracking.spool import SpoolSink

                self._sink = SpoolSink(load_settings({"db": self._kwargs.get("db")}).db)
            self._sink.save(record, durable=final)
            self.record = record
            return record
        except Exception as e:  # the workload goes on; the files stay for the next merge
            log.warning("algoprint: job run not saved: %s", e)
            return None

    def __enter__(self) -> JobTracker:
        return self.start()

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        self.stop(error=exc)


def track_job(**kwargs: Any) -> JobTracker:
    """``with track_job(algorithm="x") as job: with job.phase("training"): ...``"""
    return JobTracker(**kwargs)
