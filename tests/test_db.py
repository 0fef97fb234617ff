"""The database as the bot opens it: SQLite files in WAL mode, a cheap check for head."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from bot.db import MIGRATIONS_DIR, code_heads, make_engine, stored_revisions, upgrade_to_head


def _pragma(engine, name: str) -> object:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_a_new_sqlite_file_database_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        assert _pragma(engine, "journal_mode") == "wal"
        assert _pragma(engine, "synchronous") == 1  # NORMAL
        assert _pragma(engine, "busy_timeout") == 30000
        assert _pragma(engine, "foreign_keys") == 1
    finally:
        engine.dispose()


def test_an_in_memory_sqlite_database_keeps_its_memory_journal() -> None:
    engine = make_engine("sqlite://")
    try:
        assert _pragma(engine, "journal_mode") == "memory"
        assert _pragma(engine, "foreign_keys") == 1
    finally:
        engine.dispose()


def test_the_head_read_from_the_migration_files_is_alembics_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert code_heads() == set(ScriptDirectory.from_config(config).get_heads())


def test_a_migrated_database_reports_the_head_and_a_new_one_nothing(databases) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(databases.empty())
    try:
        assert stored_revisions(engine) == set()
        upgrade_to_head(engine)
        assert stored_revisions(engine) == code_heads()
    finally:
        engine.dispose()
