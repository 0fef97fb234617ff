"""The delivery workers stay out of the way of requests waiting for their ack."""

from __future__ import annotations

import dataclasses
import threading
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
