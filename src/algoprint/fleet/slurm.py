"""Finished SLURM jobs from ``sacct --parsable2`` as algoprint runs.

Counting rules (docs/fleet.md):

- **One run per job**, never job + steps: the allocation line (``1234``, array task
  ``1235_7``) carries the job's energy; its steps (``1234.batch``, ``.extern``, ``.0``) are
  read only when the allocation line has no energy, and then the largest step counts (the
  ``extern`` step spans the whole allocation), marked as a lower bound.
- **Energy**: ``ConsumedEnergyRaw`` in joules (``ConsumedEnergy`` with K/M/G suffixes when the
  raw field is absent). Empty, ``0`` or SLURM's "no value" (≥ 2^63) means no energy
  accounting; then the run is estimated from the allocation — nodes × ``node_watts`` + GPUs ×
  ``gpu_watts``, times elapsed — with method ``model``, ±50 %, and it says so.
- **Never twice**: a job that ``algoprint run`` measured inside the allocation (tag
  ``slurm.job_id`` equal to the job's ``JobIDRaw``) is skipped — the tracker's direct
  measurement wins. Re-importing replaces the job's run (its id derives from cluster and job).
- Jobs still pending or running are skipped until they end.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from algoprint.errors import InputError, SourceError
from algoprint.fleet._common import stable_run_id
from algoprint.tracking.record import ComponentRecord, Degradation, RunRecord, RunStatus

__all__ = [
    "SACCT_FIELDS",
    "Estimate",
    "ImportResult",
    "MapRule",
    "import_jobs",
    "parse_sacct",
    "run_sacct",
    "slurm_tags",
]

SACCT_FIELDS = (
    "JobID,JobIDRaw,JobName,Account,Comment,State,Elapsed,ElapsedRaw,Start,End,NNodes,"
    "NodeList,AllocTRES,ConsumedEnergyRaw,ConsumedEnergy,Cluster"
)
NO_VAL = 2**63
MEASURED_UNCERTAINTY = 0.1
ESTIMATE_UNCERTAINTY = 0.5
_STEP = re.compile(r"^(?P<job>[^.]+)\.(?P<step>.+)$")
_ARRAY = re.compile(r"^(?P<array>\d+)_(?P<task>\d+)$")
_SUFFIX = {"": 1.0, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
_DONE = {
    "COMPLETED": RunStatus.COMPLETED,
    "FAILED": RunStatus.FAILED,
    "OUT_OF_MEMORY": RunStatus.FAILED,
    "NODE_FAIL": RunStatus.FAILED,
    "BOOT_FAIL": RunStatus.FAILED,
    "DEADLINE": RunStatus.INTERRUPTED,
    "TIMEOUT": RunStatus.INTERRUPTED,
    "CANCELLED": RunStatus.INTERRUPTED,
    "PREEMPTED": RunStatus.INTERRUPTED,
}


@dataclass(frozen=True, slots=True)
class MapRule:
    """Map jobs to an algorithm when every given glob matches (case-sensitive)."""

    algorithm: str
    job_name: str | None = None
    account: str | None = None
    comment: str | None = None

    def matches(self, row: Mapping[str, str]) -> bool:
        pairs = (("JobName", self.job_name), ("Account", self.account), ("Comment", self.comment))
        return all(glob is None or fnmatch.fnmatchcase(row.get(k, ""), glob) for k, glob in pairs)


@dataclass(frozen=True, slots=True)
class Estimate:
    """The hardware profile used where a job has no energy: watts per node and per GPU."""

    node_watts: float | None = None
    gpu_watts: float | None = None


@dataclass(slots=True)
class ImportResult:
    """Runs to save and what was left out, each with its reason."""

    runs: list[RunRecord] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    unassigned: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": [r.to_dict() for r in self.runs],
            "skipped": self.skipped,
            "unassigned": self.unassigned,
        }


def slurm_tags(environ: Mapping[str, str]) -> dict[str, str]:
    """Tags that tie a run measured inside a SLURM allocation to its job (``algoprint run``
    adds them), so ``algoprint slurm import`` does not count the job a second time."""
    names = {
        "SLURM_JOB_ID": "slurm.job_id",
        "SLURM_ARRAY_JOB_ID": "slurm.array_job_id",
        "SLURM_ARRAY_TASK_ID": "slurm.array_task_id",
        "SLURM_STEP_ID": "slurm.step_id",
        "SLURM_JOB_NODELIST": "slurm.nodelist",
        "SLURM_CLUSTER_NAME": "slurm.cluster",
    }
    return {tag: environ[var] for var, tag in names.items() if environ.get(var)}


def run_sacct(since: datetime, *, timeout_s: float = 120.0) -> str:
    """Call ``sacct`` for every user's jobs that started since ``since``.

    Raises:
        SourceError: sacct is missing, fails or times out.
    """
    start = since.astimezone().strftime("%Y-%m-%dT%H:%M:%S")
    cmd = ["sacct", "--allusers", "--parsable2", f"--format={SACCT_FIELDS}", "-S", start]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    except FileNotFoundError:
        raise SourceError(
            "sacct is not installed here",
            hint="run on a cluster node with SLURM, or save sacct's output and use --from-file",
        ) from None
    except subprocess.TimeoutExpired:
        raise SourceError(f"sacct did not answer within {timeout_s:.0f} s") from None
    if proc.returncode != 0:
        raise SourceError(f"sacct failed: {proc.stderr.strip() or f'exit {proc.returncode}'}")
    return proc.stdout


def parse_sacct(text: str) -> list[dict[str, str]]:
    """Rows of ``sacct --parsable2`` output (a header line, ``|``-separated fields).

    Raises:
        InputError: no header or no JobID column (e.g. ``--noheader`` was used).
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or "JobID" not in lines[0].split("|"):
        raise InputError(
            "sacct output has no header with JobID",
            hint=f"run sacct --parsable2 --format={SACCT_FIELDS} (without --noheader)",
        )
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter="|", quoting=csv.QUOTE_NONE)
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def _energy_j(row: Mapping[str, str]) -> float | None:
    raw = row.get("ConsumedEnergyRaw", "")
    if raw:
        try:
            value = float(raw)
        except ValueError:
            return None
    else:
        m = re.fullmatch(r"([\d.]+)([KMGT]?)", row.get("ConsumedEnergy", ""))
        if m is None:
            return None
        value = float(m.group(1)) * _SUFFIX[m.group(2)]
    return value if 0 < value < NO_VAL else None


def _elapsed_s(row: Mapping[str, str]) -> float:
    if row.get("ElapsedRaw", "").isdigit():
        return float(row["ElapsedRaw"])
    m = re.fullmatch(r"(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)", row.get("Elapsed", ""))
    if m is None:
        raise InputError(f"job {row.get('JobID')}: unreadable Elapsed {row.get('Elapsed')!r}")
    d, h, mi, s = (int(x) if x else 0 for x in m.groups())
    return float(((d * 24 + h) * 60 + mi) * 60 + s)


def _gpus(tres: str) -> int:
    for part in tres.split(","):
        key, _, value = part.partition("=")
        if key == "gres/gpu" and value.isdigit():
            return int(value)
    return 0


def _ts(text: str) -> str | None:
    if not text or text in ("Unknown", "None"):
        return None
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.astimezone()  # sacct prints the cluster's local time
    return when.astimezone(UTC).isoformat()


def _algorithm(
    row: Mapping[str, str], rules: Sequence[MapRule], registered: Iterable[str]
) -> str | None:
    m = re.search(r"(?:^|[\s,;])algorithm=([a-z][a-z0-9-]{1,63})\b", row.get("Comment", ""))
    if m:
        return m.group(1)
    for rule in rules:
        if rule.matches(row):
            return rule.algorithm
    name = row.get("JobName", "")
    return name if name in set(registered) else None


def import_jobs(
    rows: Sequence[Mapping[str, str]],
    *,
    rules: Sequence[MapRule] = (),
    registered: Iterable[str] = (),
    tracked: Mapping[str, str] | None = None,
    estimate: Estimate | None = None,
) -> ImportResult:
    """Runs for the finished jobs in ``rows``.

    Args:
        rules: mapping rules, first match wins (after ``algorithm=SLUG`` in the comment).
        registered: algorithm slugs; a job named exactly like one maps to it.
        tracked: ``JobIDRaw`` → run id of runs ``algoprint run`` measured in the allocation.
        estimate: the hardware profile for jobs without energy accounting.
    """
    tracked = tracked or {}
    registered = list(registered)
    estimate = estimate or Estimate()
    steps: dict[str, list[Mapping[str, str]]] = {}
    jobs: list[Mapping[str, str]] = []
    for row in rows:
        m = _STEP.match(row.get("JobID", ""))
        if m:
            steps.setdefault(m.group("job"), []).append(row)
        else:
            jobs.append(row)
    result = ImportResult()
    for row in jobs:
        job = row.get("JobID", "")
        raw = row.get("JobIDRaw") or job
        state = row.get("State", "").split(" ")[0]
        if state not in _DONE:
            result.skipped.append({"job": job, "reason": f"state {state or '?'}: not finished"})
            continue
        if raw in tracked:
            result.skipped.append(
                {"job": job, "reason": f"measured by algoprint run (run {tracked[raw][:8]})"}
            )
            continue
        algorithm = _algorithm(row, rules, registered)
        if algorithm is None:
            result.unassigned.append(
                {"job": job, "name": row.get("JobName", ""), "account": row.get("Account", "")}
            )
            continue
        record = _record(row, steps.get(job, []), algorithm, _DONE[state], estimate)
        if record is None:
            result.skipped.append(
                {
                    "job": job,
                    "reason": "no energy accounting and no hardware profile to estimate from",
                    "hint": "pass --node-watts W (and --gpu-watts W) or enable "
                    "AcctGatherEnergyType in slurm.conf",
                }
            )
            continue
        result.runs.append(record)
    return result


def _record(
    row: Mapping[str, str],
    steps: Sequence[Mapping[str, str]],
    algorithm: str,
    status: RunStatus,
    estimate: Estimate,
) -> RunRecord | None:
    job = row["JobID"]
    elapsed = _elapsed_s(row)
    nodes = int(row.get("NNodes") or 1)
    gpus = _gpus(row.get("AllocTRES", ""))
    nodelist = row.get("NodeList", "")
    degradations: list[Degradation] = []
    energy = _energy_j(row)
    method, uncertainty = "slurm", MEASURED_UNCERTAINTY
    if energy is None:
        step_energy = [e for e in (_energy_j(s) for s in steps) if e is not None]
        if step_energy:
            energy = max(step_energy)
            degradations.append(
                Degradation(
                    "slurm",
                    "the job line had no energy; its largest step counted (a lower bound)",
                    kind="fallback",
                )
            )
    if energy is None:
        if estimate.node_watts is None:
            return None
        power = nodes * estimate.node_watts + gpus * (estimate.gpu_watts or 0.0)
        energy = power * elapsed
        method, uncertainty = "model", ESTIMATE_UNCERTAINTY
        degradations.append(
            Degradation(
                "slurm",
                f"no energy accounting for this job: estimated as {nodes} node(s) x "
                f"{estimate.node_watts:g} W + {gpus} GPU(s) x {estimate.gpu_watts or 0:g} W "
                f"x {elapsed:.0f} s",
                hint="enable AcctGatherEnergyType (RAPL or IPMI) in slurm.conf to measure",
                kind="fallback",
            )
        )
    else:
        degradations.append(
            Degradation(
                "slurm",
                "SLURM's energy plugin measures whole nodes: on shared nodes other jobs' "
                "energy is included",
                kind="fallback",
            )
        )
    cluster = row.get("Cluster", "")
    raw = row.get("JobIDRaw") or job
    tags = {"source": "slurm", "slurm.job_id": raw, "slurm.nodelist": nodelist}
    for key, column in (("slurm.cluster", "Cluster"), ("slurm.account", "Account")):
        if row.get(column):
            tags[key] = row[column]
    m = _ARRAY.match(job)
    if m:
        tags["slurm.array_job_id"], tags["slurm.array_task_id"] = m.group(1), m.group(2)
    started = _ts(row.get("Start", "")) or datetime.now(UTC).isoformat()
    component = ComponentRecord(
        domain="platform" if method == "slurm" else "cpu",
        device=nodelist or "allocation",
        energy_j=energy,
        method=method,
        uncertainty_rel=uncertainty,
        process_energy_j=energy,
        note=f"{nodes} node(s), {gpus} GPU(s)",
    )
    return RunRecord(
        run_id=stable_run_id("slurm", cluster, raw),
        algorithm=algorithm,
        phase=None,
        status=status,
        started_at=started,
        ended_at=_ts(row.get("End", "")),
        duration_s=elapsed,
        scope="process",
        energy_j=energy,
        process_energy_j=energy,
        measured_energy_j=energy,
        uncertainty_rel=uncertainty,
        components=[component],
        degradations=degradations,
        meters=[{"name": "sacct", "available": True, "detail": job, "method": method}],
        host={"hostname": nodelist, "source": "slurm", "nodes": nodes, "gpus": gpus},
        command=[row.get("JobName", "")],
        tags=tags,
    )
