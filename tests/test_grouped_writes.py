"""Writes made before an ack are committed together, each caller answered after the commit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.db import make_session_factory
from bot.delivery import ledger
from bot.grouped_writes import GroupedWrites
from bot.models import Delivery
from tests.factories import open_form
from tests.flows import open_modal
from tests.harness import BotHarness

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
WAIT = 10.0


def a_row(number: int) -> Callable[[Session], bool]:
    return lambda session: ledger.schedule(
        session, subject=f"note:{number}", kind="test_note", slot="1", due_at=NOW
    )


def saved_subjects(engine: Engine) -> set[str]:
    with make_session_factory(engine)() as session:
        return set(session.scalars(select(Delivery.subject)))


class HeldWriter:
    """Holds the writer in its first change, so the callers queued meanwhile form a batch."""

    def __init__(self, writes: GroupedWrites, pool: ThreadPoolExecutor) -> None:
        self.inside, self.release = threading.Event(), threading.Event()

        def held(session: Session) -> bool:
            self.inside.set()
            assert self.release.wait(WAIT)
            return a_row(0)(session)

        self.first = pool.submit(writes.write, held)
        assert self.inside.wait(WAIT), "the writer never started"


def queued(
    writes: GroupedWrites, pool: ThreadPoolExecutor, changes: list[Callable[[Session], object]]
) -> list[Future[object]]:
    """The callers' futures, once every one of them waits in the writer's queue."""
    futures = [pool.submit(writes.write, change) for change in changes]
    deadline = time.monotonic() + WAIT
    while len(writes._queued) < len(changes):
        assert time.monotonic() < deadline, "the callers never queued"
        time.sleep(0.001)
    return futures


def test_writes_queued_together_are_committed_once_and_each_caller_answered(
    engine: Engine,
) -> None:
    writes = GroupedWrites(make_session_factory(engine))
    commits: list[int] = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))
    with ThreadPoolExecutor(8) as pool:
        held = HeldWriter(writes, pool)
        futures = queued(writes, pool, [a_row(n) for n in range(1, 6)])
        held.release.set()
        assert held.first.result(WAIT) is True
        assert [f.result(WAIT) for f in futures] == [True] * 5
    assert saved_subjects(engine) == {f"note:{n}" for n in range(6)}
    assert len(commits) == 2  # the held write alone, then the five queued behind it


def test_a_change_that_fails_fails_only_its_own_caller(engine: Engine) -> None:
    writes = GroupedWrites(make_session_factory(engine))

    def refused(session: Session) -> None:
        a_row(2)(session)
        raise ValueError("refused")

    with ThreadPoolExecutor(8) as pool:
        held = HeldWriter(writes, pool)
        futures = queued(writes, pool, [a_row(1), refused, a_row(3)])
        held.release.set()
        assert futures[0].result(WAIT) is True and futures[2].result(WAIT) is True
        with pytest.raises(ValueError, match="refused"):
            futures[1].result(WAIT)
    # The refused change's row was rolled back with it; the others are saved.
    assert saved_subjects(engine) == {"note:0", "note:1", "note:3"}


def test_when_the_database_fails_every_caller_of_the_batch_hears_it_once(engine: Engine) -> None:
    writes = GroupedWrites(make_session_factory(engine))
    tries: list[int] = []

    def database_down(number: int) -> Callable[[Session], None]:
        def change(_session: Session) -> None:
            tries.append(number)
            raise OperationalError("INSERT", {}, Exception("database is locked"))

        return change

    with ThreadPoolExecutor(8) as pool:
        held = HeldWriter(writes, pool)
        futures = queued(writes, pool, [database_down(1), database_down(2)])
        held.release.set()
        assert held.first.result(WAIT) is True
        for future in futures:
            with pytest.raises(OperationalError):
                future.result(WAIT)
    assert tries == [1]  # the first failure answered both; nobody tried again
    assert saved_subjects(engine) == {"note:0"}


def test_alone_a_write_is_committed_at_once(engine: Engine) -> None:
    writes = GroupedWrites(make_session_factory(engine))
    assert writes.write(a_row(1)) is True
    assert writes.write(a_row(1)) is False  # already recorded: the change's own answer
    assert saved_subjects(engine) == {"note:1"}


def test_a_form_the_database_refuses_stays_in_the_modal_with_plain_words(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def database_down(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    view, _ = open_modal(harness)
    monkeypatch.setattr("bot.escalations.intake.keep_open_form", database_down)
    answer = harness.submit_view(view, open_form(harness.world))
    assert answer.status == 200
    assert answer.json["response_action"] == "errors"
    assert "Everything you typed is still here" in answer.json["errors"]["summary"]
    with harness.services.sessions() as session:
        assert session.scalars(select(Delivery)).all() == []
