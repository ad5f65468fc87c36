"""Helpers shared by the fleet commands (``kubernetes``, ``slurm``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from algoprint.cli.schedule_cmd import parse_duration
from algoprint.errors import InputError

__all__ = ["parse_instant"]


def parse_instant(text: str, *, now: datetime, what: str = "--since") -> datetime:
    """An aware instant from ISO 8601 (no offset = UTC) or a duration ago (``24h``, ``7d``).

    Raises:
        InputError: neither an ISO 8601 time nor a duration, or a time in the future.
    """
    raw = text.strip()
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        try:
            when = now - timedelta(seconds=parse_duration(raw, what=what))
        except InputError:
            raise InputError(
                f"{what} {text!r} is neither a time nor a duration",
                hint="use ISO 8601 (2026-03-01T00:00Z) or a duration ago (24h, 7d)",
            ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when > now:
        raise InputError(f"{what} {text!r} is in the future", hint="give a time in the past")
    return when
