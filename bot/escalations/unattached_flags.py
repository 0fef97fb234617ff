"""Urgent flags raised with no escalation ("as soon as you suspect an issue, flag it").

Same siren rule, link rule, reminders and closing as a flag on an escalation; the flag names
its customer itself and is posted on its own in the leadership channel, where a responder's
reply in its thread closes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks import notices
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.escalations import effects, flags
from bot.escalations.flags import FlagForm, validate_flag
from bot.models import UrgentFlag
from bot.policy.flags import is_siren

CUSTOMER_LIMIT = 200


def raise_flag(
    session: Session,
    escalation_id: int | None,
    form: FlagForm,
    customer: str,
    *,
    actor: str,
    now: datetime,
    threshold_hours: float,
) -> dict[str, str]:
    """The flag form's one use case: a flag on the escalation it names, or, naming none, on
    the customer alone. Returns what is wrong with the form by field (nothing raised)."""
    if escalation_id:
        return flags.raise_from_form(
            session, escalation_id, form, actor=actor, now=now, threshold_hours=threshold_hours
        )
    return raise_from_form(
        session, form, customer, actor=actor, now=now, threshold_hours=threshold_hours
    )


def raise_from_form(
    session: Session,
    form: FlagForm,
    customer: str,
    *,
    actor: str,
    now: datetime,
    threshold_hours: float,
) -> dict[str, str]:
    """Raise a flag with no escalation; returns what is wrong with the form by field (nothing
    raised), or nothing once it is queued for the leadership channel."""
    link, errors = validate_flag(form, now=now, threshold_hours=threshold_hours, default_link=None)
    customer = customer.strip()
    if not customer:
        errors["customer"] = "Name the customer (or choose an escalation)."
    elif len(customer) > CUSTOMER_LIMIT:
        errors["customer"] = f"At most {CUSTOMER_LIMIT} characters, please."
    if errors:
        return errors
    assert form.needed_by is not None  # validated above
    flag = UrgentFlag(
        escalation_id=None,
        customer=customer,
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
    ledger.schedule(
        session, subject=flag.key, kind=DeliveryKind.PUBLISH_FLAG, slot=str(flag.id), due_at=now
    )
    return {}


def open_unattached_flags(session: Session) -> list[UrgentFlag]:
    return list(
        session.scalars(
            select(UrgentFlag)
            .where(UrgentFlag.escalation_id.is_(None), UrgentFlag.closed_at.is_(None))
            .order_by(UrgentFlag.id)
        )
    )


def _close(session: Session, flag: UrgentFlag, actor: str, now: datetime, note: str) -> bool:
    if flag.closed_at is not None:
        return False
    flag.closed_at, flag.closed_by = now, actor
    effects.flag_thread_note(session, flag, note, now)
    return True


def answered_by(session: Session, *, channel: str, thread_ts: str, user: str) -> UrgentFlag | None:
    """The open flag with no escalation whose own thread this is, if `user` must answer it."""
    flag = session.scalars(
        select(UrgentFlag).where(
            UrgentFlag.escalation_id.is_(None),
            UrgentFlag.channel_id == channel,
            UrgentFlag.thread_ts == thread_ts,
            UrgentFlag.closed_at.is_(None),
        )
    ).first()
    return flag if flag is not None and user in flag.responder_ids else None


def close_answered(session: Session, flag: UrgentFlag, *, user: str, now: datetime) -> bool:
    """A responder's reply in the flag's thread closes it, noted there."""
    return _close(session, flag, user, now, notices.flag_answered_note(flag, user))
