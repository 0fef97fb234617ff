"""The Y/R review list: a Sev 2 that turns Yellow or Green stays on the agenda until
leadership decides it leaves; one that turns Red again is back on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from blocks import review as review_views
from bot.domain import EventKind, Health, Severity
from bot.escalations import effects, service
from bot.escalations.permissions import NotAllowed, leadership_people, require_leadership
from bot.models import Escalation
from bot.settings import Settings


def on_review_list(escalation: Escalation) -> bool:
    """Every open escalation is on the agenda, unless leadership took this Sev 2 off it."""
    return escalation.state.is_open and escalation.off_review_list_at is None


def health_changed(
    session: Session,
    escalation: Escalation,
    before: Health,
    *,
    now: datetime,
    settings: Settings | None,
) -> None:
    """After an update of a Sev 2: leadership is asked in the thread whether it leaves the
    list when it turns Yellow or Green from Red; it is back on the list when it turns Red."""
    if escalation.severity is not Severity.SEV2 or escalation.health is before:
        return
    if escalation.health is Health.RED:
        if escalation.off_review_list_at is not None:
            escalation.off_review_list_at = None
            service.record(
                session,
                escalation,
                EventKind.REVIEW_LIST,
                service.BOT,
                "Red again: back on the Y/R review list",
                now,
            )
        return
    if before is Health.RED and escalation.off_review_list_at is None:
        leadership = leadership_people(settings) if settings else []
        effects.thread_note(
            session,
            escalation,
            review_views.list_question_text(escalation),
            now,
            review_views.list_question_blocks(escalation, leadership),
        )


def decide_review_list(
    session: Session,
    escalation_id: int,
    *,
    leaves: bool,
    actor: str,
    now: datetime,
    settings: Settings,
) -> Escalation:
    """Leadership's answer: the Sev 2 leaves the Y/R review list, or stays on it."""
    require_leadership(settings, actor, "decide what is on the review list")
    escalation = service.load(session, escalation_id)
    if escalation.severity is not Severity.SEV2:
        raise NotAllowed(f"{escalation.key} is a Sev 1: it stays on the review list.")
    escalation.off_review_list_at = now if leaves else None
    service.record(
        session,
        escalation,
        EventKind.REVIEW_LIST,
        actor,
        "Off the Y/R review list" if leaves else "Stays on the Y/R review list",
        now,
    )
    effects.thread_note(
        session, escalation, review_views.list_decision_note(escalation, actor, leaves), now
    )
    return escalation
