#!/usr/bin/env python3
"""Back-test the carbon-aware start advice on real Dutch hours (temporal hold-out).

Builds a typical month × hour profile from the NL hourly files of the years before the test year
(``--fit 2021 2022 2023``), then asks :func:`algoprint.advice.schedule.recommend_window` for
advice at a fixed local time every day of the test year (``--test 2024``) and compares with what
the real hours of that day would have given:

- realised saving = real mean intensity of the "start now" window − real mean of the advised one;
- coverage = share of days whose realised saving lies inside the advice's interval (stated as
  about 90 %).

Run:  PYTHONPATH=src python bench/schedule_backtest.py [--shared ../shared/data]
Deterministic (no random numbers). Prints one line per case; figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from algoprint.advice.grid_profile import IntensityProfile, read_hourly, typical_cells
from algoprint.advice.schedule import recommend_window

ROOT = Path(__file__).resolve().parents[1]
AMS = ZoneInfo("Europe/Amsterdam")


def _real_mean(real: dict[datetime, float], start: datetime, hours: float) -> float | None:
    t, total, left = start, 0.0, hours * 3600.0
    while left > 1e-9:
        hour = t.replace(minute=0, second=0, microsecond=0)
        edge = min((hour + timedelta(hours=1) - t).total_seconds(), left)
        if hour not in real:
            return None
        total += real[hour] * edge
        t += timedelta(seconds=edge)
        left -= edge
    return total / (hours * 3600.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--fit", type=int, nargs="+", default=[2021, 2022, 2023])
    parser.add_argument("--test", type=int, default=2024)
    args = parser.parse_args()
    grid = args.shared / "grid"
    fit_points = [p for y in args.fit for p in read_hourly(grid / f"NL_{y}_hourly.csv", zone="NL")]
    cells = typical_cells(fit_points)
    profile = IntensityProfile(
        zone="NL",
        basis="typical",
        source=f"NL {args.fit}",
        by_month_hour={k: float(v) for k, v in cells.mean.items()},
        spread_by_month_hour=dict(cells.spread),
        timezone="Europe/Amsterdam",
    )
    test = read_hourly(grid / f"NL_{args.test}_hourly.csv", zone="NL")
    real = {p.start: p.g_per_kwh for p in test}
    print(f"profile fitted on {args.fit}, tested on every day of {args.test}")
    for local_hour, hours in [(17, 3.0), (8, 3.0), (20, 6.0), (17, 1.0)]:
        inside = days = 0
        expected = realised = 0.0
        day = datetime(args.test, 1, 1, local_hour, tzinfo=AMS)
        while day.year == args.test:
            now = day.astimezone(UTC)
            advice = recommend_window(hours * 3600, now=now, profile=profile)
            a = _real_mean(real, now, hours)
            b = _real_mean(real, advice.start, hours)
            day += timedelta(days=1)
            if a is None or b is None or advice.saving_g_per_kwh is None:
                continue
            days += 1
            got = a - b
            expected += advice.saving_g_per_kwh
            realised += got
            low, high = advice.saving_low_g_per_kwh, advice.saving_high_g_per_kwh
            inside += int(low is not None and high is not None and low <= got <= high)
        print(
            f"start asked {local_hour:02d}:00 Europe/Amsterdam, {hours:g} h run, {days} days: "
            f"expected saving {expected / days:.1f} g/kWh, realised {realised / days:.1f} g/kWh, "
            f"realised inside the interval on {100 * inside / days:.1f} % of days"
        )


if __name__ == "__main__":
    main()
