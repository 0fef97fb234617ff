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
from bot.escalations import service
from bot.escalations.review import open_guidance
from tests.every_builder import NOW, an_escalation
from tests.flows import (
    click_prompt,
    open_escalation,
    post_update,
    root_ts,
    the_escalation,
    wait_for_receipt,
    wait_for_view,
)
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


def test_leadership_guidance_is_an_action_with_owner_and_due_that_is_tracked_and_nudged(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    clock.set(local(0, 9, 0))
    harness = make_harness()
    standin, world = harness.standin, harness.world
    wait_for_receipt(harness, open_escalation(harness, "sev2"))
    walk(harness, local(3, 10, 0))  # Thursday: the agenda is posted an hour before the call
    agenda = next(
        m for m in standin.messages(world.leadership_channel) if m.text.startswith("Y/R/Blocked")
    )
    assert '"review_record_guidance"' in json.dumps(agenda.blocks)
    before = len(standin.opened_views())
    harness.click(
        "review_record_guidance",
        "1",
        user=world.leader,
        channel=world.leadership_channel,
        message_ts=agenda.ts,
    )
    view = wait_for_view(harness, before)
    values = {
        "text": {
            "text": {"type": "plain_text_input", "value": "Re-baseline with the vendor " + HOSTILE}
        },
        "owner": {"owner": {"type": "users_select", "selected_user": world.pm}},
        "due_on": {"due_on": {"type": "datepicker", "selected_date": "2026-11-27"}},
    }
    refused = harness.submit_view(view, values, user=world.pm)
    assert "Only PS leadership" in refused.json["errors"]["text"]
    assert harness.submit_view(view, values, user=world.leader).status == 200
    harness.deliver()
    note = standin.replies(world.leadership_channel, root_ts(harness))[-1]
    assert note.text.startswith(":compass: Leadership guidance on ESC-1")
    assert "<!channel>" not in note.text
    [dm] = [m for m in standin.dms_to(world.pm) if "Leadership guidance" in m.text]
    log = Transcript(harness)
    walk(harness, local(7, 10, 0), transcript=log)
    # Due Friday, still open the next business morning (Monday 09:00 in the owner's zone):
    # its owner is nudged once, nobody else.
    nudges = [line[:90] for line in log.lines if "Overdue:" in line]
    assert nudges == [
        "Mon2 09:00 DM to DRI: Overdue: :compass: Leadership guidance on ESC-1 from <@ULEAD001>: Re"
    ]
    # Tracked: the next agenda lists it under its escalation, overdue.
    with harness.services.sessions() as session:
        listed = service.open_escalations(session)
        guidance = open_guidance(session, [e.id for e in listed])
        [(_, blocks)] = agenda_messages(listed, harness.clock.now(), harness.clock.now(), guidance)
    shown = json.dumps([b.to_dict() for b in blocks])
    assert "Re-baseline with the vendor" in shown and "overdue" in shown
    click_prompt(harness, "review_guidance_done", dm, world.pm)
    harness.deliver()
    done = standin.replies(world.leadership_channel, root_ts(harness))[-1]
    assert done.text.startswith(":white_check_mark: <@UPM00001> completed leadership guidance")
    with harness.services.sessions() as session:
        assert open_guidance(session, [1]) == {}
