"""The weekly Sev 1 review: the DRI's answers for one week, stored, noted in the timeline and
posted in the thread (the PMO briefing reads them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.weekly import weekly_review_blocks, weekly_review_text
from bot.domain import STAKEHOLDER_ROLES, EventKind, Severity
from bot.escalations import effects, service
from bot.escalations.permissions import NotAllowed
from bot.models import WeeklyReview
from bot.settings import Settings


@dataclass(frozen=True)
class WeeklyReviewForm:
    stakeholder_communication: str
    budget_timeline_impact: str
    resource_allocation: str
    forecast: str
    raid_reviewed: bool
    raid_notes: str | None = None


def submit_weekly_review(
    session: Session,
    escalation_id: int,
    week: str,
    form: WeeklyReviewForm,
    *,
    author: str,
    now: datetime,
    settings: Settings,
) -> WeeklyReview:
    """Store one week's review of an open Sev 1 and post it in the thread. The DRI, the
    escalation's manager or director, or PS leadership may submit it."""
    escalation = service.load(session, escalation_id)
    if not escalation.state.is_open:
        raise NotAllowed(f"{escalation.key} is resolved; reopen it to review it.")
    if escalation.severity is not Severity.SEV1:
        raise NotAllowed(f"{escalation.key} is a Sev 2: its weekly is an update, not this form.")
    holders = {escalation.person(role) for role in STAKEHOLDER_ROLES}
    if author not in holders and not settings.is_leadership(author):
        raise NotAllowed(
            f"Only the DRI, the stakeholders of {escalation.key} or PS leadership submit "
            "its weekly review."
        )
    review = WeeklyReview(
        escalation_id=escalation.id,
        week=week,
        at=now,
        author=author,
        stakeholder_communication=form.stakeholder_communication,
        budget_timeline_impact=form.budget_timeline_impact,
        resource_allocation=form.resource_allocation,
        raid_reviewed=form.raid_reviewed,
        raid_notes=form.raid_notes,
        forecast=form.forecast,
    )
    session.add(review)
    escalation.last_weekly_review_at = now
    session.flush()
    service.record(
        session,
        escalation,
        EventKind.WEEKLY_REVIEW,
        author,
        f"Weekly review {week}: forecast {form.forecast[:200]}",
        now,
    )
    effects.thread_note(
        session,
        escalation,
        weekly_review_text(escalation, review),
        now,
        weekly_review_blocks(escalation, review),
    )
    return review


def latest_reviews(session: Session, escalation_ids: list[int]) -> dict[int, WeeklyReview]:
    """The most recent weekly review of each escalation that has one."""
    latest: dict[int, WeeklyReview] = {}
    if not escalation_ids:
        return latest
    for review in session.scalars(
        select(WeeklyReview)
        .where(WeeklyReview.escalation_id.in_(escalation_ids))
        .order_by(WeeklyReview.at, WeeklyReview.id)
    ):
        latest[review.escalation_id] = review
    return latest
