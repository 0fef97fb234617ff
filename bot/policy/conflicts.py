"""People conflicts with sales or CS: when each step of the path falls due. Pure."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.policy.cadence import local_occurrence

SATURDAY = 5
# A step falls due in the morning of its business day, never overnight or at the weekend.
STEP_TIME = time(10, 0)


class ConflictStep(StrEnum):
    MANAGERS = "managers"
    EXECUTIVE = "executive"


def add_business_days(day: date, count: int) -> date:
    """The business day `count` working days (Monday to Friday) after `day`."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < SATURDAY:
            count -= 1
    return day


def step_due_at(start: datetime, business_days: int, tz: ZoneInfo) -> datetime:
    """10:00 local on the business day `business_days` after `start`'s local date."""
    day = add_business_days(start.astimezone(tz).date(), business_days)
    return local_occurrence(day, STEP_TIME, tz)


def step_reached(
    *,
    now: datetime,
    managers_due_at: datetime,
    executive_due_at: datetime,
    managers_told: bool,
    executive_told: bool,
    resolved: bool,
) -> ConflictStep | None:
    """The next step whose time has come, or None. The executive comes only after the
    managers were told: each level gets its chance."""
    if resolved:
        return None
    if not managers_told:
        return ConflictStep.MANAGERS if now >= managers_due_at else None
    if not executive_told and now >= executive_due_at:
        return ConflictStep.EXECUTIVE
    return None
