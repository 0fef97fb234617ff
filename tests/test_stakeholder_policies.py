"""The pure rules of the stakeholder loop: milestone progress, the midday check-in's
invitation and evening note, a Critical's sync reminders, quiet hours of a follower."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Level, Severity, State
from bot.policy import checkins, sync
from bot.policy.cadence import CadenceSettings, CadenceState
from bot.policy.progress import progress_of
from bot.settings import Settings

SETTINGS = CadenceSettings.from_settings(Settings(_env_file=None))
LA = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")


def la(day: int, hour: int, minute: int = 0) -> datetime:
    """Day 0 is Monday 2026-11-23 in Los Angeles."""
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=LA)


def sev1(start: datetime, **overrides: object) -> CadenceState:
    values: dict[str, object] = {
        "severity": Severity.SEV1,
        "level": Level.HIGH,
        "state": State.OPEN,
        "cadence_start": start,
        "phase1_due_at": start + timedelta(hours=24),
        "checklist_open": True,
        "last_update_at": None,
        "last_customer_comm_at": None,
        "dri_tz": LA,
    }
    values.update(overrides)
    return CadenceState(**values)  # type: ignore[arg-type]


# -- progress ------------------------------------------------------------------------------


def test_percent_complete_counts_every_task_of_every_milestone() -> None:
    progress = progress_of([("Design", [True, True]), ("Build", [True, False, False])])
    assert progress.percent == 60
    assert (progress.tasks_done, progress.tasks_total, progress.milestones_complete) == (3, 5, 1)
    assert progress.summary() == "60% complete (3 of 5 tasks; 1 of 2 milestones done)"


def test_no_tasks_is_not_zero_percent_but_nothing_to_measure() -> None:
    assert progress_of([]).percent is None
    assert progress_of([]).summary() == "no milestones yet"
    only_titles = progress_of([("Design", [])])
    assert only_titles.percent is None
    assert only_titles.summary() == "no tasks yet (0 of 1 milestone done)"


def test_all_tasks_done_is_a_hundred_percent_and_every_milestone_complete() -> None:
    progress = progress_of([("Design", [True]), ("Build", [True, True])])
    assert (progress.percent, progress.milestones_complete) == (100, 2)


# -- the midday check-in -------------------------------------------------------------------


def test_an_escalation_opened_before_noon_invites_at_once_for_todays_check_in() -> None:
    state = sev1(la(0, 10, 0))
    found = checkins.invitation_due(state, SETTINGS, la(0, 10, 0))
    assert found is not None
    assert (found.slot, found.invite_at, found.check_in_at) == (
        "2026-11-23",
        la(0, 10, 0),
        la(0, 12, 30),
    )


def test_opened_after_the_check_in_the_first_invitation_is_the_next_morning() -> None:
    state = sev1(la(0, 14, 0))
    assert checkins.invitation_due(state, SETTINGS, la(0, 14, 0)) is None
    assert checkins.next_change(state, SETTINGS, la(0, 14, 0)) == la(1, 9, 0)
    assert checkins.invitation_due(state, SETTINGS, la(1, 8, 59)) is None
    found = checkins.invitation_due(state, SETTINGS, la(1, 9, 0))
    assert found is not None and found.slot == "2026-11-24"
    # Once the check-in has begun, an invitation is no use (after downtime, say).
    assert checkins.invitation_due(state, SETTINGS, la(1, 12, 30)) is None


def test_the_unlogged_note_belongs_to_the_latest_evening_with_a_check_in_in_the_cadence() -> None:
    state = sev1(la(0, 14, 0))
    # Monday's check-in was before the escalation existed: no note that evening.
    assert checkins.unlogged_note_due(state, SETTINGS, la(0, 18, 0)) is None
    assert checkins.unlogged_note_due(state, SETTINGS, la(1, 16, 59)) is None
    found = checkins.unlogged_note_due(state, SETTINGS, la(1, 17, 0))
    assert found is not None and found.slot == "2026-11-24"
    found = checkins.unlogged_note_due(state, SETTINGS, la(3, 8, 0))
    assert found is not None and found.slot == "2026-11-25"


def test_sev2_and_resolving_escalations_have_no_check_ins() -> None:
    for state in (
        sev1(la(0, 8, 0), severity=Severity.SEV2, level=None),
        sev1(la(0, 8, 0), state=State.RESOLVING),
    ):
        assert checkins.invitation_due(state, SETTINGS, la(0, 9, 0)) is None
        assert checkins.unlogged_note_due(state, SETTINGS, la(0, 18, 0)) is None


def test_a_follower_in_london_gets_a_los_angeles_afternoon_update_the_next_morning() -> None:
    posted = la(0, 12, 0)  # 20:00 in London
    deliver = checkins.outside_quiet_hours(posted, LONDON, time(19), time(8))
    assert deliver == datetime(2026, 11, 24, 8, 0, tzinfo=LONDON)
    assert checkins.outside_quiet_hours(la(0, 9, 0), LONDON, time(19), time(8)) == la(0, 9, 0)
    early = datetime(2026, 11, 24, 6, 0, tzinfo=LONDON)
    assert checkins.outside_quiet_hours(early, LONDON, time(19), time(8)) == datetime(
        2026, 11, 24, 8, 0, tzinfo=LONDON
    )


# -- a Critical's immediate sync -------------------------------------------------------------


def test_only_a_critical_sev1_needs_an_immediate_sync() -> None:
    assert sync.needs_sync(Severity.SEV1, Level.CRITICAL)
    assert not sync.needs_sync(Severity.SEV1, Level.HIGH)
    assert not sync.needs_sync(Severity.SEV2, None)


def test_an_unrecorded_sync_is_reminded_at_its_deadline_and_once_more_then_never() -> None:
    due = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    window = timedelta(hours=4)
    assert sync.reminder_due(due, False, window, due - timedelta(minutes=1)) is None
    first = sync.reminder_due(due, False, window, due)
    assert first is not None and first.number == 1
    assert sync.next_reminder_at(due, False, window, due) == due + window
    second = sync.reminder_due(due, False, window, due + timedelta(days=3))
    assert second is not None and (second.number, second.due_at) == (2, due + window)
    assert sync.next_reminder_at(due, False, window, due + window) is None


def test_a_recorded_sync_is_never_reminded_or_overdue() -> None:
    due = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    later = due + timedelta(hours=9)
    assert sync.reminder_due(due, True, timedelta(hours=4), later) is None
    assert not sync.sync_overdue(due, True, later)
    assert sync.sync_overdue(due, False, later)
