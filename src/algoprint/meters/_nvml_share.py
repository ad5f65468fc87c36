"""The tracked processes' share of one NVIDIA GPU, from NVML per-process utilisation.

NVML keeps a buffer of per-process utilisation samples (SM %, one per process per internal
sampling period). Each query asks for the samples newer than the last one seen
(``nvmlDeviceGetProcessUtilization(handle, lastSeenTimeStamp)``). For the energy measured since
the previous query, the tracked share is

    share = sum(SM % of samples from tracked pids) / sum(SM % of all samples)

NVML adds samples only every so often (its own period, up to about a second), so a query that
finds no new sample shortly after the previous one keeps the energy pending until samples come
(at most ``DEFER_S``). When no process computed (no sample for longer than that, or all
samples 0 %), the share follows who holds the GPU
(``nvmlDeviceGetComputeRunningProcesses``): 1 when only tracked processes do, 0 when none of
them does, and an equal split per process (an assumption, noted) when both do.

Cost: one or two NVML calls per GPU per query; the meter queries only when the tracker passes
process ids, and at most at the counter cadence.

Limit: NVML reports process ids of the host's pid namespace. In a container with its own pid
namespace the tracked ids do not match and the share reads 0; run the tracker with the host's
pid namespace (``--pid=host``) or use machine scope there.
"""

from __future__ import annotations

import math
from typing import Any

from algoprint.meters.common import SampleContext

__all__ = ["DEFER_S", "ProcessShare"]

DEFER_S = 2.0
"""How long energy may wait for NVML's next utilisation sample before 'no work' is assumed."""


class ProcessShare:
    """Accumulates the tracked processes' share of one GPU's energy.

    Args:
        nvml: the pynvml module or a stand-in.
        handle: the NVML handle of the physical GPU.
    """

    def __init__(self, nvml: Any, handle: Any) -> None:
        self._nvml = nvml
        self._handle = handle
        self.active = False
        self.supported = True
        self.last_seen_us = 0
        self.last_query_s = -math.inf
        self.last_attributed_s = -math.inf
        self.attributed_j = 0.0
        self.pending_j = 0.0
        self.last_share: float | None = None
        self._shared = False
        self._assumed = False
        self._late = False

    @property
    def note(self) -> str | None:
        """What the user should know about the process figure."""
        if not self.supported:
            return (
                "per-process GPU utilisation is not available here (NVML NOT_SUPPORTED), so "
                "the tracked processes' share of this GPU is unknown"
            )
        notes = []
        if self._shared:
            notes.append(
                "other processes used this GPU too: the process figure is the tracked "
                "processes' share by SM utilisation"
            )
        if self._assumed:
            notes.append("an equal split per process was assumed where no GPU work was seen")
        if self._late:
            notes.append("process attribution began after the meter started")
        return "; ".join(notes) or None

    def _error_name(self, exc: BaseException) -> str | None:
        code = getattr(exc, "value", None)
        for name in ("NVML_ERROR_NOT_FOUND", "NVML_ERROR_NOT_SUPPORTED"):
            if getattr(self._nvml, name, None) == code:
                return name
        return None

    def _samples(self) -> list[Any] | None:
        """Samples newer than the last seen; ``None`` on a transient failure."""
        try:
            samples = list(
                self._nvml.nvmlDeviceGetProcessUtilization(self._handle, self.last_seen_us)
            )
        except self._nvml.NVMLError as e:
            name = self._error_name(e)
            if name == "NVML_ERROR_NOT_FOUND":
                return []
            if name == "NVML_ERROR_NOT_SUPPORTED":
                self.supported = False
            return None
        if samples:
            self.last_seen_us = max(self.last_seen_us, *(int(s.timeStamp) for s in samples))
        return samples

    def begin(self, now_s: float, *, late: bool = False) -> None:
        """Skip the samples taken before now; attribution starts here."""
        self._samples()
        self.active = self.supported
        self.last_query_s = self.last_attributed_s = now_s
        self._late = late

    def add(self, delta_j: float, ctx: SampleContext, *, query: bool) -> None:
        """Add energy measured since the previous call; attribute it when ``query``."""
        if not self.supported:
            return
        if not self.active:
            if ctx.pids:
                self.begin(ctx.now_s, late=True)
            return
        self.pending_j += delta_j
        if query and ctx.pids:
            self.last_query_s = ctx.now_s
            share = self._share(ctx.pids, ctx.now_s - self.last_attributed_s)
            if share is not None:
                self.attributed_j += self.pending_j * share
                self.pending_j = 0.0
                self.last_share = share
                self.last_attributed_s = ctx.now_s

    def _share(self, pids: frozenset[int], waited_s: float) -> float | None:
        """The tracked share of the pending energy; ``None``: not known yet."""
        samples = self._samples()
        if samples is None or (not samples and waited_s < DEFER_S):
            return None
        util = [(int(s.pid), min(100, max(0, int(s.smUtil)))) for s in samples]
        total = sum(pct for _, pct in util)
        tracked = sum(pct for pid, pct in util if pid in pids)
        if total > 0:
            if tracked < total:
                self._shared = True
            return tracked / total
        try:
            running = {
                int(p.pid) for p in self._nvml.nvmlDeviceGetComputeRunningProcesses(self._handle)
            }
        except self._nvml.NVMLError:
            return None
        mine = running & pids
        if not mine:
            return 0.0
        if mine == running:
            return 1.0
        self._shared = self._assumed = True
        return len(mine) / len(running)

    def process_energy_j(self) -> float | None:
        """Energy attributed so far (J); energy not yet attributed uses the last share."""
        if not self.supported or not self.active:
            return None
        extra = self.pending_j * self.last_share if self.last_share is not None else 0.0
        return self.attributed_j + extra
