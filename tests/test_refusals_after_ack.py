"""A use case refusing after the listener acked: the person is told, and Slack got its 200.

bolt-python resets an acked response when the listener then raises, and Slack would get a
404 three seconds later (an error shown on top of our words); bot/slack/app.py keeps it.
"""

from __future__ import annotations

from tests.flows import open_escalation, root_ts, wait_for_receipt
from tests.harness import BotHarness


def test_a_refused_click_is_answered_200_and_explained(harness: BotHarness) -> None:
    wait_for_receipt(harness, open_escalation(harness))
    world = harness.world
    for _ in range(3):  # the lost ack depended on timing: a refusal within 10 ms of it
        answer = harness.click(
            "esc_resolve",
            "1",
            user=world.ae,
            channel=world.leadership_channel,
            message_ts=root_ts(harness),
        )
        assert answer.status == 200
    told = [
        text for _channel, user, text, _blocks in harness.standin.ephemerals if user == world.ae
    ]
    assert len(told) == 3 and all(text.startswith("Only the DRI") for text in told)
