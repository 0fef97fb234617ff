"""The delivery workers stay out of the way of requests waiting for their ack, and the
planner out of the workers' way."""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.delivery import ledger
from bot.delivery.runner import Job, KindPolicy, Outcome
from bot.delivery.traffic import AckTraffic
from bot.delivery.workers import DeliveryWorkers
from bot.runtime import Services
from tests.harness import BotHarness

KIND = "test_note"
WAIT = 10.0


class HeldTraffic(AckTraffic):
    """Traffic that holds whoever gives way until the test lets them go."""

    def __init__(self) -> None:
        super().__init__()
        self.giving_way = threading.Event()
        self.released = threading.Event()

    def give_way(self, at_most: float | None = None, *, lull: float | None = None) -> float:
        self.giving_way.set()
        self.released.wait(WAIT)
        return 0.0


def test_the_dispatcher_gives_way_to_waiting_acks_before_asking_the_ledger(
    harness: BotHarness, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger_asked = threading.Event()
    real_due = ledger.due

    def due(*args: Any, **kwargs: Any) -> Any:
        ledger_asked.set()
        return real_due(*args, **kwargs)

    monkeypatch.setattr(ledger, "due", due)
    delivered: list[int] = []
    done = threading.Event()

    def handler(_services: Services, job: Job) -> Outcome:
        delivered.append(job.id)
        done.set()
        return Outcome()

    traffic = HeldTraffic()
    services = dataclasses.replace(harness.services, traffic=traffic)
    with services.sessions.begin() as session:
        ledger.schedule(session, subject="note:1", kind=KIND, slot="1", due_at=clock.now())
    workers = DeliveryWorkers(services, {KIND: KindPolicy(handler)}, threads=1).start()
    try:
        assert traffic.giving_way.wait(WAIT), "the dispatcher never gave way"
        assert not ledger_asked.is_set(), "the ledger was asked while acks were waiting"
        traffic.released.set()
        assert done.wait(WAIT), "the due row was not delivered once the acks were answered"
        assert ledger_asked.is_set()
        assert len(delivered) == 1
    finally:
        traffic.released.set()
        workers.stop()


def test_the_planner_is_held_until_the_workers_are_about_to_run_out_of_due_rows(
    harness: BotHarness, clock: ManualClock
) -> None:
    entered = threading.Semaphore(0)
    release = threading.Semaphore(0)

    def handler(_services: Services, job: Job) -> Outcome:
        entered.release()
        release.acquire(timeout=WAIT)
        return Outcome()

    services = harness.services
    with services.sessions.begin() as session:
        for number in range(5):
            ledger.schedule(
                session, subject=f"note:{number}", kind=KIND, slot="1", due_at=clock.now()
            )
    workers = DeliveryWorkers(services, {KIND: KindPolicy(handler)}, threads=1).start()
    try:
        workers.wake()
        assert entered.acquire(timeout=WAIT), "the first row never reached its worker"
        # One row in the worker, four waiting for it: the planner waits its whole bound.
        started = time.monotonic()
        workers.wait_for_appetite(0.05)
        assert time.monotonic() - started >= 0.05
        for _ in range(3):
            release.release()
            assert entered.acquire(timeout=WAIT)
        # The fourth row is in the worker and one is left: time to plan more, at once.
        started = time.monotonic()
        workers.wait_for_appetite(WAIT)
        assert time.monotonic() - started < WAIT / 2
    finally:
        for _ in range(5):
            release.release()
        workers.stop()
