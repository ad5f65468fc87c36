"""A meter whose energy the test moves (each training batch adds a fixed amount)."""

from __future__ import annotations

import threading

from algoprint.meters.common import (
    ComponentEnergy,
    Domain,
    Meter,
    MeterStatus,
    Method,
    SampleContext,
)


class StepMeter(Meter):
    """Cumulative energy = what :meth:`bump` added; deterministic whatever the timing."""

    name = "step"
    sample_interval_s = 5.0

    def __init__(self) -> None:
        self.energy_j = 0.0
        self._lock = threading.Lock()

    def bump(self, joules: float) -> None:
        with self._lock:
            self.energy_j += joules

    def start(self, ctx: SampleContext) -> None:
        pass

    def sample(self, ctx: SampleContext) -> None:
        pass

    def totals(self) -> list[ComponentEnergy]:
        with self._lock:
            energy = self.energy_j
        return [
            ComponentEnergy(
                domain=Domain.CPU,
                device="step-0",
                energy_j=energy,
                method=Method.COUNTER,
                uncertainty_rel=0.0,
            )
        ]

    def status(self) -> MeterStatus:
        return MeterStatus(self.name, True, "test-driven", method=Method.COUNTER)
