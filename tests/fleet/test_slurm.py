"""SLURM import from recorded `sacct --parsable2` outputs (tests/fixtures/slurm)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from algoprint.fleet.slurm import Estimate, MapRule, import_jobs, parse_sacct, slurm_tags
from tests.cli._invoke import algoprint, new_user

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "slurm"
RULES = [MapRule(algorithm="permit-check", account="permits")]


def _rows(name: str) -> list[dict[str, str]]:
    return parse_sacct((FIXTURES / name).read_text())


def test_one_run_per_job_never_job_plus_steps() -> None:
    result = import_jobs(_rows("sacct_energy.txt"), rules=RULES)
    by_job = {r.tags["slurm.job_id"]: r for r in result.runs}
    assert set(by_job) == {"4100", "4101", "4103", "4104"}
    # 4100: the allocation line's 7.2 MJ, not batch + extern + step 0.
    assert by_job["4100"].energy_j == 7_200_000
    assert by_job["4100"].algorithm == "fraud-model"
    assert by_job["4100"].host["gpus"] == 8 and by_job["4100"].host["nodes"] == 2
    assert by_job["4101"].algorithm == "permit-check"
    assert by_job["4101"].status.value == "failed"
    assert by_job["4103"].tags["slurm.array_job_id"] == "4102"
    assert by_job["4103"].tags["slurm.array_task_id"] == "1"
    assert (by_job["4103"].energy_j, by_job["4104"].energy_j) == (30_000, 36_000)
    assert {r.components[0].method for r in result.runs} == {"slurm"}
    reasons = {s["job"]: s["reason"] for s in result.skipped}
    assert "not finished" in reasons["4102_[3-5]"] and "not finished" in reasons["4106"]
    assert [u["job"] for u in result.unassigned] == ["4105"]


def test_run_ids_are_stable_so_reimport_replaces() -> None:
    first = import_jobs(_rows("sacct_energy.txt"), rules=RULES)
    second = import_jobs(_rows("sacct_energy.txt"), rules=RULES)
    assert [r.run_id for r in first.runs] == [r.run_id for r in second.runs]


def test_missing_energy_is_estimated_and_said() -> None:
    rows = _rows("sacct_noenergy.txt")
    bare = import_jobs(rows, rules=RULES)
    assert [r.tags["slurm.job_id"] for r in bare.runs] == ["7003"]
    assert {s["job"] for s in bare.skipped} == {"7001", "7002"}
    assert all("--node-watts" in s["hint"] for s in bare.skipped)
    result = import_jobs(rows, rules=RULES, estimate=Estimate(node_watts=400, gpu_watts=300))
    by_job = {r.tags["slurm.job_id"]: r for r in result.runs}
    # 7001: 26 h x (2 x 400 W + 8 x 300 W) = 93,600 s x 3,200 W.
    assert by_job["7001"].energy_j == pytest.approx(93_600 * 3_200)
    assert by_job["7001"].components[0].method == "model"
    assert by_job["7001"].uncertainty_rel == 0.5
    assert "estimated" in by_job["7001"].degradations[0].message
    # 7002: SLURM's "no value" sentinel is not energy: 1,800 s x 400 W; TIMEOUT = interrupted.
    assert by_job["7002"].energy_j == pytest.approx(720_000)
    assert by_job["7002"].status.value == "interrupted"
    # 7003: no job-line energy; the batch step's 54 kJ counts, said to be a lower bound.
    assert by_job["7003"].energy_j == 54_000
    assert "lower bound" in by_job["7003"].degradations[0].message


def test_tracked_jobs_are_not_counted_twice() -> None:
    result = import_jobs(_rows("sacct_energy.txt"), rules=RULES, tracked={"4103": "ab" * 16})
    assert "4103" not in {r.tags["slurm.job_id"] for r in result.runs}
    assert any("measured by algoprint run" in s["reason"] for s in result.skipped)


def test_header_is_required() -> None:
    from algoprint.errors import InputError

    with pytest.raises(InputError, match="no header"):
        parse_sacct("4100|4100|x\n")


def test_slurm_tags_from_environment() -> None:
    env = {"SLURM_JOB_ID": "4103", "SLURM_JOB_NODELIST": "cpu01", "SLURM_ARRAY_TASK_ID": "1"}
    assert slurm_tags(env) == {
        "slurm.job_id": "4103",
        "slurm.nodelist": "cpu01",
        "slurm.array_task_id": "1",
    }


def test_cli_run_in_job_then_import_skips_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = new_user(tmp_path, monkeypatch)
    env = {"SLURM_JOB_ID": "4103", "SLURM_JOB_NODELIST": "cpu01", "ALGOPRINT_DB": db}
    proc = subprocess.run(
        [sys.executable, "-m", "algoprint", "run", "-a", "fraud-model", "-q", "--json", "--",
         sys.executable, "-c", "pass"],
        env={**dict(__import__("os").environ), **env}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["tags"]["slurm.job_id"] == "4103"
    mapping = tmp_path / "map.toml"
    mapping.write_text('[[map]]\nalgorithm = "permit-check"\naccount = "permits"\n')
    args = ("slurm", "import", "--from-file", str(FIXTURES / "sacct_energy.txt"))
    rc, out, err = algoprint(*args, "--map", str(mapping), "--json")
    assert rc == 0, err
    doc = json.loads(out)
    assert sorted(r["tags"]["slurm.job_id"] for r in doc["runs"]) == ["4100", "4101", "4104"]
    rc, out, _ = algoprint(*args, "--map", str(mapping))
    assert rc == 0 and "imported 3 job(s)" in out and "measured by algoprint run" in out
    from algoprint.store import open_store

    assert len(open_store(db).list_runs()) == 4  # the tracked run + 3 jobs, after two imports


def test_cli_sacct_missing_is_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new_user(tmp_path, monkeypatch)
    monkeypatch.setenv("PATH", str(tmp_path))
    rc, _, err = algoprint("slurm", "import")
    assert rc == 2 and "sacct is not installed" in err and "--from-file" in err
    bad = tmp_path / "bad.toml"
    bad.write_text('[[map]]\njob = "x"\n')
    rc, _, err = algoprint("slurm", "import", "--from-file", "-", "--map", str(bad))
    assert rc == 2 and "needs algorithm" in err
