"""A low-overhead wall-clock stack sampler built on the standard library only.

Why not pyinstrument? It is well kept and its C profile hook is cheaper per sample, but it
follows only the thread that started it, reports durations rather than timestamps (and energy
attribution needs *when* each sample was taken, to meet the power timeline), and it is not a
dependency of algoprint. A sampler thread reading :func:`sys._current_frames` sees every thread,
timestamps each tick, needs nothing to install, and runs unchanged in a child interpreter of any
Python >= 3.8 (so this module imports only the standard library: ``_runner.py`` loads it by
path into the profiled program's own interpreter).

Each tick (every ``interval_s``, 5 ms by default; in practice one GIL switch interval) records,
per thread, the stack (root → leaf), the leaf line and the wall time since the previous tick.
When several threads are seen in one tick the tick's wall time is split between them by the CPU
time each used (``pthread_getcpuclockid``), or evenly when none used any, so the weights of a
tick always add up to its wall time. Samples are aggregated into ``bucket_s`` time buckets
(``(bucket, stack) -> wall s, cpu s, samples``) so the data stays small for long runs and can be
joined with a power timeline of the same resolution.
"""

from __future__ import annotations

import sys
import threading
import time
from types import CodeType, FrameType
from typing import Any

__all__ = ["FORMAT_VERSION", "StackSampler"]

FORMAT_VERSION = 1
_EXCLUDED_THREAD_PREFIX = "algoprint"


class StackSampler:
    """Sample the Python stacks of this process's threads on a background thread.

    Args:
        interval_s: time between ticks (s). Python threads switch every 5 ms
            (``sys.getswitchinterval()``), so shorter intervals rarely help.
        bucket_s: width of the aggregation buckets (s).
        roots: per thread ident, a frame where stacks are cut and whether that frame itself
            is kept (``profile()`` keeps the caller's frame, drops test-runner frames above).
        skip_files: code file names whose frames are left out (runpy, the runner itself).
    """

    def __init__(
        self,
        *,
        interval_s: float = 0.005,
        bucket_s: float = 0.1,
        roots: dict[int, tuple[FrameType, bool]] | None = None,
        skip_files: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        if not interval_s > 0 or not bucket_s > 0:
            raise ValueError("interval_s and bucket_s must be > 0")
        self.interval_s = interval_s
        self.bucket_s = bucket_s
        self._roots = dict(roots or {})
        self._skip = set(skip_files) | {__file__}
        self.frames: list[tuple[str, str, int]] = []
        self._frame_ids: dict[CodeType, int] = {}
        self.stacks: list[tuple[tuple[int, ...], int]] = []
        self._stack_ids: dict[tuple[tuple[int, ...], int], int] = {}
        self.buckets: dict[tuple[int, int], list[float]] = {}
        self.samples = 0
        self.t0_s = 0.0
        self.t1_s = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._clocks: dict[int, int | None] = {}

    def start(self) -> None:
        """Start sampling; ``t0_s`` is the ``time.monotonic()`` of the start."""
        self.t0_s = time.monotonic()
        self._thread = threading.Thread(target=self._loop, name="algoprint-profiler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling (idempotent); ``t1_s`` is the ``time.monotonic()`` of the stop."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=10)
            self.t1_s = time.monotonic()

    # -- sampling ----------------------------------------------------------------------------

    def _loop(self) -> None:
        me = threading.get_ident()
        previous_s = self.t0_s
        previous_cpu: dict[int, float] = {}
        while not self._stop.wait(self.interval_s):
            now_s = time.monotonic()
            tick_s, previous_s = now_s - previous_s, now_s
            try:
                self._tick(me, now_s - tick_s / 2, tick_s, previous_cpu)
            except Exception:  # noqa: S112 - a lost tick must never stop the workload
                continue

    def _tick(self, me: int, mid_s: float, tick_s: float, previous_cpu: dict[int, float]) -> None:
        names = {t.ident: t.name for t in threading.enumerate()}
        entries: list[tuple[int, float | None]] = []
        frames = sys._current_frames()
        if self._stop.is_set():  # stop() is joining us: the caller's frames are ours, not its
            return
        for ident, frame in frames.items():
            # Threads not (or no longer) registered are starting or exiting: skip them.
            name = names.get(ident)
            if ident == me or name is None or name.startswith(_EXCLUDED_THREAD_PREFIX):
                continue
            stack_id = self._stack_id(ident, frame)
            if stack_id is None:
                continue
            cpu_s = self._thread_cpu_s(ident)
            used: float | None = None
            if cpu_s is not None:
                if ident in previous_cpu:
                    used = max(0.0, cpu_s - previous_cpu[ident])
                previous_cpu[ident] = cpu_s
            entries.append((stack_id, used))
        if not entries:
            return
        known = [u for _, u in entries if u is not None]
        total_cpu = sum(known)
        by_cpu = len(known) == len(entries) and total_cpu > 0
        bucket = int((mid_s - self.t0_s) / self.bucket_s)
        for stack_id, used in entries:
            share = (used or 0.0) / total_cpu if by_cpu else 1.0 / len(entries)
            acc = self.buckets.setdefault((bucket, stack_id), [0.0, 0.0, 0])
            acc[0] += tick_s * share
            acc[1] += used or 0.0
            acc[2] += 1
        self.samples += 1

    def _thread_cpu_s(self, ident: int) -> float | None:
        if ident not in self._clocks:
            try:
                self._clocks[ident] = time.pthread_getcpuclockid(ident)
            except (AttributeError, OSError, OverflowError, ValueError):
                self._clocks[ident] = None
        clock = self._clocks[ident]
        if clock is None:
            return None
        try:
            return time.clock_gettime(clock)
        except OSError:  # the thread ended between the frame read and now
            return None

    def _frame_id(self, code: CodeType) -> int:
        found = self._frame_ids.get(code)
        if found is None:
            name = getattr(code, "co_qualname", code.co_name)
            found = len(self.frames)
            self.frames.append((name, code.co_filename, code.co_firstlineno))
            self._frame_ids[code] = found
        return found

    def _stack_id(self, ident: int, leaf: FrameType) -> int | None:
        root, keep_root = self._roots.get(ident, (None, True))
        ids: list[int] = []
        line = 0
        frame: FrameType | None = leaf
        while frame is not None:
            if frame is root and not keep_root:
                break
            code = frame.f_code
            if code.co_filename not in self._skip:
                if not ids:
                    line = frame.f_lineno or 0
                ids.append(self._frame_id(code))
            if frame is root:
                break
            frame = frame.f_back
        if not ids:
            return None
        key = (tuple(reversed(ids)), line)
        found = self._stack_ids.get(key)
        if found is None:
            found = len(self.stacks)
            self.stacks.append(key)
            self._stack_ids[key] = found
        return found

    # -- output ------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The aggregated profile as a JSON-ready document (read by ``_aggregate``)."""
        return {
            "format": FORMAT_VERSION,
            "t0_s": self.t0_s,
            "t1_s": self.t1_s or time.monotonic(),
            "interval_s": self.interval_s,
            "bucket_s": self.bucket_s,
            "samples": self.samples,
            "frames": [list(f) for f in self.frames],
            "stacks": [[list(ids), line] for ids, line in self.stacks],
            "buckets": [[b, s, v[0], v[1], int(v[2])] for (b, s), v in self.buckets.items()],
        }
