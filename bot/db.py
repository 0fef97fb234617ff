"""Engine, sessions and migrations: the same code on SQLite and PostgreSQL.

Alembic is imported only when migrations are to be applied or listed in detail: a restart
on a database already at head reads one row and compares it with the head found in the
migration files' text, which keeps alembic (and mako) out of a serving process. The ORM is
imported when sessions are first made, after /healthz already answers (see bot/cli.py).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
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
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        on_disk = _is_file_database(engine)

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

        _queue_writers_in_process(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


# How long a writer waits for this process's other writers before leaving it to SQLite's
# own busy timeout (the same 30 s): a thread that writes while an outer transaction of its
# own holds the lock must not wait forever.
WRITER_QUEUE_TIMEOUT = 30.0
_DML = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _queue_writers_in_process(engine: Engine) -> None:
    """Threads of one process take turns to write, in the order they asked.

    SQLite has one writer at a time, and a writer that finds the file locked sleeps 1, 2, 5,
    10, 15, 20, 25... ms before it looks again (its busy handler), however soon the lock was
    freed. With 20 requests saving at once, the unlucky ones slept through the whole ladder:
    saving an open form took 4 ms at p50 and 190-230 ms at p99. Queued on a lock instead, a
    writer starts the moment the previous one commits. Other processes (a second web dyno, the
    CLI) still meet at SQLite's lock, as before.
    """
    writers = threading.Lock()
    holding = "escalation_bot_holds_writer_queue"  # in the pooled connection's info

    @event.listens_for(engine, "before_cursor_execute")
    def _join_queue(connection: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if connection.info.get(holding) or not statement.lstrip().upper().startswith(_DML):
            return
        connection.info[holding] = writers.acquire(timeout=WRITER_QUEUE_TIMEOUT)

    def _leave_queue(info: dict[Any, Any]) -> None:
        if info.pop(holding, False):
            writers.release()

    def _transaction_ended(connection: Connection) -> None:
        # An invalidated connection has no info left to read (reading it would reconnect);
        # the pool's invalidate event below already let the queue go.
        if not connection.invalidated:
            _leave_queue(connection.info)

    event.listen(engine, "commit", _transaction_ended)
    event.listen(engine, "rollback", _transaction_ended)
    # A connection that ends without either (invalidated by an error, or handed back to the
    # pool mid-transaction) must not keep every other writer waiting.
    for ending in ("checkin", "invalidate", "soft_invalidate", "close", "detach"):
        event.listen(engine.pool, ending, lambda _dbapi, record, *_: _leave_queue(record.info))


def _is_file_database(engine: Engine) -> bool:
    """True for a SQLite file; False for the in-memory kinds, where WAL means nothing."""
    database = engine.url.database or ""
    memory = database in ("", ":memory:") or database.startswith("file::memory:")
    return not memory and engine.url.query.get("mode") != "memory"


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def code_heads() -> set[str]:
    """The head revision(s) of migrations/versions, read from the files' text (no imports)."""
    revisions: set[str] = set()
    pointed_at: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text()
        revision = _REVISION.search(source)
        if revision is None:
            continue
        revisions.add(revision.group(1))
        down = _DOWN_REVISION.search(source)
        if down is not None:
            pointed_at.update(_QUOTED.findall(down.group(1).split("#")[0]))
    return revisions - pointed_at


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
    heads = code_heads()
    if heads and stored_revisions(engine) == heads:
        return []
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
