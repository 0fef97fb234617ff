"""Flow 1: a PM opens an escalation and the bot sets it up in Slack, driven as Slack drives it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from bot.delivery.kinds import DeliveryKind
from bot.domain import EventKind, Role, Severity, State
from bot.models import Delivery, DeliveryStatus, Escalation, TimelineEvent
from tests.factories import open_form
from tests.flows import block_text, open_escalation, open_modal, the_escalation, wait_for_receipt
from tests.harness import BotHarness


def test_sev1_command_opens_the_sev1_modal_with_the_customer_prefilled(harness: BotHarness) -> None:
    view, _ = open_modal(harness, "sev1 Acme Corp")
    blocks = {block.get("block_id"): block for block in view["blocks"]}
    assert view["callback_id"] == "open_escalation"
    assert blocks["customer"]["element"]["initial_value"] == "Acme Corp"
    assert [o["value"] for o in blocks["level"]["element"]["options"]] == [
        "critical",
        "high",
        "medium",
    ]
    trigger_codes = [
        o["value"] for g in blocks["triggers"]["element"]["option_groups"] for o in g["options"]
    ]
    assert "formal_escalation" in trigger_codes and "over_budget" not in trigger_codes
    assert blocks["dri"]["element"]["initial_user"] == harness.world.pm
    assert blocks["director"]["element"]["initial_user"] == harness.world.director
    assert blocks["path_to_green"]["optional"] is True


def test_sev2_modal_asks_for_sev2_triggers_and_a_path_to_green_but_no_level(
    harness: BotHarness,
) -> None:
    view, _ = open_modal(harness, "sev2")
    blocks = {block.get("block_id"): block for block in view["blocks"]}
    assert "level" not in blocks
    assert blocks["path_to_green"]["optional"] is False
    trigger_codes = [
        o["value"] for g in blocks["triggers"]["element"]["option_groups"] for o in g["options"]
    ]
    assert len(trigger_codes) == 12 and "formal_escalation" not in trigger_codes
    assert "initial_value" not in blocks["customer"]["element"]


def test_submitting_the_modal_opens_posts_pins_and_loops_everyone_in(harness: BotHarness) -> None:
    standin, world = harness.standin, harness.world
    response_url = open_escalation(harness)
    receipt = wait_for_receipt(harness, response_url)

    [root] = standin.messages(world.leadership_channel)
    assert standin.pinned(world.leadership_channel) == [root.ts]
    root_blocks = block_text(root.blocks)
    for person in (world.pm, world.ae, world.csm, world.manager, world.director):
        assert f"<@{person}>" in root_blocks
    assert "ESC-1 · Sev 1 Critical · Acme Corp" in root_blocks
    assert "https://app.clickup.com/t/abc" in root_blocks
    for action_id in ("esc_post_update", "esc_flag_urgent", "esc_resolve"):
        assert action_id in root_blocks

    # A Critical: the checklist, then the immediate sync asked of leadership.
    checklist, sync_request = standin.replies(world.leadership_channel, root.ts)
    assert sync_request.text.startswith("Immediate sync needed")
    ticked = {
        option["value"]
        for block in checklist.blocks
        if block.get("accessory", {}).get("type") == "checkboxes"
        for option in block["accessory"].get("initial_options", [])
    }
    # Only what the bot did and Slack accepted: a typed tracker URL is no tracking issue,
    # check-ins are scheduled with the first invitations, a Critical's review is its sync.
    assert ticked == {
        "severity_assigned",
        "dri_identified",
        "thread_pinned",
        "stakeholders_looped",
        "tracking_document",
    }

    [link] = standin.messages(world.internal_channel)
    assert "ESC-1" in link.text and "/archives/" in link.text
    assert standin.messages(world.customer_channel) == []
    [dm] = standin.dms_to(world.pm)
    assert "You are the DRI" in dm.text
    assert "ESC-1" in receipt and "/archives/" in receipt

    escalation = the_escalation(harness)
    assert escalation.state is State.OPEN and escalation.severity is Severity.SEV1
    assert escalation.person(Role.MANAGER) == world.manager
    assert escalation.root_ts == root.ts and escalation.root_pinned
    assert [event.kind for event in escalation.timeline] == [
        EventKind.OPENED,
        EventKind.SYNC_REQUESTED,
        EventKind.POSTED,
        EventKind.PINNED,
        EventKind.CHECKLIST_CHANGED,
        EventKind.STAKEHOLDERS_DMED,
        EventKind.CHECKLIST_CHANGED,
    ]
    with harness.services.sessions() as session:
        deliveries = session.scalars(select(Delivery).order_by(Delivery.id)).all()
        # The form kept before the ack comes first; everything it led to was delivered.
        assert deliveries[0].kind == DeliveryKind.OPEN_ESCALATION
        assert all(d.status is DeliveryStatus.DONE for d in deliveries)


def test_the_bot_joins_the_leadership_channel_when_it_is_not_a_member(harness: BotHarness) -> None:
    response_url = open_escalation(harness)
    wait_for_receipt(harness, response_url)
    joins = harness.standin.calls_to("conversations.join")
    assert [call.args["channel"] for call in joins] == [
        harness.world.leadership_channel,
        harness.world.internal_channel,
    ]


def test_bad_input_comes_back_beside_each_field_and_nothing_is_saved(harness: BotHarness) -> None:
    view, _ = open_modal(harness)
    answer = harness.submit_view(
        view,
        open_form(
            harness.world,
            customer="",
            triggers=[],
            tracker_link="ftp://files.example.com",
            dri=harness.world.bot_user,
            ae=harness.world.gone,
            customer_channel=harness.world.leadership_channel,
        ),
    )
    assert answer.status == 200
    assert answer.json["response_action"] == "errors"
    errors = answer.json["errors"]
    assert set(errors) == {"customer", "triggers", "tracker_link", "dri", "ae", "customer_channel"}
    assert errors["dri"] == "Some Bot is a bot; choose a person."
    assert errors["ae"] == "Gone Person's account is deactivated; choose someone active."
    with harness.services.sessions() as session:
        assert session.scalars(select(Escalation)).all() == []
    assert harness.standin.calls_to("chat.postMessage") == []


def test_a_missing_leadership_channel_is_explained_and_retried_once_it_exists(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = make_harness(escalation_channel="ps-escalations-2027")
    standin, clock = harness.standin, harness.clock
    response_url = open_escalation(harness)
    notice = wait_for_receipt(harness, response_url)
    assert "ESC-1* is saved" in notice and "can't find the channel #ps-escalations-2027" in notice
    assert the_escalation(harness).root_ts is None

    channel = standin.add_channel("ps-escalations-2027")
    harness.tick_at(clock.now())  # backing off: the publication is not due yet
    assert standin.messages(channel) == []
    harness.tick_at(clock.now() + timedelta(minutes=1))
    [root] = standin.messages(channel)
    assert standin.pinned(channel) == [root.ts]
    assert len(standin.dms_to(harness.world.pm)) == 1
    assert "is open and pinned" in standin.responses(response_url)[-1]["text"]
    harness.tick_at(clock.now() + timedelta(hours=6))
    assert len(standin.messages(channel)) == 1
    assert len(standin.calls_to("pins.add")) == 1
    assert len(standin.responses(response_url)) == 2  # the problem, then the receipt


def test_rate_limited_and_failing_slack_calls_are_retried_without_duplicates(
    harness: BotHarness,
) -> None:
    standin, world = harness.standin, harness.world
    standin.fail_next("chat.postMessage", error="ratelimited", retry_after=0)
    standin.fail_next("pins.add", status=503)
    response_url = open_escalation(harness)
    harness.tick_at(harness.clock.now())  # Retry-After: 0 means the next delivery pass
    wait_for_receipt(harness, response_url)
    [root] = standin.messages(world.leadership_channel)
    assert standin.pinned(world.leadership_channel) == [root.ts]
    assert len(standin.replies(world.leadership_channel, root.ts)) == 1
    statuses = [c.status for c in standin.calls_to("chat.postMessage")][:2]
    assert statuses == [429, 200]


def test_a_private_leadership_channel_the_bot_cannot_join_is_explained(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = make_harness(escalation_channel="ps-leads-private")
    harness.standin.add_channel("ps-leads-private", is_private=True)
    response_url = open_escalation(harness)
    notice = wait_for_receipt(harness, response_url)
    assert "private" in notice and "/invite" in notice
    assert the_escalation(harness).state is State.OPEN


def test_an_expired_trigger_asks_the_pm_to_run_the_command_again(harness: BotHarness) -> None:
    harness.standin.fail_next("views.open", error="expired_trigger_id")
    answer, _trigger, response_url = harness.slash("sev1 Acme")
    assert answer.status == 200
    text = wait_for_receipt(harness, response_url)
    assert "run the command again" in text


def test_ticking_a_checklist_item_updates_the_message_and_the_timeline(
    harness: BotHarness,
) -> None:
    standin, world = harness.standin, harness.world
    wait_for_receipt(harness, open_escalation(harness))
    [root] = standin.messages(world.leadership_channel)
    [checklist] = [
        m
        for m in standin.replies(world.leadership_channel, root.ts)
        if m.text.startswith("ESC-1 checklist")
    ]
    step1 = next(b for b in checklist.blocks if b.get("block_id", "").endswith(":0"))
    already = step1["accessory"]["initial_options"]
    raci_step = next(b for b in checklist.blocks if b.get("block_id", "").endswith(":2"))
    payload = {
        "type": "block_actions",
        "user": {"id": world.manager, "name": "m", "team_id": "T0001"},
        "trigger_id": standin.new_trigger_id(),
        "channel": {"id": world.leadership_channel},
        "container": {"type": "message", "message_ts": checklist.ts},
        "message": {"ts": checklist.ts},
        "actions": [
            {
                "type": "checkboxes",
                "action_id": raci_step["accessory"]["action_id"],
                "block_id": raci_step["block_id"],
                "selected_options": [
                    *raci_step["accessory"].get("initial_options", []),
                    {"value": "raci"},
                ],
                "action_ts": "1",
            }
        ],
    }
    assert harness.interact(payload).status == 200
    standin.wait_for(lambda: any(c.method == "chat.update" for c in standin.calls))
    assert "raci" in block_text(checklist.blocks) and checklist.edited
    escalation = the_escalation(harness)
    raci = next(entry for entry in escalation.checklist if entry.code == "raci")
    assert raci.done_by == world.manager
    assert already  # step 1 keeps what the bot ticked
    with harness.services.sessions() as session:
        texts = session.scalars(select(TimelineEvent.text)).all()
    assert "ticked raci" in texts  # Slack sends the whole selection; only raci changed


def test_help_list_status_and_unknown_subcommands_answer(harness: BotHarness) -> None:
    answer, _, _ = harness.slash("")
    assert "/escalate sev1" in answer.body
    answer, _, _ = harness.slash("frobnicate now")
    assert "I don't know `frobnicate`" in answer.body
    answer, _, _ = harness.slash("list")
    assert "No open escalations" in answer.body

    wait_for_receipt(harness, open_escalation(harness))
    answer, _, _ = harness.slash("list")
    assert "1 open escalation" in answer.body and "ESC-1" in answer.body
    answer, _, status_url = harness.slash("status esc-1")
    assert answer.json["text"] == "ESC-1 · Sev 1 Critical · Acme Corp"
    assert "Thread:" in wait_for_receipt(harness, status_url)
    answer, _, _ = harness.slash("status ESC-99")
    assert "can't find an escalation called `ESC-99`" in answer.body


def test_requests_not_signed_by_slack_are_refused(harness: BotHarness) -> None:
    body = "command=%2Fescalate&text=list&user_id=U1&trigger_id=t"
    assert (
        harness.signed_post(body, "application/x-www-form-urlencoded", secret="wrong").status == 401
    )
    six_minutes_ago = int(time.time()) - 360
    answer = harness.signed_post(
        body, "application/x-www-form-urlencoded", timestamp=six_minutes_ago
    )
    assert answer.status == 401


def test_health_reports_the_database(harness: BotHarness) -> None:
    answer = harness.http("GET", "/healthz")
    assert answer.status == 200
    assert answer.json == {"ok": True, "database": "ok", "slack": {"mode": "http"}}


def test_app_home_shows_my_escalations_and_all_open_ones_to_leadership(
    harness: BotHarness,
) -> None:
    standin, world = harness.standin, harness.world
    wait_for_receipt(harness, open_escalation(harness))
    for user in (world.pm, world.leader, world.gone):
        harness.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D1"})
    standin.wait_for_calls("views.publish", count=3)
    pm_home = block_text(standin.views_published(world.pm)[-1]["blocks"])
    lead_home = block_text(standin.views_published(world.leader)[-1]["blocks"])
    other_home = block_text(standin.views_published(world.gone)[-1]["blocks"])
    assert "Where you are the DRI" in pm_home and "ESC-1" in pm_home
    assert "All open escalations (leadership)" in lead_home and "ESC-1" in lead_home
    assert "ESC-1" not in other_home and "All open" not in other_home
