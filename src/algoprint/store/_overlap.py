"""Counting the machine once when machine-scope runs overlap.

A run at ``machine`` scope measures the whole machine. Two such runs at the same time on one
host each hold the same joules: an idle ``sleep`` next to a training job was charged the
training's energy, and totals added both (1,214.5 J reported for 637 J used). This module
finds such overlaps and splits them, for every total (reports, Algoritmekader goals, exports):

**Method (time pro rata).** Runs are grouped by ``hostname``; each covers
``[started_at, started_at + duration_s)``. The timeline is cut at every start and end. In a
piece where ``k`` machine-scope runs of the host are active, each is counted for ``1/k`` of
it. A run's counted energy is its machine energy times
``share = (sum over its pieces of length / k) / duration_s``; its power is taken as even over
its duration (the store keeps totals, not timelines). Shares of runs that fully overlap add up
to one machine, so the overlap is counted once. Runs at ``process`` scope are not split: their
figure is their own attributed share. (A process-scope run during a machine-scope run is still
inside that run's machine figure; that remaining overlap is documented in docs/store.md.)

:func:`overlap_shares` is pure (intervals in, shares out) so the central server's aggregates
can use the same rule; :func:`count_overlaps_once` applies it to records from a store, looking
up every machine-scope run of the same hosts in the store, not only the records given (a
report of one algorithm still splits with the runs of others).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from algoprint.store._schema import runs
from algoprint.tracking.record import Degradation, RunRecord

if TYPE_CHECKING:
    from algoprint.store._store import Store

__all__ = ["METHOD", "Interval", "Share", "count_overlaps_once", "overlap_shares"]

METHOD = (
    "overlapping machine-scope runs on one host split the overlap pro rata by time "
    "(each of k runs active at once counts 1/k of that time)"
)
"""One line naming the method, for reports and exports."""


@dataclass(frozen=True, slots=True)
class Interval:
    """When one machine-scope run held the machine: ``[start_s, end_s)`` in epoch seconds."""

    run_id: str
    host: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class Share:
    """How much of a run's machine energy counts in totals.

    Attributes:
        share: counted fraction, in ``(0, 1]`` (1: no overlap).
        overlap_s: seconds during which at least one other machine-scope run was active.
        others: ids of the runs it overlapped with.
    """

    share: float
    overlap_s: float
    others: tuple[str, ...]


def overlap_shares(intervals: Iterable[Interval]) -> dict[str, Share]:
    """The :class:`Share` of every interval (see the module docs for the method).

    Zero-length intervals keep share 1 (they hold no energy to split).
    """
    by_host: dict[str, list[Interval]] = {}
    for iv in intervals:
        by_host.setdefault(iv.host, []).append(iv)
    result: dict[str, Share] = {}
    for group in by_host.values():
        counted = {iv.run_id: 0.0 for iv in group}
        overlap = {iv.run_id: 0.0 for iv in group}
        others: dict[str, set[str]] = {iv.run_id: set() for iv in group}
        # Sweep the host's timeline: ends sort before starts at the same instant.
        spans = [iv for iv in group if iv.end_s > iv.start_s]
        events = sorted(
            [(iv.start_s, 1, iv.run_id) for iv in spans]
            + [(iv.end_s, 0, iv.run_id) for iv in spans]
        )
        active: set[str] = set()
        last = events[0][0] if events else 0.0
        for t, is_start, run_id in events:
            if active and t > last:
                piece = t - last
                for rid in active:
                    counted[rid] += piece / len(active)
                    if len(active) > 1:
                        overlap[rid] += piece
                        others[rid].update(active - {rid})
            last = t
            if is_start:
                active.add(run_id)
            else:
                active.discard(run_id)
        for iv in group:
            length = iv.end_s - iv.start_s
            share = counted[iv.run_id] / length if length > 0 else 1.0
            result[iv.run_id] = Share(
                share=min(1.0, share),
                overlap_s=overlap[iv.run_id],
                others=tuple(sorted(others[iv.run_id])),
            )
    return result


def _interval(run_id: str, host: str, started: datetime, duration_s: float | None) -> Interval:
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    start = started.timestamp()
    return Interval(run_id, host, start, start + max(0.0, float(duration_s or 0.0)))


def _neighbours(store: Store, hosts: Sequence[str], lo: datetime, hi: datetime) -> list[Interval]:
    # Every machine-scope run of these hosts that may touch [lo, hi]: started before hi and
    # not ended before lo (running runs have no end yet). One query.
    query = select(runs.c.run_id, runs.c.hostname, runs.c.started_at, runs.c.duration_s).where(
        runs.c.scope == "machine",
        runs.c.hostname.in_(list(hosts)),
        runs.c.started_at < hi,
        (runs.c.ended_at.is_(None)) | (runs.c.ended_at > lo),
    )
    return store._read(  # the store package's own reader
        lambda conn: [
            _interval(str(r.run_id), str(r.hostname), r.started_at, r.duration_s)
            for r in conn.execute(query)
        ],
        "finding overlapping machine-scope runs",
    )


def count_overlaps_once(store: Store, records: Sequence[RunRecord]) -> list[RunRecord]:
    """``records`` with the machine energy of overlapping machine-scope runs split.

    Records without overlap come back as they are; an overlapping one comes back as a copy
    whose ``energy_j``, ``machine_energy_j``, ``measured_energy_j`` and component and phase
    energies are scaled by its share, with a degradation (source ``overlap``) that states the
    method and tags ``overlap_share``, ``overlap_s`` and ``overlap_with``. The stored runs are
    not changed.

    Raises:
        StoreError: the store cannot be read.
    """
    mine = [
        _interval(r.run_id, str(r.host.get("hostname")), datetime.fromisoformat(r.started_at),
                  r.duration_s)
        for r in records
        if r.scope == "machine" and r.host.get("hostname")
    ]  # fmt: skip
    if len(mine) == 0:
        return list(records)
    lo = datetime.fromtimestamp(min(iv.start_s for iv in mine), UTC)
    hi = datetime.fromtimestamp(max(iv.end_s for iv in mine), UTC) + timedelta(seconds=1)
    found = {iv.run_id: iv for iv in _neighbours(store, sorted({iv.host for iv in mine}), lo, hi)}
    found.update({iv.run_id: iv for iv in mine})
    shares = overlap_shares(found.values())
    return [_scaled(r, shares[r.run_id]) if r.run_id in shares else r for r in records]


def _scale(value: float | None, share: float) -> float | None:
    return None if value is None else value * share


def _scaled(record: RunRecord, share: Share) -> RunRecord:
    if share.share >= 1.0 or not share.others:
        return record
    f = share.share
    out = copy.deepcopy(record)
    out.energy_j = _scale(out.energy_j, f)
    out.machine_energy_j = _scale(out.machine_energy_j, f)
    out.measured_energy_j = out.measured_energy_j * f
    for comp in out.components:
        comp.energy_j = _scale(comp.energy_j, f)
    for phase in out.phases:
        phase.energy_j = _scale(phase.energy_j, f)
        phase.machine_energy_j = _scale(phase.machine_energy_j, f)
        for comp in phase.components:
            comp.energy_j = _scale(comp.energy_j, f)
    # One message for all overlapping runs (reports aggregate identical degradations); the
    # run's own share and partners are in its tags.
    out.tags["overlap_share"] = f"{f:.4f}"
    out.tags["overlap_s"] = f"{share.overlap_s:.1f}"
    out.tags["overlap_with"] = ",".join(share.others)
    out.degradations.append(
        Degradation(
            source="overlap",
            message="machine energy shared with other machine-scope runs on the same host is "
            f"counted once in totals: {METHOD}",
            hint="measure concurrent jobs at process scope (--scope process) to attribute "
            "instead of splitting",
            kind="fallback",
        )
    )
    return out
