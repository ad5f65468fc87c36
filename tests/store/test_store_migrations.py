"""Migrations: shipped in the package, at head on open, matching the runtime tables, and Alembic
loaded only when a store needs migrating."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from algoprint.store import Store
from algoprint.store._migrate import HEAD_REVISION, MIGRATIONS_DIR, current_revisions
from algoprint.store._schema import VERSION_TABLE, metadata
from algoprint.tracking.record import RunRecord

MakeRecord = Callable[..., RunRecord]


def test_head_constant_is_alembic_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD_REVISION]
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()


def test_open_migrates_to_head_and_tables_match_runtime_schema(store_url: str) -> None:
    Store(url=store_url).open().close()
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            assert current_revisions(conn) == {HEAD_REVISION}
            assert set(inspect(conn).get_table_names()) == {
                VERSION_TABLE,
                "runs",
                "run_components",
                "run_phases",
                "analyses",
                "algorithms",
                "assessments",
                "assessment_history",
                "assessment_files",
            }
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_name": lambda name, kind, parent: name != VERSION_TABLE,
                },
            )
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def test_reopening_is_idempotent(store_url: str, make_record: MakeRecord) -> None:
    with Store(url=store_url) as first:
        first.save_run(make_record())
    with Store(url=store_url) as second, Store(url=store_url) as third:
        assert second.count_runs() == 1
        assert third.get_run(make_record().run_id) == make_record()


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_does_not_load_alembic() -> None:
    out = _python(
        """
        import sys
        import algoprint.store
        print("alembic" in sys.modules, "sqlalchemy" in sys.modules)
        """
    )
    assert out == "False True"


def test_opening_an_up_to_date_store_does_not_load_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    Store(url=url).open().close()
    out = _python(
        f"""
        import sys
        from algoprint.store import Store
        store = Store(url={url!r}).open()
        print(store.count_runs(), "alembic" in sys.modules)
        store.close()
        """
    )
    assert out == "0 False"
