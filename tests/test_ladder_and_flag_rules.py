"""The pure rules of the unresponsiveness ladder and the 48-hour siren (seeds 000, 002)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.policy.flags import FlagReminder, is_siren, reminder_due, reminders
from bot.policy.ladder import WaitClock, is_paused, step_reached, waited

ASKED = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
DAYS = [7, 14, 21, 28]


def day(n: float) -> datetime:
    return ASKED + timedelta(days=n)


def test_a_silent_customer_reaches_each_step_on_its_day() -> None:
    clock = WaitClock(asked_at=ASKED)
    assert step_reached(clock, DAYS, day(6.99)) is None
    assert step_reached(clock, DAYS, day(7)) == 7
    assert step_reached(clock, DAYS, day(13.5)) == 7
    assert step_reached(clock, DAYS, day(14)) == 14
    assert step_reached(clock, DAYS, day(21)) == 21
    assert step_reached(clock, DAYS, day(30)) == 28


def test_after_downtime_only_the_latest_step_is_reached() -> None:
    assert step_reached(WaitClock(asked_at=ASKED), DAYS, day(22)) == 21


def test_a_response_stops_the_ladder() -> None:
    clock = WaitClock(asked_at=ASKED, responded_at=day(10))
    assert step_reached(clock, DAYS, day(30)) is None


def test_out_of_office_pauses_the_clock_until_the_return_date() -> None:
    clock = WaitClock(asked_at=ASKED, ooo_from=day(3), ooo_until=day(8))
    assert is_paused(clock, day(5)) and not is_paused(clock, day(8))
    assert waited(clock, day(5)) == timedelta(days=3)
    assert waited(clock, day(10)) == timedelta(days=5)
    assert step_reached(clock, DAYS, day(11.9)) is None
    assert step_reached(clock, DAYS, day(12)) == 7


def test_earlier_absences_stay_banked() -> None:
    clock = WaitClock(asked_at=ASKED, paused_seconds=int(timedelta(days=2).total_seconds()))
    assert step_reached(clock, DAYS, day(8.9)) is None
    assert step_reached(clock, DAYS, day(9)) == 7


RAISED = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_needed_in_47h59m_is_a_siren_and_in_48h_is_not() -> None:
    assert is_siren(RAISED + timedelta(hours=47, minutes=59), RAISED, 48)
    assert not is_siren(RAISED + timedelta(hours=48), RAISED, 48)


def test_reminders_come_halfway_two_hours_before_and_at_the_deadline() -> None:
    needed_by = RAISED + timedelta(hours=24)
    assert [(r.kind, r.due_at - RAISED) for r in reminders(RAISED, needed_by)] == [
        (FlagReminder.HALFWAY, timedelta(hours=12)),
        (FlagReminder.TWO_HOURS, timedelta(hours=22)),
        (FlagReminder.DEADLINE, timedelta(hours=24)),
    ]
    assert reminder_due(RAISED, needed_by, RAISED + timedelta(hours=11)) is None
    assert (
        reminder_due(RAISED, needed_by, RAISED + timedelta(hours=23)).kind is FlagReminder.TWO_HOURS
    )


def test_a_short_flag_skips_the_two_hour_reminder_that_would_come_before_halfway() -> None:
    needed_by = RAISED + timedelta(hours=3)
    assert [r.kind for r in reminders(RAISED, needed_by)] == [
        FlagReminder.HALFWAY,
        FlagReminder.DEADLINE,
    ]
