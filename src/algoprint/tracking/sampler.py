"""The sampler: one background thread that keeps every meter's cumulative totals current.

Each meter is sampled every ``min(meter.sample_interval_s, counter_interval_s)`` seconds (RAPL
wrap, NVML counter cadence, ``interval_s`` = 2 s for utilisation models) and at every window
edge (``snapshot()``), under one lock so the tracker's edge reads and the thread never
interleave. The thread also calls a checkpoint callback on its own cadence (2 s). A checkpoint
samples every meter and so restarts each meter's interval: with the defaults (both 2 s) the
thread wakes once per 2 s, not three times (each wake costs the user's process CPU time:
docs/benchmarks.md, tracking overhead).

While sampling, machine energy deltas are attributed to the tracked process tree
(see :mod:`algoprint.tracking.attribution`).

Faults never propagate: a meter whose ``sample()`` raises is recorded as a fault, its last
totals are kept, and from then on it is reported as a gap for energy after the fault.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from algoprint._values import Frozen, fill
from algoprint.meters.common import (
    ComponentEnergy,
    Domain,
    Meter,
    Method,
    SampleContext,
    log,
)
from algoprint.tracking import attribution
from algoprint.tracking.record import Degradation

__all__ = ["Sampler", "Snapshot"]


class DeviceTotal(Frozen):
    """Cumulative machine and process energy of one device at one instant."""

    _fields = ("component", "process_energy_j")
    __slots__ = _fields
    component: ComponentEnergy
    process_energy_j: float | None

    def __init__(self, component: ComponentEnergy, process_energy_j: float | None) -> None:
        fill(self, component=component, process_energy_j=process_energy_j)


class Snapshot(Frozen):
    """Cumulative totals of every device at one instant (monotonic and wall time)."""

    _fields = ("monotonic_s", "wall_s", "devices")
    __slots__ = _fields
    monotonic_s: float
    wall_s: float
    devices: dict[tuple[str, str], DeviceTotal]

    def __init__(
        self, monotonic_s: float, wall_s: float, devices: dict[tuple[str, str], DeviceTotal]
    ) -> None:
        fill(self, monotonic_s=monotonic_s, wall_s=wall_s, devices=devices)


class _MeterState:
    __slots__ = ("clock", "failed", "interval_s", "last", "meter", "next_due_s", "process_j")

    def __init__(self, meter: Meter, interval_s: float, next_due_s: float) -> None:
        self.meter = meter
        self.interval_s = interval_s
        self.next_due_s = next_due_s
        self.clock: attribution.CpuClock | None = None
        self.process_j: dict[tuple[str, str], float] = {}
        self.last: dict[tuple[str, str], ComponentEnergy] = {}
        self.failed: str | None = None


class Sampler:
    """Owns the meters while a run is tracked.

    Args:
        meters: started-or-not meters; the sampler starts and closes them.
        tree: the tracked processes (for attribution and NVML process shares).
        counter_interval_s: the longest gap between two reads of any meter.
        checkpoint: called from the sampler thread every ``checkpoint_interval_s``; it is
            expected to call :meth:`snapshot` (the thread does not sample on those ticks).
        checkpoint_interval_s: checkpoint cadence; ``None`` disables checkpoints.
        first_checkpoint_s: delay of the first checkpoint (default: the cadence).
    """

    def __init__(
        self,
        *,
        meters: Sequence[Meter],
        tree: attribution.ProcessTree,
        counter_interval_s: float = 10.0,
        checkpoint: Callable[[], None] | None = None,
        checkpoint_interval_s: float | None = None,
        first_checkpoint_s: float | None = None,
    ) -> None:
        self._tree = tree
        self._counter_interval_s = counter_interval_s
        self._states: list[_MeterState] = []
        self._meters = list(meters)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._checkpoint = checkpoint
        self._checkpoint_interval_s = checkpoint_interval_s
        self._first_checkpoint_s = (
            first_checkpoint_s if first_checkpoint_s is not None else checkpoint_interval_s
        )
        self.faults: list[Degradation] = []
        self._started_s = 0.0

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start every meter and the background thread. Meters that fail to start are faults."""
        now = self._started_s = time.monotonic()
        ctx = SampleContext(now_s=now, pids=self._tree.pids())
        for meter in self._meters:
            interval = max(0.01, min(meter.sample_interval_s, self._counter_interval_s))
            state = _MeterState(meter=meter, interval_s=interval, next_due_s=now + interval)
            try:
                meter.start(ctx)
                state.last = {c.key: c for c in meter.totals()}
            except Exception as e:  # a meter must never break the workload
                self._fault(state, f"could not start: {e}")
            if self._attributes(state):
                state.clock = attribution.clock(self._tree)
            self._states.append(state)
        self._thread = threading.Thread(target=self._loop, name="algoprint-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> Snapshot:
        """Stop the thread, take the final snapshot and close the meters. Idempotent."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        snap = self.snapshot()
        for state in self._states:
            try:
                state.meter.close()
            except Exception as e:
                log.debug("closing meter %s failed: %s", state.meter.name, e)
        return snap

    # -- sampling ----------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """Sample every meter now and return the cumulative totals."""
        with self._lock:
            pids = self._tree.pids()  # before the clock: listing processes takes milliseconds
            now = time.monotonic()
            ctx = SampleContext(now_s=now, pids=pids)
            for state in self._states:
                self._sample(state, ctx)
            return self._snapshot_locked(now)

    def _snapshot_locked(self, now: float) -> Snapshot:
        devices: dict[tuple[str, str], DeviceTotal] = {}
        for state in self._states:
            for key, comp in state.last.items():
                process = comp.process_energy_j
                if process is None and key in state.process_j:
                    process = state.process_j[key]
                if comp.energy_j is None:
                    process = None
                devices[key] = DeviceTotal(component=comp, process_energy_j=process)
        return Snapshot(monotonic_s=now, wall_s=time.time(), devices=devices)

    def _loop(self) -> None:
        next_checkpoint = (
            # From the meters' own start time: a first checkpoint due with them samples them.
            self._started_s + (self._first_checkpoint_s or 0.0)
            if self._checkpoint is not None and self._checkpoint_interval_s
            else None
        )
        while True:
            due = min((s.next_due_s for s in self._states if s.failed is None), default=None)
            if next_checkpoint is not None:
                due = next_checkpoint if due is None else min(due, next_checkpoint)
            timeout = None if due is None else max(0.0, due - time.monotonic())
            if self._stop.wait(timeout):
                return
            now = time.monotonic()
            checkpoint = self._checkpoint
            if checkpoint is None or next_checkpoint is None or next_checkpoint > now:
                self._sample_due(now)
            else:
                # The checkpoint takes a snapshot, which samples every meter now: sampling the
                # due ones first as well would only do the work twice.
                try:
                    checkpoint()
                except Exception as e:  # checkpoint problems are recorded by the callback
                    log.debug("checkpoint failed: %s", e)
                next_checkpoint = now + (self._checkpoint_interval_s or 0.0)

    def _sample_due(self, now: float) -> None:
        with self._lock:
            ctx: SampleContext | None = None
            for state in self._states:
                if state.failed is None and state.next_due_s <= now:
                    if ctx is None:
                        ctx = SampleContext(now_s=now, pids=self._tree.pids())
                    self._sample(state, ctx)

    @staticmethod
    def _attributes(state: _MeterState) -> bool:
        return any(
            key[0] in (Domain.CPU.value, Domain.PLATFORM.value, Domain.MEMORY.value)
            for key in state.last
        )

    def _sample(self, state: _MeterState, ctx: SampleContext) -> None:
        state.next_due_s = ctx.now_s + state.interval_s
        if state.failed is not None:
            return
        try:
            state.meter.sample(ctx)
            current = {c.key: c for c in state.meter.totals()}
        except Exception as e:
            self._fault(state, f"stopped working: {e}")
            return
        cpu_share: float | None = None
        mem_share: float | None = None
        for key, comp in current.items():
            prev = state.last.get(key)
            if comp.process_energy_j is not None or comp.energy_j is None:
                continue
            delta = comp.energy_j - (prev.energy_j or 0.0 if prev is not None else 0.0)
            if key[0] == Domain.MEMORY.value:
                if mem_share is None:
                    mem_share = self._memory_share()
                portion = mem_share
            else:
                if cpu_share is None:
                    new_clock = attribution.clock(self._tree)
                    cpu_share = attribution.share(state.clock, new_clock) if state.clock else 0.0
                    state.clock = new_clock
                portion = cpu_share
            state.process_j[key] = state.process_j.get(key, 0.0) + max(0.0, delta) * portion
        state.last = current

    def _memory_share(self) -> float:
        used = attribution.machine_used_memory_bytes()
        if used <= 0:
            return 0.0
        return min(1.0, self._tree.rss_bytes() / used)

    def _fault(self, state: _MeterState, message: str) -> None:
        state.failed = message
        # Energy after the fault is unknown: keep the devices but mark them as gaps.
        state.last = {
            key: ComponentEnergy(
                domain=comp.domain,
                device=comp.device,
                energy_j=None,
                method=Method.NONE,
                uncertainty_rel=comp.uncertainty_rel,
                note=f"{state.meter.name} {message}",
            )
            for key, comp in state.last.items()
        }
        if not state.last:
            gap = ComponentEnergy(
                domain=Domain.PLATFORM,
                device=state.meter.name,
                energy_j=None,
                method=Method.NONE,
                uncertainty_rel=0.0,
                note=f"{state.meter.name} {message}",
            )
            state.last[gap.key] = gap
        self.faults.append(
            Degradation(source=state.meter.name, message=f"{state.meter.name} {message}")
        )
        log.warning(
            "algoprint: meter %s %s; its energy is recorded as a gap", state.meter.name, message
        )
