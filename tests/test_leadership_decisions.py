"""Flow 3: the portfolio review agenda and leadership's decision on each Sev 2."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import EventKind, Level, Severity, State
from bot.models import TimelineEvent
from tests.flows import open_escalation, root_ts, the_escalation, wait_for_receipt, wait_for_view
from tests.harness import BotHarness

NEW_YORK = ZoneInfo("America/New_York")
THURSDAY_1300 = datetime(2026, 11, 26, 13, 0, tzinfo=NEW_YORK)  # an hour before the call


def sev2_opened(harness: BotHarness) -> BotHarness:
    wait_for_receipt(harness, open_escalation(harness, "sev2"))
    return harness


def agenda(harness: BotHarness):  # type: ignore[no-untyped-def]
    harness.tick_at(THURSDAY_1300)
    return next(
        m
        for m in harness.standin.messages(harness.world.leadership_channel)
        if m.text.startswith("Y/R/Blocked")
    )


def decide(harness: BotHarness, action_id: str, user: str) -> None:
    message = agenda(harness)
    harness.click(
        action_id, "1", user=user, channel=harness.world.leadership_channel, message_ts=message.ts
    )


def test_the_agenda_lists_open_escalations_with_decision_buttons_for_sev2(
    harness: BotHarness,
) -> None:
    message = agenda(sev2_opened(harness))
    text = json.dumps(message.blocks, ensure_ascii=False)
    assert "ESC-1" in text and "Sev 2" in text and "Last update" in text
    assert '"decide_promote"' in text and '"decide_remain"' in text
    harness.tick_at(THURSDAY_1300 + timedelta(minutes=30))
    assert (
        len(
            [
                m
                for m in harness.standin.messages(harness.world.leadership_channel)
                if m.text.startswith("Y/R/Blocked")
            ]
        )
        == 1
    )


def test_only_leadership_can_decide_and_the_others_are_told_who_can(harness: BotHarness) -> None:
    sev2_opened(harness)
    decide(harness, "decide_promote", harness.world.pm)
    [(_channel, user, text, _blocks)] = harness.standin.ephemerals
    assert user == harness.world.pm
    assert text.startswith("Only PS leadership can escalate a Sev 2 to Sev 1")
    assert f"<@{harness.world.leader}>" in text and f"<@{harness.world.director}>" in text
    assert the_escalation(harness).severity is Severity.SEV2


def test_leadership_escalates_a_sev2_to_sev1_and_phase1_starts_again(harness: BotHarness) -> None:
    standin, world = sev2_opened(harness).standin, harness.world
    before = len(standin.opened_views())
    decide(harness, "decide_promote", world.leader)
    modal = wait_for_view(harness, before)
    harness.clock.set(THURSDAY_1300 + timedelta(minutes=5))
    answer = harness.submit_view(
        modal,
        {
            "level": {"level": {"type": "static_select", "selected_option": {"value": "critical"}}},
            "note": {"note": {"type": "plain_text_input", "value": "Customer CIO called the CEO"}},
        },
        user=world.leader,
    )
    assert answer.status == 200 and answer.body in ("", "{}")
    escalation = the_escalation(harness)
    assert escalation.severity is Severity.SEV1 and escalation.level is Level.CRITICAL
    assert escalation.state is State.OPEN
    assert escalation.phase1_due_at == THURSDAY_1300 + timedelta(minutes=5, hours=24)
    assert next(e.kind for e in escalation.timeline) is EventKind.OPENED  # history kept
    assert EventKind.PROMOTED in [e.kind for e in escalation.timeline]
    replies = standin.replies(world.leadership_channel, root_ts(harness))
    assert any("escalated ESC-1 to *Sev 1 Critical*" in r.text for r in replies)
    assert any(
        r.text.startswith("ESC-1 checklist") and "Phase 1 checklist" in json.dumps(r.blocks)
        for r in replies
    )
    [root] = standin.messages(world.leadership_channel)[:1]
    assert "Sev 1 Critical" in json.dumps(root.blocks, ensure_ascii=False)
    assert any("You are the DRI" in m.text and "Sev 1" in m.text for m in standin.dms_to(world.pm))


def test_remain_in_monitoring_is_recorded(harness: BotHarness) -> None:
    sev2_opened(harness)
    decide(harness, "decide_remain", harness.world.director)
    with harness.services.sessions() as session:
        kinds = [e.kind for e in session.query(TimelineEvent)]
    assert EventKind.KEPT_IN_SEV2 in kinds
    assert the_escalation(harness).severity is Severity.SEV2


def test_the_dri_can_ask_leadership_to_escalate_their_sev2(harness: BotHarness) -> None:
    from tests.flows import click_prompt

    standin, world = sev2_opened(harness).standin, harness.world
    next_monday_10 = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    harness.tick_at(next_monday_10)
    weekly = next(m for m in standin.dms_to(world.pm) if m.text.startswith("Weekly Sev 2"))
    click_prompt(harness, "prompt_request_sev1", weekly, world.pm)
    request = standin.replies(world.leadership_channel, root_ts(harness))[-1]
    assert "asks to escalate" in json.dumps(request.blocks)
    assert f"<@{world.leader}>" in json.dumps(request.blocks)
    assert '"decide_promote"' in json.dumps(request.blocks)
    assert "I asked leadership to decide" in standin.dms_to(world.pm)[-1].text


def test_leadership_can_downgrade_a_sev1_to_sev2(harness: BotHarness) -> None:
    wait_for_receipt(harness, open_escalation(harness))
    world = harness.world
    before = len(harness.standin.opened_views())
    harness.interact(
        {
            "type": "block_actions",
            "user": {"id": world.leader, "name": "l", "team_id": "T0001"},
            "trigger_id": harness.standin.new_trigger_id(),
            "channel": {"id": world.leadership_channel},
            "actions": [
                {
                    "action_id": "esc_more",
                    "block_id": "esc_actions:1",
                    "type": "overflow",
                    "selected_option": {"value": "downgrade:1"},
                    "action_ts": "1",
                }
            ],
        }
    )
    modal = wait_for_view(harness, before)
    answer = harness.submit_view(
        modal,
        {
            "reason": {
                "reason": {
                    "type": "plain_text_input",
                    "value": "Customer calmed down after the fix",
                }
            }
        },
        user=world.leader,
    )
    assert answer.json is None
    escalation = the_escalation(harness)
    assert escalation.severity is Severity.SEV2 and escalation.level is None
    [root] = harness.standin.messages(world.leadership_channel)
    assert "ESC-1 · Sev 2 · Acme Corp" in json.dumps(root.blocks, ensure_ascii=False)
