"""Urgent flags' reminders: planned when due, each sent once."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from blocks import flags as flag_views
from bot.delivery import ledger
from bot.delivery.runner import Job, Outcome, settle_with
from bot.domain import Role
from bot.escalations import effects, flags, service, unattached_flags
from bot.models import UrgentFlag
from bot.policy.flags import FlagReminder, reminder_due
from bot.runtime import Services

log = logging.getLogger(__name__)


def schedule_flag_reminders(services: Services) -> int:
    now = services.clock.now()
    written = 0
    with services.sessions.begin() as session:
        for flag in flags.open_flags(session):
            due = reminder_due(flag.raised_at, flag.needed_by, now)
            if due is None:
                continue
            assert flag.escalation_id is not None  # open_flags joins its escalation
            escalation = service.load(session, flag.escalation_id)
            if ledger.schedule(
                session,
                subject=escalation.key,
                kind=due.kind.value,
                slot=str(flag.id),
                due_at=due.due_at,
                escalation_id=escalation.id,
            ):
                written += 1
    return written


def plan_unattached_flag_reminders(services: Services) -> int:
    """Record the latest reminder due for each open flag with no escalation (few: each is
    a question waiting for an answer); returns new rows."""
    now = services.clock.now()
    written = 0
    with services.sessions.begin() as session:
        for flag in unattached_flags.open_unattached_flags(session):
            due = reminder_due(flag.raised_at, flag.needed_by, now)
            if due is not None and ledger.schedule(
                session, subject=flag.key, kind=due.kind.value, slot=str(flag.id), due_at=due.due_at
            ):
                written += 1
    if written:
        services.wake()
    return written


def _remind_unattached(
    session: Session, flag: UrgentFlag, kind: FlagReminder, now: datetime, director: str | None
) -> None:
    """Responders are reminded; at the deadline the person who raised it (the DRI of a
    project with no escalation) and the Director PS are told, and so is the flag's thread."""
    text = flag_views.unattached_reminder_text(flag, kind)
    people = [flag.raised_by, director] if kind is FlagReminder.DEADLINE else flag.responder_ids
    blocks = flag_views.unattached_flag_blocks(flag)[1:]
    for user in dict.fromkeys(p for p in people if p):
        effects.direct_message(
            session, user, text, now, blocks=blocks, slot=f"{flag.key}:{kind.value}"
        )
    if kind is FlagReminder.DEADLINE:
        effects.flag_thread_note(session, flag, text, now)


def send_flag_reminder(services: Services, job: Job) -> Outcome:
    now = services.clock.now()
    kind = FlagReminder(job.kind)

    def remind(session: Session) -> None:
        flag = session.get(UrgentFlag, int(job.slot))
        if job.escalation_id is None:
            latest = reminder_due(flag.raised_at, flag.needed_by, now) if flag else None
            if flag and flag.closed_at is None and latest is not None and latest.kind is kind:
                _remind_unattached(session, flag, kind, now, services.settings.director_ps_user_id)
            return
        escalation = service.load(session, job.escalation_id)
        latest = reminder_due(flag.raised_at, flag.needed_by, now) if flag else None
        if flag is None or flag.closed_at is not None or latest is None or latest.kind is not kind:
            return
        text = flag_views.reminder_text(escalation, flag, kind)
        if kind is FlagReminder.DEADLINE:
            people = [escalation.person(Role.DRI), escalation.person(Role.DIRECTOR)]
        else:
            people = list(flag.responder_ids)
        blocks = flag_views.flag_blocks(escalation, flag)[1:]
        for user in dict.fromkeys(p for p in people if p):
            effects.direct_message(session, user, text, now, escalation=escalation, blocks=blocks)
        if kind is FlagReminder.DEADLINE:
            effects.thread_note(session, escalation, text, now)

    return settle_with(services, job, remind)
