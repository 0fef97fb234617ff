"""Modals open on their own thread, after the acks waiting then, and refusals still reach
the person."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

import pytest

from bot.delivery.gateway import SlackProblem
from bot.delivery.traffic import AckTraffic
from bot.runtime import Services
from bot.slack import modals


class RecordingGateway:
    def __init__(self, refusal: str | None = None) -> None:
        self.refusal = refusal
        self.opened: list[tuple[str, str]] = []  # (trigger, thread name)
        self.called = threading.Event()

    def open_view(self, trigger_id: str, view: Any) -> dict[str, Any]:
        self.opened.append((trigger_id, threading.current_thread().name))
        self.called.set()
        if self.refusal:
            raise SlackProblem("views.open", self.refusal)
        return {}


@dataclass
class FakeServices:
    gateway: RecordingGateway
    traffic: AckTraffic = field(default_factory=AckTraffic)
    modal_openers: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="modal")
    )


def open_view(services: FakeServices, refusals: list[str]) -> None:
    modals.open_view(cast(Services, services), "T-1", {"type": "modal"}, refusals.append)


def test_the_modal_opens_on_an_opener_thread_not_the_listeners() -> None:
    services = FakeServices(RecordingGateway())
    refusals: list[str] = []
    open_view(services, refusals)
    assert services.gateway.called.wait(5)
    [(trigger, thread)] = services.gateway.opened
    assert trigger == "T-1"
    assert thread.startswith("modal") and thread != threading.current_thread().name
    assert refusals == []


def test_a_refusal_is_told_in_plain_words() -> None:
    services = FakeServices(RecordingGateway(refusal="expired_trigger_id"))
    refusals: list[str] = []
    open_view(services, refusals)
    services.modal_openers.shutdown(wait=True)
    assert refusals == [SlackProblem("views.open", "expired_trigger_id").plain_words]
    assert "run the command again" in refusals[0]


def test_while_a_request_waits_for_its_ack_the_modal_waits_then_opens() -> None:
    services = FakeServices(RecordingGateway())
    answered = threading.Event()
    arrived = threading.Event()

    def request() -> None:
        with services.traffic.request():
            arrived.set()
            answered.wait(10)

    serving = threading.Thread(target=request)
    serving.start()
    assert arrived.wait(5)
    open_view(services, [])
    assert not services.gateway.called.wait(0.2)  # held back while an ack is pending
    answered.set()
    serving.join(5)
    assert services.gateway.called.wait(5)


def test_the_modal_waits_for_acks_only_so_long(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(modals, "GIVE_WAY_AT_MOST", 0.2)
    services = FakeServices(RecordingGateway())
    with services.traffic.request():  # a request that never gets its answer
        open_view(services, [])
        assert services.gateway.called.wait(5)
