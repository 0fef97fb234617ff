"""The weekly insights chart: planned once a week, uploaded to the PMO manager's DM.

The chart is its own ledger row (kind INSIGHTS_CHART, one slot per ISO week), so a restart
or a second process never sends it twice on purpose. The weekly PMO briefing can carry the
same picture: `bot.escalations.insights.weekly_chart` draws it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import people
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job, Outcome
from bot.escalations.insights import weekly_chart
from bot.policy.cadence import local_occurrence
from bot.runtime import Services
from bot.settings import Settings

SUBJECT = "insights"
# Past this after its weekly time, a chart not yet planned (the bot was down) is skipped:
# last week's picture on a Thursday helps nobody.
PLANNING_WINDOW = timedelta(days=1)


def chart_due(settings: Settings, now: datetime) -> tuple[str, datetime] | None:
    """(slot, due_at) of this week's chart while it may be planned, else None."""
    if not settings.pmo_manager_user_id:
        return None
    tz = settings.timezone
    today = now.astimezone(tz).date()
    day = today - timedelta(days=(today.weekday() - settings.insights_chart.weekday) % 7)
    due_at = local_occurrence(day, settings.insights_chart.at, tz)
    if not due_at <= now < due_at + PLANNING_WINDOW:
        return None
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}", due_at


def schedule_weekly_chart(services: Services) -> bool:
    """Record this week's chart in the ledger once its time has come; True when new."""
    due = chart_due(services.settings, services.clock.now())
    if due is None:
        return False
    slot, due_at = due
    with services.sessions.begin() as session:
        return ledger.schedule(
            session, subject=SUBJECT, kind=DeliveryKind.INSIGHTS_CHART, slot=slot, due_at=due_at
        )


def send_weekly_chart(services: Services, job: Job) -> Outcome:
    """Draw the chart in the PMO manager's time zone and upload it to their DM."""
    manager = services.settings.pmo_manager_user_id
    if not manager:
        return Outcome.failed("PMO_MANAGER_USER_ID is not set", permanent=True)
    tz = people.timezone_of(services, manager)
    with services.sessions() as session:
        png = weekly_chart(session, services.clock.now(), tz)
    channel = services.gateway.open_dm(manager)
    services.gateway.upload_file(
        channel,
        f"escalations-{job.slot}.png",
        png,
        f"Escalations, week {job.slot}",
        "Open escalations by health over the last 8 weeks, and the share of status prompts "
        f"answered on time (weeks start Monday, {tz}). `/escalate stats` has the figures.",
    )
    return Outcome()
