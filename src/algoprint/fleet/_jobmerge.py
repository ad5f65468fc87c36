"""Merge a job directory's node parts and rank phases into one run (rules in ``ranks``)."""

from __future__ import annotations

import bisect
import json
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from algoprint.fleet._common import from_epoch
from algoprint.tracking.record import (
    ComponentRecord,
    Degradation,
    PhaseRecord,
    RunRecord,
    RunStatus,
)

__all__ = ["energy_between", "merge_job", "union"]


def _load(directory: Path, pattern: str) -> list[dict[str, Any]]:
    out = []
    for path in sorted(directory.glob(pattern)):
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # being replaced right now; the next merge reads it
    return out


def union(windows: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping or touching windows merged, in time order."""
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(windows):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def energy_between(timeline: Sequence[Sequence[float]], lo: float, hi: float) -> float:
    """Energy (J) between two wall times from a cumulative ``[(wall_s, joules)]`` timeline,
    linearly interpolated and clamped to the timeline's span."""
    if len(timeline) < 2 or hi <= lo:
        return 0.0
    times = [p[0] for p in timeline]

    def at(t: float) -> float:
        t = min(max(t, times[0]), times[-1])
        i = bisect.bisect_right(times, t)
        if i >= len(times):
            return float(timeline[-1][1])
        t0, e0 = timeline[i - 1]
        t1, e1 = timeline[i]
        return float(e0 + (e1 - e0) * (t - t0) / (t1 - t0)) if t1 > t0 else float(e0)

    return at(hi) - at(lo)


def _node_components(node: str, parts: list[dict[str, Any]], notes: list[str]) -> list[Any]:
    totals: dict[tuple[str, str], ComponentRecord] = {}
    for part in parts:
        record = part.get("record")
        comps = (record or {}).get("components") or part.get("checkpoint") or []
        if record is None:
            notes.append(
                f"node {node}: leader pid {part['pid']} has not finished (or died); its "
                "figures are as of its last checkpoint"
            )
        for c in comps:
            key = (c["domain"], f"{node}:{c['device']}")
            prev = totals.get(key)
            if prev is None:
                totals[key] = ComponentRecord(**{**c, "device": key[1]})
            elif prev.energy_j is not None:
                prev.energy_j = None if c["energy_j"] is None else prev.energy_j + c["energy_j"]
    return list(totals.values())


def _dead(part: dict[str, Any]) -> bool:
    """A leader on this host whose process is gone (other hosts cannot be checked from here)."""
    import os
    import socket

    if part.get("host") != socket.gethostname():
        return False
    try:
        os.kill(int(part["pid"]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _timeline(parts: list[dict[str, Any]]) -> list[list[float]]:
    out: list[list[float]] = []
    offset = 0.0
    for part in sorted(parts, key=lambda p: p["started"]):
        points = part.get("timeline") or []
        out += [[t, offset + e] for t, e in points if not out or t > out[-1][0]]
        if points:
            offset += points[-1][1]
    return out


def merge_job(
    directory: Path, *, run_id: str, algorithm: str | None, phase: str | None
) -> RunRecord | None:
    """The job's run as of now, or ``None`` before any node has a leader."""
    parts = _load(directory, "node-*.json")
    ranks = _load(directory, "phases-*.json")
    if not parts:
        return None
    notes: list[str] = []
    by_node: dict[str, list[dict[str, Any]]] = {}
    for part in parts:
        by_node.setdefault(part["node"], []).append(part)
    components: list[ComponentRecord] = []
    for node in sorted(by_node):
        components += _node_components(node, by_node[node], notes)
    has_cpu = any(c.domain == "cpu" for c in components)
    counted = [c for c in components if not (c.domain == "platform" and has_cpu)]
    gap = any(c.energy_j is None for c in counted)
    measured = math.fsum(c.energy_j or 0.0 for c in counted)
    half = math.fsum((c.energy_j or 0.0) * c.uncertainty_rel for c in counted)
    timelines = {node: _timeline(p) for node, p in by_node.items()}
    phases = _phases(ranks, timelines, notes)
    starts = [p["started"] for p in parts]
    finished = [p for p in parts if p.get("record")]
    ends = [t for p in parts for t, _ in (p.get("timeline") or [])[-1:]]
    world = max((r.get("world_size", 1) for r in ranks), default=1)
    if len({r["rank"] for r in ranks}) < world:
        notes.append(f"{len({r['rank'] for r in ranks})} of {world} ranks reported so far")
    dead = [p for p in parts if not p.get("record") and _dead(p)]
    done = len(finished) + len(dead) == len(parts)
    statuses = {p["record"]["status"] for p in finished}
    status = RunStatus.RUNNING
    if done:
        status = RunStatus.FAILED if "failed" in statuses else RunStatus.COMPLETED
        if "interrupted" in statuses:
            status = RunStatus.INTERRUPTED
        elif status is RunStatus.COMPLETED and RunStatus.STOPPED_BY_BUDGET.value in statuses:
            status = RunStatus.STOPPED_BY_BUDGET
        if dead and status is RunStatus.COMPLETED:
            status = RunStatus.INCOMPLETE
    first = ranks[0] if ranks else {}
    degradations = [Degradation("job", n, kind="fault") for n in dict.fromkeys(notes)]
    for p in finished:
        for d in p["record"].get("degradations", []):
            item = Degradation(**d)
            if item not in degradations:
                degradations.append(item)
    return RunRecord(
        run_id=run_id,
        algorithm=algorithm,
        phase=phase,
        status=status,
        started_at=from_epoch(min(starts)),
        ended_at=from_epoch(max(ends)) if done and ends else None,
        duration_s=(max(ends) - min(starts)) if ends else 0.0,
        scope="machine",
        energy_j=None if gap else measured,
        machine_energy_j=None if gap else measured,
        measured_energy_j=measured,
        uncertainty_rel=half / measured if measured > 0 else None,
        components=components,
        phases=phases,
        degradations=degradations,
        host={"hostname": sorted(by_node)[0], "nodes": sorted(by_node)},
        tags={
            **{str(k): str(v) for k, v in first.get("tags", {}).items()},
            "job.id": str(first.get("job", "")),
            "job.launcher": str(first.get("launcher", "")),
            "job.nodes": str(len(by_node)),
            "job.ranks": str(len({r["rank"] for r in ranks})),
        },
        checkpoint_at=from_epoch(time.time()),
    )


def _phases(
    ranks: list[dict[str, Any]], timelines: dict[str, list[list[float]]], notes: list[str]
) -> list[PhaseRecord]:
    windows: dict[str, dict[str, list[tuple[float, float]]]] = {}
    order: list[str] = []
    counts: dict[str, int] = {}
    now = time.time()
    for r in ranks:
        for name, lo, end in r.get("phases", []):
            if end is None and r.get("stopped"):
                continue
            hi = now if end is None else end  # still open on a live rank
            if name not in counts:
                order.append(name)
            counts[name] = counts.get(name, 0) + 1
            windows.setdefault(name, {}).setdefault(r["node"], []).append((lo, hi))
    out = []
    for name in order:
        energy = 0.0
        spans: list[tuple[float, float]] = []
        for node, wins in windows[name].items():
            merged = union(wins)
            spans += merged
            timeline = timelines.get(node)
            if not timeline:
                notes.append(f"phase {name!r} ran on node {node}, which no leader measured")
                continue
            energy += math.fsum(energy_between(timeline, lo, hi) for lo, hi in merged)
        whole = union(spans)
        out.append(
            PhaseRecord(
                name=name,
                started_at=from_epoch(whole[0][0]),
                ended_at=from_epoch(whole[-1][1]),
                duration_s=math.fsum(hi - lo for lo, hi in whole),
                energy_j=energy,
                machine_energy_j=energy,
                process_energy_j=None,
                count=counts[name],
            )
        )
    return out
