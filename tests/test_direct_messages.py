"""The Messages tab: whoever writes to the bot directly gets the help, once, and the bot
never answers itself."""

from __future__ import annotations

import time
from typing import Any

from tests.harness import BotHarness


def dm_event(harness: BotHarness, user: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": "D0PM00001",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": f"{time.time():.6f}",
        **extra,
    }


def texts(harness: BotHarness, user: str) -> list[str]:
    return [m.text + " " + str(m.blocks) for m in harness.standin.dms_to(user)]


def test_a_pm_who_writes_to_the_bot_gets_the_help_in_that_conversation(
    harness: BotHarness,
) -> None:
    pm = harness.world.pm
    assert harness.event(dm_event(harness, pm, "hi, how do I escalate Acme?")).status == 200
    [answer] = texts(harness, pm)
    assert "I don't read messages written to me here" in answer
    assert "/escalate sev1 [customer]" in answer and "#ps-project-leadership" in answer


def test_the_same_message_delivered_twice_is_answered_once(harness: BotHarness) -> None:
    pm = harness.world.pm
    event = dm_event(harness, pm, "hello?")
    harness.event(event)
    harness.event(event)  # Slack's retry of the same message, under a new event_id
    assert len(texts(harness, pm)) == 1


def test_the_bots_own_help_never_answers_itself(harness: BotHarness) -> None:
    pm, bot = harness.world.pm, harness.standin.bot_user_id
    harness.event(dm_event(harness, pm, "help"))
    [help_message] = harness.standin.dms_to(pm)
    # What Slack sends back about the bot's own DM: its user, its bot_id.
    harness.event(dm_event(harness, bot, help_message.text, bot_id=harness.standin.bot_id))
    harness.event(dm_event(harness, bot, help_message.text))
    assert len(harness.standin.dms_to(pm)) == 1
    assert harness.standin.dms_to(bot) == []


def test_edits_and_other_message_subtypes_in_the_tab_get_no_answer(harness: BotHarness) -> None:
    pm = harness.world.pm
    harness.event(dm_event(harness, pm, "edited", subtype="message_changed"))
    harness.event(dm_event(harness, pm, "", subtype="message_deleted"))
    assert harness.standin.dms_to(pm) == []


def test_a_reply_in_a_leadership_thread_is_still_taken_as_an_update_not_a_dm(
    harness: BotHarness,
) -> None:
    pm, channel = harness.world.pm, harness.world.leadership_channel
    harness.event(
        {
            "type": "message",
            "channel": channel,
            "channel_type": "channel",
            "user": pm,
            "text": "a reply in some thread",
            "ts": "1700000001.000200",
            "thread_ts": "1700000000.000100",
        }
    )
    assert harness.standin.dms_to(pm) == []
