"""Flow 4's last step: Sales Ops are people (SALES_OPS_USER_IDS; the channel only carries the
hand-off). Only they or PS leadership record the outcome, with notes, and the DRI is told
what to do next: reset the PSA fields, or complete closure."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot.clock import ManualClock
from bot.domain import State
from bot.models import CustomerWait
from tests.flows import the_escalation
from tests.harness import BotHarness
from tests.ladder_story import (
    SAM,
    SASHA,
    press,
    shown,
    silent_customer,
    told,
    walk_to,
)
from tests.ladder_story import record_outcome as record

__all__ = ["SAM", "handed_to_sales_ops", "record"]


def handed_to_sales_ops(
    make_harness: Callable[..., BotHarness], clock: ManualClock, **settings: Any
) -> BotHarness:
    """A Sev 2 whose customer has been silent for 28 days: the hand-off to Sales Ops is out."""
    harness = silent_customer(make_harness, clock, **settings)
    walk_to(harness, 28.2, step=timedelta(hours=12))
    return harness


def the_wait(harness: BotHarness) -> CustomerWait:
    with harness.services.sessions() as session:
        wait = session.get(CustomerWait, 1)
        assert wait is not None
        return wait


def thread(harness: BotHarness) -> list[str]:
    escalation = the_escalation(harness)
    replies = harness.standin.replies(harness.world.leadership_channel, escalation.root_ts)
    return [m.text for m in replies]


def test_every_sales_ops_person_gets_the_hand_off_and_the_channel_gets_it_too(
    make_harness: Callable[..., BotHarness], clock: ManualClock, standin: Any
) -> None:
    channel = standin.add_channel("sales-ops", members=[SAM])
    harness = handed_to_sales_ops(
        make_harness, clock, sales_ops_user_ids=[SAM, SASHA], sales_ops=channel
    )
    for person in (SAM, SASHA):
        assert [m.text for m in standin.dms_to(person)] == ["Sales Ops hand-off: ESC-1"]
    assert [m.text for m in standin.messages(channel)] == ["Sales Ops hand-off: ESC-1"]
    assert not any("no Sales Ops is configured" in t for t in thread(harness))


def test_the_dri_pressing_contract_cancellation_is_refused_and_told_who_can(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = handed_to_sales_ops(make_harness, clock, sales_ops_user_ids=[SAM])
    world = harness.world
    assert not record(harness, "contract_cancellation", world.pm)  # no form to type into
    [refusal] = [t for t in told(harness, world.pm) if t.startswith("Only Sales Ops")]
    assert f"<@{SAM}>" in refusal and f"<@{world.leader}>" in refusal
    assert the_wait(harness).sales_ops_outcome is None
    assert the_escalation(harness).state is State.STALLED


def test_a_member_of_the_sales_ops_channel_is_not_sales_ops(
    make_harness: Callable[..., BotHarness], clock: ManualClock, standin: Any
) -> None:
    channel = standin.add_channel("sales-ops", members=[SAM, SASHA])
    harness = handed_to_sales_ops(make_harness, clock, sales_ops_user_ids=[SAM], sales_ops=channel)
    [post] = standin.messages(channel)
    assert not record(harness, "customer_terminated", SASHA, where=(channel, post.ts))
    [refusal] = [t for t in told(harness, SASHA) if t.startswith("Only Sales Ops")]
    assert f"<@{SAM}>" in refusal and "members of" not in refusal
    assert record(
        harness, "customer_terminated", SAM, "Customer confirmed", where=(channel, post.ts)
    )
    assert the_wait(harness).sales_ops_outcome is not None


def test_sales_ops_notes_are_kept_and_quoted_to_the_pm_as_text(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = handed_to_sales_ops(make_harness, clock, sales_ops_user_ids=[SAM])
    notes = "Spoke to their CFO <!channel>: budget frozen\nrestart in Q1 <https://x|y>"
    assert record(harness, "continue", SAM, notes)
    wait = the_wait(harness)
    assert (wait.sales_ops_notes, wait.sales_ops_by) == (notes, SAM)
    assert wait.sales_ops_at == clock.now()
    [note] = [t for t in thread(harness) if "recorded *Continue working*" in t]
    assert "\n>Spoke to their CFO &lt;!channel&gt;: budget frozen\n>restart in Q1 &lt;https" in note
    assert "<!channel>" not in note and f"<@{harness.world.pm}>" in note


def test_continue_working_makes_it_active_and_asks_the_dri_to_reset_the_psa_fields(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = handed_to_sales_ops(make_harness, clock, sales_ops_user_ids=[SAM])
    assert record(harness, "continue", SAM)
    assert the_escalation(harness).state is State.ACTIVE
    reset = harness.standin.dms_to(harness.world.pm)[-1].text
    assert "Sales Ops recorded *Continue working*" in reset
    assert "status reason *Active*, dependency *None*" in reset


def test_contract_cancellation_moves_to_resolving_and_asks_the_dri_to_complete_closure(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = handed_to_sales_ops(make_harness, clock, sales_ops_user_ids=[SAM])
    world, standin = harness.world, harness.standin
    assert record(harness, "contract_cancellation", SAM, "Cancelled per their legal team")
    escalation = the_escalation(harness)
    assert escalation.state is State.RESOLVING and escalation.resolved_at is None
    ask = standin.dms_to(world.pm)[-1]
    assert "please complete closure" in ask.text
    before = len(standin.opened_views())
    press(harness, ask, "esc_resolve", world.pm)  # the usual closure form, sign-off rules and all
    assert standin.opened_views()[before]["callback_id"] == "resolve_escalation"

    def status_prompts() -> list[str]:
        # The day-before reminder of the review call still comes: resolving is on the agenda.
        return [m.text for m in standin.dms_to(world.pm) if not m.text.startswith("Reminder:")]

    prompts = len(status_prompts())
    harness.tick_at(clock.now() + timedelta(days=2))  # no status prompts while resolving
    assert len(status_prompts()) == prompts


def test_customer_terminated_moves_to_resolving_too(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = handed_to_sales_ops(make_harness, clock, sales_ops_user_ids=[SAM])
    assert record(harness, "customer_terminated", SAM)
    escalation = the_escalation(harness)
    assert escalation.state is State.RESOLVING
    # Not closed: nothing unpinned (a Sev 2 is never pinned), no closure recorded.
    assert escalation.resolved_at is None
    assert harness.standin.calls_to("pins.remove") == []


def test_an_outcome_is_recorded_once(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = handed_to_sales_ops(make_harness, clock, sales_ops_user_ids=[SAM, SASHA])
    assert record(harness, "continue", SAM)
    assert not record(harness, "customer_terminated", SASHA)
    assert told(harness, SASHA)[-1] == "Sales Ops already recorded: Continue working."
    assert the_escalation(harness).state is State.ACTIVE


def test_with_no_sales_ops_configured_the_thread_gets_the_hand_off_and_only_leadership_may_record(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = handed_to_sales_ops(make_harness, clock)
    world = harness.world
    assert any("no Sales Ops is configured" in t for t in thread(harness))
    assert not record(harness, "continue", world.pm)
    [refusal] = [t for t in told(harness, world.pm) if t.startswith("Only Sales Ops")]
    assert "no SALES_OPS_USER_IDS is configured" in refusal and f"<@{world.leader}>" in refusal
    assert record(harness, "continue", world.leader)
    assert the_escalation(harness).state is State.ACTIVE


def test_the_outcome_form_starts_on_the_button_pressed(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = handed_to_sales_ops(make_harness, clock, sales_ops_user_ids=[SAM])
    [handoff] = harness.standin.dms_to(SAM)
    before = len(harness.standin.opened_views())
    press(harness, handoff, "wait_sales_ops_outcome:customer_terminated", SAM)
    [form] = harness.standin.opened_views()[before:]
    assert "Move to customer terminated" in json.dumps(
        form["blocks"][1]["element"]["initial_option"]
    )
    assert shown(handoff).count("wait_sales_ops_outcome:") == 3
