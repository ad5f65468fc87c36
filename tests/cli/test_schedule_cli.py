"""`algoprint schedule`: duration and deadline parsing, the advice, and clear errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def test_schedule_json_with_the_flat_profile_claims_no_saving(db: str) -> None:
    rc, out, err = algoprint("schedule", "--duration", "6h", "--deadline", "+12h", "--json")
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["duration_s"] == 6 * 3600 and doc["zone"] == "NL"
    assert doc["basis"] == "flat" and doc["saving_rel"] is None and doc["saving_reason"]
    start = datetime.fromisoformat(doc["start"])
    assert abs((start - datetime.now(UTC)).total_seconds()) < 120  # flat: start now


def test_schedule_human_output_and_storing(db: str) -> None:
    rc, out, err = algoprint(
        "schedule", "--duration", "1h30m", "--energy-kwh", "20", "--algorithm", "churn-model"
    )
    assert rc == 0, err
    assert out.startswith("Start at") and "no saving can be expected" in out and "source:" in out
    (record,) = open_store(db).list_analyses(algorithm="churn-model")
    assert record.kind == "carbon-aware-schedule" and record.measure == "owk-06"


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
        ([], "--duration"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(db: str, args: list[str], says: str) -> None:
    rc, out, err = algoprint("schedule", *args)
    assert rc == 2, (out, err)
    assert says in err and "Traceback" not in err and out == ""
    assert len([ln for ln in err.splitlines() if "rror" in ln]) == 1
