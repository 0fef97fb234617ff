"""Flows 6 and 7: tracking the resolution, changing course, and a closure leadership trusts."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete

from bot.domain import EventKind, Role, State
from bot.models import Delivery, DeliveryStatus, SlackUser, TimelineEvent
from tests.flows import open_escalation, root_ts, the_escalation, wait_for_receipt, wait_for_view
from tests.harness import BotHarness

NEW_YORK = ZoneInfo("America/New_York")
RESOURCING = "resourcing-ps"


def opened(make_harness: Callable[..., BotHarness]) -> BotHarness:
    harness = make_harness(resourcing_channel=RESOURCING)
    harness.standin.add_channel(RESOURCING)
    wait_for_receipt(harness, open_escalation(harness))
    return harness


def field(kind: str, value: Any) -> dict[str, Any]:
    key = {
        "plain_text_input": "value",
        "users_select": "selected_user",
        "datepicker": "selected_date",
        "static_select": "selected_option",
        "radio_buttons": "selected_option",
        "url_text_input": "value",
        "checkboxes": "selected_options",
        "multi_users_select": "selected_users",
    }[kind]
    if kind in ("static_select", "radio_buttons") and value is not None:
        value = {"value": value}
    return {"type": kind, key: value}


def values(**fields: tuple[str, Any]) -> dict[str, Any]:
    return {name: {name: field(kind, value)} for name, (kind, value) in fields.items()}


def open_details(harness: BotHarness, user: str) -> dict[str, Any]:
    before = len(harness.standin.opened_views())
    harness.click("esc_details", "1", user=user)
    return wait_for_view(harness, before)


def add_record(
    harness: BotHarness,
    detail: dict[str, Any],
    record_kind: str,
    user: str,
    /,
    **fields: tuple[str, Any],
) -> dict[str, Any]:
    before = len(harness.standin.opened_views())
    harness.interact(
        {
            "type": "block_actions",
            "user": {"id": user, "name": "u", "team_id": "T0001"},
            "trigger_id": harness.standin.new_trigger_id(),
            "view": detail,
            "container": {"type": "view", "view_id": detail["id"]},
            "actions": [
                {
                    "action_id": f"add_record:{record_kind}",
                    "block_id": "add:1",
                    "value": "1",
                    "type": "button",
                    "action_ts": "1",
                }
            ],
        }
    )
    form = wait_for_view(harness, before)
    answer = harness.submit_view(form, values(**fields), user=user)
    assert answer.status == 200 and answer.json is None, answer.body
    return form


def choose_more(harness: BotHarness, choice: str, user: str) -> None:
    harness.interact(
        {
            "type": "block_actions",
            "user": {"id": user, "name": "u", "team_id": "T0001"},
            "trigger_id": harness.standin.new_trigger_id(),
            "channel": {"id": harness.world.leadership_channel},
            "container": {"type": "message", "message_ts": root_ts(harness)},
            "actions": [
                {
                    "action_id": "esc_more",
                    "block_id": "esc_actions:1",
                    "type": "overflow",
                    "selected_option": {"value": f"{choice}:1"},
                    "action_ts": "1",
                }
            ],
        }
    )


def resolve_form(**overrides: tuple[str, Any]) -> dict[str, Any]:
    fields = {
        "resolution": ("plain_text_input", "Senior engineer added; go-live met on Dec 12."),
        "signoff": ("radio_buttons", "yes"),
        "signoff_on": ("datepicker", "2026-11-23"),
        "no_signoff_reason": ("plain_text_input", None),
        "retro_link": ("url_text_input", None),
        "improvements": ("plain_text_input", "Staff integrations with a second engineer"),
        "checks": ("checkboxes", [{"value": "financials"}]),
    }
    fields.update(overrides)
    return values(**fields)


def press_resolve(harness: BotHarness, user: str) -> dict[str, Any] | None:
    before = len(harness.standin.opened_views())
    harness.click(
        "esc_resolve",
        "1",
        user=user,
        channel=harness.world.leadership_channel,
        message_ts=root_ts(harness),
    )
    views = harness.standin.opened_views()
    return views[before] if len(views) > before else None


def test_a_sev1_from_milestones_through_a_dri_change_to_closure_and_export(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    standin, world = harness.standin, harness.world
    today = harness.clock.now().astimezone(NEW_YORK).date()

    detail = open_details(harness, world.pm)
    add_record(
        harness,
        detail,
        "milestone",
        world.pm,
        title=("plain_text_input", "New team member added to project"),
        success_criteria=("plain_text_input", "Engineer onboarded and introduced"),
    )
    for title, owner, due in (
        ("Meet resourcing and engineering lead", world.manager, today),
        ("Introduce new engineer to the customer", world.pm, today + timedelta(days=1)),
    ):
        add_record(
            harness,
            detail,
            "task",
            world.pm,
            milestone=("static_select", "1"),
            title=("plain_text_input", title),
            owner=("users_select", owner),
            due_on=("datepicker", due.isoformat()),
        )
    add_record(
        harness,
        detail,
        "blocker",
        world.pm,
        kind=("static_select", "dependency"),
        text=("plain_text_input", "Customer VPN access for the new engineer"),
    )
    add_record(
        harness,
        detail,
        "resource_impact",
        world.manager,
        impact_kind=("static_select", "resource"),
        text=("plain_text_input", "Priya moves off Globex for two weeks"),
    )
    refreshed = standin.calls_to("views.update")[-1].args["view"]
    shown = json.dumps(refreshed, ensure_ascii=False)
    assert "New team member added to project* · 0% complete" in shown
    assert "Dependency: Customer VPN access" in shown
    assert (
        "Priya moves off Globex"
        in standin.messages(
            next(c for c in [harness.services.gateway.resolve_channel(RESOURCING)])
        )[-1].text
    )

    # The manager ticks the first task in the detail view: 50% complete.
    harness.interact(
        {
            "type": "block_actions",
            "user": {"id": world.manager, "name": "m", "team_id": "T0001"},
            "trigger_id": standin.new_trigger_id(),
            "view": {"id": detail["id"]},
            "actions": [
                {
                    "action_id": "task_done:1",
                    "block_id": "tasks:1:1",
                    "type": "checkboxes",
                    "selected_options": [{"value": "1"}],
                    "action_ts": "1",
                }
            ],
        }
    )
    assert "50% complete" in json.dumps(standin.calls_to("views.update")[-1].args["view"])

    # Overdue tasks nudge their owner, once.
    harness.tick_at(harness.clock.now() + timedelta(days=2))
    harness.tick_at(harness.clock.now() + timedelta(hours=1))
    nudges = [m for m in standin.dms_to(world.pm) if "is overdue" in m.text]
    assert len(nudges) == 1 and "Introduce new engineer" in nudges[0].text

    # The director hands the escalation to the CSM as DRI.
    before = len(standin.opened_views())
    choose_more(harness, "reassign", world.director)
    modal = wait_for_view(harness, before)
    assert (
        harness.submit_view(
            modal, values(dri=("users_select", world.csm)), user=world.director
        ).json
        is None
    )
    assert the_escalation(harness).person(Role.DRI) == world.csm
    assert "You are now the DRI" in standin.dms_to(world.csm)[-1].text
    assert "won't get its prompts" in standin.dms_to(world.pm)[-1].text

    # The new DRI resolves it.
    modal = press_resolve(harness, world.csm)
    assert modal is not None
    assert harness.submit_view(modal, resolve_form(), user=world.csm).json is None
    escalation = the_escalation(harness)
    assert escalation.state is State.RESOLVED and escalation.customer_signoff
    assert escalation.signoff_on == date(2026, 11, 23)
    assert standin.pinned(world.leadership_channel) == []
    [root] = standin.messages(world.leadership_channel)
    assert "Resolved :white_check_mark:" in json.dumps(root.blocks)
    assert '"esc_reopen"' in json.dumps(root.blocks) and '"esc_resolve"' not in json.dumps(
        root.blocks
    )
    summary = standin.replies(world.leadership_channel, root.ts)[-1]
    text = json.dumps(summary.blocks, ensure_ascii=False)
    assert (
        "is resolved* by <@UCSM0001>" in text
        and "*Milestones:* 0/1 complete (50% of tasks)" in text
    )
    assert "*Customer sign-off:* yes, 2026-11-23" in text and "*Updates:* 0" in text
    with harness.services.sessions() as session:
        pending = session.query(Delivery).filter(Delivery.status == DeliveryStatus.PENDING).all()
    assert [d.kind for d in pending] == ["retro_reminder"]

    harness.slash("export ESC-1")
    [exported] = standin.uploaded_files()
    markdown = exported["content"].decode()
    assert markdown.startswith("# ESC-1: Acme Corp / Acme - Phase 2 rollout")
    for expected in (
        "### New team member added to project (50%)",
        "- [x] Meet resourcing and engineering lead",
        "- Dependency: Customer VPN access for the new engineer",
        "| dri_reassigned |",
        "| resolved |",
        "- Customer sign-off: yes, 2026-11-23",
    ):
        assert expected in markdown


def test_the_retro_link_is_chased_three_business_days_after_closure(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)  # Monday
    world = harness.world
    modal = press_resolve(harness, world.pm)
    harness.submit_view(modal, resolve_form(), user=world.pm)
    monday = harness.clock.now()
    harness.tick_at(monday + timedelta(days=2, hours=23))
    assert not any("retro" in m.text for m in harness.standin.dms_to(world.pm))
    harness.tick_at(monday + timedelta(days=3))  # Thursday: 3 business days
    [reminder] = [m for m in harness.standin.dms_to(world.pm) if "retro" in m.text]
    assert "no lessons-learned retro link yet" in reminder.text
    harness.tick_at(monday + timedelta(days=4))
    assert len([m for m in harness.standin.dms_to(world.pm) if "retro" in m.text]) == 1


def test_people_who_may_not_resolve_are_told_who_can(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    assert press_resolve(harness, harness.world.ae) is None
    [(_channel, user, text, _blocks)] = harness.standin.ephemerals
    assert user == harness.world.ae
    assert text.startswith("Only the DRI, the direct manager, the Director PS or PS leadership")
    assert "<@UPM00001>" in text and "<@UMGR0001>" in text
    choose_more(harness, "downgrade", harness.world.pm)
    assert harness.standin.ephemerals[-1][2].startswith("Only PS leadership can downgrade")
    assert the_escalation(harness).state is State.OPEN


def test_sev1_closure_needs_signoff_or_the_reason_there_is_none(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    modal = press_resolve(harness, harness.world.pm)
    answer = harness.submit_view(modal, resolve_form(signoff=("radio_buttons", None)))
    assert answer.json["errors"] == {
        "signoff": "Sev 1 needs the customer's sign-off, or the reason there is none."
    }
    answer = harness.submit_view(modal, resolve_form(signoff=("radio_buttons", "no")))
    assert answer.json["errors"] == {"no_signoff_reason": "Say why there is no customer sign-off."}
    assert the_escalation(harness).state is State.OPEN


def test_two_people_resolving_at_once_one_wins_and_the_other_is_told(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    world = harness.world
    first, second = press_resolve(harness, world.pm), press_resolve(harness, world.manager)
    answers: dict[str, Any] = {}
    start = threading.Barrier(2)

    def submit(user: str, modal: dict[str, Any]) -> None:
        start.wait()
        answers[user] = harness.submit_view(modal, resolve_form(), user=user, drain=False)

    threads = [
        threading.Thread(target=submit, args=args)
        for args in ((world.pm, first), (world.manager, second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    harness.listeners.drain()
    outcomes = sorted(json.dumps(a.json) for a in answers.values())
    assert outcomes[0] == "null"  # the winner's modal simply closed
    assert (
        "was just resolved by" in outcomes[1] and "nothing you entered was applied" in outcomes[1]
    )
    with harness.services.sessions() as session:
        resolved = session.query(TimelineEvent).filter_by(kind=EventKind.RESOLVED).count()
    assert resolved == 1
    assert (
        len(
            [
                r
                for r in harness.standin.replies(world.leadership_channel, root_ts(harness))
                if "is resolved" in json.dumps(r.blocks)
            ]
        )
        == 1
    )


def test_reopen_within_30_days_restores_the_cadence_and_the_pin(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    standin, world = harness.standin, harness.world
    harness.submit_view(press_resolve(harness, world.pm), resolve_form(), user=world.pm)
    harness.clock.set(harness.clock.now() + timedelta(days=2))
    harness.click(
        "esc_reopen",
        "1",
        user=world.pm,
        channel=world.leadership_channel,
        message_ts=root_ts(harness),
    )
    assert the_escalation(harness).state is State.ACTIVE
    assert standin.pinned(world.leadership_channel) == [root_ts(harness)]
    before = len(standin.dms_to(world.pm))
    harness.tick_at(harness.clock.now() + timedelta(hours=4))
    assert len(standin.dms_to(world.pm)) > before
    harness.submit_view(press_resolve(harness, world.pm), resolve_form(), user=world.pm)
    harness.clock.set(harness.clock.now() + timedelta(days=31))
    harness.click(
        "esc_reopen",
        "1",
        user=world.pm,
        channel=world.leadership_channel,
        message_ts=root_ts(harness),
    )
    assert "more than 30 days ago" in standin.ephemerals[-1][2]
    assert the_escalation(harness).state is State.RESOLVED


def test_prompts_follow_a_reassigned_dri_into_their_own_time_zone(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)  # Monday 09:00 Los Angeles = 17:00 London
    standin, world = harness.standin, harness.world
    before = len(standin.opened_views())
    choose_more(harness, "reassign", world.leader)
    harness.submit_view(
        wait_for_view(harness, before), values(dri=("users_select", world.csm)), user=world.leader
    )
    london = ZoneInfo("Europe/London")
    harness.tick_at(datetime(2026, 11, 24, 8, 59, tzinfo=london))
    assert not [m for m in standin.dms_to(world.csm) if m.text.startswith("Morning")]
    harness.tick_at(datetime(2026, 11, 24, 9, 0, tzinfo=london))
    assert [m for m in standin.dms_to(world.csm) if m.text.startswith("Morning")]
    assert not [m for m in standin.dms_to(world.pm) if m.text.startswith("Morning")]


def test_alternatives_requirement_changes_and_raid_are_kept_and_exported(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    world = harness.world
    detail = open_details(harness, world.pm)
    add_record(
        harness,
        detail,
        "alternative",
        world.pm,
        approach=("plain_text_input", "Bring in the partner's integration team"),
        pros=("plain_text_input", "Available next week"),
        cons=("plain_text_input", "Costs 40k"),
        risks=("plain_text_input", "Knowledge stays with the partner"),
    )
    add_record(
        harness,
        detail,
        "requirement_change",
        world.pm,
        change=("plain_text_input", "SSO moves to phase 3"),
        approver=("users_select", world.director),
        approved_on=("datepicker", "2026-11-23"),
    )
    add_record(
        harness,
        detail,
        "raid",
        world.pm,
        category=("static_select", "risk"),
        text=("plain_text_input", "Customer freeze from Dec 15"),
        owner=("users_select", world.manager),
    )
    raid_form = harness.standin.opened_views()[-1]
    answer = harness.submit_view(
        raid_form, values(category=("static_select", "risk"), text=("plain_text_input", " "))
    )
    assert answer.json == {"response_action": "errors", "errors": {"text": "Entry is required."}}
    shown = json.dumps(harness.standin.calls_to("views.update")[-1].args["view"])
    assert "Bring in the partner" in shown and "SSO moves to phase 3" in shown
    assert "Customer freeze from Dec 15" in shown
    harness.slash("export ESC-1")
    markdown = harness.standin.uploaded_files()[-1]["content"].decode()
    assert (
        "- Bring in the partner's integration team (pros: Available next week; cons: "
        "Costs 40k; risks: Knowledge stays with the partner)" in markdown
    )
    assert "| SSO moves to phase 3 | Dana Director (UDIR0001) | 2026-11-23 |" in markdown
    assert "- Risk: Customer freeze from Dec 15" in markdown


def test_the_export_names_people_whose_profile_was_never_fetched(
    make_harness: Callable[..., BotHarness],
) -> None:
    """A form acks before every profile is known (the lookups' time runs out on a slow
    Slack); the export, sent after its ack, asks Slack for the names it lacks."""
    harness = opened(make_harness)
    world = harness.world
    with harness.services.sessions.begin() as session:
        session.execute(delete(SlackUser).where(SlackUser.user_id == world.director))
    harness.services.profiles.pop(world.director, None)
    harness.slash("export ESC-1")
    [exported] = harness.standin.uploaded_files()
    # To the person who asked, not to anyone it looked up on the way.
    assert exported["channel"] == harness.standin.dm_channel(world.pm)
    assert "- Director PS: Dana Director (UDIR0001)" in exported["content"].decode()
    with harness.services.sessions() as session:
        assert session.get(SlackUser, world.director) is not None
