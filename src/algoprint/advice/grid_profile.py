"""Typical month × hour grid-intensity profiles from hourly data (UTC inside).

Used by ``scripts/refdata/nl_hourly.py`` to build the shipped NL profile and by
``algoprint schedule --profile FILE.csv`` for users with their own hourly data. Two file layouts
are read:

- **hourly** (the layout of Electricity Maps' hourly datasets): a ``Datetime (UTC)`` column, a
  carbon-intensity column (``Carbon Intensity gCO₂eq/kWh (LCA)`` or ``... (Life cycle)``, or
  ``intensity_g_per_kwh``) and optionally ``Zone Id``. Every file must be gap-free: one row per
  hour from its first to its last hour, no duplicates.
- **profile** (the shipped table's layout): ``zone, month, hour_utc, intensity_g_per_kwh``
  (optional ``spread_g_per_kwh``) with all 288 month × hour cells.

Per (month, hour UTC) the profile holds the **mean** intensity and the **shape spread**: the
standard deviation, over the days of that month, of the hour's deviation from its own day's mean
(g CO2e/kWh). The spread says how far a given day's hour-of-day shape departs from the typical
one, which is what the expected saving of a start time depends on.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from algoprint.errors import InputError

__all__ = [
    "ZONES_SHIPPED",
    "ZONE_TIMEZONES",
    "HourlyPoint",
    "IntensityProfile",
    "TypicalCells",
    "intensity_column",
    "load_profile",
    "load_profile_file",
    "read_hourly",
    "read_profile_rows",
    "typical_cells",
]

ZONE_TIMEZONES = {"NL": "Europe/Amsterdam", "BE": "Europe/Brussels", "DE": "Europe/Berlin"}
"""IANA time zone per grid zone, for showing local times (UTC is used inside)."""

_TIME_COLUMN = "Datetime (UTC)"
_ZONE_COLUMNS = ("Zone Id", "zone")


@dataclass(frozen=True, slots=True)
class HourlyPoint:
    """One hour of a grid-intensity series.

    Attributes:
        start: start of the hour (UTC).
        g_per_kwh: carbon intensity (g CO2e/kWh).
    """

    start: datetime
    g_per_kwh: float


@dataclass(frozen=True, slots=True)
class TypicalCells:
    """Month × hour (UTC) statistics of an hourly series.

    Attributes:
        mean: (month, hour UTC) → mean intensity (g CO2e/kWh), exact decimal mean.
        spread: (month, hour UTC) → shape spread (g CO2e/kWh), see the module doc.
        first / last: the first and last hour used (UTC).
    """

    mean: Mapping[tuple[int, int], Decimal]
    spread: Mapping[tuple[int, int], float]
    first: datetime
    last: datetime


def intensity_column(fields: Sequence[str], *, where: str = "the file") -> str:
    """The carbon-intensity column among ``fields``.

    Raises:
        InputError: no such column (the message lists the accepted names).
    """
    for name in fields:
        low = name.lower()
        if low == "intensity_g_per_kwh":
            return name
        if "carbon intensity" in low and ("life cycle" in low or "lca" in low):
            return name
    raise InputError(
        f"{where} has no carbon-intensity column (columns: {', '.join(fields) or 'none'})",
        hint="name it 'Carbon Intensity gCO₂eq/kWh (LCA)' or 'intensity_g_per_kwh'",
    )


def _check_zone(row: Mapping[str, str], zone: str | None, where: str, line: int) -> None:
    """Raise when the row names a zone other than ``zone``."""
    found = next(
        (v.strip().upper() for name in _ZONE_COLUMNS if (v := row.get(name) or "").strip()), None
    )
    if zone is not None and found is not None and found != zone.upper():
        raise InputError(
            f"{where}: line {line} is for zone {found!r}, not {zone.upper()!r}",
            hint=f"give a file for {zone.upper()} or pass --zone {found}",
        )


def read_hourly(path: Path, *, zone: str | None = None) -> list[HourlyPoint]:
    """The hours of one hourly file, checked.

    Args:
        path: CSV in the hourly layout (module doc).
        zone: the grid zone the file must be for (checked where the file names its zone).

    Raises:
        InputError: unreadable file, missing columns, a time that is not ISO 8601, a value that
            is not a finite number >= 0, another zone, a duplicate hour or a gap (the message
            names the file, the line and the hour).
    """
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = list(reader.fieldnames or [])
            if _TIME_COLUMN not in fields:
                raise InputError(
                    f"{path.name} has no {_TIME_COLUMN!r} column",
                    hint="hourly files need 'Datetime (UTC)' and an intensity column",
                )
            column = intensity_column(fields, where=path.name)
            points = [_point(path, n, row, column, zone) for n, row in enumerate(reader, start=2)]
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    if not points:
        raise InputError(f"{path.name} holds no hours", hint="give at least one day of data")
    for n, (a, b) in enumerate(itertools.pairwise(points), start=3):
        if b.start - a.start != timedelta(hours=1):
            what = "duplicate or unordered" if b.start <= a.start else "gap"
            raise InputError(
                f"{path.name}: {what} at line {n} ({b.start:%Y-%m-%d %H:%M} UTC after "
                f"{a.start:%Y-%m-%d %H:%M} UTC)",
                hint="one row per hour, in order, with no hour missing",
            )
    return points


def _point(
    path: Path, line: int, row: Mapping[str, str], column: str, zone: str | None
) -> HourlyPoint:
    _check_zone(row, zone, path.name, line)
    try:
        when = datetime.fromisoformat(row[_TIME_COLUMN].strip())
        value = float(row[column])
    except (TypeError, ValueError):
        raise InputError(
            f"{path.name}: line {line} is not a time and a number "
            f"({row.get(_TIME_COLUMN)!r}, {row.get(column)!r})",
            hint="e.g. 2024-06-01 12:00:00,245.3",
        ) from None
    if not math.isfinite(value) or value < 0:
        raise InputError(f"{path.name}: line {line}: intensity {value!r} is not >= 0")
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return HourlyPoint(when, value)


def typical_cells(points: Iterable[HourlyPoint]) -> TypicalCells:
    """Mean and shape spread per (month, hour UTC); see the module doc.

    The mean is summed in decimal on the shortest text of each value (as written in the file),
    so the shipped table does not depend on the summation order.
    """
    pts = list(points)
    sums: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    by_day: dict[tuple[int, int, int], list[HourlyPoint]] = defaultdict(list)
    for p in pts:
        key = (p.start.month, p.start.hour)
        sums[key] += Decimal(repr(p.g_per_kwh))
        counts[key] += 1
        by_day[(p.start.year, p.start.month, p.start.day)].append(p)
    deviations: dict[tuple[int, int], list[float]] = defaultdict(list)
    for day in by_day.values():
        if len(day) != 24:
            continue  # a partial first or last day has no day mean
        day_mean = sum(p.g_per_kwh for p in day) / 24
        for p in day:
            deviations[(p.start.month, p.start.hour)].append(p.g_per_kwh - day_mean)
    spread = {key: _sd(devs) for key, devs in deviations.items()}
    return TypicalCells(
        mean={k: sums[k] / counts[k] for k in sums},
        spread={k: spread.get(k, 0.0) for k in sums},
        first=pts[0].start if pts else datetime.min.replace(tzinfo=UTC),
        last=pts[-1].start if pts else datetime.min.replace(tzinfo=UTC),
    )


def _sd(values: Sequence[float]) -> float:
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def read_profile_rows(
    rows: Sequence[Mapping[str, str]], *, where: str, zone: str | None = None
) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int], float]]:
    """``(mean, spread)`` per (month, hour UTC) from rows in the profile layout, checked.

    Raises:
        InputError: another zone, a cell outside 1-12 × 0-23, a duplicate or missing cell, or a
            value that is not a finite number >= 0.
    """
    mean: dict[tuple[int, int], float] = {}
    spread: dict[tuple[int, int], float] = {}
    for n, row in enumerate(rows, start=2):
        _check_zone(row, zone, where, n)
        try:
            key = (int(row["month"]), int(row["hour_utc"]))
            value = float(row["intensity_g_per_kwh"])
            sd = float(row.get("spread_g_per_kwh") or 0.0)
        except (KeyError, TypeError, ValueError):
            raise InputError(
                f"{where}: line {n} needs month, hour_utc and intensity_g_per_kwh numbers",
                hint="columns: zone,month,hour_utc,intensity_g_per_kwh[,spread_g_per_kwh]",
            ) from None
        if not (1 <= key[0] <= 12 and 0 <= key[1] <= 23) or key in mean:
            raise InputError(
                f"{where}: line {n}: month {key[0]} hour {key[1]} is out of range or repeated",
                hint="one row per month 1-12 and hour 0-23 (UTC)",
            )
        if not (math.isfinite(value) and value >= 0 and math.isfinite(sd) and sd >= 0):
            raise InputError(f"{where}: line {n}: intensity and spread must be numbers >= 0")
        mean[key], spread[key] = value, sd
    missing = [(m, h) for m in range(1, 13) for h in range(24) if (m, h) not in mean]
    if missing:
        m, h = missing[0]
        raise InputError(
            f"{where}: {len(missing)} of 288 month × hour cells are missing (first: month {m}, "
            f"hour {h} UTC)",
            hint="a profile needs every month 1-12 × hour 0-23 (UTC)",
        )
    return mean, spread


# -- profiles ------------------------------------------------------------------------------------

_HOUR = timedelta(hours=1)
ZONES_SHIPPED = {"NL": "nl_hourly_profile"}


@dataclass(frozen=True, slots=True)
class IntensityProfile:
    """Grid carbon intensity over time, from a typical profile or a forecast.

    Attributes:
        zone: the grid zone (ISO country code).
        basis: ``typical`` (month × hour means of past data), ``flat`` (one annual mean: no
            hourly information), ``forecast`` (a provider's forecast) or ``example``.
        source / licence: where the numbers come from.
        by_month_hour: (month 1-12, hour UTC 0-23) → g CO2e/kWh (typical and flat profiles).
        points: hourly (start UTC, g CO2e/kWh) values (forecasts).
        spread_by_month_hour: (month, hour UTC) → shape spread (g CO2e/kWh), see the module
            doc; empty when unknown (then no interval on the saving is derived from it).
        timezone: IANA time zone for showing times (``None``: the system's local time).
    """

    zone: str
    basis: str
    source: str
    licence: str | None = None
    by_month_hour: Mapping[tuple[int, int], float] = field(default_factory=dict)
    points: Sequence[tuple[datetime, float]] = ()
    spread_by_month_hour: Mapping[tuple[int, int], float] = field(default_factory=dict)
    timezone: str | None = None

    def at(self, when: datetime) -> float | None:
        """Intensity (g/kWh) in the hour containing ``when``; ``None`` outside a forecast."""
        if self.points:
            hour = when.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
            return _lookup(self.points, hour)
        utc = when.astimezone(UTC)
        return self.by_month_hour.get((utc.month, utc.hour))

    def spread_at(self, when: datetime) -> float | None:
        """Shape spread (g/kWh) in the hour containing ``when``; ``None`` when unknown."""
        utc = when.astimezone(UTC)
        return self.spread_by_month_hour.get((utc.month, utc.hour))

    @property
    def covers_until(self) -> datetime | None:
        """The end of a forecast (``None`` for month × hour profiles, which repeat)."""
        return self.points[-1][0] + _HOUR if self.points else None


def _lookup(points: Sequence[tuple[datetime, float]], hour: datetime) -> float | None:
    for start, value in points:
        if start == hour:
            return value
    return None


def load_profile(zone: str = "NL") -> IntensityProfile:
    """The shipped profile of ``zone``.

    Raises:
        InputError: no profile is shipped for the zone (the message lists those that are).
    """
    table = ZONES_SHIPPED.get(zone.upper())
    if table is None:
        raise InputError(
            f"no grid-intensity profile for zone {zone!r}",
            hint=f"shipped: {', '.join(ZONES_SHIPPED)}; or pass --profile FILE.csv, profile= or "
            "a forecast provider",
        )
    from algoprint.refdata import load_table

    rows = load_table(table)
    mean, spread = read_profile_rows(rows, where=f"{table}.csv", zone=zone)
    first = rows[0]
    return IntensityProfile(
        zone=zone.upper(),
        basis=first["basis"],
        source=f"{first['source']} ({first['vintage']})",
        licence=first["licence"],
        by_month_hour=mean,
        spread_by_month_hour={k: v for k, v in spread.items() if v > 0},
        timezone=ZONE_TIMEZONES.get(zone.upper()),
    )


def load_profile_file(path: Path, *, zone: str) -> IntensityProfile:
    """A typical profile from the user's own file (hourly or profile layout, module doc).

    Raises:
        InputError: unreadable file, another zone, gaps, missing month × hour cells or bad values
            (the message names the file, the line and the fix).
    """
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), [])
    except OSError as e:
        raise InputError(f"cannot read the profile {path}: {e.strerror or e}") from None
    zone = zone.upper()
    if {"month", "hour_utc"} <= set(header):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
        mean, spread = read_profile_rows(rows, where=path.name, zone=zone)
        span = "month × hour table"
    else:
        cells = typical_cells(read_hourly(path, zone=zone))
        missing = 288 - len(cells.mean)
        if missing:
            raise InputError(
                f"{path.name} covers {len(cells.mean)} of 288 month × hour cells "
                f"({cells.first:%Y-%m-%d}..{cells.last:%Y-%m-%d})",
                hint="give at least one whole year of hours, or a month × hour table",
            )
        mean = {k: float(v) for k, v in cells.mean.items()}
        spread = dict(cells.spread)
        span = f"hours {cells.first:%Y-%m-%d}..{cells.last:%Y-%m-%d}"
    return IntensityProfile(
        zone=zone,
        basis="typical",
        source=f"user file {path.name} ({span})",
        licence="as held by the user",
        by_month_hour=mean,
        spread_by_month_hour={k: v for k, v in spread.items() if v > 0},
        timezone=ZONE_TIMEZONES.get(zone),
    )
