"""Urgent flags: a request needed soon gets the siren when it is due within 48 hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class FlagReminder(StrEnum):
    HALFWAY = "flag_halfway"
    TWO_HOURS = "flag_2h"
    DEADLINE = "flag_deadline"


TWO_HOURS = timedelta(hours=2)


def is_siren(needed_by: datetime, now: datetime, threshold_hours: float) -> bool:
    """Needed in less than the threshold (48 h by default): a siren, not a normal flag."""
    return needed_by - now < timedelta(hours=threshold_hours)


@dataclass(frozen=True)
class ReminderDue:
    kind: FlagReminder
    due_at: datetime


def reminders(raised_at: datetime, needed_by: datetime) -> list[ReminderDue]:
    """Halfway to the deadline, 2 h before it (when that comes after halfway), the deadline."""
    halfway = raised_at + (needed_by - raised_at) / 2
    steps = [ReminderDue(FlagReminder.HALFWAY, halfway)]
    if needed_by - TWO_HOURS > halfway:
        steps.append(ReminderDue(FlagReminder.TWO_HOURS, needed_by - TWO_HOURS))
    steps.append(ReminderDue(FlagReminder.DEADLINE, needed_by))
    return steps


def reminder_due(raised_at: datetime, needed_by: datetime, now: datetime) -> ReminderDue | None:
    """The latest reminder whose time has come (after downtime, only that one)."""
    passed = [step for step in reminders(raised_at, needed_by) if step.due_at <= now]
    return passed[-1] if passed else None


def next_reminder_at(raised_at: datetime, needed_by: datetime, now: datetime) -> datetime | None:
    """When the next reminder after `now` falls due; None once the deadline has passed."""
    return min(
        (step.due_at for step in reminders(raised_at, needed_by) if step.due_at > now),
        default=None,
    )
