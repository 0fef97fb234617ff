"""The database as the bot opens it: SQLite files in WAL mode, a cheap check for head."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
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


def _writer_engine(path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{path / 'bot.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (text TEXT)")
    return engine


def _write_in_thread(engine, wait_for_sqlite_ms: int) -> threading.Thread:  # type: ignore[no-untyped-def]
    def write() -> None:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={wait_for_sqlite_ms}")
            connection.exec_driver_sql("INSERT INTO notes VALUES ('second')")

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def test_writers_in_one_process_queue_for_each_other_not_at_sqlites_lock(tmp_path: Path) -> None:
    """A second writer with no SQLite busy timeout at all still succeeds: it waited in the
    process's queue, and never met the locked file (where SQLite makes it sleep in steps)."""
    engine = _writer_engine(tmp_path)
    try:
        with engine.begin() as first:
            first.exec_driver_sql("INSERT INTO notes VALUES ('first')")
            second = _write_in_thread(engine, wait_for_sqlite_ms=0)
            second.join(timeout=0.2)
            assert second.is_alive()  # queued behind the open write transaction
        second.join(timeout=5)
        assert not second.is_alive()
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT text FROM notes ORDER BY rowid").all()
        assert [text for (text,) in rows] == ["first", "second"]
    finally:
        engine.dispose()


def test_a_failed_or_broken_write_lets_the_next_writer_in(tmp_path: Path) -> None:
    engine = _writer_engine(tmp_path)
    try:
        with pytest.raises(RuntimeError), engine.begin() as failing:
            failing.exec_driver_sql("INSERT INTO notes VALUES ('rolled back')")
            raise RuntimeError("the use case failed")
        broken = engine.connect()
        transaction = broken.begin()
        broken.exec_driver_sql("INSERT INTO notes VALUES ('lost with its connection')")
        broken.invalidate()  # the connection died mid-transaction: no commit, no rollback
        after = _write_in_thread(engine, wait_for_sqlite_ms=30000)
        after.join(timeout=5)
        assert not after.is_alive()
        transaction.rollback()
        broken.close()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT text FROM notes").all() == [("second",)]
    finally:
        engine.dispose()
