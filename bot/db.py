"""Engine, sessions and migrations: the same code on SQLite and PostgreSQL.

Alembic is imported only when migrations are to be applied or listed in detail: a restart
on a database already at head reads one row and compares it with the head found in the
migration files' text, which keeps alembic (and mako) out of a serving process. The ORM is
imported when sessions are first made, after /healthz already answers (see bot/cli.py).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine.interfaces import DBAPIConnection
    from sqlalchemy.orm import Session, sessionmaker
    from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def make_engine(url: str) -> Engine:
    if url.startswith("postgres://"):  # Heroku Postgres's spelling, which SQLAlchemy dropped
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        on_disk = _is_file_url(make_url(url))
        connect_args: dict[str, object] = {"check_same_thread": False, "timeout": 30}
        if on_disk:
            connect_args["factory"] = _writer_connection_class()
        engine = create_engine(url, connect_args=connect_args)
        if on_disk:
            event.listen(engine, "before_cursor_execute", _take_writer_lock)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(
            dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry
        ) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if on_disk:
                # Readers no longer wait for a writer, and a commit no longer waits for the
                # disk twice: listeners, the tick and delivery share one file without queuing.
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


# -- SQLite: one writer at a time, queued in Python ---------------------------------------------
# SQLite lets one connection write at a time; the others wait in its busy handler, which
# sleeps in growing steps (up to 100 ms) and polls. With the delivery workers, the tick and
# the listeners writing short transactions at once, those sleeps, not the work, set the
# pace. So a connection takes a process-wide lock before its first write statement and
# gives it back once its commit or rollback is done: a waiting writer starts the moment the
# previous one finished. Other processes still meet SQLite's own lock, as before.
_WRITE_VERBS = ("insert", "update", "delete", "replace")
_WRITER_WAIT = 30.0  # as the busy timeout: past it, SQLite's own lock decides


def _writer_connection_class() -> type[sqlite3.Connection]:
    lock = threading.Lock()

    class WriterQueuedConnection(sqlite3.Connection):
        holds_writer_lock = False

        def take_writer_lock(self) -> None:
            if not self.holds_writer_lock and lock.acquire(timeout=_WRITER_WAIT):
                self.holds_writer_lock = True

        def _give_back(self) -> None:
            if self.holds_writer_lock:
                self.holds_writer_lock = False
                lock.release()

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                self._give_back()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                self._give_back()

        def close(self) -> None:
            try:
                super().close()
            finally:
                self._give_back()

    return WriterQueuedConnection


def _take_writer_lock(
    connection: Connection,
    _cursor: object,
    statement: str,
    _parameters: object,
    _context: object,
    _executemany: bool,
) -> None:
    if statement.lstrip()[:7].lower().startswith(_WRITE_VERBS):
        dbapi_connection = connection.connection.dbapi_connection
        take = getattr(dbapi_connection, "take_writer_lock", None)
        if take is not None:
            take()


def _is_file_url(url: URL) -> bool:
    """True for a SQLite file; False for the in-memory kinds, where WAL means nothing."""
    database = url.database or ""
    memory = database in ("", ":memory:") or database.startswith("file::memory:")
    return not memory and url.query.get("mode") != "memory"


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def _code_revisions() -> dict[str, set[str]]:
    """Each revision in migrations/versions and the ones it follows, read from the files'
    text (importing alembic and every migration costs a third of a second)."""
    revisions: dict[str, set[str]] = {}
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text()
        revision = _REVISION.search(source)
        if revision is None:
            continue
        down = _DOWN_REVISION.search(source)
        follows = set(_QUOTED.findall(down.group(1).split("#")[0])) if down else set()
        revisions[revision.group(1)] = follows
    return revisions


def code_heads() -> set[str]:
    """The head revision(s) of migrations/versions."""
    revisions = _code_revisions()
    return set(revisions) - set().union(*revisions.values())


def _all_in_order(revisions: dict[str, set[str]]) -> list[str] | None:
    """Every revision, oldest first, when they form one line; None otherwise."""
    following: dict[str, str] = {}
    for revision, downs in revisions.items():
        for down in downs:
            if down in following or len(downs) > 1:
                return None  # a branch or a merge: alembic knows the order
            following[down] = revision
    ordered = [revision for revision, downs in revisions.items() if not downs]
    if len(ordered) != 1:
        return None
    while ordered[-1] in following:
        ordered.append(following[ordered[-1]])
    return ordered if len(ordered) == len(revisions) else None


def stored_revisions(engine: Engine) -> set[str]:
    """The revision(s) the database says it is at; empty for a database never migrated."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version"))
            return {row[0] for row in rows}
    except DBAPIError:
        return set()


def pending_migrations(engine: Engine) -> list[str]:
    """Revisions between the database and the code's head, oldest first."""
    revisions = _code_revisions()
    heads = set(revisions) - set().union(*revisions.values())
    stored = stored_revisions(engine)
    if heads and stored == heads:
        return []
    if not stored and (everything := _all_in_order(revisions)) is not None:
        return everything  # a database never migrated: all of them, known without alembic
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    if set(current) == set(script.get_heads()):
        return []
    pending = [
        rev.revision
        for rev in script.iterate_revisions(tuple(script.get_heads()), current or "base")
    ]
    return list(reversed(pending))


def upgrade_to_head(engine: Engine) -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def downgrade_to_base(engine: Engine) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), "base")
