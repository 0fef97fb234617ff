"""When an open blocker becomes a Sev 2 trigger: 5 business days unresolved (SPEC, Sev 2
triggers: "technical blocker unresolved within 5 business days")."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

STALE_AFTER_BUSINESS_DAYS = 5
# The Sev 2 trigger a blocker open that long matches.
STALE_BLOCKER_TRIGGER = "technical_blocker"


def business_days_later(start: datetime, days: int, tz: ZoneInfo) -> datetime:
    """`start` moved `days` business days (Monday to Friday, in `tz`) later, at the same
    local time of day: a blocker logged Friday 10:00 is 5 business days old next Friday
    10:00; one logged on Saturday counts from Monday."""
    local = start.astimezone(tz)
    day, counted = local.date(), 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return datetime.combine(day, local.time(), tz).astimezone(start.tzinfo)


def suggest_trigger_at(opened_at: datetime, tz: ZoneInfo) -> datetime:
    """The instant an open blocker should be suggested to the DRI as a Sev 2 trigger."""
    return business_days_later(opened_at, STALE_AFTER_BUSINESS_DAYS, tz)
