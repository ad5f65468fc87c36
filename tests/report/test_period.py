from __future__ import annotations

from datetime import UTC, datetime

import pytest

from algoprint.errors import InputError
from algoprint.report.period import parse_period


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("2026", utc(2026, 1, 1), utc(2027, 1, 1)),
        ("2026-Q1", utc(2026, 1, 1), utc(2026, 4, 1)),
        ("2026-q3", utc(2026, 7, 1), utc(2026, 10, 1)),
        ("2026-Q4", utc(2026, 10, 1), utc(2027, 1, 1)),
        ("2026-07", utc(2026, 7, 1), utc(2026, 8, 1)),
        ("2026-12", utc(2026, 12, 1), utc(2027, 1, 1)),
        ("2026-07-15", utc(2026, 7, 15), utc(2026, 7, 16)),
        ("2026-01-01..2026-06-30", utc(2026, 1, 1), utc(2026, 7, 1)),
        ("2026-02..2026-03", utc(2026, 2, 1), utc(2026, 4, 1)),
        ("..2026-06-30", None, utc(2026, 7, 1)),
        ("2026-01-01..", utc(2026, 1, 1), None),
        (None, None, None),
        ("all", None, None),
    ],
)
def test_parse_period(text: str | None, since: datetime | None, until: datetime | None) -> None:
    period = parse_period(text)
    assert (period.since, period.until) == (since, until)


@pytest.mark.parametrize(
    "text", ["2026-Q5", "2026-13", "26", "last year", "2026-02-30", "2026-07..2026-01", ".."]
)
def test_bad_period_names_the_fix(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_period(text)
    assert "period" in info.value.message
    assert info.value.hint and "2026-Q3" in info.value.hint


def test_last_day_and_days() -> None:
    period = parse_period("2026-Q3")
    assert str(period.last_day) == "2026-09-30"
    assert period.days == 92
