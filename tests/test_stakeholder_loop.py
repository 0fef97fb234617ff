"""Issue 11, points 1-5: the stakeholders are reached by DM, the checklist ticks only what
happened, a Critical gets its immediate sync, the midday check-in involves the stakeholders,
and the pinned root shows the truth.

Days are walked with the injected clock (ticks every 15 minutes, nothing sleeps); every DM
the bot sends is read back from the Slack stand-in with its recipient.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import RecordKind, State
from bot.escalations import records
from bot.escalations.publish import refresh_root_now
from bot.models import ChecklistEntry, Escalation
from tests.factories import open_form
from tests.flows import (
    click_prompt,
    open_escalation,
    open_modal,
    post_update,
    root_ts,
    the_escalation,
    wait_for_receipt,
    wait_for_view,
)
from tests.harness import BotHarness

LA = ZoneInfo("America/Los_Angeles")
TICK = timedelta(minutes=15)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """Day 0 is Monday 2026-11-23, in Los Angeles (the DRI's zone)."""
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=LA)


def walk(harness: BotHarness, until: datetime) -> None:
    now = harness.clock.now()
    while now < until:
        now = min(now + TICK, until)
        harness.tick_at(now)


def dms_since(harness: BotHarness, since: int) -> list[tuple[str, str, str]]:
    """(recipient, first line of text, blocks as JSON) of every DM Slack accepted."""
    found = []
    for call in harness.standin.calls[since:]:
        channel = call.args.get("channel", "")
        if call.method == "chat.postMessage" and call.response.get("ok") and channel[:1] in "UW":
            text = call.args.get("text", "")
            found.append((channel, text.splitlines()[0] if text else "", json.dumps(call.args)))
    return found


def recipients(dms: list[tuple[str, str, str]], starting: str) -> list[str]:
    return sorted(user for user, text, _ in dms if text.startswith(starting))


SYNC_REMINDER = ": no sync recorded yet"


def sync_reminded(dms: list[tuple[str, str, str]]) -> list[str]:
    """Recipients of "Reminder N: no sync recorded yet" (not the review loop's "Reminder:")."""
    return sorted(user for user, text, _ in dms if SYNC_REMINDER in text)


def checklist(harness: BotHarness) -> dict[str, ChecklistEntry]:
    return {entry.code: entry for entry in the_escalation(harness).checklist}


def thread_texts(harness: BotHarness) -> list[str]:
    return [
        m.text for m in harness.standin.replies(harness.world.leadership_channel, root_ts(harness))
    ]


def root_json(harness: BotHarness) -> str:
    [root] = harness.standin.messages(harness.world.leadership_channel)[:1]
    return json.dumps(root.blocks, ensure_ascii=False)


def opened_high(harness: BotHarness, **fields: object) -> int:
    """A Sev 1 High opened now; returns how many Slack calls there were before it."""
    before = len(harness.standin.calls)
    wait_for_receipt(harness, open_escalation(harness, level="high", **fields))
    return before


# -- 1 and 2: reached by DM; "looped in" only once every DM was delivered ----------------------


def test_each_stakeholder_is_dmed_their_role_and_the_thread_then_looped_in_is_ticked(
    harness: BotHarness,
) -> None:
    world = harness.world
    since = opened_high(harness)
    dms = dms_since(harness, since)
    # Exactly one DM each: the DRI's welcome and one per stakeholder with their role.
    assert sorted(user for user, _, _ in dms) == sorted(
        [world.pm, world.ae, world.csm, world.manager, world.director]
    )
    permalink = the_escalation(harness).root_permalink
    assert permalink
    for user, role in (
        (world.ae, "AE"),
        (world.csm, "CSM"),
        (world.manager, "Direct manager"),
        (world.director, "Director PS"),
    ):
        [(_, text, payload)] = [d for d in dms if d[0] == user]
        assert text == "You are " + role + " on ESC-1 · Sev 1 High · Acme Corp"
        assert permalink in payload and "stakeholder_mute" in payload
    entries = checklist(harness)
    assert entries["stakeholders_looped"].done and entries["stakeholders_looped"].done_by == "bot"
    assert entries["thread_pinned"].done
    # A typed tracker URL is not a tracking issue anybody checked; check-ins are not
    # scheduled until their invitations went out.
    assert not entries["tracking_issue"].done
    assert not entries["daily_checkins"].done


def test_a_stakeholder_slack_cannot_reach_leaves_looped_in_for_a_person_to_tick(
    harness: BotHarness,
) -> None:
    world = harness.world
    nobody = "UNOBODY01"  # not in the workspace: users.info can't say, the DM is refused
    since = opened_high(harness, ae=nobody)
    delivered = {user for user, _, _ in dms_since(harness, since)}
    assert {world.csm, world.manager, world.director} <= delivered and nobody not in delivered
    assert not checklist(harness)["stakeholders_looped"].done
    assert "DM UNOBODY01 their role" in (the_escalation(harness).slack_problem or "")
    # A person can tick it (e.g. after calling the AE): the checklist step takes their tick.
    [checklist_message] = [
        m
        for m in harness.standin.replies(world.leadership_channel, root_ts(harness))
        if m.text.startswith("ESC-1 checklist")
    ]
    step = next(
        b for b in checklist_message.blocks if b.get("block_id", "").endswith(":1")
    )  # Step 2: Communication
    harness.interact(
        {
            "type": "block_actions",
            "user": {"id": world.pm, "name": "pm", "team_id": "T0001"},
            "trigger_id": harness.standin.new_trigger_id(),
            "channel": {"id": world.leadership_channel},
            "container": {
                "type": "message",
                "channel_id": world.leadership_channel,
                "message_ts": checklist_message.ts,
            },
            "message": {"ts": checklist_message.ts, "blocks": checklist_message.blocks},
            "actions": [
                {
                    "action_id": step["accessory"]["action_id"],
                    "block_id": step["block_id"],
                    "type": "checkboxes",
                    "selected_options": [
                        {"value": "thread_pinned"},
                        {"value": "stakeholders_looped"},
                    ],
                    "action_ts": "1",
                }
            ],
        }
    )
    entry = checklist(harness)["stakeholders_looped"]
    assert entry.done and entry.done_by == world.pm


def test_followers_get_each_update_by_dm_until_they_mute(harness: BotHarness) -> None:
    world = harness.world
    opened_high(harness)
    since = len(harness.standin.calls)
    harness.clock.set(local(0, 10, 0))  # 18:00 in London: nobody is in quiet hours
    post_update(harness, "Rollback done", user=world.pm)
    followers = recipients(dms_since(harness, since), "ESC-1 update")
    assert followers == sorted([world.ae, world.csm, world.manager, world.director])

    welcome = next(m for m in harness.standin.dms_to(world.ae) if m.text.startswith("You are"))
    click_prompt(harness, "stakeholder_mute", welcome, world.ae)
    [muted] = [m for m in harness.standin.dms_to(world.ae) if m.ts == welcome.ts]
    assert "stakeholder_follow" in json.dumps(muted.blocks)  # the way back

    since = len(harness.standin.calls)
    harness.clock.set(local(0, 10, 30))
    post_update(harness, "Patch in QA", user=world.pm)
    assert recipients(dms_since(harness, since), "ESC-1 update") == sorted(
        [world.csm, world.manager, world.director]
    )

    muted_now = next(m for m in harness.standin.dms_to(world.ae) if m.ts == welcome.ts)
    click_prompt(harness, "stakeholder_follow", muted_now, world.ae)
    since = len(harness.standin.calls)
    harness.clock.set(local(0, 11, 0))
    post_update(harness, "Patch live", user=world.pm)
    assert world.ae in recipients(dms_since(harness, since), "ESC-1 update")


def test_anyone_can_follow_an_escalation_as_a_watcher(harness: BotHarness) -> None:
    world = harness.world
    opened_high(harness)
    harness.click("stakeholder_follow", "1", user=world.leader)
    since = len(harness.standin.calls)
    post_update(harness, "Rollback done", user=world.pm)
    assert world.leader in recipients(dms_since(harness, since), "ESC-1 update")


def test_a_follower_in_quiet_hours_gets_the_update_when_they_end(harness: BotHarness) -> None:
    world = harness.world
    opened_high(harness)
    harness.clock.set(local(0, 12, 0))  # 20:00 in London, where the CSM is
    since = len(harness.standin.calls)
    post_update(harness, "Rollback done", user=world.pm)
    now_dms = recipients(dms_since(harness, since), "ESC-1 update")
    assert world.csm not in now_dms and world.ae in now_dms
    london_morning = datetime(2026, 11, 24, 8, 0, tzinfo=ZoneInfo("Europe/London"))
    since = len(harness.standin.calls)
    walk(harness, london_morning - TICK)
    assert world.csm not in recipients(dms_since(harness, since), "ESC-1 update")
    walk(harness, london_morning)
    assert world.csm in recipients(dms_since(harness, since), "ESC-1 update")


def test_whenever_the_thread_tells_the_manager_the_manager_is_dmed_too(
    harness: BotHarness,
) -> None:
    world = harness.world
    opened_high(harness)
    since = len(harness.standin.calls)
    walk(harness, local(3, 9, 0))
    told_in_thread = [
        call
        for call in harness.standin.calls[since:]
        if call.method == "chat.postMessage"
        and call.args.get("thread_ts")
        and f"<@{world.manager}>" in call.args.get("text", "")
    ]
    manager_dms = [text for user, text, _ in dms_since(harness, since) if user == world.manager]
    told = [t for t in manager_dms if "You're the direct manager" in t]
    # Phase 1 past its deadline (Tue 13:00) and each 24 h of silence: a DM for each.
    assert len(told_in_thread) >= 2
    assert len(told) == len(told_in_thread)
    assert any("Phase 1 checklist" in t for t in told)
    assert any("No update for" in t for t in told)


# -- 3: a Critical means an immediate sync ----------------------------------------------------


def test_a_critical_asks_director_and_leadership_for_a_sync_and_reminds_until_recorded(
    harness: BotHarness,
) -> None:
    world = harness.world
    opened_at = harness.clock.now()
    since = len(harness.standin.calls)
    wait_for_receipt(harness, open_escalation(harness, level="critical"))
    asked = recipients(dms_since(harness, since), "Immediate sync needed")
    assert asked == sorted([world.director, world.leader])
    assert any(t.startswith("Immediate sync needed") for t in thread_texts(harness))
    escalation = the_escalation(harness)
    assert escalation.sync_due_at == opened_at + timedelta(hours=4)
    assert not checklist(harness)["portfolio_review"].done  # Critical: the sync is its review

    since = len(harness.standin.calls)
    walk(harness, opened_at + timedelta(hours=4) - TICK)
    assert sync_reminded(dms_since(harness, since)) == []
    walk(harness, opened_at + timedelta(hours=4))
    assert recipients(dms_since(harness, since), "Reminder 1: no sync recorded yet") == asked
    assert "not recorded" in root_json(harness)
    walk(harness, opened_at + timedelta(hours=24))
    assert recipients(dms_since(harness, since), "Reminder 2: no sync recorded yet") == asked
    reminders = [
        payload for user, text, payload in dms_since(harness, since) if SYNC_REMINDER in text
    ]
    assert len(reminders) == 4  # two reminders, to each of the two, then no more
    assert all("sync_held" in payload for payload in reminders)

    # The AE can't record it; the Director PS can, once.
    harness.click("sync_held", "1", user=world.ae)
    assert the_escalation(harness).sync_held_at is None
    assert any("Only the Director PS" in e[2] for e in harness.standin.ephemerals) or any(
        "Only the Director PS" in m.text for m in harness.standin.dms_to(world.ae)
    )
    harness.click("sync_held", "1", user=world.director)
    escalation = the_escalation(harness)
    assert escalation.sync_held_by == world.director
    assert escalation.sync_held_at == harness.clock.now()
    entry = checklist(harness)["portfolio_review"]
    assert entry.done and entry.done_by == world.director
    assert any("Immediate sync on ESC-1 held" in t for t in thread_texts(harness))
    assert "held" in root_json(harness) and "not recorded" not in root_json(harness)
    since = len(harness.standin.calls)
    walk(harness, opened_at + timedelta(days=3))
    assert sync_reminded(dms_since(harness, since)) == []


def test_a_critical_downgraded_before_its_sync_is_not_reminded(harness: BotHarness) -> None:
    world = harness.world
    opened_at = harness.clock.now()
    wait_for_receipt(harness, open_escalation(harness, level="critical"))
    before = len(harness.standin.opened_views())
    harness.interact(
        {
            "type": "block_actions",
            "user": {"id": world.leader, "name": "l", "team_id": "T0001"},
            "trigger_id": harness.standin.new_trigger_id(),
            "channel": {"id": world.leadership_channel},
            "actions": [
                {
                    "action_id": "esc_more",
                    "block_id": "esc_actions:1",
                    "type": "overflow",
                    "selected_option": {"value": "downgrade:1"},
                    "action_ts": "1",
                }
            ],
        }
    )
    harness.submit_view(
        wait_for_view(harness, before),
        {"reason": {"reason": {"type": "plain_text_input", "value": "Fixed at once"}}},
        user=world.leader,
    )
    since = len(harness.standin.calls)
    walk(harness, opened_at + timedelta(hours=12))
    assert recipients(dms_since(harness, since), "Reminder") == []
    assert "Immediate sync" not in root_json(harness)


def test_the_level_hint_promises_the_configured_sync_window(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = make_harness(immediate_sync_hours=2)
    view, _ = open_modal(harness)
    assert "hold a sync within 2 h" in json.dumps(view)
    harness.submit_view(view, _critical_form(harness))
    escalation = the_escalation(harness)
    assert escalation.sync_due_at == escalation.opened_at + timedelta(hours=2)


def _critical_form(harness: BotHarness) -> dict[str, object]:
    return open_form(harness.world, "sev1", level="critical")


def test_a_sev2_promoted_to_critical_asks_for_the_sync(harness: BotHarness) -> None:
    world = harness.world
    wait_for_receipt(harness, open_escalation(harness, "sev2"))
    since = len(harness.standin.calls)
    before = len(harness.standin.opened_views())
    harness.click("decide_promote", "1", user=world.leader)
    modal = wait_for_view(harness, before)
    harness.submit_view(
        modal,
        {
            "level": {"level": {"type": "static_select", "selected_option": {"value": "critical"}}},
            "note": {"note": {"type": "plain_text_input", "value": None}},
        },
        user=world.leader,
    )
    asked = recipients(dms_since(harness, since), "Immediate sync needed")
    assert asked == sorted([world.director, world.leader])
    # The stakeholders heard at the Sev 2's opening: delivered is delivered.
    assert checklist(harness)["stakeholders_looped"].done


# -- 4: the midday check-in involves the stakeholders -----------------------------------------


def test_the_stakeholders_are_invited_daily_and_an_unlogged_check_in_is_noted(
    harness: BotHarness,
) -> None:
    world = harness.world
    stakeholders = sorted([world.ae, world.csm, world.manager, world.director])
    harness.clock.set(local(0, 10, 0))
    opened_high(harness)
    since = len(harness.standin.calls)
    harness.tick_at(local(0, 10, 0))
    invites = [d for d in dms_since(harness, since) if d[1].startswith("Check-ins: ESC-1")]
    assert sorted(user for user, _, _ in invites) == stakeholders  # not the DRI: they run it
    noon_thirty = int(local(0, 12, 30).timestamp())
    assert all(f"<!date^{noon_thirty}^" in payload for _, _, payload in invites)
    assert all(the_escalation(harness).root_permalink in p for _, _, p in invites)
    entry = checklist(harness)["daily_checkins"]
    assert entry.done and entry.done_by == "bot"

    # Monday: the DRI logs the check-in from the midday prompt.
    walk(harness, local(0, 12, 30))
    prompt = next(m for m in harness.standin.dms_to(world.pm) if m.text.startswith("Midday"))
    before = len(harness.standin.opened_views())
    click_prompt(harness, "prompt_check_in", prompt, world.pm)
    harness.submit_view(
        wait_for_view(harness, before),
        {
            "attendees": {
                "attendees": {
                    "type": "multi_users_select",
                    "selected_users": [world.ae, world.csm],
                }
            },
            "notes": {"notes": {"type": "plain_text_input", "value": "Rollback plan agreed"}},
        },
        user=world.pm,
    )
    walk(harness, local(3, 9, 0))
    unlogged = [t for t in thread_texts(harness) if t.startswith(":memo: No check-in")]
    # Monday was logged; Tuesday and Wednesday were not.
    assert len(unlogged) == 2
    assert any("Check-in on ESC-1 logged by" in t for t in thread_texts(harness))
    daily = [d for d in dms_since(harness, since) if d[1].startswith("Check-ins: ESC-1")]
    assert len(daily) == 4 * 4  # Monday to Thursday, each stakeholder once a day


# -- 5: the root shows the truth; overdue customer communication everywhere --------------------


def _add_milestone_with_tasks(harness: BotHarness, done: int, total: int) -> None:
    with harness.services.sessions.begin() as session:
        milestone = records.add_record(
            session,
            1,
            RecordKind.MILESTONE,
            {"title": "Go-live", "success_criteria": "Users log in"},
            actor=harness.world.pm,
            now=harness.clock.now(),
            resourcing_channel=None,
        )
        ids = []
        for n in range(total):
            task = records.add_record(
                session,
                1,
                RecordKind.TASK,
                {
                    "milestone": milestone.id,  # type: ignore[attr-defined]
                    "title": f"Task {n}",
                    "owner": harness.world.pm,
                    "due_on": harness.clock.now().date() + timedelta(days=7),
                },
                actor=harness.world.pm,
                now=harness.clock.now(),
                resourcing_channel=None,
            )
            ids.append(task.id)  # type: ignore[attr-defined]
        records.set_tasks_done(
            session,
            1,
            milestone.id,  # type: ignore[attr-defined]
            set(ids[:done]),
            actor=harness.world.pm,
            now=harness.clock.now(),
        )
    harness.deliver()


def test_the_root_shows_state_progress_and_overdue_customer_communication(
    harness: BotHarness,
) -> None:
    world = harness.world
    opened_high(harness)
    root = root_json(harness)
    assert "*State:* Open" in root and "*Health:* :red_circle: Red" in root
    assert "*Customer communication:* last none recorded" in root
    assert "*Milestones:* no milestones yet" in root

    _add_milestone_with_tasks(harness, done=1, total=4)
    assert "25% complete (1 of 4 tasks; 0 of 1 milestone done)" in root_json(harness)

    # A day on without a word to the customer: the root is edited to say so by itself.
    walk(harness, local(1, 9, 15))
    root = root_json(harness)
    assert ":warning: overdue since" in root and "Customer communication" in root

    harness.event({"type": "app_home_opened", "user": world.leader, "tab": "home"})
    home = json.dumps(harness.standin.views_published(world.leader)[-1], ensure_ascii=False)
    assert "customer communication overdue" in home

    walk(harness, local(3, 12, 0))  # Thursday's agenda, an hour before the 14:00 NY call
    agenda = next(
        m
        for m in harness.standin.messages(world.leadership_channel)
        if m.text.startswith("Y/R/Blocked")
    )
    assert "customer communication overdue" in json.dumps(agenda.blocks, ensure_ascii=False)
    # The DRI's morning prompt says it too, with how far the milestones are.
    mornings = [m for m in harness.standin.dms_to(world.pm) if m.text.startswith("Morning")]
    assert len(mornings) == 3  # Tuesday, Wednesday, Thursday
    assert "customer communication is overdue" in json.dumps(mornings[-1].blocks)
    assert "Milestones: 25% complete" in json.dumps(mornings[-1].blocks)

    post_update(harness, "Told the CIO", user=world.pm, customer_communicated="yes")
    root = root_json(harness)
    assert ":warning: overdue since" not in root
    assert "*Customer communication:* last" in root


def test_the_state_on_the_root_follows_the_record(harness: BotHarness) -> None:
    opened_high(harness)
    assert "*State:* Open" in root_json(harness)
    with harness.services.sessions.begin() as session:
        escalation = session.get(Escalation, 1)
        assert escalation is not None
        escalation.state = State.STALLED
    refresh_root_now(harness.services, 1)
    assert "*State:* Stalled" in root_json(harness)
