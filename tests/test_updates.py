"""Posting updates: where each part goes, and what never reaches the customer."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.domain import Health, UpdateSource
from bot.models import Update
from tests.flows import (
    click_prompt,
    open_escalation,
    post_update,
    reply_in_thread,
    root_ts,
    the_escalation,
    wait_for_receipt,
)
from tests.harness import BotHarness

INTERNAL_NOTE = "CFO is furious; legal reviewing the SOW penalty clause"


def opened(harness: BotHarness) -> BotHarness:
    # High: a Critical's thread also holds its immediate-sync request.
    wait_for_receipt(harness, open_escalation(harness, level="high"))
    return harness


def updates(harness: BotHarness) -> list[Update]:
    with harness.services.sessions() as session:
        return list(session.query(Update).order_by(Update.id))


def test_an_update_goes_to_the_thread_and_internal_channel_and_edits_the_root(
    harness: BotHarness,
) -> None:
    standin, world = opened(harness).standin, harness.world
    post_update(harness, INTERNAL_NOTE, health="yellow", customer_communicated="no")
    [_checklist, reply] = standin.replies(world.leadership_channel, root_ts(harness))
    assert INTERNAL_NOTE in json.dumps(reply.blocks)
    assert INTERNAL_NOTE in standin.messages(world.internal_channel)[-1].text
    [root] = standin.messages(world.leadership_channel)
    assert root.edited and ":large_yellow_circle: Yellow" in json.dumps(root.blocks)
    assert "none yet" not in json.dumps(root.blocks)  # "Last update" shows the update time
    assert the_escalation(harness).health is Health.YELLOW


def test_the_customer_channel_gets_only_the_customer_safe_text_and_only_when_written(
    harness: BotHarness,
) -> None:
    standin, world = opened(harness).standin, harness.world
    post_update(harness, INTERNAL_NOTE)
    assert standin.messages(world.customer_channel) == []
    safe = "Quick update: the fix is deployed to staging; we'll confirm go-live tomorrow."
    post_update(harness, INTERNAL_NOTE, customer_message=safe)
    [to_customer] = standin.messages(world.customer_channel)
    assert to_customer.text == safe and to_customer.blocks == []
    everything_sent_to_customer = json.dumps(
        [c.args for c in standin.calls if c.args.get("channel") == world.customer_channel]
    )
    assert "CFO" not in everything_sent_to_customer


def test_a_reply_by_the_dri_in_the_thread_is_activity_not_a_fabricated_update(
    harness: BotHarness,
) -> None:
    standin, world = opened(harness).standin, harness.world
    internal_before = len(standin.messages(world.internal_channel))
    edits_before = len(standin.calls_to("chat.update"))
    reply_in_thread(harness, world.pm, "Patch deployed, monitoring overnight")
    [update] = updates(harness)
    assert update.source is UpdateSource.THREAD and update.author == world.pm
    # Activity: the clock that the silence rules read has moved, and the root shows it.
    assert the_escalation(harness).last_update_at == update.at
    assert standin.wait_for(lambda: len(standin.calls_to("chat.update")) > edits_before)
    # Not an update: nothing is re-posted anywhere claiming fields the DRI never gave.
    assert len(standin.messages(world.internal_channel)) == internal_before
    everything_posted = json.dumps(
        [c.args for c in standin.calls if c.method == "chat.postMessage"][-5:]
    )
    assert "Customer communicated today" not in everything_posted
    assert [m.text for m in standin.replies(world.leadership_channel, root_ts(harness))][-1] == (
        "Patch deployed, monitoring overnight"
    )


def test_a_reply_by_someone_else_is_not_an_update(harness: BotHarness) -> None:
    opened(harness)
    reply_in_thread(harness, harness.world.leader, "What's the ETA?")
    assert updates(harness) == []
    assert the_escalation(harness).last_update_at is None


def test_an_update_without_summary_or_customer_answer_is_refused_in_the_modal(
    harness: BotHarness,
) -> None:
    opened(harness)
    before = len(harness.standin.opened_views())
    harness.click("esc_post_update", "1", user=harness.world.pm)
    view = harness.standin.opened_views()[before]
    answer = harness.submit_view(view, {"summary": {"summary": {"value": "  "}}})
    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {"summary", "customer_communicated"}
    assert updates(harness) == []


def test_nothing_new_from_a_prompt_is_recorded_and_said_in_the_thread(
    harness: BotHarness,
) -> None:
    standin, world = opened(harness).standin, harness.world
    opened_at = harness.clock.now()  # Monday 09:00 in Los Angeles
    harness.tick_at(opened_at + timedelta(hours=3, minutes=30))
    assert standin.dms_to(world.pm)[-1].text.startswith("Midday check-in")
    harness.tick_at(opened_at + timedelta(hours=8))
    evening = standin.dms_to(world.pm)[-1]
    assert evening.text.startswith("Evening update")
    click_prompt(harness, "prompt_nothing_new", evening, world.pm)
    [update] = updates(harness)
    assert update.source is UpdateSource.NOTHING_NEW
    assert "no new developments" in json.dumps(
        standin.replies(world.leadership_channel, root_ts(harness))[-1].blocks
    )
    assert "Recorded: nothing new" in json.dumps(standin.dms_to(world.pm)[-1].blocks)


def test_the_midday_check_in_is_logged_in_the_thread_with_who_attended(
    harness: BotHarness,
) -> None:
    standin, world = opened(harness).standin, harness.world
    harness.tick_at(harness.clock.now() + timedelta(hours=3, minutes=30))
    midday = standin.dms_to(world.pm)[-1]
    before = len(standin.opened_views())
    click_prompt(harness, "prompt_check_in", midday, world.pm)
    modal = standin.opened_views()[before]
    answer = harness.submit_view(
        modal,
        {
            "attendees": {
                "attendees": {"type": "multi_users_select", "selected_users": [world.ae, world.csm]}
            },
            "notes": {"notes": {"type": "plain_text_input", "value": "Agreed the rollback plan"}},
        },
    )
    assert answer.json is None
    note = standin.replies(world.leadership_channel, root_ts(harness))[-1]
    assert "Check-in on ESC-1 logged" in note.text and f"<@{world.csm}>" in note.text
    assert "Agreed the rollback plan" in note.text


def test_when_slack_fails_the_update_is_kept_the_author_is_told_and_it_is_retried(
    harness: BotHarness,
) -> None:
    standin, world = opened(harness).standin, harness.world
    # The thread reply meets three 503s: more than the gateway's two retries.
    standin.fail_next("chat.postMessage", status=503, times=3)
    post_update(harness, "Rolled back the release", customer_communicated="no")
    [update] = updates(harness)
    assert update.thread_ts is None and update.internal_ts is not None
    [warning] = [m for m in standin.dms_to(world.pm) if m.text.startswith(":warning:")]
    assert "Your update on *ESC-1* is saved, but I couldn't" in warning.text
    harness.tick_at(harness.clock.now() + timedelta(minutes=2))
    [update] = updates(harness)
    assert update.thread_ts is not None
    assert len(standin.messages(world.internal_channel)) == 2  # the opening link, one update
    assert len([m for m in standin.dms_to(world.pm) if m.text.startswith(":warning:")]) == 1
    assert len(standin.replies(world.leadership_channel, root_ts(harness))) == 2
