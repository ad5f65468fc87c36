"""Small deterministic meters for tracking tests (hardware-free)."""

from __future__ import annotations

import time

from algoprint.meters.common import (
    ComponentEnergy,
    Domain,
    Meter,
    MeterStatus,
    Method,
    SampleContext,
)


class ConstantPowerMeter(Meter):
    """Reports ``power_w`` × elapsed monotonic time as cumulative energy."""

    name = "constant"

    def __init__(
        self,
        *,
        power_w: float,
        domain: Domain = Domain.CPU,
        device: str = "fake-0",
        interval_s: float = 0.05,
        fail_after_samples: int | None = None,
        gap: bool = False,
    ) -> None:
        self.power_w = power_w
        self.domain = domain
        self.device = device
        self.sample_interval_s = interval_s
        self.fail_after_samples = fail_after_samples
        self.gap = gap
        self.samples = 0
        self.closed = 0
        self._t0 = 0.0
        self._energy_j = 0.0

    def start(self, ctx: SampleContext) -> None:
        self._t0 = time.monotonic()

    def sample(self, ctx: SampleContext) -> None:
        self.samples += 1
        if self.fail_after_samples is not None and self.samples > self.fail_after_samples:
            raise OSError("device vanished")
        self._energy_j = self.power_w * (time.monotonic() - self._t0)

    def totals(self) -> list[ComponentEnergy]:
        return [
            ComponentEnergy(
                domain=self.domain,
                device=self.device,
                energy_j=None if self.gap else self._energy_j,
                method=Method.NONE if self.gap else Method.COUNTER,
                uncertainty_rel=0.1,
                note="cannot be measured" if self.gap else None,
            )
        ]

    def status(self) -> MeterStatus:
        return MeterStatus(self.name, True, f"{self.power_w} W constant", method=Method.COUNTER)

    def close(self) -> None:
        self.closed += 1
