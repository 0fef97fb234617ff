"""The Y/R review list: a Sev 2 that turns Yellow or Green stays on the agenda until
leadership decides it leaves; one that turns Red again is back on it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks import review as review_views
from blocks.text import mention
from bot.domain import EventKind, Health, Severity, State
from bot.escalations import effects, service
from bot.escalations.permissions import NotAllowed, leadership_people, require_leadership
from bot.models import Escalation, GuidanceAction
from bot.settings import Settings


def on_review_list(escalation: Escalation) -> bool:
    """Every open escalation is on the agenda, unless leadership took this Sev 2 off it.
    A watched project is not an escalation: it is never on it (no agenda place, no reminder)."""
    return (
        escalation.severity is not Severity.WATCH
        and escalation.state.is_open
        and escalation.off_review_list_at is None
    )


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


GUIDANCE = "record leadership guidance"


def add_guidance(
    session: Session,
    escalation_id: int,
    *,
    text: str,
    owner: str,
    due_on: date,
    actor: str,
    now: datetime,
    settings: Settings,
) -> GuidanceAction:
    """Leadership's guidance as an action (owner, due date): stored, noted in the thread, and
    DMed to its owner, who is nudged once it is overdue."""
    require_leadership(settings, actor, GUIDANCE)
    escalation = service.load(session, escalation_id)
    if not escalation.state.is_open:
        raise NotAllowed(f"{escalation.key} is resolved; reopen it first.")
    action = GuidanceAction(
        escalation_id=escalation.id,
        text=text,
        owner=owner,
        due_on=due_on,
        created_by=actor,
        created_at=now,
    )
    session.add(action)
    session.flush()
    service.record(
        session,
        escalation,
        EventKind.GUIDANCE,
        actor,
        f"Guidance for {owner}, due {due_on.isoformat()}: {text[:200]}",
        now,
    )
    effects.thread_note(session, escalation, review_views.guidance_text(escalation, action), now)
    effects.direct_message(
        session,
        owner,
        review_views.guidance_text(escalation, action),
        now,
        escalation=escalation,
        blocks=review_views.guidance_blocks(escalation, action, overdue=False),
        slot=f"guidance:{action.id}",
    )
    return action


def complete_guidance(
    session: Session, action_id: int, *, actor: str, now: datetime, settings: Settings
) -> GuidanceAction:
    """The owner (or leadership) marks a guidance action done; the thread hears of it."""
    action = session.get(GuidanceAction, action_id)
    if action is None:
        raise NotAllowed("That guidance no longer exists.")
    if actor != action.owner and not settings.is_leadership(actor):
        raise NotAllowed(f"Only {mention(action.owner)} or PS leadership can mark it done.")
    if action.done_at is not None:
        return action
    action.done_at, action.done_by = now, actor
    escalation = service.load(session, action.escalation_id)
    service.record(
        session, escalation, EventKind.GUIDANCE_DONE, actor, f"Done: {action.text[:200]}", now
    )
    effects.thread_note(
        session, escalation, review_views.guidance_done_note(escalation, action), now
    )
    return action


def open_guidance(session: Session, escalation_ids: list[int]) -> dict[int, list[GuidanceAction]]:
    """Guidance actions not done yet, by escalation, oldest due first."""
    found: dict[int, list[GuidanceAction]] = {}
    if not escalation_ids:
        return found
    for action in session.scalars(
        select(GuidanceAction)
        .where(GuidanceAction.escalation_id.in_(escalation_ids), GuidanceAction.done_at.is_(None))
        .order_by(GuidanceAction.due_on, GuidanceAction.id)
    ):
        found.setdefault(action.escalation_id, []).append(action)
    return found


def overdue_guidance(session: Session, today: date) -> list[GuidanceAction]:
    """Open guidance actions of open escalations due before `today`."""
    return list(
        session.scalars(
            select(GuidanceAction)
            .join(Escalation, Escalation.id == GuidanceAction.escalation_id)
            .where(
                GuidanceAction.done_at.is_(None),
                GuidanceAction.due_on < today,
                Escalation.state != State.RESOLVED,
            )
            .order_by(GuidanceAction.id)
        )
    )
