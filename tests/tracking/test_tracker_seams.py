"""The tracker's seams for the integrations: named functional units and stop hooks."""

from __future__ import annotations

import pytest

from algoprint.errors import TrackingError
from algoprint.meters.common import Domain
from algoprint.testing import ReplayMeter, ReplayPowerSource
from algoprint.tracking.record import RunRecord
from algoprint.tracking.tracker import Tracker, on_stop


def tracker() -> Tracker:
    meter = ReplayMeter(source=ReplayPowerSource([(0.0, 50.0)]), domain=Domain.CPU)
    return Tracker(meters=[meter], store=False)


def test_add_units_names_one_unit_per_run() -> None:
    t = tracker()
    run = t.start()
    run.add_units(3, "tokens")
    run.add_units(2)
    with pytest.raises(TrackingError, match="one functional unit per run"):
        run.add_units(1, "requests")
    record = t.stop()
    assert record.units == 5 and record.tags["functional_unit"] == "tokens"


def test_stop_hooks_run_once_and_never_raise() -> None:
    seen: list[RunRecord] = []

    def broken(record: RunRecord) -> None:
        raise RuntimeError("a hook bug")

    remove_seen, remove_broken = on_stop(seen.append), on_stop(broken)
    try:
        t = tracker()
        t.start()
        record = t.stop()
        t.stop()  # idempotent: no second call
    finally:
        remove_seen()
        remove_broken()
    assert seen == [record]
    t2 = tracker()
    t2.start()
    t2.stop()
    assert len(seen) == 1
