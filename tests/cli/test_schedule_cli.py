"""`algoprint schedule`: duration and deadline parsing, the advice, and clear errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from algoprint.cli.schedule_cmd import parse_deadline, parse_duration
from algoprint.errors import InputError
from algoprint.store import open_store
from tests.cli._invoke import algoprint, new_user


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    return new_user(tmp_path, monkeypatch)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90m", 5400), ("6h", 21600), ("1h30m", 5400), ("2d", 172800), ("45s", 45), ("1.5h", 5400),
     ("1H 30M", 5400)],
)  # fmt: skip
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "6", "h", "6x", "1h30", "-1h", "0h", "0m0s", "abc"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(InputError):
        parse_duration(text)


def test_parse_deadline() -> None:
    now = datetime(2026, 1, 15, 12, tzinfo=UTC)
    assert parse_deadline("+12h", now) == now + timedelta(hours=12)
    assert parse_deadline("2026-01-16T08:00+01:00", now) == datetime(2026, 1, 16, 7, tzinfo=UTC)
    with pytest.raises(InputError, match="in the past"):
        parse_deadline("2026-01-15T11:00+00:00", now)


def test_schedule_json_is_reproducible_with_now(db: str) -> None:
    args = ["schedule", "--duration", "3h", "--now", "2025-06-10T19:00", "--json"]
    rc, out, err = algoprint(*args, "--energy-kwh", "10", "--pue", "1.2")
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["duration_s"] == 3 * 3600 and doc["zone"] == "NL" and doc["basis"] == "typical"
    assert doc["timezone"] == "Europe/Amsterdam" and doc["pue"] == 1.2
    start = datetime.fromisoformat(doc["start"]).astimezone(ZoneInfo("Europe/Amsterdam"))
    assert start.date().isoformat() == "2025-06-11" and 10 <= start.hour <= 15
    # 10 kWh IT × PUE 1.2 × the saving per kWh
    assert doc["co2e_saving_g"] == pytest.approx(12 * doc["saving_g_per_kwh"])
    assert doc["saving_low_g_per_kwh"] < doc["saving_g_per_kwh"] < doc["saving_high_g_per_kwh"]
    assert algoprint(*args, "--energy-kwh", "10", "--pue", "1.2")[1] == out


def test_schedule_human_output_in_local_time_and_storing(db: str) -> None:
    rc, out, err = algoprint(
        "schedule", "--duration", "1h30m", "--energy-kwh", "20", "--algorithm", "churn-model",
        "--now", "2025-12-01T18:00+01:00", env={"COLUMNS": "80"},
    )  # fmt: skip
    assert rc == 0, err
    assert out.startswith("Start at") and " CET " in out and "expected saving" in out
    assert "not a guarantee" in out and "ODbL" in out and "about 90 %" not in out
    assert "PUE 1.56 (unknown-datacentre default)" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "Electricity Maps (2025)\n" in out and "--wide" in out  # the citation, not the text
    (record,) = open_store(db).list_analyses(algorithm="churn-model")
    assert record.kind == "carbon-aware-schedule" and record.measure == "owk-06"


def test_schedule_wide_and_dutch(db: str) -> None:
    args = ["schedule", "--duration", "2h", "--energy-kwh", "10", "--now", "2026-03-01T10:00"]
    rc, out, err = algoprint(*args, "--wide")
    assert rc == 0, err
    assert "about 90 %" in out and "opendc-traces" in out and "licence to confirm" in out
    rc, out, err = algoprint(*args, "--lang", "nl")
    assert rc == 0, err
    assert out.startswith("Start om") and "verwachte besparing" in out and "1,56" in out
    assert "expected" not in out and "source" not in out and "note" not in out


def test_schedule_with_own_profile(db: str, tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    lines = ["zone,month,hour_utc,intensity_g_per_kwh"]
    lines += [f"BE,{m},{h},{40 if h == 2 else 240}" for m in range(1, 13) for h in range(24)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["--duration", "1h", "--now", "2025-03-01T00:00+00:00", "--profile", str(path)]
    rc, out, err = algoprint("schedule", *args, "--zone", "BE", "--json")
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["start"].startswith("2025-03-01T02:00") and doc["zone"] == "BE"
    assert doc["saving_g_per_kwh"] == pytest.approx(200.0)
    rc, out, err = algoprint("schedule", *args)  # the file is for BE, the zone NL
    assert rc == 2 and "zone 'BE', not 'NL'" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--duration", "0h"], "more than zero"),
        (["--duration", "-2h"], "not a duration"),
        (["--duration", "6"], "not a duration"),
        (["--duration", "6h", "--deadline", "+2h"], "does not fit before the deadline"),
        (["--duration", "1h", "--deadline", "2001-01-01T00:00+00:00"], "in the past"),
        (["--duration", "1h", "--deadline", "tomorrow"], "not a time"),
        (["--duration", "1h", "--deadline", "+soon"], "not a duration"),
        (["--duration", "1h", "--zone", "XX"], "no grid-intensity profile for zone 'XX'"),
        (["--duration", "1h", "--energy-kwh", "0"], "--energy-kwh"),
        (["--duration", "1h", "--pue", "0.8"], "--pue"),
        (["--duration", "1h", "--now", "soon"], "--now 'soon' is not a time"),
        (["--duration", "1h", "--profile", "/nonexistent/p.csv"], "cannot read the profile"),
        ([], "--duration"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(db: str, args: list[str], says: str) -> None:
    rc, out, err = algoprint("schedule", *args)
    assert rc == 2, (out, err)
    assert says in err and "Traceback" not in err and out == ""
    assert len([ln for ln in err.splitlines() if "rror" in ln]) == 1
