"""When the portfolio review agenda is due: a pure function of settings and now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.policy.cadence import local_occurrence
from bot.settings import Settings

SUBJECT = "portfolio"


@dataclass(frozen=True)
class AgendaDue:
    slot: str
    post_at: datetime
    review_at: datetime


def agenda_due(settings: Settings, now: datetime) -> AgendaDue | None:
    """This week's agenda once its posting time has come and until the call starts.

    After downtime that spans the call, the agenda is skipped rather than posted late.
    """
    tz = settings.timezone
    today = now.astimezone(tz).date()
    day = today + timedelta(days=(settings.portfolio_review.weekday - today.weekday()) % 7)
    review_at = local_occurrence(day, settings.portfolio_review.at, tz)
    if review_at <= now:
        day += timedelta(days=7)
        review_at = local_occurrence(day, settings.portfolio_review.at, tz)
    post_at = review_at - timedelta(minutes=settings.portfolio_agenda_lead_minutes)
    if post_at <= now:
        return AgendaDue(slot=day.isoformat(), post_at=post_at, review_at=review_at)
    return None


def reminder_due(settings: Settings, now: datetime) -> AgendaDue | None:
    """The day-before reminder for the next call: due from the same local time the day before
    the call until the call starts (slot: the call's day)."""
    tz = settings.timezone
    today = now.astimezone(tz).date()
    day = today + timedelta(days=(settings.portfolio_review.weekday - today.weekday()) % 7)
    review_at = local_occurrence(day, settings.portfolio_review.at, tz)
    if review_at <= now:
        day += timedelta(days=7)
        review_at = local_occurrence(day, settings.portfolio_review.at, tz)
    remind_at = local_occurrence(day - timedelta(days=1), settings.portfolio_review.at, tz)
    if remind_at <= now:
        return AgendaDue(slot=day.isoformat(), post_at=remind_at, review_at=review_at)
    return None
