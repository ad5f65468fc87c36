"""Report periods: ``2026``, ``2026-Q3``, ``2026-07``, ``2026-07-01..2026-09-30``.

A period is a half-open UTC interval ``[since, until)`` over the runs' start times. In a
``FROM..TO`` range both ends are dates (or months, or years) and TO is inclusive; either end may
be left out (``..2026-06-30``, ``2026-01-01..``). No period means every run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from algoprint.errors import InputError

__all__ = ["Period", "parse_period"]

_HINT = "use 2026, 2026-Q3, 2026-07, 2026-07-15 or FROM..TO such as 2026-01-01..2026-06-30"
_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open UTC interval of run start times.

    Attributes:
        label: what the user asked for (``2026-Q3``), or ``all``.
        since: first instant included (``None``: no lower bound).
        until: first instant excluded (``None``: no upper bound).
    """

    label: str
    since: datetime | None
    until: datetime | None

    @property
    def last_day(self) -> date | None:
        """The last day included (``until`` minus one day)."""
        return None if self.until is None else (self.until - timedelta(days=1)).date()

    @property
    def days(self) -> float | None:
        """Length in days when both ends are known."""
        if self.since is None or self.until is None:
            return None
        return (self.until - self.since).total_seconds() / 86400

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``until`` exclusive)."""
        return {
            "label": self.label,
            "since": None if self.since is None else self.since.isoformat(),
            "until": None if self.until is None else self.until.isoformat(),
        }


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _month_start(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1..12")
    return date(year, month, 1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _span(text: str) -> tuple[date, date]:
    """The first day and the day after the last of one period expression."""
    if m := _YEAR.fullmatch(text):
        year = int(m.group(1))
        return date(year, 1, 1), date(year + 1, 1, 1)
    if m := _QUARTER.fullmatch(text):
        year, quarter = int(m.group(1)), int(m.group(2))
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return start, end
    if m := _MONTH.fullmatch(text):
        start = _month_start(int(m.group(1)), int(m.group(2)))
        return start, _next_month(start)
    if m := _DAY.fullmatch(text):
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return day, day + timedelta(days=1)
    raise ValueError("not a period")


def parse_period(text: str | None) -> Period:
    """Parse a period expression (see the module docstring); ``None``/empty = every run.

    Raises:
        InputError: text that is not a period, an invalid date, or FROM after TO.
    """
    if text is None or not text.strip() or text.strip().lower() == "all":
        return Period("all", None, None)
    raw = text.strip()
    try:
        if ".." in raw:
            left, _, right = raw.partition("..")
            since = _utc(_span(left.strip())[0]) if left.strip() else None
            until = _utc(_span(right.strip())[1]) if right.strip() else None
            if since is None and until is None:
                raise ValueError("both ends empty")
            if since is not None and until is not None and since >= until:
                raise InputError(f"period {raw!r} ends before it starts", hint=_HINT)
            return Period(raw, since, until)
        start, end = _span(raw)
    except ValueError as e:
        raise InputError(f"invalid period {raw!r} ({e})", hint=_HINT) from None
    return Period(raw, _utc(start), _utc(end))
