"""Profiles from the user's own files: hourly (Electricity Maps layout) and month × hour tables."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from algoprint.advice.grid_profile import load_profile_file, read_hourly, typical_cells
from algoprint.advice.schedule import recommend_window
from algoprint.errors import InputError

COLUMN = "Carbon Intensity gCO\u2082eq/kWh (LCA)"


def hourly_file(
    path: Path, *, zone: str = "NL", skip: int | None = None, dup: bool = False
) -> Path:
    """One year of hours: 300 g/kWh, 100 from 10:00 to 13:00 UTC, +-20 on odd days at 10:00."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Datetime (UTC)", "Country", "Zone Name", "Zone Id", COLUMN])
        t, i = datetime(2023, 1, 1), 0
        while t.year == 2023:
            value = 100.0 if 10 <= t.hour < 13 else 300.0
            if t.hour == 10:
                value += 20.0 if t.day % 2 else -20.0
            if i != skip:
                writer.writerow([t.isoformat(sep=" "), "x", "x", zone, f"{value:.2f}"])
                if dup and i == 5:
                    writer.writerow([t.isoformat(sep=" "), "x", "x", zone, f"{value:.2f}"])
            t += timedelta(hours=1)
            i += 1
    return path


def test_typical_cells_mean_and_shape_spread_by_hand(tmp_path: Path) -> None:
    points = read_hourly(hourly_file(tmp_path / "h.csv"), zone="NL")
    assert len(points) == 8760
    cells = typical_cells(points)
    # January has 16 odd and 15 even days: mean at 10:00 = 100 + 20 × (16 - 15) / 31
    assert float(cells.mean[(1, 10)]) == pytest.approx(100 + 20 / 31)
    assert float(cells.mean[(1, 11)]) == 100.0 and float(cells.mean[(1, 0)]) == 300.0
    # the day mean moves by ±20/24, so 11:00 deviates by ±20/24 around its mean (spread ≈ 0.85)
    assert cells.spread[(1, 11)] == pytest.approx(20 / 24, rel=0.05)
    assert cells.spread[(1, 10)] == pytest.approx(20 * 23 / 24, rel=0.05)


def test_hourly_file_gives_a_profile_with_a_known_best_window(tmp_path: Path) -> None:
    profile = load_profile_file(hourly_file(tmp_path / "mine.csv"), zone="nl")
    assert profile.basis == "typical" and profile.zone == "NL" and "mine.csv" in profile.source
    now = datetime(2025, 3, 4, 6, 0, tzinfo=UTC)
    advice = recommend_window(2 * 3600, now=now, profile=profile)
    assert advice.start == datetime(2025, 3, 4, 11, 0, tzinfo=UTC)
    assert advice.mean_intensity_g_per_kwh == pytest.approx(100.0)


def test_profile_table_layout(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    lines = ["zone,month,hour_utc,intensity_g_per_kwh"]
    lines += [f"NL,{m},{h},{50 if h == 3 else 250}" for m in range(1, 13) for h in range(24)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    profile = load_profile_file(path, zone="NL")
    advice = recommend_window(3600, now=datetime(2025, 3, 4, 1, 0, tzinfo=UTC), profile=profile)
    assert advice.start == datetime(2025, 3, 4, 3, 0, tzinfo=UTC)
    assert advice.saving_low_g_per_kwh is None  # no spread given: no interval is invented


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (
            lambda p: hourly_file(p, skip=100),
            "gap at line 102 .2023-01-05 05:00 UTC after 2023-01-05 03:00",
        ),
        (lambda p: hourly_file(p, dup=True), "duplicate"),
        (lambda p: hourly_file(p, zone="DE"), "zone 'DE', not 'NL'"),
        (lambda p: p.write_text("Datetime (UTC),x\n2023-01-01 00:00,1\n"), "carbon-intensity"),
        (lambda p: p.write_text("when,value\n"), "Datetime"),
        (lambda p: p.write_text(f"Datetime (UTC),{COLUMN}\n2023-01-01 00:00,-5\n"), ">= 0"),
        (lambda p: p.write_text(f"Datetime (UTC),{COLUMN}\n2023-01-01 00:00,5\n"), "of 288"),
        (lambda p: p.write_text("zone,month,hour_utc,intensity_g_per_kwh\nNL,1,0,5\n"), "missing"),
        (lambda p: p.write_text("zone,month,hour_utc,intensity_g_per_kwh\nNL,13,0,5\n"), "range"),
    ],
)
def test_bad_profile_files_name_the_problem(tmp_path: Path, make: object, match: str) -> None:
    path = tmp_path / "bad.csv"
    make(path)  # type: ignore[operator]
    with pytest.raises(InputError, match=match):
        load_profile_file(path, zone="NL")


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_profile_file(tmp_path / "nope.csv", zone="NL")
