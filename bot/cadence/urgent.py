"""Delivering urgent flags: the post and DMs (retry-safe), then the reminders (once each)."""

from __future__ import annotations

import logging

from blocks import flags as flag_views
from bot import ledger
from bot.cadence.flags import FlagReminder, reminder_due
from bot.domain import Role
from bot.escalations import flags, service
from bot.escalations.publish import PublishOutcome, run_retry_safe
from bot.models import UrgentFlag
from bot.services import Services
from bot.slack.gateway import SlackProblem

log = logging.getLogger(__name__)

REMINDER_KINDS = {kind.value for kind in FlagReminder}


def run_flag_publication(services: Services, delivery_id: int) -> PublishOutcome | None:
    return run_retry_safe(services, delivery_id, lambda s, d: publish_flag(s, int(d.slot)))


def publish_flag(services: Services, flag_id: int) -> PublishOutcome:
    """Post the flag in the escalation thread and DM every responder, skipping what's done."""
    problems: list[str] = []
    with services.sessions.begin() as session:
        flag = session.get(UrgentFlag, flag_id)
        escalation = service.get(session, flag.escalation_id)
        text, blocks = (
            flag_views.flag_text(escalation, flag),
            flag_views.flag_blocks(escalation, flag),
        )
        if flag.thread_ts is None and escalation.root_ts:
            try:
                flag.thread_ts = services.gateway.post(
                    escalation.leadership_channel_id, text, blocks, thread_ts=escalation.root_ts
                ).ts
            except SlackProblem as problem:
                problems.append(f"thread: {problem.code}")
        sent = set(filter(None, flag.dms_sent.split(",")))
        for responder in flag.responder_ids:
            if responder in sent:
                continue
            try:
                services.gateway.dm(responder, text, blocks)
                sent.add(responder)
            except SlackProblem as problem:
                problems.append(f"DM {responder}: {problem.code}")
        flag.dms_sent = ",".join(sorted(sent))
    return PublishOutcome(complete=not problems, problems=problems)


def schedule_flag_reminders(services: Services) -> int:
    now = services.clock.now()
    written = 0
    with services.sessions.begin() as session:
        for flag in flags.open_flags(session):
            due = reminder_due(flag.raised_at, flag.needed_by, now)
            if due is None:
                continue
            escalation = service.get(session, flag.escalation_id)
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


def send_flag_reminder(services: Services, delivery_id: int) -> bool | None:
    with services.sessions.begin() as session:
        now = services.clock.now()
        delivery = ledger.take(session, delivery_id, worker=services.worker, now=now)
        if delivery is None:
            return None
        kind = FlagReminder(delivery.kind)
        flag = session.get(UrgentFlag, int(delivery.slot))
        escalation = service.get(session, delivery.escalation_id)
        latest = reminder_due(flag.raised_at, flag.needed_by, now) if flag else None
        if flag is None or flag.closed_at is not None or latest is None or latest.kind is not kind:
            return False
        session.expunge(flag)
    text = flag_views.reminder_text(escalation, flag, kind)
    if kind is FlagReminder.DEADLINE:
        people = [escalation.person(Role.DRI), escalation.person(Role.DIRECTOR)]
    else:
        people = flag.responder_ids
    for user in dict.fromkeys(p for p in people if p):
        try:
            services.gateway.dm(user, text, flag_views.flag_blocks(escalation, flag)[1:])
        except SlackProblem as problem:
            log.warning(
                "%s flag %s reminder to %s failed: %s", escalation.key, flag.id, user, problem.code
            )
    if kind is FlagReminder.DEADLINE and escalation.root_ts:
        try:
            services.gateway.post(
                escalation.leadership_channel_id, text, thread_ts=escalation.root_ts
            )
        except SlackProblem as problem:
            log.warning("deadline note failed: %s", problem.code)
    return True
