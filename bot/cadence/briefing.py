"""The PMO manager's weekly briefing: assembled from the records, recorded in the ledger once
a week, and DMed in as many messages as it needs.

`assemble_briefing` is the one place that gathers what the briefing says; another part of
the bot adds content by appending a `BriefingSection` to the `Briefing` it returns (or new
fields beside `open_sev1` and `closures`, with their builder in `blocks/briefing.py`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from blocks import briefing as briefing_views
from blocks.escalation import title
from bot import people
from bot.cadence.engine import cadence_state_of
from bot.cadence.insights import share_weekly_chart
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job, Outcome
from bot.domain import Role, Severity, State
from bot.escalations import impacts, insights, service
from bot.escalations.weekly import latest_reviews
from bot.models import Escalation, SlackUser
from bot.policy.briefing import (
    CLOSURES_SINCE,
    SUBJECT,
    Briefing,
    BriefingSection,
    Closure,
    OpenSev1,
    WeeklyFigures,
    briefing_due,
)
from bot.policy.cadence import CadenceSettings, customer_comm_overdue, weekly_review_overdue
from bot.policy.escalation import overdue_items
from bot.runtime import Services
from bot.settings import Settings

log = logging.getLogger(__name__)


def _zones(session: Session, users: set[str], default: ZoneInfo) -> dict[str, ZoneInfo]:
    """Each DRI's cached Slack time zone (the configured default when unknown)."""
    zones: dict[str, ZoneInfo] = {}
    if not users:
        return zones
    for profile in session.scalars(select(SlackUser).where(SlackUser.user_id.in_(users))):
        try:
            zones[profile.user_id] = ZoneInfo(profile.tz) if profile.tz else default
        except (ZoneInfoNotFoundError, ValueError):
            zones[profile.user_id] = default
    return zones


def assemble_briefing(
    session: Session, settings: Settings, now: datetime, week: str, tz: ZoneInfo | None = None
) -> Briefing:
    """What the PMO manager reads this week: every open Sev 1 (forecast, budget and timeline
    impact from its latest weekly review, overdue items), every escalation closed in the
    last 7 days with its retro link, and the insights figures of those 7 days in `tz` (the
    reader's zone; the default zone when None). Extend it by adding to `sections`."""
    cadence = CadenceSettings.from_settings(settings)
    open_ones = [e for e in service.open_escalations(session) if e.severity is Severity.SEV1]
    reviews = latest_reviews(session, [e.id for e in open_ones])
    dris = {e.person(Role.DRI) for e in open_ones} - {None}
    zones = _zones(session, {d for d in dris if d}, settings.timezone)
    open_sev1 = []
    for escalation in open_ones:
        dri = escalation.person(Role.DRI)
        state = cadence_state_of(escalation, zones.get(dri or "", settings.timezone))
        overdue = list(overdue_items(escalation, now))
        if weekly_review_overdue(state, cadence, now):
            overdue.append("weekly review missing")
        if customer_comm_overdue(state, now):
            overdue.append("customer communication")
        review = reviews.get(escalation.id)
        open_sev1.append(
            OpenSev1(
                key=escalation.key,
                title=title(escalation),
                level=escalation.level,
                health=escalation.health,
                state=escalation.state,
                dri=dri,
                opened_at=escalation.opened_at,
                last_update_at=escalation.last_update_at,
                permalink=escalation.root_permalink,
                review=WeeklyFigures(
                    week=review.week,
                    forecast=review.forecast,
                    budget_timeline_impact=review.budget_timeline_impact,
                    resource_allocation=review.resource_allocation,
                )
                if review
                else None,
                overdue=overdue,
            )
        )
    closed = session.scalars(
        select(Escalation)
        .where(Escalation.state == State.RESOLVED, Escalation.resolved_at > now - CLOSURES_SINCE)
        .options(selectinload(Escalation.people))
        .order_by(Escalation.resolved_at, Escalation.id)
    )
    closures = [
        Closure(
            key=e.key,
            title=title(e),
            opened_at=e.opened_at,
            resolved_at=e.resolved_at or now,
            resolution=e.resolution or "",
            retro_link=e.retro_link,
            customer_signoff=e.customer_signoff,
            permalink=e.root_permalink,
        )
        for e in closed
    ]
    # Impacts the DRIs recorded day to day (Step 6), besides the weekly review's summary.
    impact_lines = [
        f"{escalation.key} ({impact.kind.label.lower()}): {impact.text}"
        for escalation in open_ones
        for impact in impacts.impacts_since(session, escalation.id, now - CLOSURES_SINCE)
    ]
    sections = (
        [BriefingSection("Budget and timeline impacts recorded this week", impact_lines)]
        if impact_lines
        else []
    )
    zone = tz or settings.timezone
    return Briefing(
        week=week,
        as_of=now,
        open_sev1=open_sev1,
        closures=closures,
        sections=sections,
        figures=insights.figures(session, settings, "7d", now, zone),
        figures_tz=str(zone),
    )


def schedule_pmo_briefing(services: Services) -> bool:
    """Record this week's briefing in the ledger once its time has come (once a week)."""
    if not services.settings.pmo_manager_user_id:
        return False
    due = briefing_due(services.settings, services.clock.now())
    if due is None:
        return False
    with services.sessions.begin() as session:
        return ledger.schedule(
            session,
            subject=SUBJECT,
            kind=DeliveryKind.PMO_BRIEFING,
            slot=due.slot,
            due_at=due.due_at,
        )


def send_pmo_briefing(services: Services, job: Job) -> Outcome:
    """DM the briefing to the PMO manager, each part once (a retry skips what arrived),
    then the weekly insights chart in the same DM, once too."""
    manager = services.settings.pmo_manager_user_id
    if not manager:
        log.info("no PMO manager configured: briefing %s not sent", job.slot)
        return Outcome()
    tz = people.timezone_of(services, manager)
    with services.sessions() as session:
        briefing = assemble_briefing(session, services.settings, services.clock.now(), job.slot, tz)
        messages = briefing_views.briefing_messages(briefing)
    for number, (text, blocks) in enumerate(messages, start=1):
        job.renew(services)
        services.gateway.dm(
            manager, text, blocks, key=job.key(f"part{number}"), look_first=job.retrying
        )
    job.renew(services)
    share_weekly_chart(services, job, manager, tz)
    return Outcome()
