"""A constant-power meter selected by a spec string, as a *testing aid*.

``--algoprint-meter=constant:50`` makes every run's energy exactly 50 W × its wall time, so
tests of the energy regression gate are deterministic. It reports method ``constant``, so it
is never mistaken for a measurement.
"""

from __future__ import annotations

import math

from algoprint.errors import InputError
from algoprint.meters.common import (
    ComponentEnergy,
    Domain,
    Meter,
    MeterStatus,
    Method,
    SampleContext,
)

__all__ = ["ConstantPowerMeter", "meter_from_spec"]


class ConstantPowerMeter(Meter):
    """Cumulative energy = ``power_w`` × time since ``start()`` (machine scope, cpu domain).

    Used by ``--algoprint-meter`` and by tests that need energy exactly proportional to the
    tracked windows' durations.
    """

    name = "constant"
    sample_interval_s = 1.0

    def __init__(self, *, power_w: float) -> None:
        self.power_w = power_w
        self._t0_s = 0.0
        self._energy_j = 0.0

    # Time comes from the sampler's context, so the energy matches the windows' edges exactly.
    def start(self, ctx: SampleContext) -> None:
        self._t0_s = ctx.now_s
        self._energy_j = 0.0

    def sample(self, ctx: SampleContext) -> None:
        self._energy_j = self.power_w * max(0.0, ctx.now_s - self._t0_s)

    def totals(self) -> list[ComponentEnergy]:
        return [
            ComponentEnergy(
                domain=Domain.CPU,
                device="constant-0",
                energy_j=self._energy_j,
                method=Method.CONSTANT,
                uncertainty_rel=0.0,
                note="testing aid: a constant power, not a measurement",
            )
        ]

    def status(self) -> MeterStatus:
        return MeterStatus(
            self.name, True, f"testing aid: constant {self.power_w} W", method=Method.CONSTANT
        )


def meter_from_spec(spec: str) -> Meter:
    """Build a meter from ``constant:WATTS``.

    Raises:
        InputError: another kind, or a power that is not a finite number > 0.
    """
    kind, _, value = spec.partition(":")
    if kind != "constant":
        raise InputError(
            f"unknown meter spec {spec!r}", hint="use constant:WATTS, e.g. constant:50"
        )
    try:
        power_w = float(value)
    except ValueError:
        power_w = math.nan
    if not (math.isfinite(power_w) and power_w > 0):
        raise InputError(f"meter spec {spec!r} needs a power in watts > 0", hint="e.g. constant:50")
    return ConstantPowerMeter(power_w=power_w)
