"""The public tracking API: :class:`Tracker`, :func:`track` and the live :class:`Run` handle.

A tracker owns one :class:`~algoprint.tracking.sampler.Sampler` from ``start()`` to ``stop()``.
Window energy (the whole run, each named phase) is the difference of two snapshots of the
meters' cumulative totals, taken synchronously at the window edges. Tracking never raises into
the user's code after ``start()``: faults are logged, recorded on the run and the workload goes
on. Invalid explicit settings (the call's own arguments) fail loudly at construction, before
any work starts; a bad environment variable or config file is recorded on the run, said once,
and its default used.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import StrEnum

from algoprint.config import AUTO_SCOPE, Settings, context_scope, load_settings
from algoprint.errors import ConfigError, TrackingError
from algoprint.meters._host import hostname
from algoprint.meters.common import ComponentEnergy, Meter, MeterStatus, log
from algoprint.records import iso_utc
from algoprint.tracking._writer import RunSink, RunWriter, config_degradation
from algoprint.tracking.attribution import ProcessTree
from algoprint.tracking.record import Degradation, PhaseRecord, RunRecord, RunStatus
from algoprint.tracking.sampler import Sampler, Snapshot
from algoprint.tracking.summary import summarise, window

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Run", "Tracker", "TrackerState", "on_stop", "track"]

# The first checkpoint comes soon after start, so a run killed early is still found.
FIRST_CHECKPOINT_S = 1.0


_STOP_HOOKS: list[Callable[[RunRecord], None]] = []


def on_stop(hook: Callable[[RunRecord], None]) -> Callable[[], None]:
    """Call ``hook(record)`` once after any tracker of this process stops (edges use it: the
    MLflow autolog). A hook that raises is logged, never raised. Returns a function that
    removes the hook."""
    _STOP_HOOKS.append(hook)
    return lambda: _STOP_HOOKS.remove(hook) if hook in _STOP_HOOKS else None


def _after_stop(record: RunRecord) -> None:
    for hook in list(_STOP_HOOKS):
        try:
            hook(record)
        except Exception as e:  # never break the workload
            log.warning("algoprint: a stop hook failed: %s", e)


class TrackerState(StrEnum):
    """Lifecycle of a tracker: new → running → stopped (stop is idempotent)."""

    NEW = "new"
    RUNNING = "running"
    STOPPED = "stopped"


class _PhaseAcc:
    __slots__ = ("count", "duration_s", "ended_at", "name", "started_at", "totals")

    def __init__(self, name: str, started_at: str) -> None:
        self.name = name
        self.started_at = started_at
        self.ended_at: str | None = None
        self.duration_s = 0.0
        self.count = 0
        self.totals: dict[tuple[str, str], tuple[ComponentEnergy, float | None, float | None]] = {}


class Run:
    """The live handle of a tracked run, returned by ``track()`` and ``Tracker.start()``.

    Use :meth:`phase` for named windows, :meth:`add_units` to count functional units served
    (SCI's R). After the run stops, :attr:`record` holds the full :class:`RunRecord`.
    """

    def __init__(self, tracker: Tracker) -> None:
        self._tracker = tracker

    @property
    def run_id(self) -> str:
        return self._tracker.run_id

    @property
    def record(self) -> RunRecord | None:
        """The run document once stopped; ``None`` while running."""
        return self._tracker.record

    @property
    def energy_j(self) -> float | None:
        """Headline energy in joules once stopped (``None`` while running or for a gap)."""
        return None if self.record is None else self.record.energy_j

    def phase(self, name: str) -> contextlib.AbstractContextManager[None]:
        """A named window inside the run; phases may nest and repeat (they accumulate)."""
        return self._tracker.phase(name)

    def add_units(self, count: float, unit: str | None = None) -> None:
        """Count functional units served by this run (predictions, decisions, requests);
        ``unit`` names them once per run (tag ``functional_unit``)."""
        self._tracker.add_units(count, unit)

    def tag(self, key: str, value: str) -> None:
        """Attach a free-form tag to the run."""
        self._tracker.tags[str(key)] = str(value)

    def __repr__(self) -> str:
        return f"<algoprint.Run {self.run_id} {self._tracker.state.value}>"


class Tracker:
    """Measure the energy of a block of work.

    Args:
        algorithm: slug of the algorithm this run belongs to.
        phase: lifecycle label of the run (``training``, ``inference``, ``use`` ...).
        scope: headline figure, ``machine`` (default) or ``process``; both are recorded.
        db: store URL or SQLite path (default: the user data dir file).
        store: ``False`` keeps the run in memory only. Otherwise the run is written to the
            store's spool (:mod:`algoprint.tracking.spool`: cheap, no database libraries in
            this process) and lands in the store when a command next opens it.
        sink: where to write the run instead of the spool (``algoprint run`` writes straight
            to an open store).
        settings: a ready :class:`~algoprint.config.Settings`; otherwise loaded from config,
            environment and the other arguments.
        meters: meters to use instead of auto-detection (tests, custom sources).
        pids: root pids of the processes to attribute to (default: this process).
        tags: free-form labels stored with the run.
        command: the command line, when tracking a wrapped program.

    Raises:
        ConfigError: an explicit argument or setting is invalid (before anything runs). A bad
            ``ALGOPRINT_*`` variable or config file never raises: it is recorded on the run as
            a ``config`` degradation, warned once, and the default applies.
    """

    def __init__(
        self,
        *,
        algorithm: str | None = None,
        phase: str | None = None,
        scope: str | None = None,
        db: str | None = None,
        store: bool = True,
        sink: RunSink | None = None,
        settings: Settings | None = None,
        meters: Sequence[Meter] | None = None,
        pids: Iterable[int] | None = None,
        tags: Mapping[str, str] | None = None,
        command: Sequence[str] | None = None,
        **overrides: Any,
    ) -> None:
        problems: list[ConfigError] = []
        if settings is None:
            settings = load_settings({"scope": scope, "db": db, **overrides}, problems=problems)
        elif scope is not None or db is not None or overrides:
            from algoprint.config import replace

            settings = replace(
                settings, **{k: v for k, v in {"scope": scope, "db": db}.items() if v}, **overrides
            )
        if settings.scope == AUTO_SCOPE:
            from algoprint.config import replace as replace_settings

            settings = replace_settings(settings, scope=context_scope())
        self.settings = settings
        self.algorithm = algorithm
        self.phase_label = phase
        self.run_id = os.urandom(16).hex()  # 128 random bits, as uuid4 (without its import)
        self.tags: dict[str, str] = dict(tags or {})
        self.command = list(command) if command is not None else None
        self.state = TrackerState.NEW
        self.record: RunRecord | None = None
        self._store_enabled = store or sink is not None
        self._explicit_meters = list(meters) if meters is not None else None
        self._tree = ProcessTree(pids)
        self._lock = threading.RLock()
        self._units: float | None = None
        self._phases: dict[str, _PhaseAcc] = {}
        self._phase_order: list[str] = []
        self._degradations: list[Degradation] = []
        self._meter_statuses: list[MeterStatus] = []
        self._host: dict[str, Any] = {}
        self._sampler: Sampler | None = None
        self._start: Snapshot | None = None
        self._writer = RunWriter(sink, db=settings.db, record_problem=self._record_problem)
        self._run = Run(self)
        for problem in problems:
            self._degradations.append(config_degradation(problem))

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Run:
        """Start measuring. Returns the live :class:`Run`.

        Raises:
            TrackingError: the tracker was already started.
            ConfigError: ``strict`` is set and a meter had to fall back.
        """
        with self._lock:
            if self.state is not TrackerState.NEW:
                raise TrackingError(
                    f"tracker {self.run_id[:8]} was already started",
                    hint="create a new Tracker (or use algoprint.track()) for each run",
                )
            meters = self._discover()
            self._sampler = Sampler(
                meters=meters,
                tree=self._tree,
                counter_interval_s=self.settings.counter_interval_s,
                checkpoint=self._checkpoint if self._store_enabled else None,
                checkpoint_interval_s=self.settings.checkpoint_interval_s,
                first_checkpoint_s=min(FIRST_CHECKPOINT_S, self.settings.checkpoint_interval_s),
            )
            self._sampler.start()
            self._start = self._sampler.snapshot()
            self.state = TrackerState.RUNNING
            if self._store_enabled:
                # Saved at start, so a run killed in its first second is still found.
                self._save(self._build(self._start, RunStatus.RUNNING, None))
        if self._store_enabled:
            from algoprint.tracking import _signals

            _signals.register(id(self), self._interrupted)
            if self.settings.scope == "machine":
                self._writer.announce_machine_run(self.run_id, self.algorithm, self.command)
        return self._run

    def _interrupted(self) -> None:
        """Stop as ``interrupted`` (a terminating signal; see :mod:`._signals`)."""
        if self.state is TrackerState.RUNNING:
            self.stop(status=RunStatus.INTERRUPTED)

    def _discover(self) -> list[Meter]:
        if self._explicit_meters is not None:
            self._meter_statuses = [m.status() for m in self._explicit_meters]
            return self._explicit_meters
        from algoprint.meters import discover

        found = discover(self.settings)
        self._meter_statuses = found.statuses
        self._degradations.extend(found.degradations)
        self._host = found.host
        return found.meters

    def stop(
        self,
        *,
        exit_code: int | None = None,
        error: BaseException | None = None,
        status: RunStatus | None = None,
    ) -> RunRecord:
        """Stop measuring, store the run and return its record. Idempotent: a second call
        returns the same record and writes nothing.

        Args:
            exit_code: the wrapped command's exit code (``algoprint run``).
            error: the exception that ended the tracked code, if any (status ``failed``, or
                ``interrupted`` for KeyboardInterrupt).
            status: force a final status (``interrupted`` after SIGTERM).

        Raises:
            TrackingError: the tracker was never started.
        """
        with self._lock:
            if self.state is TrackerState.STOPPED:
                assert self.record is not None
                return self.record
            if self.state is TrackerState.NEW or self._sampler is None:
                raise TrackingError("stop() called before start()", hint="call start() first")
            end = self._sampler.stop()
            self._degradations.extend(self._sampler.faults)
            final = status or self._final_status(exit_code, error)
            self.record = self._build(end, final, exit_code)
            self.state = TrackerState.STOPPED
        if self._store_enabled:
            from algoprint.tracking import _signals

            _signals.unregister(id(self))
            self._writer.release()
            self._save(self.record)
        _after_stop(self.record)
        return self.record

    @staticmethod
    def _final_status(exit_code: int | None, error: BaseException | None) -> RunStatus:
        if isinstance(error, KeyboardInterrupt):
            return RunStatus.INTERRUPTED
        if error is not None or (exit_code is not None and exit_code != 0):
            return RunStatus.FAILED
        return RunStatus.COMPLETED

    # -- phases and units --------------------------------------------------------------------

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """A named window; see :meth:`Run.phase`."""
        if self.state is not TrackerState.RUNNING or self._sampler is None:
            raise TrackingError(
                f"phase {name!r} used while the tracker is {self.state.value}",
                hint="open phases inside the `with algoprint.track(...)` block",
            )
        try:
            before: Snapshot | None = self._sampler.snapshot()
        except Exception as e:  # never break the workload
            log.warning("algoprint: could not open phase %r: %s", name, e)
            before = None
        with self._lock:
            acc = self._phases.get(name)
            if acc is None:
                acc = _PhaseAcc(name, iso_utc(before.wall_s if before else time.time()))
                self._phases[name] = acc
                self._phase_order.append(name)
        try:
            yield
        finally:
            if before is not None and self.state is TrackerState.RUNNING:
                try:
                    after = self._sampler.snapshot()
                    with self._lock:
                        self._accumulate(acc, before, after)
                except Exception as e:
                    log.warning("algoprint: could not close phase %r: %s", name, e)

    def _accumulate(self, acc: _PhaseAcc, before: Snapshot, after: Snapshot) -> None:
        acc.count += 1
        acc.duration_s += after.monotonic_s - before.monotonic_s
        acc.ended_at = iso_utc(after.wall_s)
        for key, comp, machine, process in window(before, after):
            prev = acc.totals.get(key)
            if prev is None:
                acc.totals[key] = (comp, machine, process)
                continue
            _, pm, pp = prev
            acc.totals[key] = (
                comp,
                None if pm is None or machine is None else pm + machine,
                None if pp is None or process is None else pp + process,
            )

    def snapshot(self) -> Snapshot:
        """Sample every meter now and return the cumulative totals since start (for live
        per-epoch energy, power timelines and budgets).

        Raises:
            TrackingError: the tracker is not running.
        """
        sampler = self._sampler
        if self.state is not TrackerState.RUNNING or sampler is None:
            raise TrackingError(f"snapshot() while the tracker is {self.state.value}")
        return sampler.snapshot()

    def add_degradation(self, degradation: Degradation) -> None:
        """Record a fault or fallback on the run (before ``stop()``)."""
        with self._lock:
            self._degradations.append(degradation)

    def set_process_roots(self, pids: Iterable[int]) -> None:
        """Attribute from now on to the process trees of ``pids`` (``algoprint run``)."""
        self._tree.set_roots(pids)

    def process_finished(self, pid: int, cpu_s: float, max_rss_bytes: int = 0) -> None:
        """Tell the tracker that root ``pid`` ended after ``cpu_s`` CPU seconds (its own and
        its reaped descendants') with peak memory ``max_rss_bytes``, from ``os.wait4``."""
        self._tree.mark_finished(pid, cpu_s, max_rss_bytes)

    def add_units(self, count: float, unit: str | None = None) -> None:
        """See :meth:`Run.add_units`.

        Raises:
            TrackingError: a negative count, or a second, different unit name on one run.
        """
        if count < 0:
            raise TrackingError(f"units must be >= 0, got {count}")
        with self._lock:
            if unit is not None:
                known = self.tags.setdefault("functional_unit", str(unit))
                if known != str(unit):
                    raise TrackingError(
                        f"this run counts {known!r}, not {unit!r}",
                        hint="use one functional unit per run",
                    )
            self._units = (self._units or 0.0) + float(count)

    # -- records -----------------------------------------------------------------------------

    def _build(self, now: Snapshot, status: RunStatus, exit_code: int | None) -> RunRecord:
        assert self._start is not None
        summary = summarise(list(window(self._start, now)), scope=self.settings.scope)
        phases = []
        for name in self._phase_order:
            acc = self._phases[name]
            if acc.count == 0:
                continue
            ps = summarise(
                [(k, c, m, p) for k, (c, m, p) in acc.totals.items()], scope=self.settings.scope
            )
            phases.append(
                PhaseRecord(
                    name=name,
                    started_at=acc.started_at,
                    ended_at=acc.ended_at,
                    duration_s=acc.duration_s,
                    energy_j=ps.energy_j,
                    machine_energy_j=ps.machine_energy_j,
                    process_energy_j=ps.process_energy_j,
                    components=ps.components,
                    count=acc.count,
                )
            )
        return RunRecord(
            run_id=self.run_id,
            algorithm=self.algorithm,
            phase=self.phase_label,
            status=status,
            started_at=iso_utc(self._start.wall_s),
            ended_at=None if status is RunStatus.RUNNING else iso_utc(now.wall_s),
            duration_s=now.monotonic_s - self._start.monotonic_s,
            scope=self.settings.scope,
            exit_code=exit_code,
            energy_j=summary.energy_j,
            machine_energy_j=summary.machine_energy_j,
            process_energy_j=summary.process_energy_j,
            measured_energy_j=summary.measured_energy_j,
            uncertainty_rel=summary.uncertainty_rel,
            components=summary.components,
            phases=phases,
            degradations=list(self._degradations),
            meters=[
                {
                    "name": s.name,
                    "available": s.available,
                    "detail": s.detail,
                    "method": s.method.value if s.method else None,
                }
                for s in self._meter_statuses
            ],
            host=self.host,
            command=self.command,
            pid=os.getpid(),
            units=self._units,
            tags=dict(self.tags),
            checkpoint_at=iso_utc(now.wall_s),
        )

    def _degraded(self, status: RunStatus) -> RunStatus:
        if status is RunStatus.COMPLETED and any(d.kind == "fault" for d in self._degradations):
            return RunStatus.DEGRADED
        return status

    # -- store -------------------------------------------------------------------------------

    def _checkpoint(self) -> None:
        sampler = self._sampler
        if sampler is None or self.state is not TrackerState.RUNNING:
            return
        snap = sampler.snapshot()
        with self._lock:
            if self.state is not TrackerState.RUNNING:
                return
            record = self._build(snap, RunStatus.RUNNING, None)
        self._save(record)

    def _save(self, record: RunRecord) -> None:
        if record.status is not RunStatus.RUNNING:
            record.status = self._degraded(record.status)
        self._writer.save(record)
        if record.status is not RunStatus.RUNNING and (
            "server" in self.settings.extra or os.environ.get("ALGOPRINT_SERVER")
        ):
            from algoprint.tracking.upload import submit  # stdlib only; never raises

            submit(record.to_dict(), self.settings.extra)

    def _record_problem(self, problem: Degradation) -> None:
        with self._lock:
            self._degradations.append(problem)

    @property
    def run(self) -> Run:
        return self._run

    @property
    def host(self) -> dict[str, Any]:
        """Host facts found at start (as recorded on the run), for records built outside the
        tracker (the service middlewares' window runs)."""
        if "host_key" not in self._host:  # meters given explicitly: no discovery ran
            from algoprint.meters._hostkey import host_key

            self._host = {**self._host, "host_key": host_key(self.settings.proc_root)}
        return {**self._host, "hostname": self._host.get("hostname", hostname())}

    @property
    def meter_statuses(self) -> list[MeterStatus]:
        """The meters' statuses found at start."""
        return list(self._meter_statuses)


class track(contextlib.ContextDecorator):
    """Track a block or a function: ``with algoprint.track(algorithm="x") as run: ...``.

    As a decorator (``@algoprint.track(algorithm="x")``) each call is its own run. Accepts the
    same keyword arguments as :class:`Tracker`. Exceptions from the block propagate unchanged;
    the run is stored as ``failed`` (or ``interrupted`` for KeyboardInterrupt).
    """

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._tracker: Tracker | None = None

    def _recreate_cm(self) -> track:
        return track(**self._kwargs)

    def __enter__(self) -> Run:
        self._tracker = Tracker(**self._kwargs)
        return self._tracker.start()

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if self._tracker is not None:
            try:
                self._tracker.stop(error=exc)
            except Exception as e:  # never mask the user's exception or break their code
                log.warning("algoprint: stopping the tracker failed: %s", e)
