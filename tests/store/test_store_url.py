"""resolve_url: what users write for --db / ALGOPRINT_DB, turned into one store URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from algoprint.errors import ConfigError, StoreError
from algoprint.store import default_db_path, resolve_url
from algoprint.store._url import mask_url, sqlite_file


def test_default_is_runs_sqlite_in_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    expected = tmp_path / "data" / "algoprint" / "runs.sqlite"
    assert default_db_path() == expected
    assert not expected.parent.exists()
    assert resolve_url(None) == f"sqlite:///{expected}"
    assert expected.parent.is_dir()
    assert not expected.exists()


def test_default_dir_that_cannot_be_created_is_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("x")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "a-file"))
    with pytest.raises(StoreError) as refused:
        resolve_url(None)
    assert str(tmp_path / "a-file") in str(refused.value)
    assert refused.value.hint is not None
    assert "ALGOPRINT_DB" in refused.value.hint


@pytest.mark.parametrize("name", ["runs.sqlite", "runs.db", "runs", "sub/dir/my.store"])
def test_relative_paths_become_absolute_sqlite_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    url = resolve_url(name)
    assert url == f"sqlite:///{tmp_path / name}"
    assert sqlite_file(url) == tmp_path / name


def test_absolute_and_home_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_url("/var/lib/algoprint/runs.db") == "sqlite:////var/lib/algoprint/runs.db"
    assert resolve_url("~/runs.sqlite") == f"sqlite:///{tmp_path / 'runs.sqlite'}"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:////abs/runs.sqlite", "sqlite:////abs/runs.sqlite"),
        ("sqlite:///rel.db", "sqlite:///rel.db"),
        ("sqlite://", "sqlite://"),
        ("postgresql://u:p@db.example/runs", "postgresql+psycopg://u:p@db.example/runs"),
        ("postgres://u@db/runs?sslmode=require", "postgresql+psycopg://u@db/runs?sslmode=require"),
        ("postgresql+psycopg://u@/runs?host=/run/pg", "postgresql+psycopg://u@/runs?host=/run/pg"),
        ("  sqlite:///x.db ", "sqlite:///x.db"),
    ],
)
def test_urls(given: str, expected: str) -> None:
    assert resolve_url(given) == expected


@pytest.mark.parametrize("given", ["", "   ", "mysql://u@h/db", "sqlite:/x.db", "http://x"])
def test_unsupported_values_are_config_errors(given: str) -> None:
    with pytest.raises(ConfigError):
        resolve_url(given)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://alice:pw@h:5432/db", "postgresql+psycopg://alice:***@h:5432/db"),
        ("postgresql+psycopg://alice@h/db", "postgresql+psycopg://alice@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_mask_url(url: str, shown: str) -> None:
    assert mask_url(url) == shown


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:////tmp/x.db", Path("/tmp/x.db")),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("postgresql+psycopg://u@h/db", None),
    ],
)
def test_sqlite_file(url: str, path: Path | None) -> None:
    assert sqlite_file(url) == path
