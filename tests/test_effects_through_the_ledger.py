"""Every Slack effect of a click or a form goes through the ledger with the change itself:
when Slack refuses at that moment, the effect stays queued and is delivered, once, on the
next delivery pass."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from datetime import timedelta

from bot.clock import ManualClock
from bot.domain import Role
from bot.models import Update
from tests.flows import (
    open_escalation,
    reply_in_thread,
    root_ts,
    the_escalation,
    wait_for_receipt,
    wait_for_view,
)
from tests.harness import BotHarness
from tests.slack_standin import Message, SlackStandIn
from tests.test_resolution_lifecycle import (
    RESOURCING,
    add_record,
    choose_more,
    open_details,
    press_resolve,
    resolve_form,
    values,
)
from tests.test_sales_ops_outcome import SAM, handed_to_sales_ops, record
from tests.test_urgent_flags import flag


@contextlib.contextmanager
def slack_refusing(standin: SlackStandIn, *methods: str) -> Iterator[None]:
    """Every call to `methods` fails (a refusal worth retrying) until the block ends."""
    for method in methods:
        standin.fail_next(method, error="channel_not_found", times=1000)
    try:
        yield
    finally:
        for method in methods:
            standin.recover(method)


def next_pass(harness: BotHarness) -> None:
    """The delivery pass after the first retry delay (and one more, to see nothing repeats)."""
    harness.tick_at(harness.clock.now() + timedelta(minutes=2))
    harness.tick_at(harness.clock.now() + timedelta(minutes=10))


def thread(harness: BotHarness, fragment: str) -> list[Message]:
    channel = harness.world.leadership_channel
    return [m for m in harness.standin.replies(channel, root_ts(harness)) if fragment in m.text]


def dms(harness: BotHarness, user: str, fragment: str) -> list[Message]:
    return [m for m in harness.standin.dms_to(user) if fragment in m.text]


def opened(harness: BotHarness, severity: str = "sev1") -> BotHarness:
    wait_for_receipt(harness, open_escalation(harness, severity))
    return harness


def queued_then_once(harness: BotHarness, seen: Callable[[], list[Message]]) -> None:
    assert seen() == []
    next_pass(harness)
    assert len(seen()) == 1


def test_a_reopen_note_waits_out_a_slack_refusal(harness: BotHarness) -> None:
    world = opened(harness).world
    harness.submit_view(press_resolve(harness, world.pm), resolve_form(), user=world.pm)
    with slack_refusing(harness.standin, "chat.postMessage"):
        harness.click(
            "esc_reopen", "1", user=world.pm, channel=world.leadership_channel, message_ts="1"
        )
    queued_then_once(harness, lambda: thread(harness, "reopened ESC-1"))


def test_a_new_dri_both_dris_and_the_pinned_message_hear_of_it_despite_slack_refusing(
    harness: BotHarness,
) -> None:
    standin, world = opened(harness).standin, harness.world
    [root] = standin.messages(world.leadership_channel)
    shown = root.blocks
    before = len(standin.opened_views())
    choose_more(harness, "reassign", world.director)
    modal = wait_for_view(harness, before)
    with slack_refusing(standin, "chat.postMessage", "chat.update"):
        answer = harness.submit_view(
            modal, values(dri=("users_select", world.csm)), user=world.director
        )
    assert answer.json is None
    assert the_escalation(harness).person(Role.DRI) == world.csm
    [root] = standin.messages(world.leadership_channel)
    assert root.blocks == shown
    queued_then_once(harness, lambda: thread(harness, "the DRI of ESC-1"))
    assert len(dms(harness, world.csm, "You are now the DRI")) == 1
    assert len(dms(harness, world.pm, "won't get its prompts")) == 1
    [root] = standin.messages(world.leadership_channel)
    assert root.blocks != shown


def test_a_downgrade_reason_is_noted_once_and_as_text(harness: BotHarness) -> None:
    standin, world = opened(harness).standin, harness.world
    before = len(standin.opened_views())
    choose_more(harness, "downgrade", world.leader)
    modal = wait_for_view(harness, before)
    reason = "Customer calmer <!channel> & <https://evil.example|click>"
    with slack_refusing(standin, "chat.postMessage"):
        harness.submit_view(modal, values(reason=("plain_text_input", reason)), user=world.leader)
    queued_then_once(harness, lambda: thread(harness, "downgraded ESC-1"))
    [note] = thread(harness, "downgraded ESC-1")
    assert "<!channel>" not in note.text and "<https://evil" not in note.text
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in note.text


def test_a_retro_link_is_shared_in_the_thread_once(harness: BotHarness) -> None:
    standin, world = opened(harness).standin, harness.world
    before = len(standin.opened_views())
    harness.click("retro_link", "1", user=world.pm)
    modal = wait_for_view(harness, before)
    with slack_refusing(standin, "chat.postMessage"):
        harness.submit_view(
            modal,
            values(retro_link=("url_text_input", "https://wiki.example.com/retro/1")),
            user=world.pm,
        )
    assert the_escalation(harness).retro_link == "https://wiki.example.com/retro/1"
    queued_then_once(harness, lambda: thread(harness, "Lessons-learned retro"))


def test_a_ticked_checklist_item_shows_once_slack_answers_again(harness: BotHarness) -> None:
    standin, world = opened(harness).standin, harness.world
    # Today's check-in invitations go out first: delivered, they tick an item themselves.
    harness.tick_at(harness.clock.now())
    harness.clock.set(harness.clock.now() + timedelta(minutes=1))
    checklist_ts = the_escalation(harness).checklist_ts

    def checklist() -> Message:
        thread = standin.replies(world.leadership_channel, root_ts(harness))
        return next(m for m in thread if m.ts == checklist_ts)

    shown = checklist().blocks
    step = next(b for b in shown if b.get("block_id", "").startswith("esc_checklist_step:"))
    every_item = step["accessory"]["options"]
    edits = len(standin.calls_to("chat.update"))
    with slack_refusing(standin, "chat.update"):
        harness.interact(
            {
                "type": "block_actions",
                "user": {"id": world.pm, "name": "u", "team_id": "T0001"},
                "trigger_id": standin.new_trigger_id(),
                "actions": [
                    {
                        "action_id": step["accessory"]["action_id"],
                        "block_id": step["block_id"],
                        "type": "checkboxes",
                        "selected_options": every_item,
                        "action_ts": "1",
                    }
                ],
            }
        )
    assert checklist().blocks == shown
    next_pass(harness)
    [step] = [b for b in checklist().blocks if b.get("block_id") == step["block_id"]]
    assert step["accessory"]["initial_options"] == every_item
    edited = [
        c
        for c in standin.calls_to("chat.update")[edits:]
        if c.response.get("ok") and c.args.get("ts") == checklist_ts
    ]
    assert len(edited) == 1


def test_leadership_promotion_is_noted_once_despite_slack_refusing(harness: BotHarness) -> None:
    standin, world = opened(harness, "sev2").standin, harness.world
    before = len(standin.opened_views())
    choose_more(harness, "promote", world.leader)
    modal = wait_for_view(harness, before)
    with slack_refusing(standin, "chat.postMessage"):
        harness.submit_view(
            modal,
            {
                "level": {"level": {"type": "static_select", "selected_option": {"value": "high"}}},
                "note": {"note": {"type": "plain_text_input", "value": "<!here> now"}},
            },
            user=world.leader,
        )
    queued_then_once(harness, lambda: thread(harness, "escalated ESC-1 to *Sev 1 High*"))
    assert "&lt;!here&gt; now" in thread(harness, "escalated ESC-1")[0].text


def test_remaining_in_sev2_is_noted_once(harness: BotHarness) -> None:
    world = opened(harness, "sev2").world
    with slack_refusing(harness.standin, "chat.postMessage"):
        harness.click("decide_remain", "1", user=world.leader)
    queued_then_once(harness, lambda: thread(harness, "remains in Sev 2 monitoring"))


def test_a_dri_asking_for_sev1_reaches_the_thread_once(harness: BotHarness) -> None:
    world = opened(harness, "sev2").world
    with slack_refusing(harness.standin, "chat.postMessage"):
        harness.click("prompt_request_sev1", json.dumps({"e": 1}), user=world.pm)
    queued_then_once(harness, lambda: thread(harness, "Sev 1 requested"))


def test_a_check_in_is_noted_in_the_thread_once(harness: BotHarness) -> None:
    standin, world = opened(harness).standin, harness.world
    before = len(standin.opened_views())
    harness.click("prompt_check_in", json.dumps({"e": 1}), user=world.pm)
    modal = wait_for_view(harness, before)
    with slack_refusing(standin, "chat.postMessage"):
        harness.submit_view(
            modal,
            {
                "attendees": {
                    "attendees": {"type": "multi_users_select", "selected_users": [world.ae]}
                },
                "notes": {"notes": {"type": "plain_text_input", "value": "Plan agreed"}},
            },
            user=world.pm,
        )
    queued_then_once(harness, lambda: thread(harness, "Check-in on ESC-1"))


def test_a_resource_impact_reaches_the_resourcing_channel_once(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = make_harness(resourcing_channel=RESOURCING)
    standin, world = harness.standin, harness.world
    resourcing = standin.add_channel(RESOURCING)
    opened(harness)
    detail = open_details(harness, world.manager)
    impact = "Priya <!channel> moves off Globex"
    with slack_refusing(standin, "chat.postMessage"):
        add_record(
            harness,
            detail,
            "resource_impact",
            world.manager,
            impact_kind=("static_select", "resource"),
            text=("plain_text_input", impact),
        )

    def posted() -> list[Message]:
        return [m for m in standin.messages(resourcing) if "Priya" in m.text]

    queued_then_once(harness, posted)
    assert "&lt;!channel&gt;" in posted()[0].text and "(Acme Corp)" in posted()[0].text


def wait_on_customer(harness: BotHarness) -> None:
    before = len(harness.standin.opened_views())
    harness.click("esc_waiting_on_customer", "1", user=harness.world.pm)
    answer = harness.submit_view(
        wait_for_view(harness, before),
        {
            "kind": {"kind": {"type": "radio_buttons", "selected_option": {"value": "request"}}},
            "asked": {"asked": {"type": "plain_text_input", "value": "Sign-off on the UAT plan"}},
            "asked_on": {"asked_on": {"type": "datepicker", "selected_date": "2026-11-23"}},
            "how": {"how": {"type": "static_select", "selected_option": {"value": "Email"}}},
        },
    )
    assert answer.json is None, answer.body


def test_waiting_on_the_customer_is_noted_once(harness: BotHarness) -> None:
    opened(harness)
    with slack_refusing(harness.standin, "chat.postMessage"):
        wait_on_customer(harness)
    queued_then_once(harness, lambda: thread(harness, "Waiting on Acme Corp"))


def test_the_customer_responding_is_noted_once(harness: BotHarness) -> None:
    opened(harness)
    wait_on_customer(harness)
    with slack_refusing(harness.standin, "chat.postMessage"):
        harness.click("wait_customer_responded", "1", user=harness.world.pm)
    queued_then_once(harness, lambda: thread(harness, "the customer responded"))


def test_a_customer_out_of_office_is_noted_once(harness: BotHarness) -> None:
    standin = opened(harness).standin
    wait_on_customer(harness)
    before = len(standin.opened_views())
    harness.click("wait_out_of_office", "1", user=harness.world.pm)
    modal = wait_for_view(harness, before)
    with slack_refusing(standin, "chat.postMessage"):
        harness.submit_view(
            modal,
            {"until": {"until": {"type": "datepicker", "selected_date": "2026-12-01"}}},
            user=harness.world.pm,
        )
    queued_then_once(harness, lambda: thread(harness, "out of office until 2026-12-01"))


def test_a_flag_marked_responded_is_noted_once(harness: BotHarness) -> None:
    opened(harness)
    flag(harness, timedelta(hours=72))
    with slack_refusing(harness.standin, "chat.postMessage"):
        harness.click("flag_responded", "1", user=harness.world.ae)
    queued_then_once(harness, lambda: thread(harness, "Flag #1 marked responded"))


def test_a_flag_answered_in_the_thread_is_noted_once(harness: BotHarness) -> None:
    opened(harness)
    flag(harness, timedelta(hours=72))
    with slack_refusing(harness.standin, "chat.postMessage"):
        reply_in_thread(harness, harness.world.ae, "Approved")
    queued_then_once(harness, lambda: thread(harness, "Flag #1 answered"))


def test_a_typed_channel_broadcast_in_a_dri_reply_is_stored_as_typed_and_never_reposted(
    harness: BotHarness,
) -> None:
    """Slack sends a typed `<!channel>` escaped; the bot stores it as typed. A thread reply
    is activity, not an update: the bot re-posts it nowhere, so nobody is paged by it."""
    standin, world = opened(harness).standin, harness.world
    reply_in_thread(harness, world.pm, "Fix is live &lt;!channel&gt; R&amp;D says hi")
    with harness.services.sessions() as session:
        [update] = session.query(Update).all()
        assert update.summary == "Fix is live <!channel> R&D says hi"
    bot_posts = [
        c for c in standin.calls_to("chat.postMessage") if "Fix is live" in json.dumps(c.args)
    ]
    assert bot_posts == []


def test_sales_ops_continuing_the_project_is_noted_once(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = handed_to_sales_ops(make_harness, clock, sales_ops=SAM)
    with slack_refusing(harness.standin, "chat.postMessage"):
        record(harness, "continue", SAM)
    queued_then_once(harness, lambda: thread(harness, "recorded *Continue working*"))
