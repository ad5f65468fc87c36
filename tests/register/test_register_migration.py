"""Revision 0002: the new tables match the runtime schema, and a 0001 store keeps its runs."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, insert, inspect

from algoprint.store import Store
from algoprint.store._convert import run_row
from algoprint.store._migrate import HEAD_REVISION, MIGRATIONS_DIR, current_revisions
from algoprint.store._schema import VERSION_TABLE, metadata, runs
from tests.register._fixtures import run, store_fixture  # noqa: F401

NEW_TABLES = {"analyses", "algorithms", "assessments", "assessment_history", "assessment_files"}


def test_head_is_0003() -> None:
    assert HEAD_REVISION == "0003"


def test_migrated_tables_match_runtime_schema(store: Store) -> None:
    engine = store._get_engine()
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) >= NEW_TABLES
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, parent: name != VERSION_TABLE,
            },
        )
        assert compare_metadata(context, metadata) == []


def test_upgrade_from_0001_keeps_runs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    record = run("old-run-0001")
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(insert(runs).values(**run_row(record)))
    with engine.connect() as conn:
        assert current_revisions(conn) == {"0001"}
        assert not NEW_TABLES & set(inspect(conn).get_table_names())
    engine.dispose()
    with Store(url=url) as upgraded:
        assert upgraded.get_run("old-run-0001") == record
        assert upgraded.list_analyses() == []
    engine = create_engine(url)
    with engine.connect() as conn:
        assert current_revisions(conn) == {HEAD_REVISION}
    engine.dispose()
