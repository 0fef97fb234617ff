"""Flow 5 without an escalation (seed 002: "as soon as you suspect an issue, flag it"):
`/escalate flag` works with none open; same siren rule, link, reminders and closing; the
flag is posted on its own in the leadership channel and tells its DRI to flag it in the
tracker too."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.models import UrgentFlag
from tests.flows import open_escalation, wait_for_receipt, wait_for_view
from tests.harness import BotHarness

LINK = "https://app.clickup.com/t/onboarding-7"


def flag_form(harness: BotHarness) -> dict[str, Any]:
    before = len(harness.standin.opened_views())
    answer, _trigger, _url = harness.slash("flag")
    assert answer.status == 200
    return wait_for_view(harness, before)


def submit(
    harness: BotHarness,
    modal: dict[str, Any],
    needed_in: timedelta,
    *,
    customer: str | None = "Globex",
    link: str | None = LINK,
    escalation: str | None = None,
) -> dict[str, Any]:
    needed_by = int((harness.clock.now() + needed_in).timestamp())
    values: dict[str, Any] = {
        "customer": {"customer": {"type": "plain_text_input", "value": customer}},
        "responders": {
            "responders": {"type": "multi_users_select", "selected_users": [harness.world.ae]}
        },
        "needed": {
            "needed": {"type": "plain_text_input", "value": "Onboarding data export is empty"}
        },
        "needed_by": {"needed_by": {"type": "datetimepicker", "selected_date_time": needed_by}},
        "link": {"link": {"type": "url_text_input", "value": link}},
    }
    if escalation is not None:
        values["escalation"] = {
            "escalation": {"type": "static_select", "selected_option": {"value": escalation}}
        }
    answer = harness.submit_view(modal, values)
    assert answer.status == 200
    errors: dict[str, Any] = (answer.json or {}).get("errors", {})
    return errors


def flags(harness: BotHarness) -> list[UrgentFlag]:
    with harness.services.sessions() as session:
        return list(session.query(UrgentFlag).order_by(UrgentFlag.id))


def test_with_no_escalation_open_the_flag_form_asks_for_the_customer(harness: BotHarness) -> None:
    modal = flag_form(harness)
    customer = next(b for b in modal["blocks"] if b.get("block_id") == "customer")
    assert customer.get("optional") is False
    assert all(b.get("block_id") != "escalation" for b in modal["blocks"])
    assert submit(harness, modal, timedelta(hours=10), customer="  ") == {
        "customer": "Name the customer (or choose an escalation)."
    }
    assert flags(harness) == []


def test_a_siren_with_no_escalation_is_posted_in_leadership_with_link_and_tracker_reminder(
    harness: BotHarness,
) -> None:
    world, standin = harness.world, harness.standin
    assert submit(harness, flag_form(harness), timedelta(hours=47, minutes=59)) == {}
    [post] = standin.messages(world.leadership_channel)
    assert post.text.startswith(":rotating_light: URGENT Globex: Onboarding data export is empty")
    text = json.dumps(post.blocks)
    assert "*Customer:* Globex" in text and "*Issue:* Onboarding data export is empty" in text
    assert LINK in text and "*Details:* Onboarding data export is empty" in text
    assert f"<@{world.pm}>: flag it in the tracker (ClickUp) too" in text
    assert standin.dms_to(world.ae)[0].text.startswith(":rotating_light: URGENT Globex")
    [flag] = flags(harness)
    assert flag.escalation_id is None and flag.siren and flag.thread_ts == post.ts


def test_a_siren_with_no_escalation_must_carry_a_link(harness: BotHarness) -> None:
    errors = submit(harness, flag_form(harness), timedelta(hours=5), link=None)
    assert "must carry the project or tracker link" in errors["link"]
    assert submit(harness, flag_form(harness), timedelta(hours=72), link=None) == {}
    [flag] = flags(harness)
    assert not flag.siren
    post = harness.standin.messages(harness.world.leadership_channel)[0]
    assert post.text.startswith(":triangular_flag_on_post: Flag Globex")


def test_responders_are_reminded_then_the_dri_and_director_told_at_the_deadline(
    harness: BotHarness,
) -> None:
    world, standin = harness.world, harness.standin
    raised_at = harness.clock.now()
    submit(harness, flag_form(harness), timedelta(hours=24))
    for hours in range(1, 26):
        harness.tick_at(raised_at + timedelta(hours=hours))
    assert [m.text[:40] for m in standin.dms_to(world.ae)] == [
        ":rotating_light: URGENT Globex: Onboardi",
        ":rotating_light: Reminder: halfway to th",
        ":rotating_light: 2 hours left: Globex ne",
    ]
    deadline = ":rotating_light: The deadline passed without a response on the Globex flag"
    assert [m.text[: len(deadline)] for m in standin.dms_to(world.pm)] == [deadline]
    assert [m.text[: len(deadline)] for m in standin.dms_to(world.director)] == [deadline]
    post = standin.messages(world.leadership_channel)[0]
    [note] = standin.replies(world.leadership_channel, post.ts)
    assert note.text.startswith(deadline)


def test_a_responders_reply_in_its_thread_closes_it_and_stops_the_reminders(
    harness: BotHarness,
) -> None:
    world, standin = harness.world, harness.standin
    raised_at = harness.clock.now()
    submit(harness, flag_form(harness), timedelta(hours=10))
    post = standin.messages(world.leadership_channel)[0]
    harness.clock.set(raised_at + timedelta(hours=1))
    # Someone who was not asked replies first: the flag stays open.
    for user, text in ((world.csm, "Looking too"), (world.ae, "Fixed, export re-run.")):
        ts = standin.post_user_message(world.leadership_channel, user, text, thread_ts=post.ts)
        harness.event(
            {
                "type": "message",
                "channel": world.leadership_channel,
                "user": user,
                "text": text,
                "ts": ts,
                "thread_ts": post.ts,
                "channel_type": "channel",
            }
        )
        harness.listeners.drain()
        if user == world.csm:
            assert flags(harness)[0].closed_at is None
    assert standin.wait_for(lambda: flags(harness)[0].closed_by == world.ae)
    for hours in range(2, 12):
        harness.tick_at(raised_at + timedelta(hours=hours))
    assert len(standin.dms_to(world.ae)) == 1  # the flag itself, no reminders after
    notes = [m.text for m in standin.replies(world.leadership_channel, post.ts)]
    assert f":white_check_mark: Flag #1 answered by <@{world.ae}>." in notes


def test_the_responded_button_closes_it_with_a_note_in_its_thread(harness: BotHarness) -> None:
    world, standin = harness.world, harness.standin
    submit(harness, flag_form(harness), timedelta(hours=10))
    post = standin.messages(world.leadership_channel)[0]
    harness.click(
        "flag_responded", "1", user=world.ae, channel=world.leadership_channel, message_ts=post.ts
    )
    assert flags(harness)[0].closed_by == world.ae
    [note] = standin.replies(world.leadership_channel, post.ts)
    assert note.text == f":white_check_mark: Flag #1 marked responded by <@{world.ae}>."
    harness.click(
        "flag_responded", "1", user=world.ae, channel=world.leadership_channel, message_ts=post.ts
    )
    [refusal] = standin.calls_to("chat.postEphemeral")
    assert refusal.args["text"] == "Flag #1 was already closed."


def test_with_escalations_open_the_form_offers_them_and_still_allows_none(
    harness: BotHarness,
) -> None:
    wait_for_receipt(harness, open_escalation(harness))
    modal = flag_form(harness)
    chooser = next(b for b in modal["blocks"] if b.get("block_id") == "escalation")
    assert chooser["optional"] is True
    assert submit(harness, modal, timedelta(hours=10), customer=None) == {
        "customer": "Name the customer (or choose an escalation)."
    }
    assert submit(harness, modal, timedelta(hours=10), customer="Globex") == {}
    assert submit(harness, modal, timedelta(hours=10), customer=None, escalation="1") == {}
    assert [(f.escalation_id, f.customer) for f in flags(harness)] == [(None, "Globex"), (1, None)]
