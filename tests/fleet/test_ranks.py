"""Multi-rank jobs: processes posing as ranks on two "nodes" give one run, each node once."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from algoprint.fleet._jobmerge import energy_between, merge_job, union
from algoprint.fleet.ranks import detect

RANK_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from algoprint.fleet.ranks import JobTracker
    from algoprint.meters.common import Domain
    from algoprint.testing import ReplayMeter, ReplayPowerSource

    delay, die = float(sys.argv[1]), sys.argv[2] == "die"
    time.sleep(delay)
    meter = ReplayMeter(source=ReplayPowerSource([(0.0, 100.0)]), domain=Domain.CPU,
                        device="package-0")
    with JobTracker(algorithm="llm-train", job_dir=sys.argv[3], meters=[meter],
                    timeline_interval_s=0.05) as job:
        print("leader" if job.is_leader else "follower", flush=True)
        with job.phase("train"):
            time.sleep(0.6)
            marker = os.path.join(sys.argv[3], "died")
            if die and job.is_leader and not os.path.exists(marker):
                open(marker, "w").close()
                os._exit(9)  # the first leader dies mid-phase
        with job.phase("eval"):
            time.sleep(0.2)
    """
)


def _launch(tmp_path: Path, ranks: list[tuple[str, int, float, str]]) -> list[str]:
    script = tmp_path / "rank.py"
    script.write_text(RANK_SCRIPT)
    procs = []
    for node, rank, delay, mode in ranks:
        env = {
            **os.environ,
            "ALGOPRINT_DB": str(tmp_path / "runs.sqlite"),
            "ALGOPRINT_NODE_ID": node,
            "TORCHELASTIC_RUN_ID": "job-42",
            "RANK": str(rank),
            "LOCAL_RANK": str(rank % 2),
            "WORLD_SIZE": "4",
            "MASTER_ADDR": "10.0.0.1",
            "SLURM_JOB_ID": "5150",
        }
        cmd = [sys.executable, str(script), str(delay), mode, str(tmp_path / "jobs")]
        procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True))
    outs = []
    for p in procs:
        out, _ = p.communicate(timeout=60)
        outs.append(out.strip())
    return outs


def _job_dir(tmp_path: Path) -> Path:
    (job,) = (tmp_path / "jobs").iterdir()
    return job


@pytest.mark.slow
def test_ranks_on_two_nodes_make_one_run_counting_each_node_once(tmp_path: Path) -> None:
    ranks = [("node-a", 0, 0.0, "ok"), ("node-a", 1, 0.1, "ok"), ("node-b", 2, 0.0, "ok")]
    ranks.append(("node-b", 3, 0.4, "ok"))  # starts late
    roles = _launch(tmp_path, ranks)
    assert set(roles) <= {"leader", "follower"}
    job = _job_dir(tmp_path)
    parts = [json.loads(p.read_text()) for p in job.glob("node-*.json")]
    assert {p["node"] for p in parts} == {"node-a", "node-b"}
    # A node is measured by one leader at a time: a rank still running after its node's
    # leader stopped takes over, and the segments never overlap.
    for node in ("node-a", "node-b"):
        segs = sorted(
            (p["record"]["started_at"], p["record"]["ended_at"]) for p in parts if p["node"] == node
        )
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(segs))
    from algoprint.store import open_store

    (run,) = open_store(str(tmp_path / "runs.sqlite")).list_runs()
    assert run.status.value == "completed" and run.algorithm == "llm-train"
    assert sorted(c.device for c in run.components) == ["node-a:package-0", "node-b:package-0"]
    per_node = sum(p["record"]["machine_energy_j"] for p in parts)
    assert run.energy_j == pytest.approx(per_node)
    # 100 W per node over each leader's run: never four times (once per rank).
    durations = sum(p["record"]["duration_s"] for p in parts)
    assert run.energy_j == pytest.approx(100.0 * durations, rel=0.05)
    phases = {p.name: p for p in run.phases}
    assert phases["train"].count == 4 and phases["eval"].count == 4
    assert run.tags["job.id"] == "5150" and run.tags["job.ranks"] == "4"
    assert run.tags["slurm.job_id"] == "5150"  # `slurm import` will skip this job
    # Per node the phase windows of its ranks are unioned: train spans at most both nodes'
    # union, so its energy stays below 2 nodes x 100 W x its whole duration.
    assert 0 < phases["train"].energy_j <= 2 * 100.0 * phases["train"].duration_s * 1.05


@pytest.mark.slow
def test_dead_leader_is_taken_over_and_recorded(tmp_path: Path) -> None:
    ranks = [("node-a", 0, 0.0, "die"), ("node-a", 1, 0.05, "die")]
    roles = _launch(tmp_path, ranks)
    assert sorted(roles) == ["follower", "leader"]
    assert (tmp_path / "jobs" / "died").exists()
    (job,) = (p for p in (tmp_path / "jobs").iterdir() if p.is_dir())
    parts = [json.loads(p.read_text()) for p in job.glob("node-*.json")]
    assert len(parts) == 2  # the follower led node-a after the leader died
    run = merge_job(job, run_id="x" * 32, algorithm="llm-train", phase=None)
    assert run is not None and run.status.value == "incomplete"
    assert [c.device for c in run.components] == ["node-a:package-0"]
    assert any("last checkpoint" in d.message for d in run.degradations)


def test_union_and_interpolation() -> None:
    assert union([(0, 2), (1, 3), (5, 6)]) == [(0, 3), (5, 6)]
    timeline = [[0.0, 0.0], [10.0, 1000.0]]
    assert energy_between(timeline, 2.0, 4.0) == pytest.approx(200.0)
    assert energy_between(timeline, -5.0, 20.0) == pytest.approx(1000.0)


@pytest.mark.parametrize(
    ("env", "launcher", "job", "rank", "size"),
    [
        ({"RANK": "3", "LOCAL_RANK": "1", "WORLD_SIZE": "8", "TORCHELASTIC_RUN_ID": "r1"},
         "torchrun", "r1", 3, 8),
        ({"RANK": "0", "WORLD_SIZE": "2", "ACCELERATE_MIXED_PRECISION": "bf16",
          "MASTER_ADDR": "h", "MASTER_PORT": "29500"}, "accelerate", "h:29500", 0, 2),
        ({"RANK": "1", "WORLD_SIZE": "2", "CROSS_RANK": "0", "SLURM_JOB_ID": "77"},
         "deepspeed", "77", 1, 2),
        ({"SLURM_PROCID": "5", "SLURM_LOCALID": "1", "SLURM_NTASKS": "16", "SLURM_JOB_ID": "88",
          "SLURMD_NODENAME": "gpu07"}, "slurm", "88", 5, 16),
        ({"OMPI_COMM_WORLD_RANK": "2", "OMPI_COMM_WORLD_SIZE": "4",
          "PMIX_NAMESPACE": "prterun-x@1"}, "mpi", "prterun-x@1", 2, 4),
    ],
)  # fmt: skip
def test_detect_launchers(
    env: dict[str, str], launcher: str, job: str, rank: int, size: int
) -> None:
    info = detect(env)
    assert info is not None
    assert (info.launcher, info.job_id, info.rank, info.world_size) == (launcher, job, rank, size)


def test_not_distributed() -> None:
    assert detect({"HOME": "/root"}) is None
