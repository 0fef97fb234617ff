"""Small write transactions from the threads that ack, committed together by one thread.

A listener that saves something before its ack (a submitted form) used to run its own
transaction. Under a burst of requests that transaction was most of the ack's cost: each
SQLite or PostgreSQL call hands the interpreter to another thread and waits to get it back,
and a transaction is half a dozen such calls (42 context switches per submission against a
bare Bolt app's 16, 4.3 ms of CPU against 2.6). Here each caller queues its row and waits;
one thread inserts every row queued meanwhile for one statement in one execution and one
transaction, then answers each caller. Nothing is acked before its commit, as before. With
nobody else waiting, a row is written at once, alone.

Under 20 concurrent submissions this thread used 1.0 to 1.4 ms of CPU per request: the
whole difference between the bot's CPU per submission and a bare Bolt app's. So it keeps one
connection for itself, where borrowing one from the pool per transaction (on PostgreSQL
pinging it first and rolling it back on return) and opening an ORM session cost more than
the insert; and what it writes are rows, not callbacks, so the rows queued meanwhile for one
statement go to the driver in one execution instead of one each. Same run, same bursts:
1.14 ms a request before, 0.50 ms after on SQLite (0.79 ms with the kept connection alone);
1.27 and 0.64 ms on PostgreSQL. There, with the transaction implicit (one round trip instead
of three), 0.75 and 0.57 ms, and the whole process 3.90 and 3.41 ms a request (a bare Bolt
app's 3.24 ms).
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Executable
from sqlalchemy.exc import DBAPIError, OperationalError


@dataclass(frozen=True)
class Insert:
    """One row to insert with `statement` (an INSERT without RETURNING, so that drivers can
    take many rows in one call)."""

    statement: Executable
    values: dict[str, Any]


class GroupedWrites:
    def __init__(self, engine: Engine, *, keep_idle_connection: float = 5.0) -> None:
        self._engine = engine
        # Seconds without a row after which the writer gives its connection back to the pool:
        # a process (or a test) done with it does not hold a database connection forever.
        self._keep_idle_connection = keep_idle_connection
        self._queued: list[tuple[Insert, Future[None]]] = []
        self._changed = threading.Condition()
        self._writer: threading.Thread | None = None
        self._connection: Connection | None = None  # the writer thread's alone

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def insert(self, row: Insert) -> None:
        """`row` inserted and committed; raises what the insert (or the commit) raised."""
        done: Future[None] = Future()
        with self._changed:
            self._queued.append((row, done))
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_forever, name="grouped-writes", daemon=True
                )
                self._writer.start()
            self._changed.notify()
        done.result()

    def _write_forever(self) -> None:
        while True:
            batch = self._next_batch()
            if batch:
                self._commit(batch)
            else:
                self._let_go_of_connection()

    def _next_batch(self) -> list[tuple[Insert, Future[None]]]:
        """What was queued; empty once the kept connection has been idle long enough."""
        with self._changed:
            if self._connection is None:
                while not self._queued:
                    self._changed.wait()
            elif not self._queued:
                self._changed.wait(self._keep_idle_connection)
            batch, self._queued = self._queued, []
        return batch

    def _commit(self, batch: list[tuple[Insert, Future[None]]]) -> None:
        by_statement: dict[int, list[tuple[Insert, Future[None]]]] = {}
        for queued in batch:
            by_statement.setdefault(id(queued[0].statement), []).append(queued)
        for same_statement in by_statement.values():
            self._commit_together(same_statement)

    def _commit_together(self, batch: list[tuple[Insert, Future[None]]]) -> None:
        """Rows of one statement: committed all together or not at all."""
        try:
            self._apply([row for row, _done in batch])
        except Exception as error:
            if len(batch) > 1 and not isinstance(error, OperationalError):
                # One row refused: each alone, so a bad row fails only its own caller. What
                # the batch did was rolled back.
                for queued in batch:
                    self._commit_together([queued])
            else:
                # The database itself failed (unreachable, locked): every caller hears so
                # now, instead of after one more try each.
                for _row, done in batch:
                    done.set_exception(error)
            return
        except BaseException as error:  # the process is ending: nobody may wait forever
            for _row, done in batch:
                done.set_exception(error)
            raise
        for _row, done in batch:
            done.set_result(None)

    def _apply(self, rows: list[Insert]) -> None:
        try:
            self._apply_once(rows)
            return
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
        # The kept connection had died (a database restart, an idle timeout): what the pool's
        # ping would have caught before lending it. Once more, on a new one.
        self._let_go_of_connection()
        self._apply_once(rows)

    def _apply_once(self, rows: list[Insert]) -> None:
        """Rows of one statement in one execution, in one transaction."""
        connection = self._kept_connection()
        statement, values = rows[0].statement, [row.values for row in rows]
        if self._one_execution_is_one_transaction:
            connection.execute(statement, values)
            return
        with connection.begin():
            connection.execute(statement, values)

    @property
    def _one_execution_is_one_transaction(self) -> bool:
        # psycopg sends one execution's rows in one pipeline ended by a single Sync, and
        # PostgreSQL runs what comes before a Sync as one implicit transaction: all its rows
        # or none. In autocommit that is one round trip where BEGIN, INSERT, COMMIT were
        # three, each a wait for the interpreter back under a burst (0.38 ms of CPU a row
        # before, 0.16 after, alone). SQLite's driver commits each row of an executemany
        # on its own in autocommit, so there the transaction stays.
        return self.dialect == "postgresql"

    def _kept_connection(self) -> Connection:
        if self._connection is None:
            connection = self._engine.connect()
            if self._one_execution_is_one_transaction:
                connection.execution_options(isolation_level="AUTOCOMMIT")
            self._connection = connection
        return self._connection

    def _let_go_of_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # a broken one is discarded by the pool
                connection.close()
