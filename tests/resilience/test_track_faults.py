"""``track()`` never raises on bad environment or config, and never loses a run to a broken
store: the run goes to a fallback spool and reaches the store when it is next opened."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from algoprint.errors import ConfigError
from algoprint.store import open_store
from algoprint.tracking import RunStatus, track
from algoprint.tracking._fallback_spool import fallback_dirs, store_url
from tests.tracking._fakes import ConstantPowerMeter


@pytest.mark.parametrize(
    ("env", "config", "needle"),
    [
        ({"ALGOPRINT_FOO": "1"}, None, "ALGOPRINT_FOO"),
        ({"ALGOPRINT_INTERVAL_S": "fast"}, None, "interval_s must be a number"),
        ({"ALGOPRINT_SCOPE": "galaxy"}, None, "scope must be one of"),
        ({"ALGOPRINT_CPU_TDP_W": "1e308"}, None, "cpu_tdp_w must be a number > 0 and <= 2000"),
        ({"ALGOPRINT_DB": ""}, None, "db is empty"),
        ({}, b"\xff\xfe\x00binary", "not UTF-8"),
        ({}, b"interval_s = [\n", "not valid TOML"),
        ({}, b"colour = 1\n", "unknown setting 'colour'"),
    ],
)
def test_bad_environment_or_config_never_raises(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    env: dict[str, str],
    config: bytes | None,
    needle: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    if config is not None:
        (tmp_path / "algoprint.toml").write_bytes(config)
    meter = ConstantPowerMeter(power_w=5.0)
    with (
        caplog.at_level(logging.WARNING, logger="algoprint"),
        track(store=False, meters=[meter]) as run,
    ):
        pass
    rec = run.record
    assert rec is not None and rec.status is RunStatus.COMPLETED
    problems = [d for d in rec.degradations if d.source == "config"]
    assert len(problems) == 1 and needle in problems[0].message
    assert any(needle in r.getMessage() for r in caplog.records)


def test_explicit_arguments_still_raise(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="interval_s"):
        track(store=False, interval_s=-1).__enter__()
    with pytest.raises(ConfigError, match="db is empty"):
        track(db=" ").__enter__()


def test_unwritable_store_goes_to_the_fallback_spool_and_is_ingested_later(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A regular file where the store's directory should be: unwritable even for root.
    blocker = tmp_path / "store"
    blocker.write_text("not a directory")
    db = str(blocker / "runs.sqlite")
    meter = ConstantPowerMeter(power_w=5.0)
    with caplog.at_level(logging.WARNING, logger="algoprint"), track(db=db, meters=[meter]) as run:
        pass
    rec = run.record
    assert rec is not None
    fallback = [d for d in rec.degradations if d.source == "store"]
    assert len(fallback) == 1 and "spooled to" in fallback[0].message
    where = fallback_dirs(store_url(db))[0]
    assert str(where) in fallback[0].message
    assert any(str(where) in r.getMessage() for r in caplog.records)  # said where
    assert list(where.glob("*.run.json"))
    # The store becomes usable again: the next open ingests the run.
    blocker.unlink()
    blocker.mkdir()
    with open_store(db) as store:
        stored = store.get_run(run.run_id)
    assert stored.status is RunStatus.COMPLETED
    assert stored.energy_j == pytest.approx(rec.energy_j)
    assert not list(where.glob("*.run.json"))


def test_cache_dir_unwritable_too_falls_back_to_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    db = str(blocker / "runs.sqlite")
    with track(db=db, meters=[ConstantPowerMeter(power_w=5.0)]) as run:
        pass
    assert run.record is not None
    where = fallback_dirs(store_url(db))[1]
    assert str(where).startswith(str(tmp_path / "tmp"))
    assert (where / f"{run.run_id}.run.json").is_file()
