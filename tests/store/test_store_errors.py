"""Stores that cannot be opened: each is a StoreError naming the store and the fix, and a user's
file is never modified."""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from algoprint.errors import StoreError
from algoprint.store import Store, open_store
from algoprint.store._schema import VERSION_TABLE
from algoprint.tracking.record import RunRecord

MakeRecord = Callable[..., RunRecord]


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()}


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x00\xffgarbage" * 500, id="garbage"),
        pytest.param(b"hello", id="short-text"),
        pytest.param(b"SQLite format 3\x00" + b"\xab" * 5000, id="sqlite-header-garbage-body"),
    ],
)
def test_corrupt_file_is_refused_and_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "runs.sqlite"
    path.write_bytes(content)
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError) as refused:
        open_store(str(path))
    message = str(refused.value)
    assert str(path) in message
    assert "not an algoprint run store" in message
    assert "NOT modified" in message
    assert refused.value.hint is not None
    assert "mv " in refused.value.hint
    assert _snapshot(tmp_path) == before


def test_foreign_sqlite_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "mine.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError, match="did not create"):
        open_store(str(path))
    assert _snapshot(tmp_path) == before


def test_empty_file_becomes_a_store(tmp_path: Path, make_record: MakeRecord) -> None:
    path = tmp_path / "runs.db"
    path.touch()
    with open_store(str(path)) as store:
        store.save_run(make_record())
        assert store.count_runs() == 1


def _unwritable_cases(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "a-file").write_text("x")
    return {
        "path-is-directory": tmp_path / "a-directory",
        "parent-is-file": tmp_path / "a-file" / "runs.sqlite",
        "parent-missing": tmp_path / "missing" / "runs.sqlite",
    }


@pytest.mark.parametrize("case", ["path-is-directory", "parent-is-file", "parent-missing"])
def test_unusable_path_is_store_error(tmp_path: Path, case: str) -> None:
    path = _unwritable_cases(tmp_path)[case]
    with pytest.raises(StoreError) as refused:
        open_store(str(path))
    assert str(path) in str(refused.value)
    assert refused.value.hint is not None
    assert "--db" in refused.value.hint or "create" in refused.value.hint
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any directory")
def test_read_only_directory_is_store_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="not writable"):
            open_store(str(locked / "runs.sqlite"))
    finally:
        locked.chmod(0o700)


def test_newer_schema_asks_to_upgrade(sqlite_url: str) -> None:
    Store(url=sqlite_url).open().close()
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError) as refused:
        Store(url=sqlite_url).open()
    assert "newer algoprint" in str(refused.value)
    assert "9999" in str(refused.value)
    assert refused.value.hint is not None
    assert "upgrade" in refused.value.hint


@pytest.mark.postgres
def test_newer_schema_asks_to_upgrade_on_postgres(postgres_url: str) -> None:
    Store(url=postgres_url).open().close()
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="newer algoprint"):
        Store(url=postgres_url).open()


@pytest.mark.postgres
def test_postgres_database_with_a_foreign_runs_table_is_refused(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE runs (id integer)"))
    engine.dispose()
    with pytest.raises(StoreError, match="did not create"):
        Store(url=postgres_url).open()


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_postgres_connection_refused_masks_password() -> None:
    url = f"postgresql://alice:s3cret-pw@127.0.0.1:{_closed_port()}/runs"
    with pytest.raises(StoreError) as refused:
        open_store(url)
    message = str(refused.value)
    assert "cannot connect to PostgreSQL" in message
    assert "alice:***@127.0.0.1" in message
    assert "s3cret-pw" not in message
    assert "s3cret-pw" not in repr(Store(url=url))
