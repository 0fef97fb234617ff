"""The weekly insights chart, carried by the PMO briefing (SPEC section 10).

The briefing's handler shares it after its messages, in the same DM, as one more step of the
same ledger row: a retry skips the messages that arrived and finds the chart by its name
(the briefing's week), so the PMO manager gets it once a week, exactly once.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.delivery.gateway import Uploaded
from bot.delivery.runner import Job
from bot.escalations.insights import weekly_chart
from bot.runtime import Services


def chart_filename(week: str) -> str:
    """The chart's file name: the briefing's ISO week, its identity in the DM."""
    return f"escalations-{week}.png"


def share_weekly_chart(services: Services, job: Job, user_id: str, tz: ZoneInfo) -> Uploaded:
    """Draw the chart with weeks in `tz` (the reader's) and share it in `user_id`'s DM, at
    most once for this briefing (`job.slot`, its ISO week)."""
    channel = services.gateway.open_dm(user_id)
    filename = chart_filename(job.slot)
    if job.retrying and (found := services.gateway.find_uploaded(channel, filename)):
        return found  # shared by an earlier attempt: don't draw it again either
    with services.sessions() as session:
        png = weekly_chart(session, services.clock.now(), tz)
    return services.gateway.upload_file(
        channel,
        filename,
        png,
        f"Escalations, week {job.slot}",
        "Open escalations by health over the last 8 weeks, and the share of status prompts "
        f"answered on time (weeks start Monday, {tz}). `/escalate stats` has the figures.",
        once=True,
    )
