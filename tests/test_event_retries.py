"""Slack resends an event it thinks we missed; the DRI's reply still counts once."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from bot.domain import UpdateSource
from bot.models import SlackEvent, Update
from tests.flows import open_escalation, root_ts, wait_for_receipt
from tests.harness import BotHarness, HttpAnswer, sign

REPLY = "Patch deployed, monitoring overnight"


def opened(harness: BotHarness) -> BotHarness:
    wait_for_receipt(harness, open_escalation(harness))
    return harness


def dri_reply(harness: BotHarness, text: str = REPLY) -> dict[str, Any]:
    """The DRI types a reply in the escalation thread; returns the `message` event for it."""
    channel, thread = harness.world.leadership_channel, root_ts(harness)
    ts = harness.standin.post_user_message(channel, harness.world.pm, text, thread_ts=thread)
    return {
        "type": "message",
        "channel": channel,
        "user": harness.world.pm,
        "text": text,
        "ts": ts,
        "thread_ts": thread,
        "channel_type": "channel",
    }


def deliver(
    harness: BotHarness,
    event: dict[str, Any],
    event_id: str,
    *,
    retry: int | None = None,
    drain: bool = True,
) -> HttpAnswer:
    """POST the event as Slack does; a retry carries Slack's retry headers."""
    body = json.dumps(
        {
            "token": "legacy",
            "team_id": "T0001",
            "api_app_id": "A0001",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1764000000,
            "event": event,
        }
    )
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": sign(body, timestamp),
    }
    if retry is not None:
        headers["X-Slack-Retry-Num"] = str(retry)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    answer = harness.http("POST", "/slack/events", body, headers)
    if drain:
        harness.listeners.drain()
    return answer


def updates(harness: BotHarness) -> list[Update]:
    with harness.services.sessions() as session:
        return list(session.query(Update).order_by(Update.id))


def cross_posts(harness: BotHarness, text: str = REPLY) -> int:
    """Copies of the reply in the internal channel: a thread reply is activity, never re-posted."""
    return sum(text in m.text for m in harness.standin.messages(harness.world.internal_channel))


def test_slack_delivering_the_dri_reply_three_times_stores_one_reply_and_reposts_nothing(
    harness: BotHarness,
) -> None:
    event = dri_reply(opened(harness))
    answers = [deliver(harness, event, "Ev0RETRY01", retry=n) for n in (None, 1, 2)]
    assert [a.status for a in answers] == [200, 200, 200]
    [update] = updates(harness)
    assert update.source is UpdateSource.THREAD and update.summary == REPLY
    assert cross_posts(harness) == 0


def test_a_second_event_for_the_same_message_is_not_a_second_update(
    harness: BotHarness,
) -> None:
    event = dri_reply(opened(harness))
    deliver(harness, event, "Ev0FIRST01")
    deliver(harness, event, "Ev0OTHER02")
    assert len(updates(harness)) == 1
    assert cross_posts(harness) == 0
    with harness.services.sessions() as session:
        handled = {row.event_id for row in session.query(SlackEvent)}
    assert {"Ev0FIRST01", "Ev0OTHER02"} <= handled


def test_deliveries_arriving_together_still_make_one_update(harness: BotHarness) -> None:
    event = dri_reply(opened(harness))
    start = threading.Barrier(3)
    answers: list[HttpAnswer] = []

    def send(retry: int | None) -> None:
        start.wait()
        answers.append(deliver(harness, event, "Ev0RACE001", retry=retry, drain=False))

    threads = [threading.Thread(target=send, args=(n,)) for n in (None, 1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    harness.listeners.drain()
    assert [a.status for a in answers] == [200, 200, 200]
    assert len(updates(harness)) == 1
    assert cross_posts(harness) == 0


def test_a_retry_whose_first_delivery_never_arrived_is_handled(harness: BotHarness) -> None:
    event = dri_reply(opened(harness))
    assert deliver(harness, event, "Ev0LOST001", retry=1).status == 200
    [update] = updates(harness)
    assert update.author == harness.world.pm
    assert cross_posts(harness) == 0


def test_two_different_replies_are_two_updates(harness: BotHarness) -> None:
    opened(harness)
    deliver(harness, dri_reply(harness, "First: rollback done"), "Ev0TWO0001")
    deliver(harness, dri_reply(harness, "Second: customer confirmed"), "Ev0TWO0002")
    assert [u.summary for u in updates(harness)] == [
        "First: rollback done",
        "Second: customer confirmed",
    ]
