"""Carbon-aware start times on constructed profiles, the shipped profile and a fake provider."""

from __future__ import annotations

import csv
import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from algoprint.advice.schedule import (
    ElectricityMapsProvider,
    IntensityProfile,
    load_profile,
    provider_from_settings,
    recommend_window,
)
from algoprint.errors import ImpactError, InputError

NOW = datetime(2025, 6, 10, 6, 30, tzinfo=UTC)
HOUR_S = 3600.0


def valley_profile() -> IntensityProfile:
    """400 g/kWh, except 200 from 11:00 to 15:00 UTC every day (a known best window)."""
    values = {(m, h): 200.0 if 11 <= h < 15 else 400.0 for m in range(1, 13) for h in range(24)}
    return IntensityProfile(zone="XX", basis="example", source="test", by_month_hour=values)


def test_best_window_is_the_valley() -> None:
    advice = recommend_window(2 * HOUR_S, now=NOW, profile=valley_profile(), energy_j=3.6e6)
    assert advice.start == datetime(2025, 6, 10, 11, 0, tzinfo=UTC)
    assert advice.mean_intensity_g_per_kwh == pytest.approx(200.0)
    assert advice.now_mean_intensity_g_per_kwh == pytest.approx(400.0)
    assert advice.saving_rel == pytest.approx(0.5)
    assert advice.co2e_saving_g == pytest.approx(200.0)  # 1 kWh × 200 g/kWh
    record = advice.to_analysis("algo")
    assert record.kind == "carbon-aware-schedule"
    assert "not a guarantee" in record.summary_en
    assert record.result["start"].startswith("2025-06-10T11:00")


def test_partial_overlap_is_time_weighted() -> None:
    # a 5 h run cannot fit in the 4 h valley: best is 11:00-16:00 (4 h at 200, 1 h at 400)
    advice = recommend_window(5 * HOUR_S, now=NOW, profile=valley_profile())
    assert advice.mean_intensity_g_per_kwh == pytest.approx((4 * 200 + 400) / 5)
    assert advice.start.hour in {10, 11}


def test_deadline_limits_the_choice() -> None:
    deadline = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
    advice = recommend_window(2 * HOUR_S, now=NOW, deadline=deadline, profile=valley_profile())
    assert advice.end <= deadline
    assert advice.start == datetime(2025, 6, 10, 10, 0, tzinfo=UTC)  # 1 h in the valley
    assert advice.mean_intensity_g_per_kwh == pytest.approx(300.0)


def test_nl_profile_midday_beats_evening_in_june() -> None:
    profile = load_profile("NL")
    assert profile.basis == "typical" and profile.timezone == "Europe/Amsterdam"
    assert "Electricity Maps" in profile.source and "to confirm" in (profile.licence or "")
    evening = datetime(2025, 6, 10, 17, 0, tzinfo=UTC)  # 19:00 in Amsterdam
    advice = recommend_window(3 * HOUR_S, now=evening, profile=profile)
    local = advice.start.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert 10 <= local.hour <= 15 and local.date() == datetime(2025, 6, 11).date()
    assert advice.saving_g_per_kwh is not None and advice.saving_g_per_kwh > 100
    low, high = advice.saving_low_g_per_kwh, advice.saving_high_g_per_kwh
    assert low is not None and high is not None and low < advice.saving_g_per_kwh < high
    # the summer spread between the cleanest and the dirtiest hour is about 220 g/kWh
    june = [profile.by_month_hour[(6, h)] for h in range(24)]
    assert 180 < max(june) - min(june) < 260


def spread_valley(spread: float) -> IntensityProfile:
    base = valley_profile()
    cells = dict.fromkeys(base.by_month_hour, spread)
    return IntensityProfile(
        zone="XX", basis="typical", source="t", by_month_hour=base.by_month_hour,
        spread_by_month_hour=cells,
    )  # fmt: skip


def test_saving_interval_and_pue_by_hand() -> None:
    advice = recommend_window(
        2 * HOUR_S, now=NOW, profile=spread_valley(10.0), energy_j=3.6e6, pue=1.5
    )
    assert advice.saving_g_per_kwh == pytest.approx(200.0)
    # half-width 1.96 × (10 + 10) = 39.2 g/kWh
    assert advice.saving_low_g_per_kwh == pytest.approx(160.8)
    assert advice.saving_high_g_per_kwh == pytest.approx(239.2)
    # 1 kWh IT × PUE 1.5 × 200 g/kWh
    assert advice.co2e_saving_g == pytest.approx(300.0)
    assert advice.co2e_saving_low_g == pytest.approx(160.8 * 1.5)
    assert advice.energy_it_kwh == pytest.approx(1.0) and advice.pue == 1.5


@pytest.mark.parametrize("pue", [0.9, float("nan")])
def test_bad_pue(pue: float) -> None:
    with pytest.raises(InputError, match="pue"):
        recommend_window(HOUR_S, now=NOW, profile=valley_profile(), pue=pue)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"duration_s": 0}, InputError, "duration_s"),
        ({"duration_s": float("inf")}, InputError, "duration_s"),
        ({"deadline": NOW + timedelta(hours=1)}, InputError, "does not fit before the deadline"),
        ({"zone": "ZZ", "profile": None}, InputError, "no grid-intensity profile"),
        ({"now": datetime(2025, 1, 1)}, InputError, "time zone"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    args: dict[str, Any] = {"duration_s": 2 * HOUR_S, "now": NOW, "profile": valley_profile()}
    args.update(kwargs)
    duration = args.pop("duration_s")
    with pytest.raises(error, match=match):
        recommend_window(duration, **args)


class FakeClient:
    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.calls: list[tuple[str, dict[str, str], float]] = []

    def get_json(self, url: str, *, headers: Any, timeout_s: float) -> Any:
        self.calls.append((url, dict(headers), timeout_s))
        return self.answer


def forecast_answer(values: list[float]) -> dict[str, Any]:
    start = datetime(2025, 6, 10, 6, 0, tzinfo=UTC)
    return {
        "zone": "NL",
        "forecast": [
            {"carbonIntensity": v, "datetime": (start + timedelta(hours=i)).isoformat()[:19] + "Z"}
            for i, v in enumerate(values)
        ],
    }


def test_forecast_provider_with_fake_client() -> None:
    values = [300.0] * 4 + [100.0] * 3 + [300.0] * 5  # 06..17 UTC, low 10..13
    client = FakeClient(forecast_answer(values))
    provider = ElectricityMapsProvider(token="secret", client=client)
    advice = recommend_window(2 * HOUR_S, now=NOW, provider=provider, zone="NL")
    url, headers, timeout = client.calls[0]
    assert url.startswith("https://") and "zone=NL" in url
    assert headers == {"auth-token": "secret"} and timeout > 0
    assert advice.basis == "forecast"
    assert advice.start == datetime(2025, 6, 10, 10, 0, tzinfo=UTC)
    assert advice.mean_intensity_g_per_kwh == pytest.approx(100.0)
    assert any("forecast ends" in n for n in advice.notes)


@pytest.mark.parametrize("answer", [{"forecast": []}, {"nothing": 1}, {"forecast": [{"x": 1}]}])
def test_bad_forecast_answers_raise(answer: Any) -> None:
    provider = ElectricityMapsProvider(token="t", client=FakeClient(answer))
    with pytest.raises(ImpactError):
        recommend_window(HOUR_S, now=NOW, provider=provider)


def test_provider_only_with_a_token() -> None:
    assert provider_from_settings({}, env={}) is None
    assert provider_from_settings({"services": {"electricitymaps_token": "a"}}, env={}) is not None
    assert provider_from_settings(None, env={"ELECTRICITYMAPS_TOKEN": "b"}) is not None


def test_http_client_refuses_plain_http() -> None:
    from algoprint.advice.schedule import UrllibClient

    with pytest.raises(InputError, match="non-HTTPS"):
        UrllibClient().get_json("http://example.invalid/x", headers={}, timeout_s=1.0)


def _builder() -> Any:
    path = Path(__file__).resolve().parents[2] / "scripts" / "refdata" / "nl_hourly.py"
    spec = importlib.util.spec_from_file_location("nl_hourly", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_script_derives_typical_profile_from_hourly_files(tmp_path: Path) -> None:
    grid = tmp_path / "grid"
    grid.mkdir()
    column = "Carbon intensity gCO\u2082eq/kWh (Life cycle)"
    with (grid / "NL_2024_hourly.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Datetime (UTC)", "Country", column])
        t = datetime(2024, 1, 1)
        while t.year == 2024:
            writer.writerow(
                [t.isoformat(sep=" "), "Netherlands", 100 + t.hour + 1000 * (t.day == 1)]
            )
            t += timedelta(hours=1)
    (path,) = _builder().build(tmp_path, tmp_path / "out")
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    assert len(rows) == 288 and {r["basis"] for r in rows} == {"typical"}
    jan_5 = next(r for r in rows if r["month"] == "1" and r["hour_utc"] == "5")
    assert float(jan_5["intensity_g_per_kwh"]) == pytest.approx(105 + 1000 / 31, abs=0.01)


def test_shipped_table_matches_the_build_script(tmp_path: Path) -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "data"
    if not (shared / "grid").is_dir():
        pytest.skip("../shared/data is not present")
    (path,) = _builder().build(shared, tmp_path)
    shipped = Path(__file__).resolve().parents[2] / "src/algoprint/refdata/nl_hourly_profile.csv"
    assert path.read_bytes() == shipped.read_bytes()


def test_saving_interval_coverage_on_held_out_real_hours() -> None:
    # coverage: profile from 2021-2023, advice at 08:00 and 20:00 Amsterdam on every day of
    # 2024; the realised saving of that day lies inside the stated interval on most days
    shared = Path(__file__).resolve().parents[3] / "shared" / "data" / "grid"
    if not (shared / "NL_2024_hourly.csv").is_file():
        pytest.skip("../shared/data is not present")
    from algoprint.advice.grid_profile import read_hourly, typical_cells

    fit = [p for y in (2021, 2022, 2023) for p in read_hourly(shared / f"NL_{y}_hourly.csv")]
    cells = typical_cells(fit)
    profile = IntensityProfile(
        zone="NL", basis="typical", source="t",
        by_month_hour={k: float(v) for k, v in cells.mean.items()},
        spread_by_month_hour=dict(cells.spread),
    )  # fmt: skip
    real = {p.start: p.g_per_kwh for p in read_hourly(shared / "NL_2024_hourly.csv")}

    def mean(start: datetime) -> float | None:
        hours = [start + timedelta(hours=i) for i in range(3)]
        return None if any(h not in real for h in hours) else sum(real[h] for h in hours) / 3

    inside = days = 0
    for day in range(0, 366, 3):
        for hour_utc in (6, 18):
            now = datetime(2024, 1, 1, hour_utc, tzinfo=UTC) + timedelta(days=day)
            advice = recommend_window(3 * HOUR_S, now=now, profile=profile, step_s=3600)
            a, b = mean(now), mean(advice.start)
            if a is None or b is None or advice.saving_low_g_per_kwh is None:
                continue
            days += 1
            high = advice.saving_high_g_per_kwh or 0.0
            inside += int(advice.saving_low_g_per_kwh <= a - b <= high)
    assert days > 200
    assert inside / days >= 0.85  # stated as about 90 %
