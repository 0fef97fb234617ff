"""Use cases for urgent flags: raise one (siren or not), close it when answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks import notices
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.domain import EventKind, State
from bot.escalations import effects, service
from bot.escalations.form import is_web_url
from bot.escalations.permissions import NotAllowed
from bot.escalations.service import record
from bot.models import Escalation, UrgentFlag
from bot.policy.flags import is_siren


@dataclass
class FlagForm:
    responders: list[str]
    needed: str
    needed_by: datetime | None
    link: str | None


def validate_flag(
    form: FlagForm, *, now: datetime, threshold_hours: float, default_link: str | None
) -> tuple[str | None, dict[str, str]]:
    """The link to use, or errors by field; a siren must carry a project link."""
    errors: dict[str, str] = {}
    if not form.responders:
        errors["responders"] = "Choose who must respond."
    if not form.needed.strip():
        errors["needed"] = "Say what is needed."
    if form.needed_by is None:
        errors["needed_by"] = "Choose when the answer is needed."
    elif form.needed_by <= now:
        errors["needed_by"] = "That time has already passed; choose a time in the future."
    link = (form.link or "").strip() or default_link
    if form.link and not is_web_url(form.link.strip()):
        errors["link"] = "Enter a web address starting with https:// (or http://)."
    elif (
        form.needed_by is not None
        and form.needed_by > now
        and not link
        and is_siren(form.needed_by, now, threshold_hours)
    ):
        errors["link"] = (
            f"Needed within {threshold_hours:g} hours, so this is a siren flag: "
            "it must carry the project or tracker link."
        )
    return link, errors


def raise_flag(
    session: Session,
    escalation: Escalation,
    form: FlagForm,
    *,
    link: str | None,
    actor: str,
    now: datetime,
    threshold_hours: float,
) -> UrgentFlag:
    if not escalation.state.is_open:
        raise NotAllowed(f"{escalation.key} is resolved; reopen it to flag anything.")
    assert form.needed_by is not None
    flag = UrgentFlag(
        escalation_id=escalation.id,
        raised_by=actor,
        raised_at=now,
        responders=",".join(form.responders),
        needed=form.needed.strip(),
        needed_by=form.needed_by,
        link=link,
        siren=is_siren(form.needed_by, now, threshold_hours),
        dms_sent="",
    )
    session.add(flag)
    session.flush()
    kind = "Siren flag" if flag.siren else "Flag"
    record(
        session,
        escalation,
        EventKind.FLAG_RAISED,
        actor,
        f"{kind} #{flag.id} to {len(form.responders)} responder(s), needed by "
        f"{form.needed_by:%Y-%m-%d %H:%M} UTC: {flag.needed[:200]}",
        now,
    )
    ledger.schedule(
        session,
        subject=escalation.key,
        kind=DeliveryKind.PUBLISH_FLAG,
        slot=str(flag.id),
        due_at=now,
        escalation_id=escalation.id,
    )
    return flag


def raise_from_form(
    session: Session,
    escalation_id: int,
    form: FlagForm,
    *,
    actor: str,
    now: datetime,
    threshold_hours: float,
) -> dict[str, str]:
    """Raise the flag the form describes; returns what is wrong with it by field (nothing
    raised), or nothing once it is queued for Slack."""
    escalation = service.load(session, escalation_id)
    link, errors = validate_flag(
        form, now=now, threshold_hours=threshold_hours, default_link=escalation.project_link
    )
    if errors:
        return errors
    try:
        raise_flag(
            session,
            escalation,
            form,
            link=link,
            actor=actor,
            now=now,
            threshold_hours=threshold_hours,
        )
    except NotAllowed as refused:
        return {"needed": str(refused)}
    return {}


def close_flag(
    session: Session,
    escalation: Escalation,
    flag: UrgentFlag,
    *,
    actor: str,
    now: datetime,
    how: str,
) -> bool:
    if flag.closed_at is not None:
        return False
    flag.closed_at, flag.closed_by = now, actor
    record(session, escalation, EventKind.FLAG_CLOSED, actor, f"Flag #{flag.id} {how}", now)
    return True


def open_flags(session: Session, escalation_id: int | None = None) -> list[UrgentFlag]:
    query = (
        select(UrgentFlag)
        .join(Escalation, Escalation.id == UrgentFlag.escalation_id)
        .where(UrgentFlag.closed_at.is_(None), Escalation.state != State.RESOLVED)
        .order_by(UrgentFlag.id)
    )
    if escalation_id is not None:
        query = query.where(UrgentFlag.escalation_id == escalation_id)
    return list(session.scalars(query))


def mark_responded(session: Session, flag_id: int, *, actor: str, now: datetime) -> UrgentFlag:
    """The "Responded" button: the flag closes, and the thread hears who marked it."""
    flag = session.get(UrgentFlag, flag_id)
    if flag is None:
        raise NotAllowed(f"Flag #{flag_id} no longer exists.")
    if flag.escalation_id is None:  # a flag with no escalation: its own thread hears it
        if flag.closed_at is not None:
            raise NotAllowed(f"Flag #{flag.id} was already closed.")
        flag.closed_at, flag.closed_by = now, actor
        effects.flag_thread_note(session, flag, notices.flag_responded_note(flag, actor), now)
        return flag
    escalation = service.load(session, flag.escalation_id)
    if not close_flag(session, escalation, flag, actor=actor, now=now, how="marked responded"):
        raise NotAllowed(f"Flag #{flag.id} was already closed.")
    effects.thread_note(session, escalation, notices.flag_responded_note(flag, actor), now)
    return flag


def close_answered_flags(
    session: Session, escalation: Escalation, user: str, now: datetime
) -> list[UrgentFlag]:
    """A responder's reply in the thread closes the open flags they were asked on, each
    noted in the thread; returns them (the caller's transaction also claims the reply, so a
    retry closes none)."""
    closed = [
        flag
        for flag in open_flags(session, escalation.id)
        if user in flag.responder_ids
        and close_flag(session, escalation, flag, actor=user, now=now, how="answered in the thread")
    ]
    for flag in closed:
        effects.thread_note(session, escalation, notices.flag_answered_note(flag, user), now)
    return closed
