"""Rows inserted before an ack are committed together, each caller answered after the commit."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.db import make_session_factory
from bot.delivery import ledger
from bot.grouped_writes import GroupedWrites, Insert
from bot.models import Delivery
from tests.factories import open_form
from tests.flows import open_modal
from tests.harness import BotHarness

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
WAIT = 10.0


def a_row(writes: GroupedWrites, number: int) -> Insert:
    return ledger.schedule_later(
        writes.dialect,
        subject=f"note:{number}",
        kind="test_note",
        slot="1",
        due_at=NOW,
        payload={"number": number},
    )


def a_row_the_database_refuses(writes: GroupedWrites, number: int) -> Insert:
    row = a_row(writes, number)
    return Insert(row.statement, {**row.values, "status": None})  # NOT NULL


def saved_subjects(engine: Engine) -> set[str]:
    with make_session_factory(engine)() as session:
        return set(session.scalars(select(Delivery.subject)))


class HeldWriter:
    """Holds the writer inside its first insert, so the rows queued meanwhile form a batch."""

    def __init__(self, engine: Engine, writes: GroupedWrites, pool: ThreadPoolExecutor) -> None:
        self.inside, self.release = threading.Event(), threading.Event()
        self.statements: list[tuple[str, int]] = []  # (statement, rows) the writer executed
        held = [False]

        def hold(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if not statement.lstrip().upper().startswith("INSERT"):
                return
            rows = len(parameters) if isinstance(parameters, list) else 1
            self.statements.append((statement, rows))
            if not held[0]:
                held[0] = True
                self.inside.set()
                assert self.release.wait(WAIT)

        event.listen(engine, "before_cursor_execute", hold)
        self.first = pool.submit(writes.insert, a_row(writes, 0))
        assert self.inside.wait(WAIT), "the writer never started"


def queued(
    writes: GroupedWrites, pool: ThreadPoolExecutor, rows: list[Insert]
) -> list[Future[None]]:
    """The callers' futures, once every one of them waits in the writer's queue."""
    futures = [pool.submit(writes.insert, row) for row in rows]
    deadline = time.monotonic() + WAIT
    while len(writes._queued) < len(rows):
        assert time.monotonic() < deadline, "the callers never queued"
        time.sleep(0.001)
    return futures


def test_rows_queued_together_are_inserted_at_once_committed_once_and_each_caller_answered(
    engine: Engine,
) -> None:
    writes = GroupedWrites(engine)
    commits: list[int] = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))
    with ThreadPoolExecutor(8) as pool:
        held = HeldWriter(engine, writes, pool)
        futures = queued(writes, pool, [a_row(writes, n) for n in range(1, 6)])
        held.release.set()
        held.first.result(WAIT)
        for future in futures:
            future.result(WAIT)
    assert saved_subjects(engine) == {f"note:{n}" for n in range(6)}
    # The held row alone, then the five queued behind it: one execution each, and on SQLite
    # one commit each. On PostgreSQL each execution is its own (implicit) transaction.
    assert [rows for _statement, rows in held.statements] == [1, 5]
    assert len(commits) == (0 if engine.dialect.name == "postgresql" else 2)


def test_a_row_the_database_refuses_fails_only_its_own_caller(engine: Engine) -> None:
    writes = GroupedWrites(engine)
    with ThreadPoolExecutor(8) as pool:
        held = HeldWriter(engine, writes, pool)
        futures = queued(
            writes,
            pool,
            [a_row(writes, 1), a_row_the_database_refuses(writes, 2), a_row(writes, 3)],
        )
        held.release.set()
        futures[0].result(WAIT)
        futures[2].result(WAIT)
        with pytest.raises(IntegrityError):
            futures[1].result(WAIT)
    assert saved_subjects(engine) == {"note:0", "note:1", "note:3"}


def test_a_refused_row_leaves_nothing_of_its_batch_half_committed(engine: Engine) -> None:
    """Rows retried alone after a refusal must not be there already: a plain INSERT (no ON
    CONFLICT) of a row the failed batch had committed would now fail its caller."""
    writes = GroupedWrites(engine)
    plainly = insert(Delivery.__table__)

    def plain(row: Insert) -> Insert:
        return Insert(plainly, row.values)

    with ThreadPoolExecutor(8) as pool:
        held = HeldWriter(engine, writes, pool)
        futures = queued(
            writes,
            pool,
            [
                plain(a_row(writes, 1)),
                plain(a_row(writes, 2)),
                plain(a_row_the_database_refuses(writes, 3)),
                plain(a_row(writes, 4)),
            ],
        )
        held.release.set()
        for good in (futures[0], futures[1], futures[3]):
            good.result(WAIT)
        with pytest.raises(IntegrityError):
            futures[2].result(WAIT)
    assert [rows for _statement, rows in held.statements][:2] == [1, 4]
    assert saved_subjects(engine) == {"note:0", "note:1", "note:2", "note:4"}


def test_when_the_database_fails_every_caller_of_the_batch_hears_it_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes = GroupedWrites(engine)
    with ThreadPoolExecutor(8) as pool:
        held = HeldWriter(engine, writes, pool)
        futures = queued(writes, pool, [a_row(writes, 1), a_row(writes, 2)])
        tries: list[int] = []

        def database_down(_rows: list[Insert]) -> None:
            tries.append(1)
            raise OperationalError("INSERT", {}, Exception("database is locked"))

        monkeypatch.setattr(writes, "_apply", database_down)
        held.release.set()
        held.first.result(WAIT)
        for future in futures:
            with pytest.raises(OperationalError):
                future.result(WAIT)
    assert tries == [1]  # the first failure answered both; nobody tried again
    assert saved_subjects(engine) == {"note:0"}


def test_alone_a_row_is_committed_at_once_and_a_row_already_there_stays_as_it_was(
    engine: Engine,
) -> None:
    writes = GroupedWrites(engine)
    writes.insert(a_row(writes, 1))
    again = a_row(writes, 1)
    writes.insert(Insert(again.statement, {**again.values, "payload": {"number": 2}}))
    with make_session_factory(engine)() as session:
        [row] = session.scalars(select(Delivery)).all()
        assert row.subject == "note:1" and row.payload == {"number": 1}


def test_the_writer_keeps_one_connection_instead_of_borrowing_one_per_commit(
    engine: Engine,
) -> None:
    writes = GroupedWrites(engine)
    borrowed: list[int] = []
    event.listen(engine, "checkout", lambda *_args: borrowed.append(1))
    for number in range(1, 4):
        writes.insert(a_row(writes, number))
    assert saved_subjects(engine) == {"note:1", "note:2", "note:3"}
    assert len(borrowed) == 2  # the writer's own, and the one saved_subjects just read with


def test_a_kept_connection_that_died_is_replaced_and_the_row_still_saved(engine: Engine) -> None:
    writes = GroupedWrites(engine)
    writes.insert(a_row(writes, 1))
    kept = writes._connection
    assert kept is not None
    # What a database restart or an idle timeout leaves: the driver's connection gone.
    kept.connection.dbapi_connection.close()  # type: ignore[union-attr]
    writes.insert(a_row(writes, 2))
    assert writes._connection is not kept
    assert saved_subjects(engine) == {"note:1", "note:2"}


def test_a_form_the_database_refuses_stays_in_the_modal_with_plain_words(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def database_down(_rows: list[Insert]) -> None:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    view, _ = open_modal(harness)
    monkeypatch.setattr(harness.services.grouped_writes, "_apply", database_down)
    answer = harness.submit_view(view, open_form(harness.world))
    assert answer.status == 200
    assert answer.json["response_action"] == "errors"
    assert "Everything you typed is still here" in answer.json["errors"]["summary"]
    with harness.services.sessions() as session:
        assert session.scalars(select(Delivery)).all() == []


def test_an_idle_writer_gives_its_connection_back_to_the_pool(engine: Engine) -> None:
    writes = GroupedWrites(engine, keep_idle_connection=0.05)
    given_back = threading.Event()
    event.listen(engine, "checkin", lambda *_args: given_back.set())
    writes.insert(a_row(writes, 1))
    assert given_back.wait(WAIT), "the idle writer kept its connection"
    assert writes._connection is None
    writes.insert(a_row(writes, 2))  # and takes one again when a row comes
    assert saved_subjects(engine) == {"note:1", "note:2"}
