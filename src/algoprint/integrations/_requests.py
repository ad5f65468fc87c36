"""The shared core of the service middlewares: per-request CPU accounting and windows.

Per request the middlewares call :meth:`ServiceMeter.begin` and :meth:`ServiceMeter.end`; both
take one short lock and read one or two clocks. Everything else (meter snapshots, attribution,
impacts, writing the window run) happens on one background thread every ``window_s`` seconds
and at shutdown (:mod:`algoprint.integrations._window`).

How a request's CPU time is measured (docs/integrations.md, "Method and limits"):

- **thread** (WSGI, threaded servers): the request thread's own CPU time
  (``time.thread_time_ns``) from the call until the response iterable is closed, so a
  streamed body counts until its last chunk.
- **fair share** (ASGI): every request shares one event loop, so thread time cannot tell them
  apart. The process's CPU time is shared fairly among the requests in flight: a virtual clock
  advances by ``ΔCPU_process / n_active`` at every request start and end, and a request gets
  the clock's advance over its span. CPU spent while no request is in flight is not given to
  any request (it is the service's overhead, reported separately).

A wall-time fair-share clock is kept the same way; the process's GPU energy is shared by it.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from algoprint.errors import AlgoprintError, InputError
from algoprint.impact.sci import functional_unit
from algoprint.integrations._accounting import _UNITS, RouteStats
from algoprint.meters.common import warn_once

if TYPE_CHECKING:
    from algoprint.integrations._window import ServiceWindow
    from algoprint.tracking.sampler import Snapshot
    from algoprint.tracking.tracker import Tracker

__all__ = ["ServiceMeter"]

log = logging.getLogger("algoprint")


class ServiceMeter:
    """Accounts the requests of one service process and writes a use-phase run per window.

    Args:
        tracker: a tracker to read the process's energy from; started here when new. Its own
            run is written only if it was created with a store; the windows are written apart.
        algorithm: the algorithm's slug. Without ``tracker``, the meter starts its own
            process-scope tracker for this algorithm (phase ``use``, no run of its own).
        window_s: length of an aggregation window (s); each becomes one stored use-phase run.
        functional_unit: SCI's R: ``requests`` (counted here) or a unit that handlers count
            with :func:`add_units` (``predictions``, ``tokens``, ``documents``).
        location: grid zone for CO2e and water (``NL``); default: the configured location.
        store: write each window as a run to the store's spool (picked up by the store and
            ``algoprint sync`` like any tracked run).
        mode: ``thread`` (thread CPU time) or ``fair`` (fair share of the process CPU).
        integration: ``asgi`` or ``wsgi``, recorded on the runs.

    Raises:
        InputError: ``window_s`` not a positive number, an empty unit name, an unknown mode.
        ImpactError: an unknown ``location``.
    """

    def __init__(
        self,
        *,
        tracker: Tracker | None = None,
        algorithm: str | None = None,
        window_s: float = 300.0,
        functional_unit: str = "requests",
        location: str | None = None,
        store: bool = True,
        mode: str = "thread",
        integration: str = "wsgi",
    ) -> None:
        if not isinstance(window_s, int | float) or not window_s > 0 or window_s == float("inf"):
            raise InputError(
                f"window_s must be a positive number of seconds, got {window_s!r}",
                hint="e.g. window_s=300 stores one use-phase run every 5 minutes",
            )
        if mode not in ("thread", "fair"):
            raise InputError(f"mode must be 'thread' or 'fair', got {mode!r}")
        self.unit = _unit_name(functional_unit)
        self.tracker = tracker
        self.algorithm = algorithm if algorithm is not None else getattr(tracker, "algorithm", None)
        self.window_s = float(window_s)
        self.location = location
        self.store = store
        self.integration = integration
        self._fair_cpu = mode == "fair"
        # The shared clocks are kept for fair CPU shares and GPU shares only (set at start).
        self._shares = self._fair_cpu
        self._count_units = self.unit != "requests"
        self._profile = _validate_location(location)
        self._lock = threading.Lock()
        self._stats: dict[str, RouteStats] = {}
        self._active = 0
        self._share_cpu_ns = 0.0
        self._share_wall_ns = 0.0
        self._last_cpu_ns = time.process_time_ns()
        self._last_wall_ns = time.monotonic_ns()
        self._state = "new"  # new → on | off → closed; on → forked → on in a forked child
        self._owned = False
        self._start_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._window_lock = threading.Lock()
        self._snap0: Snapshot | None = None
        self._cpu0_ns = 0
        self.totals: dict[str, list[float]] = {}
        """Cumulative per endpoint over closed windows: [requests, errors, cpu_s, energy_j]."""
        self.outside_requests_j = 0.0
        self.baseline_j = 0.0
        self.windows = 0
        self.store_failures = 0
        self.last: ServiceWindow | None = None
        """The last closed window (see :class:`~algoprint.integrations._window.ServiceWindow`)."""
        self.on_window: list[Callable[[ServiceWindow], None]] = []

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        """Whether requests are measured; starts the meter on first use (after a fork too)."""
        state = self._state
        if state == "on":
            return True
        if state in ("off", "closed"):
            return False
        return self.start()

    def start(self) -> bool:
        """Start measuring (idempotent). Without a tracker or algorithm, or when the tracker
        cannot start, requests pass through unmeasured and that is said once.

        Returns:
            True when requests are measured from now on.
        """
        with self._start_lock:
            if self._state == "on":
                return True
            if self._state in ("off", "closed"):
                return False
            if self._state == "forked":  # a forked worker: its own tracker and thread
                self.tracker = None if self._owned else self.tracker
                self._owned = False
                self._stats = {}
                self._active = 0  # the parent's requests in flight are not this process's
                self._last_cpu_ns, self._last_wall_ns = time.process_time_ns(), time.monotonic_ns()
            try:
                self._start_tracker()
            except Exception as e:
                self._state = "off"
                warn_once(
                    f"middleware:{id(self)}",
                    f"algoprint: EnergyMiddleware passes requests through unmeasured: {e}",
                )
                return False
            tracker = self.tracker
            assert tracker is not None
            self._snap0 = tracker.snapshot()
            self._cpu0_ns = time.process_time_ns()
            self._shares = self._fair_cpu or any(
                key[0] == "gpu" or getattr(dev.component.domain, "value", "") == "gpu"
                for key, dev in self._snap0.devices.items()
            )
            self._state = "on"
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._loop, name="algoprint-service-windows", daemon=True
            )
            self._thread.start()
            atexit.register(self.close)
            _watch_fork(self)
            return True

    def _start_tracker(self) -> None:
        from algoprint.tracking.tracker import Tracker, TrackerState

        if self.tracker is None:
            if not self.algorithm:
                raise AlgoprintError(
                    "no tracker configured",
                    hint="pass tracker=algoprint.Tracker(...) or algorithm='slug'",
                )
            self.tracker = Tracker(
                algorithm=self.algorithm, phase="use", scope="process", store=False
            )
            self._owned = True
        if self.tracker.state is TrackerState.NEW:
            self.tracker.start()
            self._owned = True
        elif self.tracker.state is not TrackerState.RUNNING:
            raise AlgoprintError(f"the tracker is {self.tracker.state.value}")

    def close(self) -> None:
        """Close the current window (stored like the others), stop the thread and the tracker
        this meter started. Idempotent; never raises."""
        with self._start_lock:
            if self._state != "on":
                self._state = "closed" if self._state == "new" else self._state
                return
            self._state = "closed"
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        self.flush()
        if self._owned and self.tracker is not None:
            try:
                self.tracker.stop()
            except Exception as e:
                log.warning("algoprint: stopping the service tracker failed: %s", e)
        atexit.unregister(self.close)

    def _loop(self) -> None:
        while not self._stop.wait(self.window_s):
            self.flush()

    # -- per request (cheap) -----------------------------------------------------------------

    def _advance(self) -> None:
        wall = time.monotonic_ns()
        if self._fair_cpu:
            cpu = time.process_time_ns()
            if self._active:
                self._share_cpu_ns += (cpu - self._last_cpu_ns) / self._active
            self._last_cpu_ns = cpu
        if self._active:
            self._share_wall_ns += (wall - self._last_wall_ns) / self._active
        self._last_wall_ns = wall

    def begin(self) -> tuple[float, float, int, list[float] | None, Any]:
        """Mark a request's start; returns the token to give to :meth:`end`."""
        cpu_share = wall_share = 0.0
        if self._shares:
            with self._lock:
                self._advance()
                self._active += 1
                cpu_share, wall_share = self._share_cpu_ns, self._share_wall_ns
        if self._count_units:
            box = [0.0]
            return cpu_share, wall_share, time.monotonic_ns(), box, _UNITS.set(box)
        return cpu_share, wall_share, time.monotonic_ns(), None, None

    def end(
        self,
        token: tuple[float, float, int, list[float] | None, Any],
        route: str,
        *,
        thread_cpu_ns: int | None,
        error: bool,
    ) -> None:
        """Mark a request's end: ``thread_cpu_ns`` is its thread CPU time (thread mode)."""
        cpu_share0, wall_share0, start_ns, box, ctx_token = token
        if ctx_token is not None:
            try:  # noqa: SIM105 (contextlib.suppress costs an object per request)
                _UNITS.reset(ctx_token)
            except ValueError:  # ended in another context (a streamed body closed elsewhere)
                pass
        wall_ns = time.monotonic_ns() - start_ns
        with self._lock:
            if self._shares:
                self._advance()
                self._active -= 1
            cpu_ns = (
                self._share_cpu_ns - cpu_share0 if thread_cpu_ns is None else float(thread_cpu_ns)
            )
            stats = self._stats.get(route)
            if stats is None:
                stats = self._stats[route] = RouteStats()
            cpu_s = cpu_ns * 1e-9
            stats.count += 1
            stats.errors += error
            stats.cpu_s += cpu_s
            stats.cpu_sq_s2 += cpu_s * cpu_s
            stats.share_wall_s += (self._share_wall_ns - wall_share0) * 1e-9
            stats.wall_s += wall_ns * 1e-9
            if box is not None:
                stats.units += box[0]

    def live(self) -> dict[str, RouteStats]:
        """A copy of the current window's per-endpoint figures (for the metrics endpoint)."""
        with self._lock:
            return {k: RouteStats(*_fields(v)) for k, v in self._stats.items()}

    # -- windows -----------------------------------------------------------------------------

    def flush(self) -> ServiceWindow | None:
        """Close the current window now: attribute its energy, compute its impacts, store it
        as a use-phase run. Never raises (a failure is logged and counted)."""
        if self._snap0 is None or self.tracker is None:
            return None
        with self._window_lock:
            try:
                return self._flush()
            except Exception as e:
                log.warning("algoprint: closing a service window failed: %s", e)
                return None

    def _flush(self) -> ServiceWindow | None:
        from algoprint.integrations._window import close_window

        tracker, before = self.tracker, self._snap0
        assert tracker is not None and before is not None
        with self._lock:
            stats, self._stats = self._stats, {}
            cpu_ns = time.process_time_ns()
        after = tracker.snapshot()
        process_cpu_s = (cpu_ns - self._cpu0_ns) * 1e-9
        self._snap0, self._cpu0_ns = after, cpu_ns
        window = close_window(self, stats, before=before, after=after, process_cpu_s=process_cpu_s)
        for route, s in stats.items():
            total = self.totals.setdefault(route, [0.0, 0.0, 0.0, 0.0])
            total[0] += s.count
            total[1] += s.errors
            total[2] += s.cpu_s
        for route_window in window.routes:
            if route_window.energy_j is not None:
                self.totals[route_window.route][3] += route_window.energy_j
        self.outside_requests_j += window.outside_requests_energy_j or 0.0
        self.baseline_j += window.baseline_energy_j or 0.0
        self.windows += 1
        self.last = window
        for hook in self.on_window:
            hook(window)
        return window

    @property
    def profile(self) -> Any:
        """The location profile for impacts (``None`` when it could not be resolved)."""
        return self._profile


_FORK_WATCHED: weakref.WeakSet[ServiceMeter] = weakref.WeakSet()


def _after_fork() -> None:
    for meter in list(_FORK_WATCHED):
        if meter._state == "on":
            meter._state = "forked"  # threads do not survive a fork: restart on first use
            # A lock held by another thread at the fork would never be released in the child.
            meter._lock = threading.Lock()
            meter._start_lock = threading.Lock()
            meter._window_lock = threading.Lock()


def _watch_fork(meter: ServiceMeter) -> None:
    if not _FORK_WATCHED and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork)
    _FORK_WATCHED.add(meter)


def _fields(s: RouteStats) -> tuple[Any, ...]:
    return (s.count, s.errors, s.cpu_s, s.cpu_sq_s2, s.share_wall_s, s.wall_s, s.units)


def _unit_name(name: str) -> str:
    return functional_unit(name).name


def _validate_location(location: str | None) -> Any:
    """Resolve the location now, so a wrong zone fails at start-up, not in a window."""
    from algoprint.config import load_settings
    from algoprint.impact.location import resolve_location

    extra = load_settings({}).extra
    if location is None:
        try:
            return resolve_location(extra)
        except AlgoprintError as e:
            warn_once("middleware:location", f"algoprint: no CO2e per request: {e}")
            return None
    return resolve_location(extra, location=location)
