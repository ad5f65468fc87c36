"""``algoprint slurm import``: finished SLURM jobs (sacct) into the run store."""

from __future__ import annotations

import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from algoprint.cli._common import db_option, json_option, open_store_for, print_json
from algoprint.cli._options import bounded_float
from algoprint.errors import InputError


@click.group("slurm")
def slurm() -> None:
    """SLURM clusters: finished jobs and their energy accounting as runs."""


def load_map(path: str) -> tuple[list[Any], dict[str, float]]:
    """Mapping rules and the estimate profile from a TOML file (docs/fleet.md).

    Raises:
        InputError: unreadable TOML, an unknown key or a rule without ``algorithm``.
    """
    from algoprint.fleet.slurm import MapRule
    from algoprint.kader.register import validate_slug

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"--map {path}: {e}", hint="see docs/fleet.md for the format") from None
    unknown = set(data) - {"map", "estimate"}
    if unknown:
        raise InputError(
            f"--map {path}: unknown table(s) {sorted(unknown)}", hint="use map, estimate"
        )
    rules = []
    for i, item in enumerate(data.get("map", []), 1):
        bad = set(item) - {"algorithm", "job_name", "account", "comment"}
        if bad or "algorithm" not in item:
            raise InputError(
                f"--map {path}: rule {i} needs algorithm and only job_name/account/comment"
                + (f" (unknown: {sorted(bad)})" if bad else ""),
            )
        rules.append(MapRule(**{**item, "algorithm": validate_slug(item["algorithm"])}))
    estimate = data.get("estimate", {})
    bad = set(estimate) - {"node_watts", "gpu_watts"}
    if bad:
        raise InputError(f"--map {path}: unknown estimate key(s) {sorted(bad)}")
    return rules, {k: float(v) for k, v in estimate.items()}


@slurm.command("import")
@click.option("--since", metavar="TIME", help="Jobs started since: ISO 8601 or 7d (default 1d).")
@click.option(
    "--from-file",
    "from_file",
    metavar="PATH",
    help="Read saved `sacct --parsable2` output instead of calling sacct ('-' = stdin).",
)
@click.option("--map", "map_file", metavar="TOML", help="Rules mapping jobs to algorithms.")
@click.option(
    "--node-watts",
    type=bounded_float(0, 100_000, min_open=True, unit="W"),
    help="Power per node for jobs without energy data.",
)
@click.option(
    "--gpu-watts",
    type=bounded_float(0, 10_000, min_open=True, unit="W"),
    help="Power per allocated GPU for those estimates.",
)
@db_option
@json_option
def import_command(
    since: str | None,
    from_file: str | None,
    map_file: str | None,
    node_watts: float | None,
    gpu_watts: float | None,
    db: str | None,
    as_json: bool,
) -> int:
    """Import finished jobs from sacct: one run per job (never job + steps).

    A job maps to an algorithm by `algorithm=SLUG` in its --comment, then the --map rules
    (job name, account, comment globs), then a job name equal to a registered algorithm.
    Jobs that `algoprint run` measured inside the allocation are skipped (the direct
    measurement wins); re-importing replaces a job's run instead of adding it again.
    """
    from algoprint.cli._fleet import parse_instant
    from algoprint.fleet.slurm import Estimate, import_jobs, parse_sacct, run_sacct
    from algoprint.kader.register import ensure_algorithm, list_algorithms

    for name, value in (("--node-watts", node_watts), ("--gpu-watts", gpu_watts)):
        if value is not None and not value > 0:
            raise InputError(f"{name} must be > 0 W, got {value:g}")
    rules, profile = load_map(map_file) if map_file else ([], {})
    estimate = Estimate(
        node_watts=node_watts or profile.get("node_watts"),
        gpu_watts=gpu_watts or profile.get("gpu_watts"),
    )
    now = datetime.now(UTC)
    if from_file:
        try:
            text = sys.stdin.read() if from_file == "-" else Path(from_file).read_text("utf-8")
        except OSError as e:
            raise InputError(f"--from-file {from_file}: {e.strerror or e}") from None
    else:
        start = parse_instant(since, now=now) if since else now - timedelta(days=1)
        text = run_sacct(start)
    rows = parse_sacct(text)
    store = open_store_for(db)
    tracked = {
        r.tags["slurm.job_id"]: r.run_id
        for r in store.list_runs()
        if "slurm.job_id" in r.tags and r.tags.get("source") != "slurm"
    }
    registered = [a.slug for a in list_algorithms(store)]
    result = import_jobs(
        rows, rules=rules, registered=registered, tracked=tracked, estimate=estimate
    )
    for slug in sorted({r.algorithm for r in result.runs if r.algorithm}):
        ensure_algorithm(store, slug)
    store.save_runs(result.runs)
    if as_json:
        print_json(result.to_dict())
        return 0
    from algoprint.cli._format import energy

    for r in result.runs:
        how = "estimated" if r.components[0].method == "model" else "measured"
        print(f"  {r.tags['slurm.job_id']:<12} {r.algorithm:<24} {energy(r.energy_j)} ({how})")
    print(f"imported {len(result.runs)} job(s)")
    for s in result.skipped:
        print(f"skipped {s['job']}: {s['reason']}")
    if result.unassigned:
        jobs = ", ".join(u["job"] for u in result.unassigned[:10])
        print(
            f"unassigned {len(result.unassigned)} job(s) with no algorithm: {jobs}"
            " (sbatch --comment algorithm=SLUG, or --map)"
        )
    return 0
