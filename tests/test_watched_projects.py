"""Watched projects (flows 1 and 4, seeds 000 and 002): a project that is not an escalation
gets a card, no leadership post, no pin, no checklist and no prompts; the customer-silence
ladder and urgent flags work on it; it can be escalated later with its history."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.domain import EventKind, Severity, State
from bot.models import CustomerWait, Escalation
from tests.factories import open_form
from tests.flows import open_modal, the_escalation, wait_for_receipt, wait_for_view
from tests.harness import BotHarness

LA = ZoneInfo("America/Los_Angeles")
SALES_OPS = "USALES01"
SPONSOR = "USPONS01"
DAY0 = datetime(2026, 11, 23, 9, 0, tzinfo=LA)  # Monday
# Set to a file name to keep the silent month's transcript (who got which message when).
TRANSCRIPT = os.environ.get("WATCH_TRANSCRIPT")


def watch(harness: BotHarness, **fields: Any) -> str:
    """`/escalate watch Acme Corp`, the form filled; returns the receipt."""
    view, response_url = open_modal(harness, "watch Acme Corp")
    assert json.loads(view["private_metadata"])["severity"] == "watch"
    values = open_form(harness.world, "watch", triggers=None, **fields)
    answer = harness.submit_view(view, values)
    assert answer.status == 200 and answer.json["response_action"] == "update", answer.body
    return wait_for_receipt(harness, response_url)


def wait_on_customer(harness: BotHarness, asked_on: str = "2026-11-23") -> None:
    before = len(harness.standin.opened_views())
    harness.click("esc_waiting_on_customer", "1", user=harness.world.pm)
    modal = wait_for_view(harness, before)
    answer = harness.submit_view(
        modal,
        {
            "kind": {"kind": {"type": "radio_buttons", "selected_option": {"value": "request"}}},
            "asked": {"asked": {"type": "plain_text_input", "value": "Sign-off on the SOW"}},
            "asked_on": {"asked_on": {"type": "datepicker", "selected_date": asked_on}},
            "how": {"how": {"type": "static_select", "selected_option": {"value": "Email"}}},
        },
    )
    assert answer.status == 200 and answer.json is None


def walk_to(harness: BotHarness, end: datetime, step: timedelta = timedelta(hours=3)) -> None:
    now = harness.clock.now()
    while now < end:
        now = min(now + step, end)
        harness.tick_at(now)


class Log:
    """Every message the bot posted since `start`, as "day N  who/where: text"."""

    def __init__(self, harness: BotHarness, names: dict[str, str]) -> None:
        self.harness, self.seen = harness, 0
        standin = harness.standin
        self.places = {
            standin.dm_channel(user) or user: f"DM {name}" for user, name in names.items()
        }
        world = harness.world
        self.places[world.leadership_channel] = "#ps-project-leadership"
        self.places[world.internal_channel] = "#proj-acme-internal"
        self.lines: list[str] = []

    def collect(self, day: int) -> list[str]:
        standin = self.harness.standin
        new = []
        for call in standin.calls_to("chat.postMessage")[self.seen :]:
            if not call.response.get("ok"):
                continue
            channel = call.response["channel"]
            where = self.places.get(channel) or self.places.get(
                call.args.get("channel", ""), channel
            )
            thread = " (thread)" if call.args.get("thread_ts") else ""
            text = call.args.get("text", "").replace("\n", " / ")
            new.append(f"day {day:2d}  {where}{thread}: {text[:160]}")
            if where.startswith("DM Sales Ops"):  # the hand-off's content is in its blocks
                sections = [
                    b["text"]["text"] for b in call.args.get("blocks") or [] if b.get("text")
                ]
                new += [f"            | {line}" for s in sections for line in s.splitlines()]
        self.seen = len(standin.calls_to("chat.postMessage"))
        self.lines += new
        return new


def names(harness: BotHarness) -> dict[str, str]:
    world = harness.world
    return {
        world.pm: "DRI (Pat PM)",
        world.manager: "manager (Morgan)",
        world.ae: "AE (Alex)",
        world.director: "Director PS (Dana)",
        SALES_OPS: "Sales Ops (Sam)",
        SPONSOR: "executive sponsor (Erin)",
    }


def quiet_watch(make_harness: Callable[..., BotHarness], clock: ManualClock) -> BotHarness:
    clock.set(DAY0)
    harness = make_harness(sales_ops=SALES_OPS, executive_sponsor_user_id=SPONSOR)
    harness.standin.add_user(SALES_OPS, "sam.salesops", real_name="Sam Sales Ops")
    harness.standin.add_user(SPONSOR, "erin.exec", real_name="Erin Executive")
    return harness


def test_watch_posts_a_card_in_the_internal_channel_and_nothing_in_leadership(
    harness: BotHarness,
) -> None:
    world, standin = harness.world, harness.standin
    receipt = watch(harness)
    assert receipt.startswith(":eyes: *ESC-1* is watched: I posted its card in <#")
    escalation = the_escalation(harness)
    assert escalation.severity is Severity.WATCH and escalation.state is State.OPEN
    assert escalation.checklist == [] and escalation.triggers == []
    assert escalation.root_ts is None and escalation.watch_channel_id == world.internal_channel
    assert standin.messages(world.leadership_channel) == []
    assert standin.calls_to("pins.add") == []
    [card] = standin.messages(world.internal_channel)
    assert card.text.startswith(":eyes: ESC-1 · Watch · Acme Corp")
    buttons = {e["action_id"] for b in card.blocks if b["type"] == "actions" for e in b["elements"]}
    assert buttons == {
        "esc_waiting_on_customer",
        "esc_flag_urgent",
        "watch_escalate",
        "watch_stop",
    }
    [welcome] = standin.dms_to(world.pm)
    assert welcome.text.startswith("You are the DRI of a watched project.")


def test_a_watch_without_an_internal_channel_puts_its_card_in_the_dris_dm(
    harness: BotHarness,
) -> None:
    watch(harness, internal_channel=None)
    [card] = harness.standin.dms_to(harness.world.pm)  # the card is the welcome: one DM
    assert card.text.startswith(":eyes: ESC-1 · Watch")
    assert the_escalation(harness).watch_ts == card.ts


def test_a_watch_form_needs_no_triggers_level_or_director(harness: BotHarness) -> None:
    view, _ = open_modal(harness, "watch Acme Corp")
    blocks = {block.get("block_id") for block in view["blocks"]}
    assert {"triggers", "level", "path_to_green", "director"}.isdisjoint(blocks)
    values = open_form(harness.world, "watch", triggers=None, director=None, manager=None)
    answer = harness.submit_view(view, values)
    assert answer.json["errors"] == {"manager": "Choose the Direct manager."}


def test_a_watch_gets_no_prompts_and_no_agenda_place_in_two_weeks(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = quiet_watch(make_harness, clock)
    watch(harness)
    # Hour by hour: the agenda is posted in the hour before the Thursday call.
    walk_to(harness, DAY0 + timedelta(days=14), step=timedelta(hours=1))
    world, standin = harness.world, harness.standin
    assert len(standin.dms_to(world.pm)) == 1  # the welcome, and no morning / weekly prompt
    assert standin.dms_to(world.manager) == []
    agendas = [m for m in standin.messages(world.leadership_channel) if "agenda" in m.text]
    assert len(agendas) == 2  # the Thursday review calls happened, without the watch on them
    assert all("ESC-1" not in json.dumps(m.blocks) for m in agendas)


def test_a_watch_shows_in_app_home(harness: BotHarness) -> None:
    watch(harness)
    answer = harness.event({"type": "app_home_opened", "user": harness.world.pm, "tab": "home"})
    assert answer.status == 200
    assert harness.standin.wait_for(lambda: harness.standin.views_published(harness.world.pm))
    home = json.dumps(harness.standin.views_published(harness.world.pm)[-1])
    assert "ESC-1* Watch" in home and "Acme Corp" in home


def test_a_watched_projects_silent_month_walks_the_ladder_to_sales_ops(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = quiet_watch(make_harness, clock)
    log = Log(harness, names(harness))
    transcript = ["/escalate watch Acme Corp  (Pat PM, Monday 2026-11-23 09:00 Los Angeles)"]
    watch(harness)
    transcript += log.collect(0)
    wait_on_customer(harness)
    transcript.append("day  0  Pat PM presses Waiting on customer: SOW sign-off asked by email")
    transcript += log.collect(0)
    for day in range(1, 31):
        walk_to(harness, DAY0 + timedelta(days=day))
        transcript += log.collect(day)
    if TRANSCRIPT:
        Path(TRANSCRIPT).write_text("\n".join(transcript) + "\n")

    ladder = [line for line in log.lines if line.startswith("day") and "day  0" not in line]
    assert [line.split(":")[0] for line in ladder] == [
        "day  7  DM DRI (Pat PM)",
        "day  7  #proj-acme-internal (thread)",
        "day 14  DM AE (Alex)",
        "day 14  DM DRI (Pat PM)",
        "day 14  #proj-acme-internal (thread)",
        "day 21  DM DRI (Pat PM)",
        "day 21  #proj-acme-internal (thread)",
        "day 28  DM DRI (Pat PM)",
        "day 28  #proj-acme-internal (thread)",
        "day 28  DM executive sponsor (Erin)",
        "day 28  DM manager (Morgan)",  # the note tells the manager: by DM too
        "day 28  DM Sales Ops (Sam)",
    ]
    assert "Sales Ops hand-off: ESC-1" in ladder[-1]
    # Nothing about the watch ever reached the leadership channel: it is not an escalation.
    assert not any("#ps-project-leadership" in line for line in log.lines)
    escalation = the_escalation(harness)
    assert escalation.state is State.STALLED and escalation.severity is Severity.WATCH
    card = harness.standin.messages(harness.world.internal_channel)[0]
    notes = harness.standin.replies(harness.world.internal_channel, card.ts)
    assert len(notes) == 5 and notes[0].text == "Waiting on Acme Corp"
    assert "<@UMGR0001>" in notes[-1].text


def test_a_flag_on_a_watch_goes_under_its_card(harness: BotHarness) -> None:
    watch(harness)
    before = len(harness.standin.opened_views())
    harness.click("esc_flag_urgent", "1", user=harness.world.pm)
    modal = wait_for_view(harness, before)
    needed_by = int((harness.clock.now() + timedelta(hours=20)).timestamp())
    answer = harness.submit_view(
        modal,
        {
            "responders": {
                "responders": {"type": "multi_users_select", "selected_users": [harness.world.ae]}
            },
            "needed": {"needed": {"type": "plain_text_input", "value": "Who signs the SOW?"}},
            "needed_by": {"needed_by": {"type": "datetimepicker", "selected_date_time": needed_by}},
            "link": {"link": {"type": "url_text_input", "value": None}},
        },
    )
    assert answer.status == 200 and answer.json is None
    card = harness.standin.messages(harness.world.internal_channel)[0]
    [post] = harness.standin.replies(harness.world.internal_channel, card.ts)
    assert post.text.startswith(":rotating_light: URGENT Acme Corp: Who signs the SOW?")
    assert "flag it in the tracker (ClickUp) too" in json.dumps(post.blocks)
    assert harness.standin.dms_to(harness.world.ae)[0].text.startswith(":rotating_light:")
    assert harness.standin.messages(harness.world.leadership_channel) == []


def escalate(harness: BotHarness, user: str, severity: str, **fields: Any) -> Any:
    before = len(harness.standin.opened_views())
    harness.click("watch_escalate", "1", user=user)
    if len(harness.standin.opened_views()) == before:
        return None
    modal = wait_for_view(harness, before)

    def select(value: str | None) -> dict[str, Any]:
        return {"type": "static_select", "selected_option": {"value": value} if value else None}

    values = {
        "severity": {"severity": select(severity)},
        "level": {"level": select(fields.get("level"))},
        "triggers": {
            "triggers": {
                "type": "multi_static_select",
                "selected_options": [{"value": t} for t in fields.get("triggers", [])],
            }
        },
        "path_to_green": {
            "path_to_green": {"type": "plain_text_input", "value": fields.get("path_to_green")}
        },
    }
    return harness.submit_view(modal, values, user=user)


def test_a_watch_escalated_to_sev1_is_posted_and_pinned_with_its_history(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = quiet_watch(make_harness, clock)
    world, standin = harness.world, harness.standin
    watch(harness)
    wait_on_customer(harness)
    walk_to(harness, DAY0 + timedelta(days=8))  # stalled on day 7, under the card
    answer = escalate(harness, world.pm, "sev1", level="high", triggers=["behind_schedule"])
    assert answer.json["errors"] == {"triggers": "Not a Sev 1 trigger: behind_schedule."}
    answer = escalate(harness, world.pm, "sev1", level="high", triggers=["dissatisfaction"])
    assert answer.status == 200 and answer.json is None
    escalation = the_escalation(harness)
    assert escalation.severity is Severity.SEV1 and escalation.root_pinned
    [root] = standin.messages(world.leadership_channel)
    assert root.ts == escalation.root_ts and standin.pinned(world.leadership_channel) == [root.ts]
    checklist = standin.replies(world.leadership_channel, root.ts)
    assert checklist and "Phase 1 checklist" in json.dumps(checklist[0].blocks)
    kinds = [event.kind for event in escalation.timeline]
    assert kinds.index(EventKind.LADDER_STEP) < kinds.index(EventKind.WATCH_ESCALATED)
    with harness.services.sessions() as session:
        [wait] = session.query(CustomerWait).all()
        assert wait.escalation_id == 1 and wait.responded_at is None  # the ladder goes on
    # The daily Sev 1 cadence starts: the next morning's prompt reaches the DRI.
    before = len(standin.dms_to(world.pm))
    walk_to(harness, DAY0 + timedelta(days=9, hours=1))
    assert any("ESC-1" in m.text for m in standin.dms_to(world.pm)[before:])
    # And the day-14 step of the same wait now goes to the leadership thread.
    walk_to(harness, DAY0 + timedelta(days=14, hours=1))
    notes = standin.replies(world.leadership_channel, root.ts)
    assert any("hasn't responded for 14 day" in m.text for m in notes)


def test_a_watch_escalated_to_sev2_needs_a_path_to_green_and_gets_the_sev2_checklist(
    harness: BotHarness,
) -> None:
    world = harness.world
    watch(harness)
    answer = escalate(harness, world.pm, "sev2", triggers=["behind_schedule"])
    assert answer.json["errors"] == {
        "path_to_green": "Sev 2 needs a path to green (mitigations, timeline)."
    }
    answer = escalate(
        harness, world.pm, "sev2", triggers=["behind_schedule"], path_to_green="Re-plan by Friday"
    )
    assert answer.status == 200 and answer.json is None
    escalation = the_escalation(harness)
    assert escalation.severity is Severity.SEV2 and escalation.path_to_green == "Re-plan by Friday"
    assert escalation.health.value == "red"  # Sev 2 step 1: Red, with a path to green
    [root] = harness.standin.messages(world.leadership_channel)
    [checklist] = harness.standin.replies(world.leadership_channel, root.ts)
    assert "Sev 2 checklist" in json.dumps(checklist.blocks)


def test_only_people_on_the_watch_or_leadership_may_escalate_it(harness: BotHarness) -> None:
    stranger = "USTRANG1"
    harness.standin.add_user(stranger, "stranger", real_name="A Stranger")
    watch(harness)
    assert escalate(harness, stranger, "sev2") is None  # refused at the click
    refusal = harness.standin.dms_to(stranger)[-1].text
    assert refusal.startswith("Only the people on ESC-1 or PS leadership can escalate it")
    with harness.services.sessions() as session:
        assert session.get(Escalation, 1).severity is Severity.WATCH  # type: ignore[union-attr]


def test_stopping_a_watch_closes_it_with_a_note_and_its_ladder_stops(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = quiet_watch(make_harness, clock)
    world, standin = harness.world, harness.standin
    watch(harness)
    wait_on_customer(harness)
    walk_to(harness, DAY0 + timedelta(days=8))
    before = len(standin.opened_views())
    harness.click("watch_stop", "1", user=world.pm)
    modal = wait_for_view(harness, before)
    note = {"note": {"note": {"type": "plain_text_input", "value": "Customer re-engaged <!here>"}}}
    answer = harness.submit_view(modal, note)
    assert answer.status == 200 and answer.json is None
    escalation = the_escalation(harness)
    assert escalation.state is State.RESOLVED and escalation.resolved_by == world.pm
    card = standin.messages(world.internal_channel)[0]
    last = standin.replies(world.internal_channel, card.ts)[-1].text
    assert last.startswith(":white_check_mark: ESC-1 is no longer watched")
    assert "&lt;!here&gt;" in last
    silent_for = len([m for m in standin.dms_to(world.pm) if "customer silent" in m.text])
    walk_to(harness, DAY0 + timedelta(days=30))
    assert len([m for m in standin.dms_to(world.pm) if "customer silent" in m.text]) == silent_for
    assert standin.dms_to(world.ae) == [] and standin.dms_to(SALES_OPS) == []
