"""The Y/R review loop (SPEC flow 3): DRIs reminded the day before the call; a Sev 2 turning
Yellow or Green asks leadership whether it leaves the list; the agenda lists every open
escalation, continued over as many messages as it needs, never cut at Slack's 50-block limit."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from blocks.portfolio import agenda_messages
from blocks.review import LEAVE_REVIEW_LIST as LEAVE
from bot.clock import ManualClock
from bot.domain import Severity
from tests.every_builder import NOW, an_escalation
from tests.flows import open_escalation, post_update, root_ts, the_escalation, wait_for_receipt
from tests.harness import BotHarness
from tests.walking import Transcript, local, walk

HOSTILE = "<!channel> Acme <@U123> " + "z" * 5000


def test_an_agenda_of_130_escalations_is_continued_over_several_messages_with_every_one() -> None:
    escalations = [
        an_escalation(
            HOSTILE,
            "https://psa.example.com/1",
            id=n,
            severity=Severity.SEV2 if n % 2 else Severity.SEV1,
        )
        for n in range(1, 131)
    ]
    messages = agenda_messages(escalations, NOW, NOW)
    assert len(messages) >= 3
    shown = ""
    for number, (text, blocks) in enumerate(messages, start=1):
        payload = [b.to_dict() for b in blocks]
        assert len(payload) <= 50
        assert text == f"Y/R/Blocked portfolio review agenda (part {number} of {len(messages)})"
        shown += json.dumps(payload)
    for n in range(1, 131):
        assert f"*ESC-{n}*" in shown
    # Every Sev 2 keeps its decision row, wherever it lands.
    assert shown.count('"decide_promote"') == 65
    assert "<!channel>" not in shown
    assert "more open escalations" not in shown


def test_a_short_agenda_is_one_message() -> None:
    escalations = [an_escalation("Acme", "https://psa.example.com/1", id=n) for n in range(1, 4)]
    [(text, blocks)] = agenda_messages(escalations, NOW, NOW)
    assert text == "Y/R/Blocked portfolio review agenda"
    assert len(blocks) == 5


def reply_buttons(harness: BotHarness, action_id: str) -> Any:
    """The latest thread reply carrying a button `action_id`."""
    replies = harness.standin.replies(harness.world.leadership_channel, root_ts(harness))
    return next(r for r in reversed(replies) if action_id in json.dumps(r.blocks))


def test_each_dri_is_reminded_the_day_before_the_call_once(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    clock.set(local(0, 9, 0))
    harness = make_harness()
    world = harness.world
    wait_for_receipt(harness, open_escalation(harness, level="high"))
    wait_for_receipt(harness, open_escalation(harness, "sev2", dri=world.csm))
    log = Transcript(harness)
    walk(harness, local(3, 12, 0), transcript=log)
    reminders = [line[:63] for line in log.lines if "Reminder:" in line]
    # The call is Thursday 14:00 in New York (11:00 in Los Angeles): Wednesday, same time.
    assert reminders == [
        "Wed 11:00 DM to CSM: Reminder: the Y/R/Blocked portfolio review",
        "Wed 11:00 DM to DRI: Reminder: the Y/R/Blocked portfolio review",
    ]
    [to_pm] = [m for m in harness.standin.dms_to(world.pm) if m.text.startswith("Reminder:")]
    assert "ESC-1" in json.dumps(to_pm.blocks) and "ESC-2" not in json.dumps(to_pm.blocks)


def test_a_sev2_turning_yellow_asks_leadership_whether_it_leaves_the_list(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    clock.set(local(0, 9, 0))
    harness = make_harness()
    world = harness.world
    wait_for_receipt(harness, open_escalation(harness, "sev2"))
    post_update(harness, "Mitigations landed", health="yellow")
    harness.deliver()
    question = reply_buttons(harness, LEAVE)
    assert "does it leave the review list?" in question.text
    assert f"<@{world.leader}>" in json.dumps(question.blocks)
    # Only leadership decides; the DRI is told who can.
    harness.click(
        LEAVE, "1", user=world.pm, channel=world.leadership_channel, message_ts=question.ts
    )
    assert the_escalation(harness).off_review_list_at is None
    harness.click(
        LEAVE, "1", user=world.leader, channel=world.leadership_channel, message_ts=question.ts
    )
    assert the_escalation(harness).off_review_list_at is not None
    log = Transcript(harness)
    walk(harness, local(3, 12, 0), transcript=log)
    agenda = next(
        m
        for m in harness.standin.messages(world.leadership_channel)
        if m.text.startswith("Y/R/Blocked")
    )
    assert "ESC-1" not in json.dumps(agenda.blocks)
    assert not any("Reminder:" in line for line in log.lines)
    # Red again: back on the list, without asking.
    post_update(harness, "Vendor slipped again", health="red")
    assert the_escalation(harness).off_review_list_at is None
