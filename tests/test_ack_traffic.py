"""Delivery gives way to Slack requests waiting for their ack, but never stops for good."""

from __future__ import annotations

import threading

from bot.delivery.traffic import AckTraffic


def _give_way_in_thread(traffic: AckTraffic) -> tuple[threading.Thread, list[float]]:
    waited: list[float] = []
    thread = threading.Thread(target=lambda: waited.append(traffic.give_way()))
    thread.start()
    return thread, waited


def test_with_no_request_waiting_delivery_goes_at_once() -> None:
    traffic = AckTraffic(lull=0.0, longest_yield=30.0)
    assert traffic.give_way() < 5.0


def test_delivery_waits_while_a_request_waits_for_its_ack_and_goes_when_it_is_answered() -> None:
    traffic = AckTraffic(lull=0.0, longest_yield=30.0)
    arrived, answered = threading.Event(), threading.Event()

    def request() -> None:
        with traffic.request():
            arrived.set()
            answered.wait(10)

    serving = threading.Thread(target=request)
    serving.start()
    try:
        assert arrived.wait(5)
        delivery, waited = _give_way_in_thread(traffic)
        delivery.join(timeout=0.3)
        assert delivery.is_alive()  # held back while the ack is pending
    finally:
        answered.set()
        serving.join(5)
    delivery.join(timeout=5)
    assert not delivery.is_alive() and waited and waited[0] < 30.0


def test_under_sustained_requests_delivery_still_moves_after_its_longest_yield() -> None:
    traffic = AckTraffic(lull=0.0, longest_yield=0.2)
    with traffic.request():  # a request that never ends, as under a steady stream
        delivery, waited = _give_way_in_thread(traffic)
        delivery.join(timeout=5)
        assert not delivery.is_alive()
    assert 0.2 <= waited[0] < 5.0


def test_a_shorter_yield_can_be_asked_for_and_lull_zero_goes_as_soon_as_none_wait() -> None:
    traffic = AckTraffic(lull=30.0, longest_yield=30.0)
    with traffic.request():
        pass  # just answered: the traffic's own lull would hold delivery for 30 s
    assert traffic.give_way(5.0, lull=0.0) < 5.0
    with traffic.request():  # still waiting for its ack
        thread = threading.Thread(target=lambda: waited.append(traffic.give_way(0.2, lull=0.0)))
        waited: list[float] = []
        thread.start()
        thread.join(timeout=5)
        assert not thread.is_alive()
    assert 0.2 <= waited[0] < 5.0
