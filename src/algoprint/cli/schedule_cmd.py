"""``algoprint schedule``: when to start a run so its grid carbon intensity is lowest (owk-06).

Thin over :func:`algoprint.advice.schedule.recommend_window`; docs/training.md says what the
shipped profile holds (the typical NL month × hour profile of 2021-2024, Electricity Maps data).
Times are shown in the zone's local time (Europe/Amsterdam for NL); UTC is used inside.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import click

from algoprint.cli._common import db_option, json_option, open_store_for, print_json
from algoprint.cli._options import (
    PUE,
    bounded_float,
    complete_algorithms,
    lang_option_en,
    wide_option,
)
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


def parse_time(text: str, *, what: str, local: tzinfo | None = None) -> datetime:
    """An ISO 8601 time; one without offset is in ``local`` (default: the system's time zone).

    Raises:
        InputError: not a time (the message names the option).
    """
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{what} {text!r} is not a time",
            hint="use ISO 8601, e.g. 2026-03-01T08:00 or 2026-03-01T08:00+01:00",
        ) from None
    if when.tzinfo is None:  # local time, as a person writes it
        when = when.replace(tzinfo=local) if local else when.astimezone()
    return when.astimezone(UTC)


def parse_deadline(text: str, now: datetime, local: tzinfo | None = None) -> datetime:
    """``+12h`` (from now) or an ISO 8601 time; a time without offset is in ``local``.

    Raises:
        InputError: not a time, or a time in the past.
    """
    raw = text.strip()
    if raw.startswith("+"):
        when = now + timedelta(seconds=parse_duration(raw[1:], what="--deadline"))
    else:
        if not raw[:1].isdigit():
            raise InputError(
                f"--deadline {text!r} is not a time",
                hint="use +12h (from now) or ISO 8601, e.g. 2026-03-01T08:00+01:00",
            )
        when = parse_time(raw, what="--deadline", local=local)
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
    type=bounded_float(0, 1e9, min_open=True, unit="kWh"),
    metavar="N",
    help="Expected IT energy of the run (kWh); the PUE is applied for the CO2e saving.",
)
@click.option(
    "--pue",
    type=PUE,
    metavar="PUE",
    help="Datacentre PUE for --energy-kwh (default: the unknown-datacentre default).",
)
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.csv",
    help="Your own hourly data (Electricity Maps layout) or month × hour profile for the zone.",
)
@click.option(
    "--now",
    "now_text",
    metavar="TIME",
    help="Advise as if it were TIME (ISO 8601; without offset: the zone's local time).",
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
@lang_option_en
@wide_option
def schedule(
    duration: str,
    deadline: str | None,
    zone: str,
    energy_kwh: float | None,
    pue: float | None,
    profile_path: Path | None,
    now_text: str | None,
    algorithm: str | None,
    db: str | None,
    as_json: bool,
    lang: str,
    wide: bool,
) -> None:
    """Recommend the start time with the lowest expected grid carbon intensity.

    Start times every 15 minutes up to the latest start that still ends before the deadline
    are compared on the mean intensity over the run. The saving against starting now is an
    expectation under the profile used (typical or forecast), never a promise: a typical
    profile is not tomorrow's grid, so the saving comes with an interval (about 90 %) that
    can reach below zero. NL ships a typical month × hour profile (Electricity Maps,
    2021-2024); --profile takes your own. A live forecast is used when an Electricity Maps
    token is configured ([services] electricitymaps_token or ELECTRICITYMAPS_TOKEN) and no
    --profile is given. Times are shown in the zone's local time.
    """
    from zoneinfo import ZoneInfo

    from algoprint.advice.grid_profile import ZONE_TIMEZONES, load_profile_file
    from algoprint.advice.schedule import provider_from_settings, recommend_window
    from algoprint.config import load_settings

    zone = zone.strip().upper()
    tz_name = ZONE_TIMEZONES.get(zone)
    local = ZoneInfo(tz_name) if tz_name else None
    duration_s = parse_duration(duration)
    now = parse_time(now_text, what="--now", local=local) if now_text else datetime.now(UTC)
    end = parse_deadline(deadline, now, local) if deadline else None
    profile = load_profile_file(profile_path, zone=zone) if profile_path else None
    provider = None if profile else provider_from_settings(load_settings().extra)
    notes: list[str] = []
    if energy_kwh is not None and pue is None:
        from algoprint.impact.factors import pue_default

        pue = pue_default("unknown").value
        from algoprint import _format

        notes.append(_TEXT[lang]["pue_note"].format(pue=_format.number(pue, lang)))
    advice = recommend_window(
        duration_s,
        deadline=end,
        zone=zone,
        now=now,
        profile=profile,
        provider=provider,
        energy_j=None if energy_kwh is None else energy_kwh * 3.6e6,
        pue=pue or 1.0,
    )
    advice.notes.extend(notes)
    record = advice.to_analysis(algorithm)
    if algorithm:
        open_store_for(db).save_analysis(record)
        click.echo(f"algoprint: stored as owk-06 evidence for {algorithm}", err=True)
    if as_json:
        print_json(advice.to_dict())
        return
    _print(advice, local, lang, wide)


def _print(advice: Any, local: tzinfo | None, lang: str, wide: bool) -> None:
    """The advice in ``lang``, wrapped to the terminal; the saving's interval and the full
    source citation only with ``--wide`` (the short citation names the data set)."""
    import shutil
    import textwrap

    from algoprint import _format

    t = _TEXT[lang]
    width = max(40, shutil.get_terminal_size((80, 24)).columns)

    def say(text: str, indent: str = "  ") -> None:
        if wide:
            click.echo(indent + text)
            return
        click.echo(
            textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent + "  ")
        )

    def g(value: float) -> str:
        return f"{_format.number(value, lang)} g CO₂e/kWh"

    start, stop = advice.start.astimezone(local), advice.end.astimezone(local)
    say(t["start"].format(start=f"{start:%Y-%m-%d %H:%M %Z}", end=f"{stop:%Y-%m-%d %H:%M %Z}",
                          zone=advice.zone), indent="")  # fmt: skip
    say(t["mean"].format(mean=g(advice.mean_intensity_g_per_kwh),
                         now=g(advice.now_mean_intensity_g_per_kwh)))  # fmt: skip
    if advice.saving_rel is None:
        say(f"{t['no_saving']}: {advice.saving_reason}")
    else:
        line = t["saving"].format(
            saving=g(advice.saving_g_per_kwh), rel=_format.percent(advice.saving_rel, lang)
        )
        if wide and advice.saving_low_g_per_kwh is not None:
            line += t["day"].format(
                low=_format.number(advice.saving_low_g_per_kwh, lang),
                high=g(advice.saving_high_g_per_kwh),
            )
        say(line)
        if advice.co2e_saving_g is not None:
            kg = _format.quantity(advice.co2e_saving_g, "g", lang)
            if wide and advice.co2e_saving_low_g is not None:
                kg = _format.interval(
                    advice.co2e_saving_g,
                    advice.co2e_saving_low_g,
                    advice.co2e_saving_high_g,
                    "g",
                    lang,
                )
            say(t["co2e"].format(kg=kg, kwh=_format.number(advice.energy_it_kwh, lang),
                                 pue=_format.number(advice.pue, lang)))  # fmt: skip
        say(t["basis"].format(basis=t.get(advice.basis, advice.basis)))
    source = advice.source if wide else _citation(advice.source)
    say(f"{t['source']}: {source}")
    if advice.licence:
        licence = advice.licence if wide else advice.licence.split(" (", 1)[0]
        say(f"{t['licence']}: {licence}")
    for note in advice.notes:
        say(f"{t['note']}: {note}")
    if not wide:
        say(t["more"])


def _citation(source: str) -> str:
    """The short citation of a source: its author and year (``Electricity Maps (2025)``)."""
    head = source.split(". ", 1)[0]
    return head if len(head) <= 60 else head[:57].rstrip() + "…"


_TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "start": "Start om {start} (klaar om {end}), zone {zone}",
        "mean": "gemiddelde netintensiteit {mean}; nu starten: {now}",
        "no_saving": "geen besparing te verwachten",
        "saving": "verwachte besparing {saving} ({rel}) ten opzichte van nu starten",
        "day": ", op een gegeven dag {low} tot {high} (ongeveer 90 %)",
        "co2e": "verwachte besparing {kg} voor {kwh} kWh IT-energie × PUE {pue}",
        "basis": "basis: {basis} profiel, geen garantie",
        "typical": "typisch",
        "forecast": "voorspeld",
        "source": "bron",
        "licence": "licentie",
        "note": "let op",
        "more": "interval en volledige bron: --wide of --json",
        "pue_note": "PUE {pue} (standaard voor een onbekend datacentrum) toegepast op "
        "--energy-kwh; geef --pue",
    },
    "en": {
        "start": "Start at {start} (ends {end}), zone {zone}",
        "mean": "mean grid intensity {mean}; starting now: {now}",
        "no_saving": "no saving can be expected",
        "saving": "expected saving {saving} ({rel}) against starting now",
        "day": ", on a given day {low} to {high} (about 90 %)",
        "co2e": "expected saving {kg} for {kwh} kWh IT energy × PUE {pue}",
        "basis": "basis: {basis} profile, not a guarantee",
        "typical": "typical",
        "forecast": "forecast",
        "source": "source",
        "licence": "licence",
        "note": "note",
        "more": "interval and full source: --wide or --json",
        "pue_note": "PUE {pue} (unknown-datacentre default) applied to --energy-kwh; give --pue",
    },
}
