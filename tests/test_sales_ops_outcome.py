"""Flow 4's last step: only Sales Ops (a person, or a channel's members) or PS leadership
record what happens to a project whose customer stopped answering."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.domain import State
from bot.models import CustomerWait
from tests.flows import open_escalation, the_escalation, wait_for_receipt, wait_for_view
from tests.harness import BotHarness

LA = ZoneInfo("America/Los_Angeles")
DAY0 = datetime(2026, 11, 23, 9, 0, tzinfo=LA)  # Monday
SAM = "USALES01"  # Sales Ops


def handed_to_sales_ops(
    make_harness: Callable[..., BotHarness], clock: ManualClock, **settings: Any
) -> BotHarness:
    """A Sev 2 whose customer has been silent for 28 days: the hand-off to Sales Ops is out."""
    clock.set(DAY0)
    harness = make_harness(**settings)
    harness.standin.add_user(SAM, "sam.salesops", real_name="Sam Sales Ops")
    wait_for_receipt(harness, open_escalation(harness, "sev2"))
    before = len(harness.standin.opened_views())
    harness.click("esc_waiting_on_customer", "1", user=harness.world.pm)
    harness.submit_view(
        wait_for_view(harness, before),
        {
            "kind": {"kind": {"type": "radio_buttons", "selected_option": {"value": "request"}}},
            "asked": {"asked": {"type": "plain_text_input", "value": "Sign-off on the UAT plan"}},
            "asked_on": {"asked_on": {"type": "datepicker", "selected_date": "2026-11-23"}},
            "how": {"how": {"type": "static_select", "selected_option": {"value": "Email"}}},
        },
    )
    now = DAY0
    while now < DAY0 + timedelta(days=28, hours=4):
        now += timedelta(hours=6)
        harness.tick_at(now)
    return harness


def record(harness: BotHarness, outcome: str, user: str) -> None:
    harness.click(
        f"wait_sales_ops_outcome:{outcome}",
        json.dumps({"w": 1, "o": outcome}),
        user=user,
        channel=harness.world.leadership_channel,
        message_ts="1.0",
    )


def told(harness: BotHarness, user: str) -> list[str]:
    ephemeral = [text for _c, who, text, _b in harness.standin.ephemerals if who == user]
    return ephemeral + [m.text for m in harness.standin.dms_to(user)]


def outcome_of_the_wait(harness: BotHarness) -> str | None:
    with harness.services.sessions() as session:
        wait = session.get(CustomerWait, 1)
        return wait.sales_ops_outcome.value if wait.sales_ops_outcome else None


def test_the_dri_pressing_contract_cancellation_is_refused_and_told_who_can(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = handed_to_sales_ops(make_harness, clock, sales_ops=SAM)
    world = harness.world
    record(harness, "contract_cancellation", world.pm)
    [refusal] = [t for t in told(harness, world.pm) if t.startswith("Only Sales Ops")]
    assert f"<@{SAM}>" in refusal and f"<@{world.leader}>" in refusal
    assert outcome_of_the_wait(harness) is None
    assert the_escalation(harness).state is State.STALLED


def test_when_sales_ops_is_a_channel_its_members_may_record_and_others_may_not(
    make_harness: Callable[..., BotHarness], clock: ManualClock, standin: Any
) -> None:
    channel = standin.add_channel("sales-ops", members=[SAM])
    harness = handed_to_sales_ops(make_harness, clock, sales_ops=channel)
    world = harness.world
    assert any("Sales Ops hand-off" in m.text for m in standin.messages(channel))
    record(harness, "customer_terminated", world.ae)
    [refusal] = [t for t in told(harness, world.ae) if t.startswith("Only Sales Ops")]
    assert f"members of <#{channel}>" in refusal
    assert outcome_of_the_wait(harness) is None
    record(harness, "customer_terminated", SAM)
    assert outcome_of_the_wait(harness) == "customer_terminated"
    assert the_escalation(harness).state is State.RESOLVING


def test_with_no_sales_ops_configured_only_leadership_may_record(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = handed_to_sales_ops(make_harness, clock)
    world = harness.world
    record(harness, "continue", world.pm)
    [refusal] = [t for t in told(harness, world.pm) if t.startswith("Only Sales Ops")]
    assert "no SALES_OPS is configured" in refusal and f"<@{world.leader}>" in refusal
    assert outcome_of_the_wait(harness) is None
    record(harness, "continue", world.leader)
    assert outcome_of_the_wait(harness) == "continue"
    assert the_escalation(harness).state is State.ACTIVE
