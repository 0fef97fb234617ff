"""Quiet evenings and honest catch-up (SPEC flow 2 "DRI unresponsiveness", flow 9 "after
downtime"): the evening's second nudge comes before quiet hours; after downtime the DRI gets
at most one catch-up prompt, the latest, and never a "still missing" for a prompt never sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import ManualClock
from bot.domain import Level, Severity, State
from bot.models import Delivery, DeliveryStatus
from bot.policy.cadence import CadenceSettings, CadenceState, PromptKind, due_prompts
from bot.scheduler import plan
from bot.settings import Settings
from tests.flows import open_escalation, wait_for_receipt
from tests.harness import BotHarness
from tests.walking import LA, Transcript, local, walk


def opened(
    make_harness: Callable[..., BotHarness], clock: ManualClock, level: str, **env: object
) -> tuple[BotHarness, Transcript]:
    clock.set(local(0, 9, 0))
    harness = make_harness(**env)
    wait_for_receipt(harness, open_escalation(harness, level=level))
    return harness, Transcript(harness)


def dri_prompts(lines: list[str]) -> list[str]:
    return [line for line in lines if " DM to DRI: " in line]


def test_the_second_nudge_comes_90_minutes_after_the_evening_prompt_before_quiet_hours(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness, log = opened(make_harness, clock, "high")
    walk(harness, local(1, 9, 0), transcript=log)
    quiet = [line for line in log.lines if " DM " in line and not "08:00" <= line[4:9] < "19:00"]
    assert quiet == []
    assert dri_prompts(log.lines) == [
        "Mon 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 High · Acme Corp",
        "Mon 17:00 DM to DRI: Evening update: ESC-1 · Sev 1 High · Acme Corp",
        "Mon 18:30 DM to DRI: Evening update still missing: ESC-1 · Sev 1 High · Acme Corp",
        "Tue 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 High · Acme Corp",
        "Tue 09:00 DM to DRI: Phase 1 deadline reached: ESC-1 · Sev 1 High · Acme Corp",
    ]


def test_a_nudge_that_would_reach_into_quiet_hours_comes_before_them(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    # Evening prompt at 18:00: 90 minutes later is 19:30, inside quiet hours (19:00-08:00).
    harness, log = opened(make_harness, clock, "high", evening_prompt="18:00")
    walk(harness, local(1, 8, 30), transcript=log)
    assert dri_prompts(log.lines)[-2:] == [
        "Mon 18:00 DM to DRI: Evening update: ESC-1 · Sev 1 High · Acme Corp",
        "Mon 18:30 DM to DRI: Evening update still missing: ESC-1 · Sev 1 High · Acme Corp",
    ]


def test_the_nudge_delay_is_configured(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness, log = opened(make_harness, clock, "high", evening_nudge_minutes=45)
    walk(harness, local(0, 23, 0), transcript=log)
    assert dri_prompts(log.lines)[-1] == (
        "Mon 17:45 DM to DRI: Evening update still missing: ESC-1 · Sev 1 High · Acme Corp"
    )


def test_after_a_night_of_downtime_a_high_gets_one_catch_up_prompt_once_quiet_hours_end(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness, log = opened(make_harness, clock, "high")
    walk(harness, local(0, 13, 0), transcript=log)
    assert dri_prompts(log.lines) == [
        "Mon 12:30 DM to DRI: Midday check-in: ESC-1 · Sev 1 High · Acme Corp"
    ]
    # Down from 13:00 until 23:00: the evening and its nudge fell due meanwhile. It is quiet
    # hours in Los Angeles, so no DM is sent now (the thread may still note the unlogged
    # check-in: a thread note is not a DM).
    harness.tick_at(local(0, 23, 0))
    assert [line for line in log.collect() if " DM " in line] == []
    walk(harness, local(1, 9, 0), transcript=log)
    assert dri_prompts(log.lines)[1:] == [
        # One catch-up, the latest prompt due (Monday's evening), and no "still missing".
        "Tue 08:00 DM to DRI: Evening update: ESC-1 · Sev 1 High · Acme Corp",
        "Tue 09:00 DM to DRI: Morning review: ESC-1 · Sev 1 High · Acme Corp",
        "Tue 09:00 DM to DRI: Phase 1 deadline reached: ESC-1 · Sev 1 High · Acme Corp",
    ]


def test_after_downtime_a_critical_gets_only_the_latest_prompt_and_no_nudge_for_an_unsent_one(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness, log = opened(make_harness, clock, "critical")
    # Down from 09:00 to 18:45: midday (12:30), evening (17:00) and its nudge (18:30) fell due.
    harness.tick_at(local(0, 18, 45))
    # (The stakeholder loop's thread note and sync reminder to the director and leadership
    # also go out now; this test is about the DRI's prompts.)
    assert dri_prompts(log.collect()) == [
        "Mon 18:45 DM to DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp"
    ]
    walk(harness, local(1, 8, 45), transcript=log)
    # the nudge belonged to an evening prompt that was never sent
    assert dri_prompts(log.lines)[1:] == []


def test_a_prompt_recorded_but_never_sent_before_a_crash_is_superseded_by_the_latest(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness, log = opened(make_harness, clock, "critical")
    # 12:30: the midday prompt is recorded, then the process dies before sending it.
    harness.clock.set(local(0, 12, 30))
    plan(harness.services)
    harness.tick_at(local(0, 17, 5))
    assert dri_prompts(log.collect()) == [
        "Mon 17:05 DM to DRI: Evening update: ESC-1 · Sev 1 Critical · Acme Corp"
    ]
    with harness.services.sessions() as session:
        midday = session.scalars(select(Delivery).where(Delivery.kind == "midday")).one()
    assert midday.status is DeliveryStatus.CANCELLED
    assert midday.last_error is not None and "evening" in midday.last_error


SETTINGS = CadenceSettings.from_settings(Settings(_env_file=None))


def sev1(level: Level, start: datetime, tz: ZoneInfo = LA) -> CadenceState:
    return CadenceState(
        severity=Severity.SEV1,
        level=level,
        state=State.ACTIVE,
        cadence_start=start,
        phase1_due_at=start + timedelta(hours=24),
        checklist_open=False,
        last_update_at=None,
        last_customer_comm_at=None,
        dri_tz=tz,
    )


def nudges(state: CadenceState, begin: datetime, hours: int) -> list[datetime]:
    """Minutes at which an evening nudge is offered, walking minute by minute."""
    seen = []
    for minute in range(hours * 60):
        now = begin + timedelta(minutes=minute)
        if any(p.kind is PromptKind.EVENING_NUDGE for p in due_prompts(state, SETTINGS, now)):
            seen.append(now)
    return seen


def test_a_high_nudge_is_offered_only_until_quiet_hours_begin() -> None:
    start = local(0, 8, 0)
    offered = nudges(sev1(Level.HIGH, start), start, 30)
    assert offered[0].astimezone(LA) == local(0, 18, 30)
    assert offered[-1].astimezone(LA) == local(0, 18, 59)


def test_a_critical_nudge_ignores_quiet_hours_and_expires_at_the_next_morning() -> None:
    start = local(0, 8, 0)
    offered = nudges(sev1(Level.CRITICAL, start), start, 30)
    assert offered[0].astimezone(LA) == local(0, 18, 30)
    assert offered[-1].astimezone(LA) == local(1, 8, 59)
