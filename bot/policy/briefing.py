"""The PMO manager's weekly briefing: what it holds (plain values, built by
`bot.cadence.briefing.assemble_briefing`, shown by `blocks.briefing`) and when it is due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain import Health, Level, State
from bot.policy.cadence import iso_week, local_occurrence
from bot.policy.insights import Insights
from bot.settings import Settings

SUBJECT = "pmo"
CLOSURES_SINCE = timedelta(days=7)
# A briefing the bot could not send within a day of its time (it was down) is skipped, not
# sent days late beside the next one; so is last week's on a first start.
STALE_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class BriefingSection:
    """A titled list of lines that any part of the bot may add to the briefing:
    `Briefing.sections` is where new kinds of content go. Title and lines are plain text
    (the builder escapes and clips them); for links or charts, add a field to `Briefing` and
    its own builder in `blocks/briefing.py`."""

    title: str
    lines: list[str]


@dataclass(frozen=True)
class WeeklyFigures:
    """What the latest weekly review said."""

    week: str
    forecast: str
    budget_timeline_impact: str
    resource_allocation: str


@dataclass(frozen=True)
class OpenSev1:
    key: str
    title: str
    level: Level | None
    health: Health
    state: State
    dri: str | None
    opened_at: datetime
    last_update_at: datetime | None
    permalink: str | None
    review: WeeklyFigures | None
    overdue: list[str]


@dataclass(frozen=True)
class Closure:
    key: str
    title: str
    opened_at: datetime
    resolved_at: datetime
    resolution: str
    retro_link: str | None
    customer_signoff: bool | None
    permalink: str | None


@dataclass
class Briefing:
    week: str
    as_of: datetime
    open_sev1: list[OpenSev1]
    closures: list[Closure]
    sections: list[BriefingSection] = field(default_factory=list)
    # How the process did over the last 7 days (SPEC section 10), in the reader's zone.
    figures: Insights | None = None
    figures_tz: str = "UTC"


@dataclass(frozen=True)
class BriefingDue:
    slot: str
    due_at: datetime


def briefing_due(settings: Settings, now: datetime) -> BriefingDue | None:
    """This week's briefing from its time (configured weekday and time, default zone) for a
    day; the slot is the ISO week, so it goes once a week."""
    tz = settings.timezone
    today = now.astimezone(tz).date()
    day = today - timedelta(days=(today.weekday() - settings.pmo_briefing.weekday) % 7)
    due_at = local_occurrence(day, settings.pmo_briefing.at, tz)
    if not due_at <= now < due_at + STALE_AFTER:
        return None
    return BriefingDue(slot=iso_week(day), due_at=due_at)
