"""Blockers and dependencies resolve (who, when, how); one open 5 business days is suggested
to the DRI as the matching Sev 2 trigger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from blocks import tracking_notes
from bot.delivery.kinds import DeliveryKind
from bot.domain import TRIGGERS_BY_CODE, EventKind, Role, Severity
from bot.escalations import effects, service
from bot.escalations.permissions import NotAllowed, leadership_people, who_can
from bot.escalations.service import record
from bot.models import Blocker, EscalationTrigger
from bot.policy.blockers import STALE_AFTER_BUSINESS_DAYS, STALE_BLOCKER_TRIGGER
from bot.settings import Settings


def blocker_of(session: Session, escalation_id: int, blocker_id: int) -> Blocker:
    blocker = session.get(Blocker, blocker_id)
    if blocker is None or blocker.escalation_id != escalation_id:
        raise NotAllowed("That blocker is not on this escalation any more.")
    return blocker


def resolve_blocker(
    session: Session, escalation_id: int, blocker_id: int, how: str, *, actor: str, now: datetime
) -> Blocker:
    """Mark the blocker resolved by `actor` now, saying how; noted in the thread."""
    escalation = service.load(session, escalation_id)
    blocker = blocker_of(session, escalation.id, blocker_id)
    if blocker.resolved_at is not None:
        raise NotAllowed("This blocker is already resolved.")
    blocker.resolved_at, blocker.resolved_by, blocker.resolution = now, actor, how
    what = "Dependency" if blocker.is_dependency else "Blocker"
    record(
        session,
        escalation,
        EventKind.BLOCKER_RESOLVED,
        actor,
        f"{what} resolved: {blocker.text[:200]} -- how: {how[:200]}",
        now,
    )
    effects.thread_note(
        session,
        escalation,
        tracking_notes.blocker_resolved_note(
            actor, blocker.text, how, dependency=blocker.is_dependency
        ),
        now,
    )
    return blocker


def suggest_stale_blocker_trigger(session: Session, blocker_id: int, now: datetime) -> bool:
    """DM the DRI the Sev 2 trigger a blocker open 5 business days matches, unless it was
    resolved meanwhile, the escalation is a Sev 1 or resolved, already carries the trigger,
    has no DRI, or its DRI was already asked. Returns whether the DRI was asked now."""
    blocker = session.get(Blocker, blocker_id)
    if blocker is None or blocker.resolved_at is not None or blocker.is_dependency:
        return False
    escalation = service.load(session, blocker.escalation_id)
    dri = escalation.person(Role.DRI)
    if (
        not escalation.state.is_open
        or escalation.severity is Severity.SEV1
        or any(t.code == STALE_BLOCKER_TRIGGER for t in escalation.triggers)
        or not dri
    ):
        return False
    trigger = TRIGGERS_BY_CODE[STALE_BLOCKER_TRIGGER]
    blocks = tracking_notes.trigger_suggestion_blocks(
        escalation, trigger, blocker.text, STALE_AFTER_BUSINESS_DAYS
    )
    # One suggestion per escalation and DRI, however many blockers go stale.
    if not effects.direct_message(
        session,
        dri,
        tracking_notes.trigger_suggestion_text(escalation, trigger),
        now,
        escalation=escalation,
        blocks=blocks,
        slot=f"suggest:{STALE_BLOCKER_TRIGGER}",
    ):
        return False
    record(
        session,
        escalation,
        EventKind.TRIGGER_SUGGESTED,
        "bot",
        f"Suggested to the DRI: {trigger.label} ({blocker.text[:200]})",
        now,
    )
    return True


def add_suggested_trigger(
    session: Session,
    escalation_id: int,
    code: str,
    *,
    actor: str,
    now: datetime,
    settings: Settings,
) -> bool:
    """The DRI (or PS leadership) accepts a suggested trigger; False if it was already there."""
    escalation = service.load(session, escalation_id)
    dri = escalation.person(Role.DRI)
    if actor != dri and not settings.is_leadership(actor):
        raise NotAllowed(
            "Only the DRI or PS leadership can add a trigger: "
            f"{who_can(([dri] if dri else []) + leadership_people(settings))}."
        )
    trigger = TRIGGERS_BY_CODE.get(code)
    if trigger is None:
        raise NotAllowed("I don't know that trigger.")
    if any(t.code == code for t in escalation.triggers):
        return False
    escalation.triggers.append(EscalationTrigger(code=code))
    session.flush()
    record(
        session, escalation, EventKind.TRIGGER_ADDED, actor, f"Trigger added: {trigger.label}", now
    )
    effects.thread_note(session, escalation, tracking_notes.trigger_added_note(actor, trigger), now)
    effects.refresh(session, escalation, DeliveryKind.REFRESH_ROOT, now)
    return True
