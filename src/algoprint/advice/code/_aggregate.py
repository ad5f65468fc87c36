"""Join a sampled profile with a power timeline: energy per function, per line, per stack.

The attribution rule (docs/code-energy.md): the energy of each time bucket (``bucket_s``, 0.1 s
by default) is read from the power timeline (cumulative energy snapshots of the run,
interpolated linearly between snapshots) and split over the stacks sampled in that bucket in
proportion to their sampled wall time. A function's *self* energy sums the buckets' shares of the
stacks where it is the leaf; its *total* energy those where it is anywhere on the stack
(counted once per stack, so recursion is not double counted). Energy of the run outside the
sampled span (interpreter start-up and shutdown, buckets without samples) is reported
separately as ``outside_energy_j``, never spread over functions.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Attribution", "FlameNode", "Hotspot", "LineHotspot", "attribute"]


@dataclass(slots=True)
class Hotspot:
    """Time and energy of one Python function (seconds, joules)."""

    function: str
    file: str
    line: int
    self_s: float
    total_s: float
    self_cpu_s: float
    samples: int
    self_energy_j: float | None
    total_energy_j: float | None
    share: float | None
    """``self_energy_j`` as a fraction of the run's energy (0..1)."""
    process_energy_j: float | None = None
    """The attributed energy shared by CPU time (process scope): a sleeping or waiting function
    gets none of it (set by the profile's ``scope="process"``)."""

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(slots=True)
class LineHotspot:
    """Self time and energy of one source line (the leaf line of the samples)."""

    file: str
    line: int
    function: str
    self_s: float
    self_energy_j: float | None
    share: float | None


@dataclass(slots=True)
class FlameNode:
    """One frame in the call tree (icicle chart): time and energy including its children."""

    name: str
    file: str
    line: int
    total_s: float = 0.0
    energy_j: float | None = None
    children: dict[tuple[str, str, int], FlameNode] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.file,
            "line": self.line,
            "total_s": self.total_s,
            "energy_j": self.energy_j,
            "children": [c.to_dict() for c in self.children.values()],
        }


@dataclass(slots=True)
class Attribution:
    """The result of :func:`attribute`."""

    hotspots: list[Hotspot]
    lines: list[LineHotspot]
    tree: FlameNode
    profiled_s: float
    samples: int
    attributed_energy_j: float | None
    outside_energy_j: float | None


class _Timeline:
    """Cumulative energy (J) as a piecewise-linear function of monotonic time (s)."""

    def __init__(self, points: Sequence[tuple[float, float]]) -> None:
        pts = sorted(points)
        self.times = [t for t, _ in pts]
        self.energies = [e for _, e in pts]

    def at(self, t_s: float) -> float:
        times, energies = self.times, self.energies
        if t_s <= times[0]:
            return energies[0]
        if t_s >= times[-1]:
            return energies[-1]
        i = bisect.bisect_right(times, t_s)
        t0, t1 = times[i - 1], times[i]
        e0, e1 = energies[i - 1], energies[i]
        return e0 if t1 == t0 else e0 + (e1 - e0) * (t_s - t0) / (t1 - t0)


def attribute(
    data: dict[str, Any],
    *,
    timeline: Sequence[tuple[float, float]] | None,
    run_energy_j: float | None,
) -> Attribution:
    """Attribute energy to the functions and lines of a sampled profile.

    Args:
        data: the sampler document (``StackSampler.to_dict()``).
        timeline: ``(monotonic_s, cumulative energy J)`` points of the run, or ``None`` when
            the energy is unknown (then every energy figure is ``None``).
        run_energy_j: the run's headline energy, for shares and ``outside_energy_j``.
    """
    frames = [(str(n), str(f), int(ln)) for n, f, ln in data["frames"]]
    stacks = [(tuple(int(i) for i in ids), int(line)) for ids, line in data["stacks"]]
    t0, t1, bucket_s = float(data["t0_s"]), float(data["t1_s"]), float(data["bucket_s"])
    rows = [(int(b), int(s), float(w), float(c), int(n)) for b, s, w, c, n in data["buckets"]]

    energy_known = timeline is not None and len(timeline) >= 2
    bucket_energy: dict[int, float] = {}
    bucket_wall: dict[int, float] = {}
    for b, _, wall, _, _ in rows:
        bucket_wall[b] = bucket_wall.get(b, 0.0) + wall
    if energy_known:
        assert timeline is not None
        curve = _Timeline(timeline)
        for b in bucket_wall:
            start = min(max(t0 + b * bucket_s, t0), t1)
            end = min(max(t0 + (b + 1) * bucket_s, t0), t1)
            bucket_energy[b] = max(0.0, curve.at(end) - curve.at(start))

    per_stack_wall: dict[int, float] = {}
    per_stack_cpu: dict[int, float] = {}
    per_stack_n: dict[int, int] = {}
    per_stack_energy: dict[int, float] = {}
    for b, s, wall, cpu, n in rows:
        per_stack_wall[s] = per_stack_wall.get(s, 0.0) + wall
        per_stack_cpu[s] = per_stack_cpu.get(s, 0.0) + cpu
        per_stack_n[s] = per_stack_n.get(s, 0) + n
        if energy_known and bucket_wall[b] > 0:
            share = bucket_energy[b] * wall / bucket_wall[b]
            per_stack_energy[s] = per_stack_energy.get(s, 0.0) + share

    attributed = sum(per_stack_energy.values()) if energy_known else None
    outside = None
    if attributed is not None and run_energy_j is not None:
        outside = max(0.0, run_energy_j - attributed)
    denominator = run_energy_j if run_energy_j else attributed

    def share_of(energy: float | None) -> float | None:
        if energy is None or not denominator:
            return None
        return energy / denominator

    funcs: dict[int, list[float]] = {}  # frame id -> self_s, total_s, cpu, n, self_e, total_e
    lines: dict[tuple[int, int], list[float]] = {}
    root = FlameNode(name="all", file="", line=0, energy_j=0.0 if energy_known else None)
    for s, wall in per_stack_wall.items():
        ids, leaf_line = stacks[s]
        energy = per_stack_energy.get(s, 0.0)
        leaf = ids[-1]
        acc = funcs.setdefault(leaf, [0.0] * 6)
        acc[0] += wall
        acc[2] += per_stack_cpu[s]
        acc[3] += per_stack_n[s]
        acc[4] += energy
        for fid in set(ids):
            entry = funcs.setdefault(fid, [0.0] * 6)
            entry[1] += wall
            entry[5] += energy
        line_acc = lines.setdefault((leaf, leaf_line), [0.0, 0.0])
        line_acc[0] += wall
        line_acc[1] += energy
        node = root
        node.total_s += wall
        if node.energy_j is not None:
            node.energy_j += energy
        for fid in ids:
            node = node.children.setdefault(
                frames[fid],
                FlameNode(*frames[fid], energy_j=0.0 if energy_known else None),
            )
            node.total_s += wall
            if node.energy_j is not None:
                node.energy_j += energy

    hotspots = [
        Hotspot(
            function=frames[fid][0],
            file=frames[fid][1],
            line=frames[fid][2],
            self_s=v[0],
            total_s=v[1],
            self_cpu_s=v[2],
            samples=int(v[3]),
            self_energy_j=v[4] if energy_known else None,
            total_energy_j=v[5] if energy_known else None,
            share=share_of(v[4] if energy_known else None),
        )
        for fid, v in funcs.items()
    ]
    hotspots.sort(key=lambda h: (h.self_energy_j or 0.0, h.self_s, h.total_s), reverse=True)
    line_hotspots = [
        LineHotspot(
            file=frames[fid][1],
            line=line,
            function=frames[fid][0],
            self_s=v[0],
            self_energy_j=v[1] if energy_known else None,
            share=share_of(v[1] if energy_known else None),
        )
        for (fid, line), v in lines.items()
    ]
    line_hotspots.sort(key=lambda h: (h.self_energy_j or 0.0, h.self_s), reverse=True)
    return Attribution(
        hotspots=hotspots,
        lines=line_hotspots,
        tree=root,
        profiled_s=max(0.0, t1 - t0),
        samples=int(data.get("samples", 0)),
        attributed_energy_j=attributed,
        outside_energy_j=outside,
    )
