"""Flow 2 over a whole week: a Sev 1 High opened on Monday 09:00 in Los Angeles.

The scheduler is driven tick by tick with the injected clock (no sleeping); the Slack
stand-in records every message, so the week's transcript is asserted line by line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from tests.flows import open_escalation, post_update, reply_in_thread, wait_for_receipt
from tests.harness import BotHarness

LA = ZoneInfo("America/Los_Angeles")
TICK = timedelta(minutes=15)
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Mon"]


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """Day 0 is Monday 2026-11-23, in Los Angeles."""
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=LA)


def walk(harness: BotHarness, until: datetime, actions: dict[datetime, Callable[[], None]]) -> None:
    """Tick every 15 minutes up to `until`; each action runs at its own instant first."""
    pending = dict(actions)
    now = harness.clock.now()
    while now < until:
        now = min(now + TICK, until)
        for at in sorted(a for a in pending if a <= now):
            harness.clock.set(at)
            pending.pop(at)()
            harness.tick_at(at)
        harness.tick_at(now)
    assert not pending, "actions left unrun"


def stamp(instant: datetime) -> str:
    local_time = instant.astimezone(LA)
    return f"{DAYS[(local_time.date() - local(0, 0).date()).days]} {local_time:%H:%M}"


class Transcript:
    """Everything the bot posted, stamped with the test clock's time when it was posted."""

    def __init__(self, harness: BotHarness) -> None:
        self.harness = harness
        self.seen = len(harness.standin.calls)
        self.lines: list[str] = []

    def collect(self) -> None:
        world = self.harness.world
        names = {
            world.pm: "DM to DRI",
            world.leadership_channel: "leadership",
            world.internal_channel: "internal",
            world.manager: "DM to manager",
            world.ae: "DM to AE",
            world.csm: "DM to CSM",
            world.director: "DM to director",
            world.leader: "DM to leader",
        }
        calls = self.harness.standin.calls[self.seen :]
        self.seen += len(calls)
        for call in calls:
            if call.method != "chat.postMessage" or not call.response.get("ok"):
                continue
            where = names.get(call.args["channel"], call.args["channel"])
            if call.args.get("thread_ts"):
                where += " thread"
            first_line = call.args.get("text", "").splitlines()[0]
            self.lines.append(f"{stamp(self.harness.clock.now())} {where}: {first_line[:60]}")


# What SPEC flow 2 says for a Sev 1 High whose DRI is in Los Angeles (quiet hours
# 19:00-08:00): three prompts a day, weekends included; an unanswered evening gets its
# second nudge 90 minutes after the 17:00 prompt, at 18:30, before quiet hours begin;
# Phase 1 deadline DM at +24 h and the manager at +28 h; the manager once per 24 h of
# silence (the DRI's Wednesday reply in the thread is activity: it moves that clock and is
# not re-posted anywhere); the DRI reminded on Wednesday 11:00 of Thursday's Y/R call (the
# escalation is Yellow); Friday's weekly review; Thursday's agenda an hour before the
# 14:00 New York portfolio call. Times are the tick that sent them.
# The stakeholders (issue 11): the AE, CSM, manager and director are invited to each day's
# 12:30 check-in (at once on Monday, then with the morning prompt); an unlogged check-in is
# noted in the thread at 17:00; each update from the form reaches them by DM, at the end of
# their own quiet hours (London 08:00 is 00:00 here); the manager is DMed whenever the
# thread tells them.
WEEK = [
    "Mon 09:15 DM to AE: Check-ins: ESC-1 at <!date^1795465800^{time}|2026-11-23 20:3",
    "Mon 09:15 DM to CSM: Check-ins: ESC-1 at <!date^1795465800^{time}|2026-11-23 20:3",
    "Mon 09:15 DM to manager: Check-ins: ESC-1 at <!date^1795465800^{time}|2026-11-23 20:3",
    "Mon 09:15 DM to director: Check-ins: ESC-1 at <!date^1795465800^{time}|2026-11-23 20:3",
    "Mon 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 High · Acme Corp",
    "Mon 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 High · Acme Corp",
    "Mon 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!",
    "Mon 17:30 leadership thread: ESC-1 update (Yellow): Mon: rollback done",
    "Mon 17:30 internal: ESC-1 update (Yellow): Mon: rollback done",
    "Tue 00:00 DM to CSM: ESC-1 update (Yellow): Mon: rollback done",
    "Tue 05:00 DM to AE: ESC-1 update (Yellow): Mon: rollback done",
    "Tue 05:00 DM to director: ESC-1 update (Yellow): Mon: rollback done",
    "Tue 06:00 DM to manager: ESC-1 update (Yellow): Mon: rollback done",
    "Tue 09:00 DM to AE: Check-ins: ESC-1 at <!date^1795552200^{time}|2026-11-24 20:3",
    "Tue 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1795552200^{time}|2026-11-24 20:3",
    "Tue 09:00 DM to manager: Check-ins: ESC-1 at <!date^1795552200^{time}|2026-11-24 20:3",
    "Tue 09:00 DM to director: Check-ins: ESC-1 at <!date^1795552200^{time}|2026-11-24 20:3",
    "Tue 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 High · Acme Corp",
    "Tue 09:00 DM to DRI: Phase 1 deadline reached: ESC-1 · Sev 1 High · Acme Corp",
    "Tue 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 High · Acme Corp",
    "Tue 13:00 leadership thread: :hourglass_flowing_sand: <@UMGR0001> the Phase 1 checklist f",
    "Tue 13:00 DM to manager: :bust_in_silhouette: You're the direct manager on ESC-1 · Se",
    "Tue 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 High · Acme Corp",
    "Tue 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!",
    "Tue 17:30 leadership thread: :mute: <@UMGR0001> no update on ESC-1 for 24 hours. DRI <@UP",
    "Tue 17:30 DM to manager: :bust_in_silhouette: You're the direct manager on ESC-1 · Se",
    "Tue 18:30 DM to DRI: Evening update still missing: ESC-1 · Sev 1 High · Acme Corp",
    "Wed 09:00 DM to AE: Check-ins: ESC-1 at <!date^1795638600^{time}|2026-11-25 20:3",
    "Wed 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1795638600^{time}|2026-11-25 20:3",
    "Wed 09:00 DM to manager: Check-ins: ESC-1 at <!date^1795638600^{time}|2026-11-25 20:3",
    "Wed 09:00 DM to director: Check-ins: ESC-1 at <!date^1795638600^{time}|2026-11-25 20:3",
    "Wed 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 High · Acme Corp",
    "Wed 11:00 DM to DRI: Reminder: the Y/R/Blocked portfolio review is tomorrow, <!da",
    "Wed 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 High · Acme Corp",
    "Wed 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 High · Acme Corp",
    "Wed 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!",
    "Wed 18:30 DM to DRI: Evening update still missing: ESC-1 · Sev 1 High · Acme Corp",
    "Thu 09:00 DM to AE: Check-ins: ESC-1 at <!date^1795725000^{time}|2026-11-26 20:3",
    "Thu 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1795725000^{time}|2026-11-26 20:3",
    "Thu 09:00 DM to manager: Check-ins: ESC-1 at <!date^1795725000^{time}|2026-11-26 20:3",
    "Thu 09:00 DM to director: Check-ins: ESC-1 at <!date^1795725000^{time}|2026-11-26 20:3",
    "Thu 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 High · Acme Corp",
    "Thu 10:00 leadership: Y/R/Blocked portfolio review agenda",
    "Thu 10:00 leadership thread: :mute: <@UMGR0001> no update on ESC-1 for 24 hours. DRI <@UP",
    "Thu 10:00 DM to manager: :bust_in_silhouette: You're the direct manager on ESC-1 · Se",
    "Thu 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 High · Acme Corp",
    "Thu 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 High · Acme Corp",
    "Thu 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!",
    "Thu 17:05 leadership thread: ESC-1 update (Green): Thu: patch live",
    "Thu 17:05 internal: ESC-1 update (Green): Thu: patch live",
    "Fri 00:00 DM to CSM: ESC-1 update (Green): Thu: patch live",
    "Fri 05:00 DM to AE: ESC-1 update (Green): Thu: patch live",
    "Fri 05:00 DM to director: ESC-1 update (Green): Thu: patch live",
    "Fri 06:00 DM to manager: ESC-1 update (Green): Thu: patch live",
    "Fri 09:00 DM to AE: Check-ins: ESC-1 at <!date^1795811400^{time}|2026-11-27 20:3",
    "Fri 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1795811400^{time}|2026-11-27 20:3",
    "Fri 09:00 DM to manager: Check-ins: ESC-1 at <!date^1795811400^{time}|2026-11-27 20:3",
    "Fri 09:00 DM to director: Check-ins: ESC-1 at <!date^1795811400^{time}|2026-11-27 20:3",
    "Fri 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 High · Acme Corp",
    "Fri 10:00 DM to DRI: Weekly Sev 1 review: ESC-1 · Sev 1 High · Acme Corp",
    "Fri 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 High · Acme Corp",
    "Fri 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 High · Acme Corp",
    "Fri 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!",
    "Fri 17:15 leadership thread: :mute: <@UMGR0001> no update on ESC-1 for 24 hours. DRI <@UP",
    "Fri 17:15 DM to manager: :bust_in_silhouette: You're the direct manager on ESC-1 · Se",
    "Fri 18:30 DM to DRI: Evening update still missing: ESC-1 · Sev 1 High · Acme Corp",
    "Sat 09:00 DM to AE: Check-ins: ESC-1 at <!date^1795897800^{time}|2026-11-28 20:3",
    "Sat 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1795897800^{time}|2026-11-28 20:3",
    "Sat 09:00 DM to manager: Check-ins: ESC-1 at <!date^1795897800^{time}|2026-11-28 20:3",
    "Sat 09:00 DM to director: Check-ins: ESC-1 at <!date^1795897800^{time}|2026-11-28 20:3",
    "Sat 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 High · Acme Corp",
    "Sat 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 High · Acme Corp",
    "Sat 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 High · Acme Corp",
    "Sat 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!",
    "Sat 18:30 DM to DRI: Evening update still missing: ESC-1 · Sev 1 High · Acme Corp",
    "Sun 09:00 DM to AE: Check-ins: ESC-1 at <!date^1795984200^{time}|2026-11-29 20:3",
    "Sun 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1795984200^{time}|2026-11-29 20:3",
    "Sun 09:00 DM to manager: Check-ins: ESC-1 at <!date^1795984200^{time}|2026-11-29 20:3",
    "Sun 09:00 DM to director: Check-ins: ESC-1 at <!date^1795984200^{time}|2026-11-29 20:3",
    "Sun 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 High · Acme Corp",
    "Sun 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 High · Acme Corp",
    "Sun 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 High · Acme Corp",
    "Sun 17:00 leadership thread: :memo: No check-in was logged for ESC-1's midday check-in <!",
    "Sun 18:30 DM to DRI: Evening update still missing: ESC-1 · Sev 1 High · Acme Corp",
    "Mon 09:00 DM to AE: Check-ins: ESC-1 at <!date^1796070600^{time}|2026-11-30 20:3",
    "Mon 09:00 DM to CSM: Check-ins: ESC-1 at <!date^1796070600^{time}|2026-11-30 20:3",
    "Mon 09:00 DM to manager: Check-ins: ESC-1 at <!date^1796070600^{time}|2026-11-30 20:3",
    "Mon 09:00 DM to director: Check-ins: ESC-1 at <!date^1796070600^{time}|2026-11-30 20:3",
    "Mon 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 High · Acme Corp",
]


def test_a_sev1_high_walked_through_its_first_week(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    clock.set(local(0, 9, 0))
    harness = make_harness()
    wait_for_receipt(harness, open_escalation(harness, level="high"))
    world = harness.world
    log = Transcript(harness)

    def tick_and_log(at: datetime) -> int:
        handled = BotHarness.tick_at(harness, at)
        log.collect()
        return handled

    harness.tick_at = tick_and_log  # type: ignore[method-assign]

    def then_log(action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            action()
            log.collect()

        return run

    walk(
        harness,
        local(7, 9, 0),
        {
            local(0, 17, 30): then_log(lambda: post_update(harness, "Mon: rollback done")),
            local(2, 10, 0): then_log(
                lambda: reply_in_thread(harness, world.pm, "Wed: patch in QA")
            ),
            local(3, 17, 5): then_log(
                lambda: post_update(harness, "Thu: patch live", health="green")
            ),
        },
    )
    assert log.lines == WEEK

    # Customer communication is daily for High: the update on Monday 17:30 said the
    # customer heard from us; Wednesday's and Thursday's morning prompts say it's overdue.
    mornings = [m for m in harness.standin.dms_to(world.pm) if m.text.startswith("Morning")]
    overdue = ["customer communication is overdue" in json.dumps(m.blocks) for m in mornings]
    assert overdue[:4] == [False, True, True, False]
