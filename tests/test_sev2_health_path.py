"""A Sev 2 is not a Sev 1 (SPEC flows 1 and 3): Red at open with a path to green its updates
move, posted but not pinned, its own checklist, no Phase 1 deadline or manager nudges, a
weekly update whose absence nudges the DRI after one business day and tells the manager
after two; promotion pins it and starts Phase 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.clock import ManualClock
from bot.domain import SEV2_CHECKLIST, Health, Level, Severity
from bot.escalations import closure, service
from tests.flows import open_escalation, root_ts, the_escalation, wait_for_receipt, wait_for_view
from tests.harness import BotHarness
from tests.walking import Transcript, local, walk

HOSTILE = "<!channel> <@U123> <https://evil.example|click>"


def sev2_opened(make_harness: Callable[..., BotHarness], clock: ManualClock) -> BotHarness:
    clock.set(local(0, 9, 0))
    harness = make_harness()
    # The form says nothing about health for a Sev 2; even a "green" smuggled in is ignored.
    wait_for_receipt(harness, open_escalation(harness, "sev2", health="green"))
    return harness


def post_sev2_update(harness: BotHarness, summary: str, health: str, path: str) -> None:
    standin = harness.standin
    before_views, before_edits = len(standin.opened_views()), len(standin.calls_to("chat.update"))
    harness.click("esc_post_update", "1", user=harness.world.pm)
    view = wait_for_view(harness, before_views)
    assert "path_to_green" in json.dumps(view["blocks"])
    values: dict[str, Any] = {
        "health": {"health": {"type": "static_select", "selected_option": {"value": health}}},
        "summary": {"summary": {"type": "plain_text_input", "value": summary}},
        "customer_communicated": {
            "customer_communicated": {"type": "radio_buttons", "selected_option": {"value": "no"}}
        },
        "path_to_green": {"path_to_green": {"type": "plain_text_input", "value": path}},
    }
    assert harness.submit_view(view, values, user=harness.world.pm).status == 200
    assert standin.wait_for(lambda: len(standin.calls_to("chat.update")) > before_edits)


def test_a_sev2_opens_red_posted_but_not_pinned_with_the_sev2_checklist_and_no_deadline(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = sev2_opened(make_harness, clock)
    standin, world = harness.standin, harness.world
    escalation = the_escalation(harness)
    assert escalation.severity is Severity.SEV2 and escalation.health is Health.RED
    assert escalation.path_to_green
    [root] = standin.messages(world.leadership_channel)
    assert standin.pinned(world.leadership_channel) == []
    assert not escalation.root_pinned
    checklist = next(
        r for r in standin.replies(world.leadership_channel, root.ts) if "checklist" in r.text
    )
    shown = json.dumps(checklist.blocks, ensure_ascii=False)
    assert "Sev 2 checklist" in shown and "due" not in shown.split("Sev 2 checklist")[1][:40]
    for item in SEV2_CHECKLIST:
        assert item.label in shown
    assert "Phase 1" not in shown
    welcome = next(m for m in standin.dms_to(world.pm) if m.text.startswith("You are the DRI"))
    assert "Phase 1" not in json.dumps(welcome.blocks)


def test_a_sev2s_first_two_weeks(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = sev2_opened(make_harness, clock)
    world = harness.world
    log = Transcript(harness)
    walk(
        harness,
        local(14, 9, 0),
        {
            local(7, 11, 0): lambda: post_sev2_update(
                harness, "Mitigation 1 done " + HOSTILE, "yellow", "Re-plan signed " + HOSTILE
            )
        },
        transcript=log,
    )
    assert log.lines == [
        "Mon 10:00 DM to DRI: Weekly Sev 2 update: ESC-1 · Sev 2 · Acme Corp",
        # No update by Tuesday 10:00 (one business day): the DRI is nudged.
        "Tue 10:00 DM to DRI: Weekly Sev 2 update still missing: ESC-1 · Sev 2 · Acme Corp",
        # Two business days: the manager is told, in the thread and by DM.
        "Wed 10:00 leadership thread: :mute: <@UMGR0001> the weekly Sev 2 update on ESC-1 (Acme Corp) is two",
        "Wed 10:00 DM to manager: :mute: <@UMGR0001> the weekly Sev 2 update on ESC-1 (Acme Corp) is two",
        # The day before the call, the DRI is reminded to attend.
        "Wed 11:00 DM to DRI: Reminder: the Y/R/Blocked portfolio review is tomorrow, <!date^1795719",
        "Thu 10:00 leadership: Y/R/Blocked portfolio review agenda",
        "Mon2 10:00 DM to DRI: Weekly Sev 2 update: ESC-1 · Sev 2 · Acme Corp",
        "Mon2 11:00 leadership thread: ESC-1 update (Yellow): Mitigation 1 done &lt;!channel&gt; &lt;@U123&gt",
        "Mon2 11:00 internal: ESC-1 update (Yellow): Mitigation 1 done &lt;!channel&gt; &lt;@U123&gt",
        # Yellow now: leadership is asked whether it leaves the review list.
        "Mon2 11:00 leadership thread: ESC-1 is now Yellow: does it leave the review list?",
        # The stakeholders follow the update by DM; the CSM (London) at the end of their
        # quiet hours (08:00 London is 00:00 here).
        "Mon2 11:00 DM to AE: ESC-1 update (Yellow): Mitigation 1 done &lt;!channel&gt; &lt;@U123&gt",
        "Mon2 11:00 DM to manager: ESC-1 update (Yellow): Mitigation 1 done &lt;!channel&gt; &lt;@U123&gt",
        "Mon2 11:00 DM to director: ESC-1 update (Yellow): Mitigation 1 done &lt;!channel&gt; &lt;@U123&gt",
        "Tue2 00:00 DM to CSM: ESC-1 update (Yellow): Mitigation 1 done &lt;!channel&gt; &lt;@U123&gt",
        # Answered: no nudge, no manager.
        "Wed2 11:00 DM to DRI: Reminder: the Y/R/Blocked portfolio review is tomorrow, <!date^1796324",
        "Thu2 10:00 leadership: Y/R/Blocked portfolio review agenda",
    ]
    # No Phase 1 deadline, no daily prompts, no silence rule: nothing else went to anyone.
    escalation = the_escalation(harness)
    assert escalation.health is Health.YELLOW
    assert escalation.path_to_green == "Re-plan signed " + HOSTILE
    update_post = next(
        r
        for r in harness.standin.replies(world.leadership_channel, root_ts(harness))
        if r.text.startswith("ESC-1 update (Yellow)")
    )
    shown = json.dumps(update_post.blocks)
    assert "New path to green" in shown and "<!channel>" not in shown
    [root] = harness.standin.messages(world.leadership_channel)[:1]
    assert "Re-plan signed &lt;!channel&gt;" in json.dumps(root.blocks)


def test_promotion_pins_the_sev2_and_starts_phase1(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = sev2_opened(make_harness, clock)
    standin, world = harness.standin, harness.world
    log = Transcript(harness)
    harness.clock.set(local(0, 11, 0))
    [root] = standin.messages(world.leadership_channel)
    assert standin.pinned(world.leadership_channel) == []
    with harness.services.sessions.begin() as session:
        service.promote_to_sev1(
            session,
            1,
            level=Level.HIGH,
            actor=world.leader,
            now=harness.clock.now(),
            settings=harness.settings,
        )
    harness.deliver()
    assert standin.pinned(world.leadership_channel) == [root.ts]
    assert the_escalation(harness).root_pinned
    walk(harness, local(1, 11, 0), transcript=log)
    assert any(
        line.startswith("Tue 11:00 DM to DRI: Phase 1 deadline reached") for line in log.lines
    )


def test_a_sev1_downgraded_to_sev2_is_unpinned(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    clock.set(local(0, 9, 0))
    harness = make_harness()
    standin, world = harness.standin, harness.world
    wait_for_receipt(harness, open_escalation(harness, level="high"))
    [root] = standin.messages(world.leadership_channel)
    assert standin.pinned(world.leadership_channel) == [root.ts]
    with harness.services.sessions.begin() as session:
        closure.downgrade_to_sev2(
            session,
            1,
            service.load(session, 1).version,
            actor=world.leader,
            now=harness.clock.now(),
            reason="Customer calmed down",
            settings=harness.settings,
        )
    harness.deliver()
    assert standin.pinned(world.leadership_channel) == []
    assert not the_escalation(harness).root_pinned
