"""A Critical Sev 1's first week, as its people live it: every message the bot posts, with
when and to whom (each DM's recipient named), walked with the injected clock."""

from __future__ import annotations

from collections.abc import Callable

from bot.clock import ManualClock
from bot.escalations.weekly import WeeklyReviewForm, submit_weekly_review
from tests.flows import open_escalation, post_update, reply_in_thread, wait_for_receipt
from tests.harness import BotHarness
from tests.slack_standin import SlackStandIn
from tests.walking import Transcript, local, walk

PMO = "UPMO0001"

# What the process says for a Critical Sev 1 whose DRI is in Los Angeles (PMO manager
# configured): opened Monday 09:00 with 4 of 12 checklist items done by the bot (looped-in,
# check-ins and the sync wait for what they name); the AE, CSM, manager and director get
# their welcome DMs; the immediate sync is asked of the Director PS and leadership (the
# leader and the PMO manager, by DM, and in the thread) and, never recorded, reminded twice
# (13:00, 17:00) and no more; three prompts a day, weekends included; the stakeholders are
# invited to each day's 12:30 check-in (at once on Monday, then with the morning prompt) and
# an unlogged check-in is noted in the thread at 17:00; the DRI updates Monday evening (each
# update reaches the stakeholders by DM at once: Critical has no quiet hours), replies
# casually in the thread on Tuesday (activity: the silence clock moves, nothing is
# re-posted), skips Tuesday and Wednesday evenings (a second nudge 90 minutes later each
# time), updates Thursday; the Phase 1 deadline at +24 h and the manager at +28 h; the
# manager after 24 h of silence (the manager DMed whenever the thread tells them); the
# day-before reminder of Thursday's call; Friday's weekly review form, submitted at 11:00,
# posted in the thread and rolled into the PMO manager's briefing at 15:00 New York.
CRITICAL_WEEK = [
    "Mon 09:00 leadership: ESC-1 · Sev 1 Critical · Acme Corp: Customer CIO escalated: go-live sl",
    "Mon 09:00 leadership thread: ESC-1 checklist: 4/12 done",
    "Mon 09:00 internal: :rotating_light: *ESC-1 · Sev 1 Critical · Acme Corp* was opened. DRI:",
    "Mon 09:00 DM to DRI: You are the DRI for ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 09:00 DM to AE: You are AE on ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 09:00 DM to CSM: You are CSM on ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 09:00 DM to manager: You are Direct manager on ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 09:00 DM to director: You are Director PS on ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 09:00 DM to director: Immediate sync needed: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 09:00 DM to leader: Immediate sync needed: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 09:00 DM to PMO manager: Immediate sync needed: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 09:00 leadership thread: Immediate sync needed: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 09:15 DM to AE: Check-ins: ESC-1 at <!date^1795465800^{time}|2026-11-23 20:30 UTC>",
    "Mon 09:15 DM to CSM: Check-ins: ESC-1 at <!date^1795465800^{time}|2026-11-23 20:30 UTC>",
    "Mon 09:15 DM to manager: Check-ins: ESC-1 at <!date^1795465800^{time}|2026-11-23 20:30 UTC>",
    "Mon 09:15 DM to director: Check-ins: ESC-1 at <!date^1795465800^{time}|2026-11-23 20:30 UTC>",
    "Mon 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 13:00 DM to director: Reminder 1: no sync recorded yet: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 13:00 DM to leader: Reminder 1: no sync recorded yet: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 13:00 DM to PMO manager: Reminder 1: no sync recorded yet: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!date^17954",
    "Mon 17:00 DM to director: Reminder 2: no sync recorded yet: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 17:00 DM to leader: Reminder 2: no sync recorded yet: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 17:00 DM to PMO manager: Reminder 2: no sync recorded yet: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 17:30 leadership thread: ESC-1 update (Red): Rollback done",
    "Mon 17:30 internal: ESC-1 update (Red): Rollback done",
    "Mon 17:30 DM to AE: ESC-1 update (Red): Rollback done",
    "Mon 17:30 DM to CSM: ESC-1 update (Red): Rollback done",
    "Mon 17:30 DM to manager: ESC-1 update (Red): Rollback done",
    "Mon 17:30 DM to director: ESC-1 update (Red): Rollback done",
    "Tue 09:00 DM to AE: Check-ins: ESC-1 at <!date^1795552200^{time}|2026-11-24 20:30 UTC>",
    "Tue 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1795552200^{time}|2026-11-24 20:30 UTC>",
    "Tue 09:00 DM to manager: Check-ins: ESC-1 at <!date^1795552200^{time}|2026-11-24 20:30 UTC>",
    "Tue 09:00 DM to director: Check-ins: ESC-1 at <!date^1795552200^{time}|2026-11-24 20:30 UTC>",
    "Tue 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Tue 09:00 DM to DRI: Phase 1 deadline reached: ESC-1 · Sev 1 Critical · Acme Corp",
    "Tue 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Corp",
    "Tue 13:00 leadership thread: :hourglass_flowing_sand: <@UMGR0001> the Phase 1 checklist for ESC-1 i",
    "Tue 13:00 DM to manager: :bust_in_silhouette: You're the direct manager on ESC-1 · Sev 1 Critic",
    "Tue 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Tue 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!date^17955",
    "Tue 18:30 DM to DRI: Evening update still missing: ESC-1 · Sev 1 Critical · Acme Corp",
    "Wed 09:00 DM to AE: Check-ins: ESC-1 at <!date^1795638600^{time}|2026-11-25 20:30 UTC>",
    "Wed 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1795638600^{time}|2026-11-25 20:30 UTC>",
    "Wed 09:00 DM to manager: Check-ins: ESC-1 at <!date^1795638600^{time}|2026-11-25 20:30 UTC>",
    "Wed 09:00 DM to director: Check-ins: ESC-1 at <!date^1795638600^{time}|2026-11-25 20:30 UTC>",
    "Wed 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Wed 10:00 leadership thread: :mute: <@UMGR0001> no update on ESC-1 for 24 hours. DRI <@UPM00001>, p",
    "Wed 10:00 DM to manager: :bust_in_silhouette: You're the direct manager on ESC-1 · Sev 1 Critic",
    "Wed 11:00 DM to DRI: Reminder: the Y/R/Blocked portfolio review is tomorrow, <!date^1795719",
    "Wed 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Corp",
    "Wed 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Wed 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!date^17956",
    "Wed 18:30 DM to DRI: Evening update still missing: ESC-1 · Sev 1 Critical · Acme Corp",
    "Thu 09:00 DM to AE: Check-ins: ESC-1 at <!date^1795725000^{time}|2026-11-26 20:30 UTC>",
    "Thu 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1795725000^{time}|2026-11-26 20:30 UTC>",
    "Thu 09:00 DM to manager: Check-ins: ESC-1 at <!date^1795725000^{time}|2026-11-26 20:30 UTC>",
    "Thu 09:00 DM to director: Check-ins: ESC-1 at <!date^1795725000^{time}|2026-11-26 20:30 UTC>",
    "Thu 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Thu 10:00 leadership: Y/R/Blocked portfolio review agenda",
    "Thu 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Corp",
    "Thu 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Thu 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!date^17957",
    "Thu 17:05 leadership thread: ESC-1 update (Yellow): Patch live",
    "Thu 17:05 internal: ESC-1 update (Yellow): Patch live",
    "Thu 17:05 DM to AE: ESC-1 update (Yellow): Patch live",
    "Thu 17:05 DM to CSM: ESC-1 update (Yellow): Patch live",
    "Thu 17:05 DM to manager: ESC-1 update (Yellow): Patch live",
    "Thu 17:05 DM to director: ESC-1 update (Yellow): Patch live",
    "Fri 09:00 DM to AE: Check-ins: ESC-1 at <!date^1795811400^{time}|2026-11-27 20:30 UTC>",
    "Fri 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1795811400^{time}|2026-11-27 20:30 UTC>",
    "Fri 09:00 DM to manager: Check-ins: ESC-1 at <!date^1795811400^{time}|2026-11-27 20:30 UTC>",
    "Fri 09:00 DM to director: Check-ins: ESC-1 at <!date^1795811400^{time}|2026-11-27 20:30 UTC>",
    "Fri 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Fri 10:00 DM to DRI: Weekly Sev 1 review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Fri 11:00 leadership thread: ESC-1 weekly review (2026-W48) from <@UPM00001>",
    "Fri 12:00 DM to PMO manager: PMO briefing 2026-W48: 1 open Sev 1, 0 closed this week",
    "Fri 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Corp",
    "Fri 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Fri 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!date^17958",
    "Fri 17:15 leadership thread: :mute: <@UMGR0001> no update on ESC-1 for 24 hours. DRI <@UPM00001>, p",
    "Fri 17:15 DM to manager: :bust_in_silhouette: You're the direct manager on ESC-1 · Sev 1 Critic",
    "Fri 18:30 DM to DRI: Evening update still missing: ESC-1 · Sev 1 Critical · Acme Corp",
    "Sat 09:00 DM to AE: Check-ins: ESC-1 at <!date^1795897800^{time}|2026-11-28 20:30 UTC>",
    "Sat 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1795897800^{time}|2026-11-28 20:30 UTC>",
    "Sat 09:00 DM to manager: Check-ins: ESC-1 at <!date^1795897800^{time}|2026-11-28 20:30 UTC>",
    "Sat 09:00 DM to director: Check-ins: ESC-1 at <!date^1795897800^{time}|2026-11-28 20:30 UTC>",
    "Sat 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Sat 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Corp",
    "Sat 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Sat 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!date^17958",
    "Sat 18:30 DM to DRI: Evening update still missing: ESC-1 · Sev 1 Critical · Acme Corp",
    "Sun 09:00 DM to AE: Check-ins: ESC-1 at <!date^1795984200^{time}|2026-11-29 20:30 UTC>",
    "Sun 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1795984200^{time}|2026-11-29 20:30 UTC>",
    "Sun 09:00 DM to manager: Check-ins: ESC-1 at <!date^1795984200^{time}|2026-11-29 20:30 UTC>",
    "Sun 09:00 DM to director: Check-ins: ESC-1 at <!date^1795984200^{time}|2026-11-29 20:30 UTC>",
    "Sun 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Sun 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Corp",
    "Sun 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Sun 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!date^17959",
    "Sun 18:30 DM to DRI: Evening update still missing: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon2 09:00 DM to AE: Check-ins: ESC-1 at <!date^1796070600^{time}|2026-11-30 20:30 UTC>",
    "Mon2 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1796070600^{time}|2026-11-30 20:30 UTC>",
    "Mon2 09:00 DM to manager: Check-ins: ESC-1 at <!date^1796070600^{time}|2026-11-30 20:30 UTC>",
    "Mon2 09:00 DM to director: Check-ins: ESC-1 at <!date^1796070600^{time}|2026-11-30 20:30 UTC>",
    "Mon2 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
]


def test_a_critical_sev1s_first_week(
    make_harness: Callable[..., BotHarness], clock: ManualClock, standin: SlackStandIn
) -> None:
    standin.add_user(PMO, "pat.pmo", tz="America/New_York", real_name="Pat PMO")
    clock.set(local(0, 9, 0))
    harness = make_harness(pmo_manager_user_id=PMO)
    world = harness.world
    log = Transcript(harness, names={PMO: "PMO manager"})
    wait_for_receipt(harness, open_escalation(harness, level="critical"))
    log.collect()

    def review() -> None:
        with harness.services.sessions.begin() as session:
            submit_weekly_review(
                session,
                1,
                "2026-W48",
                WeeklyReviewForm(
                    stakeholder_communication="CIO briefed Tue and Thu",
                    budget_timeline_impact="+40 h; go-live Dec 12",
                    resource_allocation="Senior engineer added",
                    forecast="Green by Dec 12",
                    raid_reviewed=True,
                ),
                author=world.pm,
                now=harness.clock.now(),
                settings=harness.settings,
            )

    walk(
        harness,
        local(7, 9, 0),
        {
            local(0, 17, 30): lambda: post_update(harness, "Rollback done", health="red"),
            local(1, 10, 0): lambda: reply_in_thread(harness, world.pm, "Patch in QA"),
            local(3, 17, 5): lambda: post_update(harness, "Patch live", health="yellow"),
            local(4, 11, 0): review,
        },
        transcript=log,
    )
    assert log.lines == CRITICAL_WEEK
