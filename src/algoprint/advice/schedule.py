"""Carbon-aware timing: when to start a training so its grid carbon intensity is lowest.

:func:`recommend_window` evaluates start times from *now* to the latest start that still ends
before the deadline, and picks the one with the lowest mean intensity over the run. The saving
against starting now is an **expectation under the profile used**, never a promise:

- the shipped profile (``refdata/nl_hourly_profile.csv``) is a *typical* month × hour (UTC)
  profile when it was derived from public hourly data, and says ``basis = flat`` when no hourly
  data were available (then it holds the annual mean in every cell: no saving can be derived and
  none is claimed; docs/training.md says what is missing);
- a live forecast is used only when a provider is passed explicitly (Electricity Maps with a
  token; :func:`provider_from_settings` builds one from ``[services] electricitymaps_token`` or
  ``ELECTRICITYMAPS_TOKEN``). Its HTTP client is injectable, so tests need no network.
"""

from __future__ import annotations

import json
import math
import os
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from algoprint.advice.grid_profile import IntensityProfile, load_profile, load_profile_file
from algoprint.errors import ImpactError, InputError
from algoprint.records import AnalysisRecord

__all__ = [
    "ElectricityMapsProvider",
    "IntensityProfile",
    "ScheduleAdvice",
    "load_profile",
    "load_profile_file",
    "provider_from_settings",
    "recommend_window",
]

HOUR = timedelta(hours=1)


# -- live forecasts ------------------------------------------------------------------------------


class HttpClient(Protocol):
    """Fetches JSON; the seam that keeps tests off the network."""

    def get_json(self, url: str, *, headers: Mapping[str, str], timeout_s: float) -> Any: ...


class UrllibClient:
    """HTTPS-only JSON client on the standard library, with a timeout on every request."""

    def get_json(self, url: str, *, headers: Mapping[str, str], timeout_s: float) -> Any:
        import urllib.request

        if urllib.parse.urlsplit(url).scheme != "https":
            raise InputError(f"refusing a non-HTTPS URL: {url}")
        request = urllib.request.Request(url, headers=dict(headers))  # noqa: S310 - https only
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        except (OSError, ValueError) as e:
            raise ImpactError(
                f"forecast request failed: {e}", hint="check token and network"
            ) from e


class ElectricityMapsProvider:
    """Carbon-intensity forecasts from the Electricity Maps API (needs a token).

    Args:
        token: the API token (``auth-token`` header).
        client: an :class:`HttpClient` (default: :class:`UrllibClient`).
        timeout_s: per-request timeout (s).
        base_url: API root (HTTPS).
    """

    name = "Electricity Maps forecast"

    def __init__(
        self,
        *,
        token: str,
        client: HttpClient | None = None,
        timeout_s: float = 10.0,
        base_url: str = "https://api.electricitymap.org/v3",
    ) -> None:
        if not token:
            raise InputError("the Electricity Maps provider needs a token")
        self._token = token
        self._client = client or UrllibClient()
        self._timeout_s = timeout_s
        self._base = base_url.rstrip("/")

    def forecast(self, zone: str) -> IntensityProfile:
        """The zone's hourly forecast.

        Raises:
            ImpactError: the request failed or the answer has no usable forecast.
        """
        query = urllib.parse.urlencode({"zone": zone})
        data = self._client.get_json(
            f"{self._base}/carbon-intensity/forecast?{query}",
            headers={"auth-token": self._token},
            timeout_s=self._timeout_s,
        )
        try:
            points = sorted(
                (
                    datetime.fromisoformat(p["datetime"].replace("Z", "+00:00")).astimezone(UTC),
                    float(p["carbonIntensity"]),
                )
                for p in data["forecast"]
                if p.get("carbonIntensity") is not None
            )
        except (KeyError, TypeError, ValueError) as e:
            raise ImpactError(f"unexpected forecast answer for zone {zone}: {e}") from e
        if not points:
            raise ImpactError(f"the forecast for zone {zone} is empty")
        return IntensityProfile(
            zone=zone, basis="forecast", source=self.name, licence=None, points=points
        )


def provider_from_settings(
    extra: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    client: HttpClient | None = None,
) -> ElectricityMapsProvider | None:
    """A provider when a token is configured (``[services] electricitymaps_token`` in the
    config, i.e. ``Settings.extra``, or ``ELECTRICITYMAPS_TOKEN``); ``None`` otherwise."""
    env = os.environ if env is None else env
    services = (extra or {}).get("services", {})
    token = services.get("electricitymaps_token") or env.get("ELECTRICITYMAPS_TOKEN")
    return ElectricityMapsProvider(token=str(token), client=client) if token else None


# -- the recommendation --------------------------------------------------------------------------


@dataclass(slots=True)
class ScheduleAdvice:
    """The recommended start and the expected saving (intensities in g CO2e/kWh).

    ``saving_rel`` and ``saving_g_per_kwh`` compare the best window with starting now, *under
    the profile's basis*; they are ``None`` with ``saving_reason`` when the profile cannot tell
    (a flat profile). ``saving_low_g_per_kwh``/``saving_high_g_per_kwh`` bound the saving on a
    given day (about 90 %, from the profile's shape spread; a typical profile is not tomorrow's
    grid, and the low end can be below zero). ``co2e_saving_g`` (and its low/high) needs
    ``energy_j``: the IT energy, times ``pue`` for the facility energy.
    """

    zone: str
    start: datetime
    end: datetime
    duration_s: float
    deadline: datetime
    mean_intensity_g_per_kwh: float
    now_mean_intensity_g_per_kwh: float
    basis: str
    source: str
    licence: str | None
    saving_g_per_kwh: float | None
    saving_rel: float | None
    co2e_saving_g: float | None = None
    saving_reason: str | None = None
    candidates: int = 0
    notes: list[str] = field(default_factory=list)
    saving_low_g_per_kwh: float | None = None
    saving_high_g_per_kwh: float | None = None
    co2e_saving_low_g: float | None = None
    co2e_saving_high_g: float | None = None
    energy_it_kwh: float | None = None
    pue: float = 1.0
    timezone: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (datetimes as ISO 8601)."""
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for key in ("start", "end", "deadline"):
            data[key] = data[key].isoformat()
        data["notes"] = list(self.notes)
        return data

    def to_analysis(self, algorithm: str | None) -> AnalysisRecord:
        """The ``carbon-aware-schedule`` analysis record."""
        when = self.start.strftime("%Y-%m-%d %H:%M UTC")
        if self.saving_rel is None:
            en = f"Start {when}; no saving can be expected: {self.saving_reason}"
            nl = f"Start {when}; geen besparing te verwachten: {self.saving_reason}"
        else:
            pct = 100 * self.saving_rel
            en = (
                f"Start {when}: expected {pct:.0f} % lower grid intensity than starting now "
                f"(basis: {self.basis} profile, not a guarantee)."
            )
            nl = (
                f"Start {when}: naar verwachting {pct:.0f} % lagere CO2-intensiteit van het net "
                f"dan nu starten (basis: {self.basis}-profiel, geen garantie)."
            )
        return AnalysisRecord(
            kind="carbon-aware-schedule",
            algorithm=algorithm,
            title=f"Carbon-aware start for a {self.duration_s / 3600:.1f} h run in {self.zone}",
            result=self.to_dict(),
            summary_en=en,
            summary_nl=nl,
        )


def _aware(name: str, value: datetime) -> datetime:
    if value.tzinfo is None:
        raise InputError(
            f"{name} must carry a time zone, got the naive {value.isoformat()}",
            hint="pass e.g. datetime.now(UTC) or a datetime with tzinfo",
        )
    return value.astimezone(UTC)


def _mean(at: Callable[[datetime], float | None], start: datetime, end: datetime) -> float | None:
    """Time-weighted mean over [start, end), splitting at hour boundaries."""
    total = 0.0
    t = start
    while t < end:
        edge = min(end, t.replace(minute=0, second=0, microsecond=0) + HOUR)
        value = at(t)
        if value is None:
            return None
        total += value * (edge - t).total_seconds()
        t = edge
    return total / (end - start).total_seconds()


def recommend_window(
    duration_s: float,
    *,
    deadline: datetime | None = None,
    zone: str = "NL",
    now: datetime | None = None,
    profile: IntensityProfile | None = None,
    provider: ElectricityMapsProvider | None = None,
    energy_j: float | None = None,
    step_s: float = 900.0,
    pue: float = 1.0,
) -> ScheduleAdvice:
    """The start time with the lowest expected mean grid intensity before ``deadline``.

    Args:
        duration_s: expected run time (s), e.g. from a training prediction.
        deadline: the run must end by then (default: start within the next 24 h).
        zone: grid zone for the shipped profile or the provider.
        now: the current time (time-zone aware; default: now).
        profile: use this profile instead of the shipped one.
        provider: fetch a live forecast from it (explicit: its failures raise).
        energy_j: the run's expected IT energy (J), to state the CO2e saving in grams.
        step_s: spacing of the candidate start times (s).
        pue: the datacentre's PUE (>= 1): the facility energy is ``energy_j × pue``.

    Raises:
        InputError: duration not > 0, naive datetimes, a deadline the run cannot meet, an
            unknown zone, a PUE below 1, a negative energy.
        ImpactError: the forecast failed or does not cover the run at all.
    """
    if not isinstance(duration_s, int | float) or not math.isfinite(duration_s) or duration_s <= 0:
        raise InputError(f"duration_s must be > 0, got {duration_s!r}", hint="pass seconds")
    if step_s <= 0:
        raise InputError(f"step_s must be > 0, got {step_s!r}")
    if not math.isfinite(pue) or pue < 1:
        raise InputError(f"pue must be >= 1, got {pue!r}", hint="PUE is at least 1, e.g. 1.2")
    if energy_j is not None and (not math.isfinite(energy_j) or energy_j < 0):
        raise InputError(f"energy_j must be >= 0, got {energy_j!r}", hint="IT energy in joules")
    now = _aware("now", now or datetime.now(UTC))
    length = timedelta(seconds=float(duration_s))
    deadline = _aware("deadline", deadline) if deadline else now + timedelta(hours=24) + length
    if deadline - now < length:
        raise InputError(
            f"the run ({duration_s / 3600:.2f} h) does not fit before the deadline "
            f"({(deadline - now).total_seconds() / 3600:.2f} h from now)",
            hint="move the deadline later or shorten the run",
        )
    notes: list[str] = []
    if profile is None:
        profile = provider.forecast(zone) if provider else load_profile(zone)
    latest = deadline - length
    if profile.covers_until is not None and profile.covers_until - length < latest:
        latest = profile.covers_until - length
        notes.append(f"the forecast ends {profile.covers_until.isoformat()}; later starts unseen")
    candidates = [now]
    step = timedelta(seconds=step_s)
    t = datetime.fromtimestamp((now.timestamp() // step_s + 1) * step_s, UTC)
    while t <= latest:
        candidates.append(t)
        t += step
    scored = [(m, c) for c in candidates if (m := _mean(profile.at, c, c + length)) is not None]
    if not scored or scored[0][1] != now:
        raise ImpactError(
            f"the {profile.basis} profile for {profile.zone} does not cover a run starting now",
            hint="pass a profile or forecast that covers the run",
        )
    now_mean = scored[0][0]
    best_mean, best = min(scored, key=lambda item: (item[0], item[1]))
    saving = now_mean - best_mean
    values = [m for m, _ in scored]
    reason = None
    if profile.basis == "flat" or max(values) == min(values):
        reason = (
            f"the {profile.basis} profile has the same intensity at every start time "
            "(no hourly data behind it); configure a forecast provider or pass a typical profile"
        )
        best, best_mean = now, now_mean
    low = high = None
    if reason is None:
        low, high = _saving_interval(profile, now, best, length, saving)
    kwh = None if energy_j is None else energy_j / 3.6e6
    facility = None if reason or kwh is None else kwh * pue

    def grams(g_per_kwh: float | None) -> float | None:
        return None if facility is None or g_per_kwh is None else g_per_kwh * facility

    return ScheduleAdvice(
        zone=profile.zone,
        start=best,
        end=best + length,
        duration_s=float(duration_s),
        deadline=deadline,
        mean_intensity_g_per_kwh=best_mean,
        now_mean_intensity_g_per_kwh=now_mean,
        basis=profile.basis,
        source=profile.source,
        licence=profile.licence,
        saving_g_per_kwh=None if reason else saving,
        saving_rel=None if reason or now_mean <= 0 else saving / now_mean,
        co2e_saving_g=grams(saving),
        saving_reason=reason,
        candidates=len(scored),
        notes=notes,
        saving_low_g_per_kwh=low,
        saving_high_g_per_kwh=high,
        co2e_saving_low_g=grams(low),
        co2e_saving_high_g=grams(high),
        energy_it_kwh=kwh,
        pue=float(pue),
        timezone=profile.timezone,
    )


SAVING_Z = 1.96
"""Multiplier of the summed window spreads. With the NL profile fitted on 2021-2023, the interval
held the realised saving of 2024 on 88-99 % of days, depending on the hour asked
(``bench/schedule_backtest.py``; docs/benchmarks.md): it is stated as about 90 %."""


def _saving_interval(
    profile: IntensityProfile, now: datetime, best: datetime, length: timedelta, saving: float
) -> tuple[float | None, float | None]:
    """About 90 % bounds of the saving on a given day (g/kWh), from the shape spread.

    The spread of each window is the time-weighted mean of its hours' spreads (hours within a
    window taken as fully correlated); the two spreads are added (the deviations of one day sum
    to zero, so the windows tend to move against each other). Day-to-day level changes are not
    in the spread, which is why the back-tested coverage is below 95 % for evening starts.
    Forecasts and profiles without a spread give ``(None, None)``.
    """
    if profile.points or not profile.spread_by_month_hour:
        return None, None
    if best == now:
        return 0.0, 0.0
    sd_now = _mean(profile.spread_at, now, now + length)
    sd_best = _mean(profile.spread_at, best, best + length)
    if sd_now is None or sd_best is None:
        return None, None
    half = SAVING_Z * (sd_now + sd_best)
    return saving - half, saving + half
