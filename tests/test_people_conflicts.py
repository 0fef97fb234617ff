"""Flow 8: people conflicts (seed 002's sales / CS team member path): recorded privately,
resolved directly first, then with each person's manager, then with the conflict executive."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.models import PeopleConflict
from bot.policy.conflicts import add_business_days, step_due_at
from tests.flows import wait_for_view
from tests.harness import BotHarness

NEW_YORK = ZoneInfo("America/New_York")
RAISED = datetime(2026, 11, 25, 15, 0, tzinfo=NEW_YORK)  # a Wednesday afternoon
REP, REP_MANAGER, EXECUTIVE = "USREP001", "USMGR001", "UEXEC001"


def conflict_harness(
    make_harness: Callable[..., BotHarness], clock: ManualClock, **overrides: Any
) -> BotHarness:
    clock.set(RAISED)
    harness = make_harness(**({"conflict_executive_user_id": EXECUTIVE} | overrides))
    harness.standin.add_user(REP, "riley.rep", real_name="Riley Sales Rep")
    harness.standin.add_user(REP_MANAGER, "sky.salesmgr", real_name="Sky Sales Manager")
    harness.standin.add_user(EXECUTIVE, "alex.exec", real_name="Alex Executive")
    return harness


def record(harness: BotHarness, **overrides: Any) -> dict[str, Any]:
    """`/escalate conflict`, the form filled by the PM; returns the errors (none: {})."""
    world = harness.world
    before = len(harness.standin.opened_views())
    answer, _trigger, _url = harness.slash("conflict")
    assert answer.status == 200
    modal = wait_for_view(harness, before)
    fields = {
        "team": "sales",
        "person": REP,
        "person_manager": REP_MANAGER,
        "raiser_manager": world.manager,
        "customer": "Acme Corp",
        "summary": "Riley promised Acme a go-live date PS never agreed to <!channel>",
    } | overrides

    def select(value: str | None) -> dict[str, Any]:
        return {"type": "static_select", "selected_option": {"value": value} if value else None}

    values = {
        "team": {"team": select(fields["team"])},
        **{
            name: {name: {"type": "users_select", "selected_user": fields[name]}}
            for name in ("person", "person_manager", "raiser_manager")
        },
        **{
            name: {name: {"type": "plain_text_input", "value": fields[name]}}
            for name in ("customer", "summary")
        },
    }
    answer = harness.submit_view(modal, values)
    assert answer.status == 200
    errors: dict[str, Any] = (answer.json or {}).get("errors", {})
    return errors


def who_got_what(harness: BotHarness, since: int = 0) -> list[str]:
    """Every message the bot posted, as "who: first words"; a conflict is only ever DMed."""
    world, standin = harness.world, harness.standin
    people = {
        world.pm: "PM",
        world.manager: "PM's manager",
        REP: "rep",
        REP_MANAGER: "rep's manager",
        EXECUTIVE: "executive",
        world.leader: "leadership",
        world.director: "director",
    }
    dms = {standin.dm_channel(user): name for user, name in people.items()}
    lines = []
    for call in standin.calls_to("chat.postMessage")[since:]:
        channel = call.response.get("channel")
        where = dms.get(channel, f"CHANNEL {channel}")
        text = call.args.get("text", "")
        if text.startswith("Y/R/Blocked portfolio review agenda"):
            continue  # the weekly agenda, about escalations (there are none here)
        blocks = json.dumps(call.args.get("blocks") or "")
        lead = next(
            (
                word
                for word in ("Recorded privately", "sales team", "Each person", "comes to")
                if word in blocks
            ),
            "",
        )
        lines.append(f"{where}: {text[:45]}{' / ' + lead if lead else ''}")
    return lines


def walk(harness: BotHarness, until: datetime, step: timedelta = timedelta(hours=2)) -> None:
    now = harness.clock.now()
    while now < until:
        now = min(now + step, until)
        harness.tick_at(now)


def the_conflict(harness: BotHarness) -> PeopleConflict:
    with harness.services.sessions() as session:
        conflict = session.get(PeopleConflict, 1)
        assert conflict is not None
        return conflict


def test_business_days_skip_the_weekend() -> None:
    assert add_business_days(date(2026, 11, 25), 5) == date(2026, 12, 2)  # Wed -> next Wed
    assert add_business_days(date(2026, 11, 28), 1) == date(2026, 11, 30)  # Sat -> Mon
    assert step_due_at(RAISED, 5, NEW_YORK) == datetime(2026, 12, 2, 10, 0, tzinfo=NEW_YORK)


def test_a_conflict_is_recorded_privately_and_the_pm_is_asked_to_resolve_it_directly(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = conflict_harness(make_harness, clock)
    assert record(harness) == {}
    assert who_got_what(harness) == [
        "PM: CONFLICT-1: Sales team people conflict / Recorded privately",
        "PM's manager: CONFLICT-1: Sales team people conflict / sales team",
    ]
    card = harness.standin.dms_to(harness.world.pm)[0]
    text = json.dumps(card.blocks)
    assert "First try to resolve it directly with <@USREP001>" in text
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    assert any(
        e.get("action_id") == "conflict_resolve"
        for b in card.blocks
        if b["type"] == "actions"
        for e in b["elements"]
    )


def test_unresolved_it_goes_to_each_managers_after_five_business_days_then_the_executive(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = conflict_harness(make_harness, clock)
    record(harness)
    seen = len(harness.standin.calls_to("chat.postMessage"))
    walk(harness, datetime(2026, 12, 2, 9, 59, tzinfo=NEW_YORK))  # the weekend is not counted
    assert who_got_what(harness, seen) == []
    walk(harness, datetime(2026, 12, 2, 10, 0, tzinfo=NEW_YORK))
    assert sorted(who_got_what(harness, seen)) == [
        "PM's manager: CONFLICT-1: Sales team people conflict / Each person",
        "PM: :busts_in_silhouette: CONFLICT-1 was not reso",
        "rep's manager: CONFLICT-1: Sales team people conflict / Each person",
        "rep: :busts_in_silhouette: CONFLICT-1 was not reso",
    ]
    seen = len(harness.standin.calls_to("chat.postMessage"))
    walk(harness, datetime(2026, 12, 9, 9, 0, tzinfo=NEW_YORK))
    assert who_got_what(harness, seen) == []
    walk(harness, datetime(2026, 12, 9, 10, 0, tzinfo=NEW_YORK))
    assert sorted(who_got_what(harness, seen)) == [
        "PM's manager: :rotating_light: CONFLICT-1 is still unresolv",
        "PM: :rotating_light: CONFLICT-1 is still unresolv",
        "executive: CONFLICT-1: Sales team people conflict / comes to",
        "rep's manager: :rotating_light: CONFLICT-1 is still unresolv",
        "rep: :rotating_light: CONFLICT-1 is still unresolv",
    ]
    seen = len(harness.standin.calls_to("chat.postMessage"))
    walk(harness, datetime(2026, 12, 31, 10, 0, tzinfo=NEW_YORK), step=timedelta(hours=6))
    assert who_got_what(harness, seen) == []  # each step once
    # Nothing about it was ever posted in a channel: only DMs.
    assert not any(line.startswith("CHANNEL") for line in who_got_what(harness))


def test_resolved_after_the_managers_closes_it_with_a_note_and_the_executive_never_hears(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = conflict_harness(make_harness, clock)
    world, standin = harness.world, harness.standin
    record(harness)
    walk(harness, datetime(2026, 12, 3, 12, 0, tzinfo=NEW_YORK))
    card = next(m for m in standin.dms_to(REP_MANAGER) if "Each person" in json.dumps(m.blocks))
    before = len(standin.opened_views())
    harness.click(
        "conflict_resolve", "1", user=REP_MANAGER, channel=card.channel, message_ts=card.ts
    )
    modal = wait_for_view(harness, before)
    seen = len(standin.calls_to("chat.postMessage"))
    answer = harness.submit_view(
        modal,
        {"note": {"note": {"type": "plain_text_input", "value": "Dates re-agreed with Acme."}}},
        user=REP_MANAGER,
    )
    assert answer.status == 200 and answer.json is None
    conflict = the_conflict(harness)
    assert (
        conflict.resolved_by == REP_MANAGER and conflict.resolution == "Dates re-agreed with Acme."
    )
    told = sorted(line.split(":")[0] for line in who_got_what(harness, seen))
    assert told == ["PM", "PM's manager", "rep", "rep's manager"]
    assert (
        "resolved by <@USMGR001>: Dates re-agreed with Acme." in standin.dms_to(world.pm)[-1].text
    )
    walk(harness, datetime(2026, 12, 31, 10, 0, tzinfo=NEW_YORK), step=timedelta(hours=6))
    assert standin.dms_to(EXECUTIVE) == []


def test_resolved_directly_only_the_pm_and_the_manager_who_knew_hear_of_it(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = conflict_harness(make_harness, clock)
    world, standin = harness.world, harness.standin
    record(harness)
    card = standin.dms_to(world.pm)[0]
    before = len(standin.opened_views())
    harness.click("conflict_resolve", "1", user=world.pm, channel=card.channel, message_ts=card.ts)
    modal = wait_for_view(harness, before)
    seen = len(standin.calls_to("chat.postMessage"))
    harness.submit_view(
        modal, {"note": {"note": {"type": "plain_text_input", "value": "Talked it through."}}}
    )
    assert sorted(line.split(":")[0] for line in who_got_what(harness, seen)) == [
        "PM",
        "PM's manager",
    ]
    walk(harness, datetime(2026, 12, 31, 10, 0, tzinfo=NEW_YORK), step=timedelta(hours=6))
    assert standin.dms_to(REP) == [] and standin.dms_to(REP_MANAGER) == []


def test_someone_not_involved_cannot_open_or_resolve_it(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = conflict_harness(make_harness, clock)
    record(harness)
    before = len(harness.standin.opened_views())
    harness.click("conflict_resolve", "1", user=harness.world.csm)
    assert len(harness.standin.opened_views()) == before
    refusal = harness.standin.dms_to(harness.world.csm)[-1].text
    assert refusal.startswith("That conflict is private to the people involved")
    assert the_conflict(harness).resolved_at is None


def test_without_a_conflict_executive_leadership_is_told_and_the_message_says_why(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = conflict_harness(make_harness, clock, conflict_executive_user_id=None)
    record(harness, team="cs", customer=None)
    # A CS team member and no customer: the PM's manager hears nothing until the step.
    assert [line.split(":")[0] for line in who_got_what(harness)] == ["PM"]
    walk(harness, datetime(2026, 12, 9, 10, 0, tzinfo=NEW_YORK))
    told = [m for m in harness.standin.dms_to(harness.world.leader) if m.blocks]
    assert len(told) == 1
    assert "No conflict executive is configured" in json.dumps(told[0].blocks)


def test_the_form_names_the_other_person_and_each_manager(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = conflict_harness(make_harness, clock)
    world = harness.world
    assert record(harness, person=world.pm, raiser_manager=world.pm, summary="") == {
        "person": "Choose the other person: you are already involved.",
        "raiser_manager": "Choose your manager, not yourself.",
        "summary": "Say what happened.",
    }
    assert record(harness, person_manager=REP) == {
        "person_manager": "Choose their manager, not the person themselves."
    }
