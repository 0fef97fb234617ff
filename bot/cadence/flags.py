"""Urgent flags' reminders: planned when due, each sent once."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from blocks import flags as flag_views
from bot.delivery import ledger
from bot.delivery.runner import Job, Outcome, settle_with
from bot.domain import Role
from bot.escalations import effects, flags, service
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


def send_flag_reminder(services: Services, job: Job) -> Outcome:
    now = services.clock.now()
    kind = FlagReminder(job.kind)

    def remind(session: Session) -> None:
        flag = session.get(UrgentFlag, int(job.slot))
        assert job.escalation_id is not None
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
