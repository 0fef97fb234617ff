"""Flow 5: urgent flags and the 48-hour siren rule (seed 002)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from bot.models import UrgentFlag
from tests.flows import open_escalation, reply_in_thread, wait_for_receipt, wait_for_view
from tests.harness import BotHarness
from tests.slack_standin import Message, SlackStandIn


def flag(
    harness: BotHarness,
    needed_in: timedelta,
    *,
    link: str | None = None,
    responders: list[str] | None = None,
) -> dict:
    """Press "Flag urgent" on the root message and fill the modal; returns the answer JSON."""
    before = len(harness.standin.opened_views())
    harness.click("esc_flag_urgent", "1", user=harness.world.pm)
    modal = wait_for_view(harness, before)
    needed_by = int((harness.clock.now() + needed_in).timestamp())
    answer = harness.submit_view(
        modal,
        {
            "responders": {
                "responders": {
                    "type": "multi_users_select",
                    "selected_users": responders or [harness.world.ae],
                }
            },
            "needed": {
                "needed": {
                    "type": "plain_text_input",
                    "value": "Approval to extend the pilot licences",
                }
            },
            "needed_by": {"needed_by": {"type": "datetimepicker", "selected_date_time": needed_by}},
            "link": {"link": {"type": "url_text_input", "value": link}},
        },
    )
    assert answer.status == 200
    return answer.json or {}


def flags(harness: BotHarness) -> list[UrgentFlag]:
    with harness.services.sessions() as session:
        return list(session.query(UrgentFlag).order_by(UrgentFlag.id))


def opened(harness: BotHarness, **fields: object) -> BotHarness:
    wait_for_receipt(harness, open_escalation(harness, **fields))
    return harness


def flag_dms(standin: SlackStandIn, user: str) -> list[Message]:
    """The flag's DMs to `user` (a stakeholder also gets their welcome and invitations)."""
    return [
        m
        for m in standin.dms_to(user)
        if m.text.startswith((":rotating_light:", ":triangular_flag_on_post:"))
    ]


def test_needed_in_47h59m_is_a_siren_with_customer_issue_details_and_link(
    harness: BotHarness,
) -> None:
    standin, world = opened(harness).standin, harness.world
    assert flag(harness, timedelta(hours=47, minutes=59)) == {}
    [post] = [
        m
        for m in standin.replies(
            world.leadership_channel,
            flags(harness)[0].thread_ts and standin.messages(world.leadership_channel)[0].ts,
        )
        if m.text.startswith(":rotating_light:")
    ]
    text = json.dumps(post.blocks, ensure_ascii=False)
    assert post.text.startswith(":rotating_light: URGENT Acme Corp")
    assert "*Customer:* Acme Corp" in text and "*Issue:* ESC-1 Sev 1 Critical" in text
    assert "*Details:* Approval to extend the pilot licences" in text
    assert "https://app.clickup.com/t/abc" in text and f"<@{world.ae}>" in text
    [dm] = flag_dms(standin, world.ae)
    assert dm.text.startswith(":rotating_light:")


def test_needed_in_exactly_48h_is_a_normal_flag(harness: BotHarness) -> None:
    opened(harness)
    flag(harness, timedelta(hours=48))
    [raised] = flags(harness)
    assert not raised.siren
    assert flag_dms(harness.standin, harness.world.ae)[0].text.startswith(
        ":triangular_flag_on_post:"
    )


def test_a_siren_needs_a_project_link(make_harness: Callable[..., BotHarness]) -> None:
    harness = opened(make_harness(), psa_link=None, tracker_link=None, document_link=None)
    answer = flag(harness, timedelta(hours=3))
    assert answer["response_action"] == "errors"
    assert "must carry the project or tracker link" in answer["errors"]["link"]
    assert flags(harness) == []
    assert flag(harness, timedelta(hours=3), link="https://app.clickup.com/t/xyz") == {}


def test_a_deadline_in_the_past_is_refused(harness: BotHarness) -> None:
    opened(harness)
    answer = flag(harness, timedelta(minutes=-5))
    assert answer["errors"] == {
        "needed_by": "That time has already passed; choose a time in the future."
    }


def test_responders_are_reminded_halfway_and_two_hours_before_then_dri_and_director(
    harness: BotHarness,
) -> None:
    standin, world = opened(harness).standin, harness.world
    raised_at = harness.clock.now()
    flag(harness, timedelta(hours=24))
    for hours in range(1, 26):
        harness.tick_at(raised_at + timedelta(hours=hours))
    assert [m.text[:45] for m in flag_dms(standin, world.ae)] == [
        ":rotating_light: URGENT Acme Corp: Approval t",
        ":rotating_light: Reminder: halfway to the dea",
        ":rotating_light: 2 hours left: ESC-1 (Acme Co",
    ]
    told = [
        m.text
        for m in standin.dms_to(world.director) + standin.dms_to(world.pm)
        if m.text.startswith(":rotating_light: The deadline passed")
    ]
    assert len(told) == 2


def test_a_reply_by_a_responder_in_the_thread_closes_the_flag(harness: BotHarness) -> None:
    standin, world = opened(harness).standin, harness.world
    raised_at = harness.clock.now()
    flag(harness, timedelta(hours=10))
    harness.clock.set(raised_at + timedelta(hours=1))
    reply_in_thread(harness, world.ae, "Approved, licences extended to March.")
    [closed] = flags(harness)
    assert closed.closed_by == world.ae
    for hours in range(2, 12):
        harness.tick_at(raised_at + timedelta(hours=hours))
    assert len(flag_dms(standin, world.ae)) == 1  # the flag itself, no reminders after


def test_escalate_flag_command_opens_the_flag_form(harness: BotHarness) -> None:
    opened(harness)
    before = len(harness.standin.opened_views())
    answer, _trigger, _url = harness.slash("flag ESC-1")
    assert answer.status == 200
    modal = wait_for_view(harness, before)
    assert modal["callback_id"] == "flag_urgent"
    assert json.loads(modal["private_metadata"]) == {"escalation_id": 1}
    answer, _trigger, response_url = harness.slash("flag ESC-404")
    assert (
        "can't find an escalation called `ESC-404`"
        in harness.standin.responses(response_url)[-1]["text"]
    )
