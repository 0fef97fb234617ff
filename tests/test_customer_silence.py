"""Flow 4: a customer goes quiet and the bot walks the ladder (seeds 000 and 002)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.domain import State
from bot.escalations import customer, service
from bot.models import CustomerWait
from tests.flows import (
    click_prompt,
    open_escalation,
    the_escalation,
    wait_for_receipt,
    wait_for_view,
)
from tests.harness import BotHarness
from tests.ladder_story import record_outcome

LA = ZoneInfo("America/Los_Angeles")
SALES_OPS = "USALES01"
SPONSOR = "USPONS01"
DAY0 = datetime(2026, 11, 23, 9, 0, tzinfo=LA)  # Monday


def quiet_customer(make_harness: Callable[..., BotHarness], clock: ManualClock) -> BotHarness:
    """A Sev 2 whose DRI starts waiting on the customer on day 0 (asked that morning)."""
    clock.set(DAY0)
    harness = make_harness(sales_ops=SALES_OPS, executive_sponsor_user_id=SPONSOR)
    harness.standin.add_user(SALES_OPS, "sam.salesops", real_name="Sam Sales Ops")
    harness.standin.add_user(SPONSOR, "erin.exec", real_name="Erin Executive")
    wait_for_receipt(harness, open_escalation(harness, "sev2"))
    before = len(harness.standin.opened_views())
    harness.click("esc_waiting_on_customer", "1", user=harness.world.pm)
    modal = wait_for_view(harness, before)
    answer = harness.submit_view(
        modal,
        {
            "kind": {"kind": {"type": "radio_buttons", "selected_option": {"value": "request"}}},
            "asked": {"asked": {"type": "plain_text_input", "value": "Sign-off on the UAT plan"}},
            "asked_on": {"asked_on": {"type": "datepicker", "selected_date": "2026-11-23"}},
            "how": {"how": {"type": "static_select", "selected_option": {"value": "Email"}}},
        },
    )
    assert answer.status == 200 and answer.json is None
    harness.since = len(harness.standin.calls_to("chat.postMessage"))  # type: ignore[attr-defined]
    return harness


def walk_days(harness: BotHarness, days: float, step: timedelta = timedelta(hours=3)) -> None:
    end = DAY0 + timedelta(days=days)
    now = harness.clock.now()
    while now < end:
        now = min(now + step, end)
        harness.tick_at(now)


def ladder_log(harness: BotHarness) -> list[str]:
    """Who was told what about the silence (the cadence's own prompts left out)."""
    world, standin = harness.world, harness.standin
    names = {
        world.pm: "DRI",
        world.ae: "AE",
        world.manager: "manager",
        SALES_OPS: "Sales Ops",
        SPONSOR: "sponsor",
    }
    dm_names = {standin.dm_channel(user): name for user, name in names.items()}
    lines = []
    for call in standin.calls_to("chat.postMessage")[harness.since :]:
        text = call.args.get("text", "")
        cadence = text.startswith(("Weekly", "Reminder:")) or "Phase 1" in text
        if not call.response.get("ok") or cadence or "weekly Sev 2 update" in text:
            continue
        channel = call.response["channel"]
        where = dm_names.get(channel) or ("thread" if call.args.get("thread_ts") else channel)
        lines.append(f"{where}: {text[:70]}")
    return lines


def test_thirty_days_of_silence_walk_the_whole_ladder_to_sales_ops(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = quiet_customer(make_harness, clock)
    seen: list[str] = []
    for day in range(1, 31):
        walk_days(harness, day)
        for line in ladder_log(harness)[len(seen) :]:
            seen.append(f"day {day:2d} {line}")
    assert seen == [
        "day  7 DRI: ESC-1: customer silent for 7 days",
        "day  7 thread: :double_vertical_bar: ESC-1 is *stalled* (dependency: customer): no an",
        "day 14 AE: :telephone_receiver: Acme Corp (Acme - Phase 2 rollout) hasn't respond",
        "day 14 DRI: ESC-1: customer silent for 14 days",
        "day 14 thread: :telephone_receiver: <@UAE00001> Acme Corp hasn't responded for 14 day",
        "day 21 DRI: ESC-1: customer silent for 21 days",
        "day 21 thread: :envelope: ESC-1: 21 days without an answer. The DRI is sending the fi",
        "day 28 DRI: ESC-1: customer silent for 28 days",
        "day 28 thread: :sos: <@UMGR0001> <@USPONS01> Acme Corp has been unresponsive for 28 d",
        "day 28 sponsor: :sos: <@UMGR0001> <@USPONS01> Acme Corp has been unresponsive for 28 d",
        # The note tells the manager; so does a DM (issue 11).
        "day 28 manager: :sos: <@UMGR0001> <@USPONS01> Acme Corp has been unresponsive for 28 d",
        "day 28 Sales Ops: Sales Ops hand-off: ESC-1",
    ]
    assert the_escalation(harness).state is State.STALLED
    stalled_dm = next(m for m in harness.standin.dms_to(harness.world.pm) if "7 days" in m.text)
    assert "Project Stalled" in json.dumps(stalled_dm.blocks)

    handoff = harness.standin.dms_to(SALES_OPS)[-1]
    where = (handoff.channel, handoff.ts)
    assert not record_outcome(harness, "continue", harness.world.pm, where=where)
    assert harness.standin.dms_to(harness.world.pm)[-1].text.startswith(
        "Only Sales Ops or PS leadership can record the outcome"
    )
    assert record_outcome(harness, "continue", SALES_OPS, where=where)
    assert the_escalation(harness).state is State.ACTIVE
    assert any("recorded *Continue working*" in m for m in ladder_log(harness))


def test_a_response_on_day_ten_stops_the_ladder_and_records_how_long_it_took(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = quiet_customer(make_harness, clock)
    walk_days(harness, 10)
    assert the_escalation(harness).state is State.STALLED
    prompt = next(m for m in harness.standin.dms_to(harness.world.pm) if "7 days" in m.text)
    click_prompt(harness, "wait_customer_responded", prompt, harness.world.pm)
    assert the_escalation(harness).state is State.ACTIVE
    [note] = [line for line in ladder_log(harness) if line.startswith("thread: :speech")]
    assert "the customer responded after 10 d 9 h" in note  # asked at midnight, answered 09:00
    walk_days(harness, 30)
    assert not any("silent for 14" in line for line in ladder_log(harness))
    with harness.services.sessions() as session:
        wait = session.get(CustomerWait, 1)
        assert wait.responded_at == DAY0 + timedelta(days=10)


def test_an_out_of_office_pauses_the_ladder_until_the_customer_is_back(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = quiet_customer(make_harness, clock)
    walk_days(harness, 5)
    note = next(
        m
        for m in harness.standin.replies(
            harness.world.leadership_channel, the_escalation(harness).root_ts
        )
        if m.text.startswith("Waiting on")
    )
    before = len(harness.standin.opened_views())
    harness.click("wait_out_of_office", "1", user=harness.world.pm)
    modal = wait_for_view(harness, before)
    harness.submit_view(
        modal, {"until": {"until": {"type": "datepicker", "selected_date": "2026-12-05"}}}
    )
    assert note.ts  # the waiting note carried the buttons
    walk_days(harness, 13)
    assert not any("silent for" in line for line in ladder_log(harness))
    # Paused from day 5 09:00 until Dec 5 00:00 (day 11 15 h): 6 d 15 h don't count.
    walk_days(harness, 14)
    assert any("silent for 7 days" in line for line in ladder_log(harness))
    assert the_escalation(harness).state is State.STALLED


def test_a_new_msa_project_is_sent_down_the_hours_expired_path_on_day_seven(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    clock.set(DAY0)
    harness = make_harness()
    wait_for_receipt(harness, open_escalation(harness, "sev2", new_msa=True))
    with harness.services.sessions.begin() as session:
        customer.start_waiting(
            session,
            service.get(session, 1),
            asked="Access to prod",
            how="Email",
            asked_at=DAY0,
            actor=harness.world.pm,
            now=DAY0,
        )
    walk_days(harness, 7.5)
    [stalled] = [m for m in harness.standin.dms_to(harness.world.pm) if "7 days" in m.text]
    text = json.dumps(stalled.blocks)
    assert "new MSA" in text and "Project Closure - Hours Expired" in text
    assert "Add a *Stalled* task" not in text


def test_contract_cancellation_moves_the_escalation_to_resolving_for_the_dri_to_close(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = quiet_customer(make_harness, clock)
    walk_days(harness, 28.2)
    handoff = harness.standin.dms_to(SALES_OPS)[-1]
    assert record_outcome(
        harness, "contract_cancellation", SALES_OPS, where=(handoff.channel, handoff.ts)
    )
    escalation = the_escalation(harness)
    # Never closed silently: nothing unpinned (a Sev 2 is never pinned), no closure recorded,
    # the DRI asked to complete it.
    assert escalation.state is State.RESOLVING and escalation.resolved_at is None
    assert harness.standin.calls_to("pins.remove") == []
    thread = harness.standin.replies(harness.world.leadership_channel, escalation.root_ts)
    asked = [m.text for m in thread if "please complete closure" in m.text]
    assert len(asked) == 1 and f"<@{harness.world.pm}>" in asked[0]
    root = harness.standin.messages(harness.world.leadership_channel)[0]
    assert "Resolving" in json.dumps(root.blocks)

    def status_prompts() -> list[str]:
        # The day-before reminder of the review call still comes: it is on the agenda.
        dms = harness.standin.dms_to(harness.world.pm)
        return [m.text for m in dms if not m.text.startswith("Reminder:")]

    prompts_before = len(status_prompts())
    harness.tick_at(clock.now() + timedelta(days=2))  # no more status prompts meanwhile
    assert len(status_prompts()) == prompts_before


def test_a_missed_appointment_makes_the_customer_unresponsive_at_once(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    clock.set(DAY0)
    harness = make_harness()
    wait_for_receipt(harness, open_escalation(harness, "sev2"))
    before = len(harness.standin.opened_views())
    harness.click("esc_waiting_on_customer", "1", user=harness.world.pm)
    modal = wait_for_view(harness, before)
    harness.submit_view(
        modal,
        {
            "kind": {
                "kind": {
                    "type": "radio_buttons",
                    "selected_option": {"value": "missed_appointment"},
                }
            },
            "asked": {
                "asked": {
                    "type": "plain_text_input",
                    "value": "No-show at the UAT kickoff, no notice",
                }
            },
            "asked_on": {"asked_on": {"type": "datepicker", "selected_date": "2026-11-23"}},
            "how": {"how": {"type": "static_select", "selected_option": None}},
        },
    )
    harness.tick_at(DAY0 + timedelta(minutes=15))
    assert the_escalation(harness).state is State.STALLED
    [stalled] = [m for m in harness.standin.dms_to(harness.world.pm) if "silent for 7" in m.text]
    assert "missed without notice: No-show at the UAT kickoff" in json.dumps(stalled.blocks)


def test_a_response_after_the_project_was_stalled_asks_the_dri_to_reset_the_psa_fields(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = quiet_customer(make_harness, clock)
    walk_days(harness, 10)
    prompt = next(m for m in harness.standin.dms_to(harness.world.pm) if "7 days" in m.text)
    click_prompt(harness, "wait_customer_responded", prompt, harness.world.pm)
    reset = harness.standin.dms_to(harness.world.pm)[-1].text
    assert reset == (
        ":arrows_counterclockwise: ESC-1: the customer responded. Please reset the PSA "
        "project: status reason *Active*, dependency *None*."
    )


def test_a_response_before_day_seven_needs_no_psa_reset(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = quiet_customer(make_harness, clock)
    walk_days(harness, 3)
    note = next(
        m
        for m in harness.standin.replies(
            harness.world.leadership_channel, the_escalation(harness).root_ts
        )
        if m.text.startswith("Waiting on")
    )
    dms_before = len(harness.standin.dms_to(harness.world.pm))
    click_prompt(harness, "wait_customer_responded", note, harness.world.pm)
    assert the_escalation(harness).state is not State.STALLED
    new = [m.text for m in harness.standin.dms_to(harness.world.pm)[dms_before:]]
    assert not any("reset the PSA" in text for text in new)
    with harness.services.sessions() as session:
        wait = session.get(CustomerWait, 1)
        assert wait is not None and wait.responded_at is not None
