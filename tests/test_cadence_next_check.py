"""When an escalation must be looked at again (pure policy, injected clock).

The proof that `next_check_at` is never late: walking minute by minute over several days,
planning only when the escalation's instant has come (or when it changed) records exactly
the ledger rows that planning every minute records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.cadence.planning import OpenFlag, OpenTask, PlanningSettings, Snapshot, plan_for
from bot.domain import Level, Severity, State
from bot.policy.cadence import CadenceState, next_check
from bot.policy.flags import next_reminder_at
from bot.policy.ladder import WaitClock, next_step_at, step_reached
from bot.settings import Settings, WeeklySlot

TOKYO = ZoneInfo("Asia/Tokyo")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
SANTIAGO = ZoneInfo("America/Santiago")
DEFAULTS = PlanningSettings.from_settings(Settings(_env_file=None))
MINUTE = timedelta(minutes=1)
DAYS = [7, 14, 21, 28]

Event = Callable[[Snapshot, datetime], Snapshot]
Ledger = dict[tuple[str, str], tuple[datetime, datetime]]


def sev1(tz: ZoneInfo, start: datetime, **overrides: object) -> CadenceState:
    values: dict[str, object] = {
        "severity": Severity.SEV1,
        "level": Level.HIGH,
        "state": State.OPEN,
        "cadence_start": start,
        "phase1_due_at": start + timedelta(hours=24),
        "checklist_open": True,
        "last_update_at": None,
        "last_customer_comm_at": None,
        "dri_tz": tz,
    }
    values.update(overrides)
    return CadenceState(**values)  # type: ignore[arg-type]


def snapshot(state: CadenceState, **children: object) -> Snapshot:
    return Snapshot(escalation_id=1, key="ESC-1", cadence=state, **children)  # type: ignore[arg-type]


def walk(
    start: Snapshot,
    begin: datetime,
    days: float,
    settings: PlanningSettings = DEFAULTS,
    events: dict[datetime, Event] | None = None,
) -> tuple[Ledger, Ledger, int]:
    """Plan every minute, and only when due; returns both ledgers (each row with the minute
    it was first recorded, so a late record shows) and how often the gated walk planned. An event changes the escalation at its minute (and, as `service.record`
    does, makes it due at once)."""
    events = events or {}
    every_minute: Ledger = {}
    gated: Ledger = {}
    current, next_check_at, plans = start, None, 0
    now = begin
    while now < begin + timedelta(days=days):
        if now in events:
            current = events[now](current, now)
            next_check_at = now
        for row in plan_for(current, settings, now).rows:
            every_minute.setdefault((row.kind, row.slot), (row.due_at, now))
        if next_check_at is None or next_check_at <= now:
            plans += 1
            plan = plan_for(current, settings, now)
            for row in plan.rows:
                gated.setdefault((row.kind, row.slot), (row.due_at, now))
            next_check_at = plan.next_check_at or datetime.max.replace(tzinfo=UTC)
            assert next_check_at > now
        now += MINUTE
    return every_minute, gated, plans


def posted_update(escalation: Snapshot, now: datetime) -> Snapshot:
    return replace(escalation, cadence=replace(escalation.cadence, last_update_at=now))


def checklist_done(escalation: Snapshot, now: datetime) -> Snapshot:
    return replace(escalation, cadence=replace(escalation.cadence, checklist_open=False))


def local(tz: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz).astimezone(UTC)  # type: ignore[misc]


def assert_same_ledger(walked: tuple[dict, dict, int], *, at_most_plans: int) -> None:  # type: ignore[type-arg]
    every_minute, gated, plans = walked
    assert every_minute, "the walk should record something"
    assert gated == every_minute
    assert plans <= at_most_plans


def test_sev1_dri_in_tokyo_gets_the_same_prompts_when_planned_only_at_next_check() -> None:
    begin = local(TOKYO, 2026, 11, 23, 8, 3)
    start = snapshot(sev1(TOKYO, begin))
    events = {
        local(TOKYO, 2026, 11, 24, 16, 0): posted_update,
        local(TOKYO, 2026, 11, 24, 20, 0): checklist_done,
        local(TOKYO, 2026, 11, 26, 9, 30): posted_update,
    }
    # Five days a minute apart is 7 200 instants; a handful a day is enough.
    assert_same_ledger(walk(start, begin, 5, events=events), at_most_plans=80)


def test_sev1_dri_in_los_angeles_across_the_autumn_clock_change() -> None:
    # US clocks go back on Sunday 2026-11-01 at 02:00.
    begin = local(LOS_ANGELES, 2026, 10, 30, 13, 17)
    start = snapshot(sev1(LOS_ANGELES, begin))
    events = {local(LOS_ANGELES, 2026, 11, 2, 18, 59): posted_update}
    assert_same_ledger(walk(start, begin, 5, events=events), at_most_plans=80)


def test_sev1_dri_in_london_across_the_spring_clock_change_with_a_critical_level() -> None:
    # Europe moves forward on Sunday 2026-03-29 at 01:00; Critical ignores quiet hours.
    begin = local(LONDON, 2026, 3, 27, 22, 0)
    start = snapshot(sev1(LONDON, begin, level=Level.CRITICAL))
    assert_same_ledger(walk(start, begin, 4), at_most_plans=70)


def test_quiet_hours_that_swallow_prompts_defer_them_the_same_way() -> None:
    # Quiet from 16:00 to 09:30: the evening prompt and its nudge wait for the morning,
    # the morning prompt itself is deferred, and a Phase 1 deadline at night waits too.
    settings = replace(
        DEFAULTS,
        cadence=replace(DEFAULTS.cadence, quiet_start=time(16, 0), quiet_end=time(9, 30)),
    )
    begin = local(LOS_ANGELES, 2026, 11, 23, 21, 41)
    start = snapshot(sev1(LOS_ANGELES, begin))
    assert_same_ledger(walk(start, begin, 4, settings), at_most_plans=70)


def test_sev2_weekly_prompt_falling_on_a_weekend_is_deferred_to_monday_in_both_walks() -> None:
    settings = replace(
        DEFAULTS,
        cadence=replace(DEFAULTS.cadence, sev2_weekly=WeeklySlot(5, time(7, 0))),
    )
    begin = local(TOKYO, 2026, 11, 19, 12, 0)
    start = snapshot(sev1(TOKYO, begin, severity=Severity.SEV2, level=None))
    every_minute, gated, plans = walk(start, begin, 12, settings)
    assert gated == every_minute
    weekly = [at for (kind, _), (at, _) in gated.items() if kind == "sev2_weekly"]
    assert [at.astimezone(TOKYO).strftime("%a %H:%M") for at in weekly] == [
        "Mon 08:00",
        "Mon 08:00",
    ]
    assert plans <= 30


def test_ladder_flags_and_tasks_are_recorded_at_the_same_minutes() -> None:
    begin = local(SANTIAGO, 2026, 9, 1, 10, 0)
    tasks_in_santiago = replace(DEFAULTS, task_tz=SANTIAGO)
    start = snapshot(
        sev1(SANTIAGO, begin, severity=Severity.SEV2, level=None, checklist_open=False),
        waits=[
            (1, WaitClock(asked_at=begin - timedelta(days=6, hours=3))),
            # Out of office for two days starting tomorrow: its steps move back by two days.
            (
                2,
                WaitClock(
                    asked_at=begin - timedelta(days=13),
                    ooo_from=begin + timedelta(days=1),
                    ooo_until=begin + timedelta(days=3),
                ),
            ),
        ],
        flags=[OpenFlag(7, begin, begin + timedelta(hours=30))],
        # Chile moves forward at midnight on Saturday 2026-09-05: a task due that Saturday
        # becomes overdue when the clock jumps from 24:00 straight to 01:00.
        tasks=[OpenTask(3, date(2026, 9, 2)), OpenTask(4, date(2026, 9, 5))],
    )

    def task_done(escalation: Snapshot, now: datetime) -> Snapshot:
        return replace(escalation, tasks=[task for task in escalation.tasks if task.task_id != 4])

    every_minute, gated, plans = walk(start, begin, 6, tasks_in_santiago)
    assert gated == every_minute
    kinds = {kind for kind, _ in gated}
    assert {"ladder", "flag_halfway", "flag_2h", "flag_deadline", "task_overdue"} <= kinds
    assert gated[("task_overdue", "4")][0].astimezone(SANTIAGO) == datetime(
        2026, 9, 6, 1, 0, tzinfo=SANTIAGO
    )
    assert plans <= 40
    # Marking the task done the day before means no nudge in either walk.
    events = {local(SANTIAGO, 2026, 9, 4, 15, 0): task_done}
    every_minute, gated, _ = walk(start, begin, 6, tasks_in_santiago, events)
    assert gated == every_minute and ("task_overdue", "4") not in gated


def test_a_tokyo_dri_is_next_looked_at_for_the_midday_prompt() -> None:
    morning = local(TOKYO, 2026, 11, 24, 9, 0)
    state = sev1(TOKYO, morning - timedelta(days=2), checklist_open=False, last_update_at=morning)
    assert next_check(state, DEFAULTS.cadence, morning) == local(TOKYO, 2026, 11, 24, 12, 30)


def test_a_los_angeles_dri_is_next_looked_at_when_the_quiet_hours_end() -> None:
    # The evening nudge falls at 19:00, the start of quiet hours: it waits until 08:00.
    nudge = local(LOS_ANGELES, 2026, 11, 24, 19, 0)
    state = sev1(LOS_ANGELES, nudge - timedelta(days=2), checklist_open=False)
    assert next_check(state, DEFAULTS.cadence, nudge) == local(LOS_ANGELES, 2026, 11, 25, 8, 0)


def test_a_resolved_escalation_is_never_looked_at_again() -> None:
    state = sev1(TOKYO, local(TOKYO, 2026, 11, 23, 9, 0), state=State.RESOLVED)
    assert next_check(state, DEFAULTS.cadence, local(TOKYO, 2026, 11, 24, 9, 0)) is None


def test_an_out_of_office_under_way_moves_the_next_ladder_step_to_after_it() -> None:
    asked = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    away = WaitClock(
        asked_at=asked,
        ooo_from=asked + timedelta(days=3),
        ooo_until=asked + timedelta(days=8),
    )
    now = asked + timedelta(days=4)
    step_at = next_step_at(away, DAYS, now)
    assert step_at == asked + timedelta(days=12)
    assert step_reached(away, DAYS, step_at - MINUTE) is None
    assert step_reached(away, DAYS, step_at) == 7


def test_a_wait_past_its_last_step_or_answered_needs_no_more_looks() -> None:
    asked = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert next_step_at(WaitClock(asked_at=asked), DAYS, asked + timedelta(days=30)) is None
    answered = WaitClock(asked_at=asked, responded_at=asked + timedelta(days=1))
    assert next_step_at(answered, DAYS, asked + timedelta(days=2)) is None


@pytest.mark.parametrize("hours_in", [1, 13, 15, 27, 29])
def test_the_next_flag_reminder_follows_the_halfway_two_hour_and_deadline_marks(
    hours_in: int,
) -> None:
    raised = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    needed_by = raised + timedelta(hours=28)
    expected = {1: 14, 13: 14, 15: 26, 27: 28, 29: None}[hours_in]
    now = raised + timedelta(hours=hours_in)
    at = next_reminder_at(raised, needed_by, now)
    assert at == (raised + timedelta(hours=expected) if expected is not None else None)
