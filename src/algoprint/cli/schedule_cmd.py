"""``algoprint schedule``: when to start a run so its grid carbon intensity is lowest (owk-06).

Thin over :func:`algoprint.advice.schedule.recommend_window`; docs/training.md says what the
shipped profile holds (today: a flat NL profile, so no saving is claimed from it).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import click

from algoprint.cli._common import db_option, json_option, open_store_for, print_json
from algoprint.cli._options import complete_algorithms
from algoprint.errors import InputError

_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_UNIT_S = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(text: str, *, what: str = "--duration") -> float:
    """``90m``, ``6h``, ``1h30m``, ``2d``, ``45s`` → seconds (> 0).

    Raises:
        InputError: empty, no unit, an unknown unit, or not more than zero.
    """
    raw = text.strip().lower().replace(" ", "")
    pos, total = 0, 0.0
    for m in _PART.finditer(raw):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNIT_S[m.group(2)]
        pos = m.end()
    if not raw or pos != len(raw):
        raise InputError(
            f"{what} {text!r} is not a duration",
            hint="write it with units, e.g. 90m, 6h, 1h30m or 2d",
        )
    if total <= 0:
        raise InputError(f"{what} must be more than zero, got {text!r}", hint="e.g. 6h")
    return total


def parse_deadline(text: str, now: datetime) -> datetime:
    """``+12h`` (from now) or an ISO 8601 time; a time without offset is local time.

    Raises:
        InputError: not a time, or a time in the past.
    """
    raw = text.strip()
    if raw.startswith("+"):
        when = now + timedelta(seconds=parse_duration(raw[1:], what="--deadline"))
    else:
        try:
            when = datetime.fromisoformat(raw)
        except ValueError:
            raise InputError(
                f"--deadline {text!r} is not a time",
                hint="use +12h (from now) or ISO 8601, e.g. 2026-03-01T08:00+01:00",
            ) from None
        if when.tzinfo is None:
            when = when.astimezone()  # local time, as a person writes it
    if when <= now:
        raise InputError(f"--deadline {text!r} is in the past", hint="give a later time, e.g. +12h")
    return when.astimezone(UTC)


@click.command("schedule", short_help="When to start a run for the lowest grid carbon intensity.")
@click.option(
    "--duration",
    required=True,
    metavar="DURATION",
    help="Expected run time: 90m, 6h, 1h30m, 2d.",
)
@click.option(
    "--deadline",
    metavar="TIME",
    help="The run must end by then: +12h or an ISO time (default: start within 24 h).",
)
@click.option(
    "--zone",
    "--location",
    "zone",
    default="NL",
    show_default=True,
    metavar="ZONE",
    help="Grid zone (shipped profile: NL; others need a forecast provider).",
)
@click.option(
    "--energy-kwh",
    type=click.FloatRange(min=0, min_open=True),
    metavar="N",
    help="Expected energy of the run, to state the CO2e saving in grams.",
)
@click.option(
    "--algorithm",
    "-a",
    metavar="SLUG",
    shell_complete=complete_algorithms,
    help="Store the advice as owk-06 evidence.",
)
@db_option
@json_option
def schedule(
    duration: str,
    deadline: str | None,
    zone: str,
    energy_kwh: float | None,
    algorithm: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """Recommend the start time with the lowest expected grid carbon intensity.

    Start times every 15 minutes up to the latest start that still ends before the deadline
    are compared on the mean intensity over the run. The saving against starting now is an
    expectation under the profile used (typical or forecast), never a promise. A live forecast
    is used when an Electricity Maps token is configured ([services] electricitymaps_token or
    ELECTRICITYMAPS_TOKEN).
    """
    from algoprint.advice.schedule import provider_from_settings, recommend_window
    from algoprint.config import load_settings

    duration_s = parse_duration(duration)
    now = datetime.now(UTC)
    end = parse_deadline(deadline, now) if deadline else None
    provider = provider_from_settings(load_settings().extra)
    advice = recommend_window(
        duration_s,
        deadline=end,
        zone=zone.strip().upper(),
        now=now,
        provider=provider,
        energy_j=None if energy_kwh is None else energy_kwh * 3.6e6,
    )
    record = advice.to_analysis(algorithm)
    if algorithm:
        open_store_for(db).save_analysis(record)
        click.echo(f"algoprint: stored as owk-06 evidence for {algorithm}", err=True)
    if as_json:
        print_json(advice.to_dict())
        return
    local = advice.start.astimezone()
    click.echo(
        f"Start at {local:%Y-%m-%d %H:%M %Z} (ends {advice.end.astimezone():%Y-%m-%d %H:%M}), "
        f"zone {advice.zone}"
    )
    click.echo(
        f"  mean grid intensity {advice.mean_intensity_g_per_kwh:.0f} g CO2e/kWh; "
        f"starting now: {advice.now_mean_intensity_g_per_kwh:.0f} g CO2e/kWh"
    )
    if advice.saving_rel is None:
        click.echo(f"  no saving can be expected: {advice.saving_reason}")
    else:
        line = f"  expected saving {100 * advice.saving_rel:.0f} % against starting now"
        if advice.co2e_saving_g is not None:
            line += f" ({advice.co2e_saving_g / 1000:.3g} kg CO2e)"
        click.echo(line + f" (basis: {advice.basis} profile, not a guarantee)")
    click.echo(f"  source: {advice.source}")
    for note in advice.notes:
        click.echo(f"  note: {note}")
