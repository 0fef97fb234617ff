"""A Critical Sev 1's first week, as its people live it (issue 11, the closing transcript).

Opened Monday 09:00 in Los Angeles (the DRI's zone); the Director PS records the immediate
sync at 11:00; the DRI posts an update from the form every evening at 17:30 saying the
customer heard from us, and logs the midday check-in on Monday only. Every message the bot
posts is listed with its recipient and the local time of the tick that sent it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from tests.flows import open_escalation, post_update, wait_for_receipt, wait_for_view
from tests.harness import BotHarness

LA = ZoneInfo("America/Los_Angeles")
TICK = timedelta(minutes=15)
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Mon"]


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=LA)


def transcript(harness: BotHarness, since: int, at: datetime) -> list[str]:
    world = harness.world
    names = {
        world.pm: "DRI",
        world.ae: "AE",
        world.csm: "CSM",
        world.manager: "manager",
        world.director: "director",
        world.leader: "leader",
        world.leadership_channel: "#leadership",
        world.internal_channel: "#internal",
        world.customer_channel: "#customer",
    }
    local_time = at.astimezone(LA)
    stamp = f"{DAYS[(local_time.date() - local(0, 0).date()).days]} {local_time:%H:%M}"
    lines = []
    for call in harness.standin.calls[since:]:
        if call.method != "chat.postMessage" or not call.response.get("ok"):
            continue
        channel = call.args["channel"]
        where = names.get(channel, channel)
        where = f"DM {where}" if channel[:1] in "UW" else where
        if call.args.get("thread_ts"):
            where += " thread"
        text = call.args.get("text", "").splitlines()[0]
        lines.append(f"{stamp} {where}: {text[:50]}")
    return lines


def test_a_critical_sev1s_first_week(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    clock.set(local(0, 9, 0))
    harness = make_harness()
    world = harness.world
    log: list[str] = []
    since = len(harness.standin.calls)
    wait_for_receipt(harness, open_escalation(harness, level="critical"))
    log += transcript(harness, since, clock.now())

    def check_in() -> None:
        before = len(harness.standin.opened_views())
        harness.click("prompt_check_in", '{"e":1}', user=world.pm)
        harness.submit_view(
            wait_for_view(harness, before),
            {
                "attendees": {
                    "attendees": {"type": "multi_users_select", "selected_users": [world.ae]}
                },
                "notes": {"notes": {"type": "plain_text_input", "value": "Plan agreed"}},
            },
            user=world.pm,
        )

    actions = {
        local(0, 11, 0): lambda: harness.click("sync_held", "1", user=world.director),
        local(0, 12, 45): check_in,
        **{
            local(day, 17, 30): (
                lambda day=day: post_update(
                    harness, f"Day {day + 1}: progress", customer_communicated="yes"
                )
            )
            for day in range(7)
        },
    }
    now = clock.now()
    while now < local(7, 9, 0):
        now = now + TICK
        for at in sorted(a for a in actions if a <= now):
            clock.set(at)
            since = len(harness.standin.calls)
            actions.pop(at)()
            log += transcript(harness, since, at)
        since = len(harness.standin.calls)
        harness.tick_at(now)
        log += transcript(harness, since, now)
    assert log == WEEK


# The stakeholders (AE, CSM, manager, director) are welcomed, invited to each check-in and
# follow each update by DM; the immediate sync is asked of the director and leadership and,
# recorded at 11:00, never reminded; the DRI is reminded on Wednesday of Thursday's Y/R call.
WEEK = [
    "Mon 09:00 #leadership: ESC-1 · Sev 1 Critical · Acme Corp: Customer CIO e",
    "Mon 09:00 #leadership thread: ESC-1 checklist: 4/12 done",
    "Mon 09:00 #internal: :rotating_light: *ESC-1 · Sev 1 Critical · Acme Co",
    "Mon 09:00 DM DRI: You are the DRI for ESC-1 · Sev 1 Critical · Acme ",
    "Mon 09:00 DM AE: You are AE on ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 09:00 DM CSM: You are CSM on ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 09:00 DM manager: You are Direct manager on ESC-1 · Sev 1 Critical ·",
    "Mon 09:00 DM director: You are Director PS on ESC-1 · Sev 1 Critical · Ac",
    "Mon 09:00 DM director: Immediate sync needed: ESC-1 · Sev 1 Critical · Ac",
    "Mon 09:00 DM leader: Immediate sync needed: ESC-1 · Sev 1 Critical · Ac",
    "Mon 09:00 #leadership thread: Immediate sync needed: ESC-1 · Sev 1 Critical · Ac",
    "Mon 09:15 DM AE: Check-ins: ESC-1 at <!date^1795465800^{time}|2026-",
    "Mon 09:15 DM CSM: Check-ins: ESC-1 at <!date^1795465800^{time}|2026-",
    "Mon 09:15 DM manager: Check-ins: ESC-1 at <!date^1795465800^{time}|2026-",
    "Mon 09:15 DM director: Check-ins: ESC-1 at <!date^1795465800^{time}|2026-",
    "Mon 11:00 DM director: :handshake: Recorded: the immediate sync on ESC-1 ",
    "Mon 11:00 #leadership thread: :handshake: Immediate sync on ESC-1 held, recorded",
    "Mon 12:30 DM DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Cor",
    "Mon 12:45 #leadership thread: :busts_in_silhouette: Check-in on ESC-1 logged by ",
    "Mon 17:00 DM DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Mon 17:30 #leadership thread: ESC-1 update (Yellow): Day 1: progress",
    "Mon 17:30 #internal: ESC-1 update (Yellow): Day 1: progress",
    "Mon 17:30 DM AE: ESC-1 update (Yellow): Day 1: progress",
    "Mon 17:30 DM CSM: ESC-1 update (Yellow): Day 1: progress",
    "Mon 17:30 DM manager: ESC-1 update (Yellow): Day 1: progress",
    "Mon 17:30 DM director: ESC-1 update (Yellow): Day 1: progress",
    "Tue 09:00 DM AE: Check-ins: ESC-1 at <!date^1795552200^{time}|2026-",
    "Tue 09:00 DM CSM: Check-ins: ESC-1 at <!date^1795552200^{time}|2026-",
    "Tue 09:00 DM manager: Check-ins: ESC-1 at <!date^1795552200^{time}|2026-",
    "Tue 09:00 DM director: Check-ins: ESC-1 at <!date^1795552200^{time}|2026-",
    "Tue 09:00 DM DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Tue 09:00 DM DRI: Phase 1 deadline reached: ESC-1 · Sev 1 Critical ·",
    "Tue 12:30 DM DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Cor",
    "Tue 13:00 #leadership thread: :hourglass_flowing_sand: <@UMGR0001> the Phase 1 c",
    "Tue 13:00 DM manager: :bust_in_silhouette: You're the direct manager on ",
    "Tue 17:00 DM DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Tue 17:00 #leadership thread: :memo: No check-in was logged for ESC-1's midday c",
    "Tue 17:30 #leadership thread: ESC-1 update (Yellow): Day 2: progress",
    "Tue 17:30 #internal: ESC-1 update (Yellow): Day 2: progress",
    "Tue 17:30 DM AE: ESC-1 update (Yellow): Day 2: progress",
    "Tue 17:30 DM CSM: ESC-1 update (Yellow): Day 2: progress",
    "Tue 17:30 DM manager: ESC-1 update (Yellow): Day 2: progress",
    "Tue 17:30 DM director: ESC-1 update (Yellow): Day 2: progress",
    "Wed 09:00 DM AE: Check-ins: ESC-1 at <!date^1795638600^{time}|2026-",
    "Wed 09:00 DM CSM: Check-ins: ESC-1 at <!date^1795638600^{time}|2026-",
    "Wed 09:00 DM manager: Check-ins: ESC-1 at <!date^1795638600^{time}|2026-",
    "Wed 09:00 DM director: Check-ins: ESC-1 at <!date^1795638600^{time}|2026-",
    "Wed 09:00 DM DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Wed 11:00 DM DRI: Reminder: the Y/R/Blocked portfolio review is tomo",
    "Wed 12:30 DM DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Cor",
    "Wed 17:00 DM DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Wed 17:00 #leadership thread: :memo: No check-in was logged for ESC-1's midday c",
    "Wed 17:30 #leadership thread: ESC-1 update (Yellow): Day 3: progress",
    "Wed 17:30 #internal: ESC-1 update (Yellow): Day 3: progress",
    "Wed 17:30 DM AE: ESC-1 update (Yellow): Day 3: progress",
    "Wed 17:30 DM CSM: ESC-1 update (Yellow): Day 3: progress",
    "Wed 17:30 DM manager: ESC-1 update (Yellow): Day 3: progress",
    "Wed 17:30 DM director: ESC-1 update (Yellow): Day 3: progress",
    "Thu 09:00 DM AE: Check-ins: ESC-1 at <!date^1795725000^{time}|2026-",
    "Thu 09:00 DM CSM: Check-ins: ESC-1 at <!date^1795725000^{time}|2026-",
    "Thu 09:00 DM manager: Check-ins: ESC-1 at <!date^1795725000^{time}|2026-",
    "Thu 09:00 DM director: Check-ins: ESC-1 at <!date^1795725000^{time}|2026-",
    "Thu 09:00 DM DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Thu 10:00 #leadership: Y/R/Blocked portfolio review agenda",
    "Thu 12:30 DM DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Cor",
    "Thu 17:00 DM DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Thu 17:00 #leadership thread: :memo: No check-in was logged for ESC-1's midday c",
    "Thu 17:30 #leadership thread: ESC-1 update (Yellow): Day 4: progress",
    "Thu 17:30 #internal: ESC-1 update (Yellow): Day 4: progress",
    "Thu 17:30 DM AE: ESC-1 update (Yellow): Day 4: progress",
    "Thu 17:30 DM CSM: ESC-1 update (Yellow): Day 4: progress",
    "Thu 17:30 DM manager: ESC-1 update (Yellow): Day 4: progress",
    "Thu 17:30 DM director: ESC-1 update (Yellow): Day 4: progress",
    "Fri 09:00 DM AE: Check-ins: ESC-1 at <!date^1795811400^{time}|2026-",
    "Fri 09:00 DM CSM: Check-ins: ESC-1 at <!date^1795811400^{time}|2026-",
    "Fri 09:00 DM manager: Check-ins: ESC-1 at <!date^1795811400^{time}|2026-",
    "Fri 09:00 DM director: Check-ins: ESC-1 at <!date^1795811400^{time}|2026-",
    "Fri 09:00 DM DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Fri 10:00 DM DRI: Weekly Sev 1 review: ESC-1 · Sev 1 Critical · Acme",
    "Fri 12:30 DM DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Cor",
    "Fri 17:00 DM DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Fri 17:00 #leadership thread: :memo: No check-in was logged for ESC-1's midday c",
    "Fri 17:30 #leadership thread: ESC-1 update (Yellow): Day 5: progress",
    "Fri 17:30 #internal: ESC-1 update (Yellow): Day 5: progress",
    "Fri 17:30 DM AE: ESC-1 update (Yellow): Day 5: progress",
    "Fri 17:30 DM CSM: ESC-1 update (Yellow): Day 5: progress",
    "Fri 17:30 DM manager: ESC-1 update (Yellow): Day 5: progress",
    "Fri 17:30 DM director: ESC-1 update (Yellow): Day 5: progress",
    "Sat 09:00 DM AE: Check-ins: ESC-1 at <!date^1795897800^{time}|2026-",
    "Sat 09:00 DM CSM: Check-ins: ESC-1 at <!date^1795897800^{time}|2026-",
    "Sat 09:00 DM manager: Check-ins: ESC-1 at <!date^1795897800^{time}|2026-",
    "Sat 09:00 DM director: Check-ins: ESC-1 at <!date^1795897800^{time}|2026-",
    "Sat 09:00 DM DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Sat 12:30 DM DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Cor",
    "Sat 17:00 DM DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Sat 17:00 #leadership thread: :memo: No check-in was logged for ESC-1's midday c",
    "Sat 17:30 #leadership thread: ESC-1 update (Yellow): Day 6: progress",
    "Sat 17:30 #internal: ESC-1 update (Yellow): Day 6: progress",
    "Sat 17:30 DM AE: ESC-1 update (Yellow): Day 6: progress",
    "Sat 17:30 DM CSM: ESC-1 update (Yellow): Day 6: progress",
    "Sat 17:30 DM manager: ESC-1 update (Yellow): Day 6: progress",
    "Sat 17:30 DM director: ESC-1 update (Yellow): Day 6: progress",
    "Sun 09:00 DM AE: Check-ins: ESC-1 at <!date^1795984200^{time}|2026-",
    "Sun 09:00 DM CSM: Check-ins: ESC-1 at <!date^1795984200^{time}|2026-",
    "Sun 09:00 DM manager: Check-ins: ESC-1 at <!date^1795984200^{time}|2026-",
    "Sun 09:00 DM director: Check-ins: ESC-1 at <!date^1795984200^{time}|2026-",
    "Sun 09:00 DM DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
    "Sun 12:30 DM DRI: Midday check-in: ESC-1 · Sev 1 Critical · Acme Cor",
    "Sun 17:00 DM DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp",
    "Sun 17:00 #leadership thread: :memo: No check-in was logged for ESC-1's midday c",
    "Sun 17:30 #leadership thread: ESC-1 update (Yellow): Day 7: progress",
    "Sun 17:30 #internal: ESC-1 update (Yellow): Day 7: progress",
    "Sun 17:30 DM AE: ESC-1 update (Yellow): Day 7: progress",
    "Sun 17:30 DM CSM: ESC-1 update (Yellow): Day 7: progress",
    "Sun 17:30 DM manager: ESC-1 update (Yellow): Day 7: progress",
    "Sun 17:30 DM director: ESC-1 update (Yellow): Day 7: progress",
    "Mon 09:00 DM AE: Check-ins: ESC-1 at <!date^1796070600^{time}|2026-",
    "Mon 09:00 DM CSM: Check-ins: ESC-1 at <!date^1796070600^{time}|2026-",
    "Mon 09:00 DM manager: Check-ins: ESC-1 at <!date^1796070600^{time}|2026-",
    "Mon 09:00 DM director: Check-ins: ESC-1 at <!date^1796070600^{time}|2026-",
    "Mon 09:00 DM DRI: Morning review: ESC-1 · Sev 1 Critical · Acme Corp",
]
