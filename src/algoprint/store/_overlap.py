"""Counting the machine once: overlapping machine-scope runs, and process-scope runs inside them.

A run at ``machine`` scope measures the whole machine. Two such runs at the same time on one
host each hold the same joules: an idle ``sleep`` next to a training job was charged the
training's energy, and totals added both (1,214.5 J reported for 637 J used). A run at
``process`` scope during a machine-scope run is inside that run's figure too: a process job of
100 J inside a machine job of 1,000 J is 1,000 J used, not 1,100 J. This module counts both
once, in every total (reports, Algoritmekader goals, exports):

**Hosts.** Runs are grouped by their host key (``host["host_key"]``: the kernel's boot id, so
containers on one kernel share it even with their own hostnames; else the hostname). Each run
covers ``[started_at, started_at + duration_s)``; its power is taken as even over that time
(the store keeps totals, not timelines).

**Machine-scope overlaps (time pro rata).** The timeline is cut at every start and end. In a
piece where ``k`` machine-scope runs of the host are active, each is counted for ``1/k`` of it.
A run's time share is ``(sum over its pieces of length / k) / duration_s``; shares of runs
that fully overlap add up to one machine.

**Process-scope runs inside machine-scope runs (deducted from the machine run).** The
process-scope energy that falls in a piece (its energy times the piece's part of its
duration) is taken off the machine-scope runs active in that piece, ``1/k`` from each. The
process run keeps its own figure (what its job used); the machine run keeps the rest of the
machine. Counted machine energy = energy × time share − deducted energy (not below 0). So
both per-run figures stay meaningful, per-algorithm totals charge each job its own energy,
and organisation totals count the machine once.

:func:`overlap_shares` is pure (intervals in, shares out) so the central server's aggregates
can use the same rule; :func:`count_overlaps_once` applies it to records from a store, looking
up every run of the same hosts in the store, not only the records given (a report of one
algorithm still splits with the runs of others).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from algoprint.store._schema import runs
from algoprint.tracking.record import Degradation, RunRecord

if TYPE_CHECKING:
    from algoprint.store._store import Store

__all__ = [
    "METHOD",
    "NESTED_METHOD",
    "Interval",
    "Share",
    "count_overlaps_once",
    "host_key",
    "overlap_shares",
]

METHOD = (
    "overlapping machine-scope runs on one host split the overlap pro rata by time "
    "(each of k runs active at once counts 1/k of that time)"
)
"""One line naming the machine-overlap method, for reports and exports."""

NESTED_METHOD = (
    "the energy of process-scope runs inside a machine-scope run on the same host is taken "
    "off the machine-scope run (those runs keep their own figures)"
)
"""One line naming the nested-run method, for reports and exports."""


def host_key(host: Mapping[str, Any]) -> str | None:
    """The key that groups runs by machine: ``host["host_key"]`` (the kernel's boot id, shared
    by the containers on one kernel), else the hostname (runs recorded before the key)."""
    key = host.get("host_key") or host.get("hostname")
    return str(key) if key else None


@dataclass(frozen=True, slots=True)
class Interval:
    """When one run was active: ``[start_s, end_s)`` in epoch seconds, on host key ``host``.

    ``scope`` is ``machine`` or ``process``; ``energy_j`` the run's counted figure (needed for
    process-scope runs, which are deducted from the machine-scope runs around them, and for
    machine-scope runs, to express the deduction as a share).
    """

    run_id: str
    host: str
    start_s: float
    end_s: float
    scope: str = "machine"
    energy_j: float | None = None


@dataclass(frozen=True, slots=True)
class Share:
    """How much of a machine-scope run's energy counts in totals.

    Attributes:
        share: counted fraction, in ``[0, 1]`` (1: counted in full).
        overlap_s: seconds during which at least one other machine-scope run was active.
        others: ids of the machine-scope runs it overlapped with.
        nested_j: process-scope energy inside it, deducted (J).
        nested: ids of those process-scope runs.
    """

    share: float
    overlap_s: float
    others: tuple[str, ...]
    nested_j: float = 0.0
    nested: tuple[str, ...] = ()


def overlap_shares(intervals: Iterable[Interval]) -> dict[str, Share]:
    """The :class:`Share` of every machine-scope interval (see the module docs for the method).

    Process-scope intervals get no share (their own figure counts in full) but are deducted
    from the machine-scope ones around them. Zero-length intervals keep share 1 (they hold no
    energy to split) and deduct nothing.
    """
    by_host: dict[str, list[Interval]] = {}
    for iv in intervals:
        by_host.setdefault(iv.host, []).append(iv)
    result: dict[str, Share] = {}
    for group in by_host.values():
        result.update(_host_shares(group))
    return result


def _host_shares(group: list[Interval]) -> dict[str, Share]:
    machine = [iv for iv in group if iv.scope == "machine"]
    counted = {iv.run_id: 0.0 for iv in machine}
    overlap = {iv.run_id: 0.0 for iv in machine}
    others: dict[str, set[str]] = {iv.run_id: set() for iv in machine}
    deducted = {iv.run_id: 0.0 for iv in machine}
    nested: dict[str, set[str]] = {iv.run_id: set() for iv in machine}
    # Process-scope power (J/s), taken as even over each run.
    power = {
        iv.run_id: (iv.energy_j or 0.0) / (iv.end_s - iv.start_s)
        for iv in group
        if iv.scope == "process" and iv.end_s > iv.start_s and (iv.energy_j or 0.0) > 0
    }
    # Sweep the host's timeline: ends sort before starts at the same instant.
    spans = [
        iv
        for iv in group
        if iv.end_s > iv.start_s and (iv.scope == "machine" or iv.run_id in power)
    ]
    events = sorted(
        [(iv.start_s, 1, iv.scope, iv.run_id) for iv in spans]
        + [(iv.end_s, 0, iv.scope, iv.run_id) for iv in spans]
    )
    active: set[str] = set()
    inside: set[str] = set()  # active process-scope runs
    last = events[0][0] if events else 0.0
    for t, is_start, scope, run_id in events:
        if active and t > last:
            piece, k = t - last, len(active)
            held = sum(power[p] for p in inside) * piece
            for rid in active:
                counted[rid] += piece / k
                deducted[rid] += held / k
                nested[rid].update(inside)
                if k > 1:
                    overlap[rid] += piece
                    others[rid].update(active - {rid})
        last = t
        chosen = active if scope == "machine" else inside
        if is_start:
            chosen.add(run_id)
        else:
            chosen.discard(run_id)
    result: dict[str, Share] = {}
    for iv in machine:
        length = iv.end_s - iv.start_s
        share = min(1.0, counted[iv.run_id] / length) if length > 0 else 1.0
        # Without an energy figure there is nothing to take the nested runs' energy off.
        taken = deducted[iv.run_id] if iv.energy_j else 0.0
        if taken > 0 and iv.energy_j:
            share = max(0.0, share - taken / iv.energy_j)
        result[iv.run_id] = Share(
            share=share,
            overlap_s=overlap[iv.run_id],
            others=tuple(sorted(others[iv.run_id])),
            nested_j=taken,
            nested=tuple(sorted(nested[iv.run_id])) if taken > 0 else (),
        )
    return result


def _interval(
    run_id: str,
    host: str,
    started: datetime,
    duration_s: float | None,
    *,
    scope: str = "machine",
    energy_j: float | None = None,
) -> Interval:
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    start = started.timestamp()
    end = start + max(0.0, float(duration_s or 0.0))
    return Interval(run_id, host, start, end, scope=scope, energy_j=energy_j)


def _neighbours(store: Store, hosts: Sequence[str], lo: datetime, hi: datetime) -> list[Interval]:
    # Every run of these hosts that may touch [lo, hi]: started before hi and not ended
    # before lo (running runs have no end yet). One query; the started_at index narrows it
    # to the window, the host key is read from the host facts (JSON; no column, no migration),
    # falling back to the hostname for runs recorded before the key.
    key = func.coalesce(runs.c.host["host_key"].as_string(), runs.c.hostname)
    query = select(
        runs.c.run_id, key.label("key"), runs.c.started_at, runs.c.duration_s, runs.c.scope,
        runs.c.energy_j,
    ).where(
        runs.c.scope.in_(["machine", "process"]),
        runs.c.started_at < hi,
        (runs.c.ended_at.is_(None)) | (runs.c.ended_at > lo),
        key.in_(list(hosts)),
    )  # fmt: skip
    return store._read(  # the store package's own reader
        lambda conn: [
            _interval(
                str(r.run_id),
                str(r.key),
                r.started_at,
                r.duration_s,
                scope=str(r.scope),
                energy_j=r.energy_j,
            )
            for r in conn.execute(query)
        ],
        "finding overlapping runs",
    )


def count_overlaps_once(store: Store, records: Sequence[RunRecord]) -> list[RunRecord]:
    """``records`` with the machine energy of machine-scope runs counted once.

    Records without overlap or nested runs come back as they are; the others come back as
    copies whose ``energy_j``, ``machine_energy_j``, ``measured_energy_j`` and component and
    phase energies are scaled by their share, with a degradation (source ``overlap``) per
    method that applied and tags ``overlap_share`` plus ``overlap_s``/``overlap_with`` (other
    machine-scope runs) or ``nested_j``/``nested_runs`` (process-scope runs inside). The
    stored runs are not changed; process-scope runs are never changed.

    Raises:
        StoreError: the store cannot be read.
    """
    given: list[Interval] = []
    for r in records:
        key = host_key(r.host)
        if key is None or r.scope not in {"machine", "process"}:
            continue
        started = datetime.fromisoformat(r.started_at)
        given.append(
            _interval(r.run_id, key, started, r.duration_s, scope=r.scope, energy_j=r.energy_j)
        )
    machine = [iv for iv in given if iv.scope == "machine"]
    if not machine:
        return list(records)  # process-scope figures are never changed
    lo = datetime.fromtimestamp(min(iv.start_s for iv in machine), UTC)
    hi = datetime.fromtimestamp(max(iv.end_s for iv in machine), UTC) + timedelta(seconds=1)
    hosts = sorted({iv.host for iv in machine})
    found = {iv.run_id: iv for iv in _neighbours(store, hosts, lo, hi)}
    found.update({iv.run_id: iv for iv in given})
    shares = overlap_shares(found.values())
    return [_scaled(r, shares[r.run_id]) if r.run_id in shares else r for r in records]


def _scale(value: float | None, share: float) -> float | None:
    return None if value is None else value * share


def _scaled(record: RunRecord, share: Share) -> RunRecord:
    if share.share >= 1.0:
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
    # One message per method for all runs (reports aggregate identical degradations); the
    # run's own share and partners are in its tags.
    out.tags["overlap_share"] = f"{f:.4f}"
    if share.others:
        out.tags["overlap_s"] = f"{share.overlap_s:.1f}"
        out.tags["overlap_with"] = ",".join(share.others)
        out.degradations.append(
            Degradation(
                source="overlap",
                message="machine energy shared with other machine-scope runs on the same host "
                f"is counted once in totals: {METHOD}",
                hint="measure concurrent jobs at process scope (--scope process) to attribute "
                "instead of splitting",
                kind="fallback",
            )
        )
    if share.nested:
        out.tags["nested_j"] = f"{share.nested_j:.1f}"
        out.tags["nested_runs"] = ",".join(share.nested)
        out.degradations.append(
            Degradation(
                source="overlap",
                message="process-scope runs inside this machine-scope run are counted once in "
                f"totals: {NESTED_METHOD}",
                hint="the run's own figure (algoprint show) is the whole machine; totals "
                "charge the nested jobs to their own algorithms",
                kind="fallback",
            )
        )
    return out
