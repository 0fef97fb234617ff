"""Follow-ups that outlive a prompt: overdue tasks nudge their owner, a missing retro link
is chased 3 business days after closure. Each is sent once."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from blocks import closure as closure_views
from blocks.text import escape
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job, Outcome, settle_with
from bot.domain import Role, State
from bot.escalations import blockers, effects, records, service
from bot.models import Milestone, Task
from bot.runtime import Services

log = logging.getLogger(__name__)


def schedule_task_nudges(services: Services) -> int:
    now = services.clock.now()
    today = now.astimezone(services.settings.timezone).date()
    written = 0
    with services.sessions.begin() as session:
        for task, milestone in records.overdue_tasks(session, today):
            escalation = service.load(session, milestone.escalation_id)
            if ledger.schedule(
                session,
                subject=escalation.key,
                kind=DeliveryKind.TASK_OVERDUE,
                slot=str(task.id),
                due_at=now,
                escalation_id=escalation.id,
            ):
                written += 1
    return written


def send_task_nudge(services: Services, job: Job) -> Outcome:
    now = services.clock.now()

    def nudge(session: Session) -> None:
        task = session.get(Task, int(job.slot))
        if task is None or task.done_at is not None:
            return
        milestone = session.get(Milestone, task.milestone_id)
        assert milestone is not None
        escalation = service.load(session, milestone.escalation_id)
        text = (
            f":alarm_clock: Your task on {escalation.key} ({escape(escalation.customer)}) is "
            f"overdue since {task.due_on:%a %b %d}: *{escape(task.title)}* (milestone "
            f"_{escape(milestone.title)}_). Tick it in the escalation's Details when done."
        )
        effects.direct_message(session, task.owner, text, now, escalation=escalation)

    return settle_with(services, job, nudge)


def send_retro_reminder(services: Services, job: Job) -> Outcome:
    now = services.clock.now()

    def remind(session: Session) -> None:
        assert job.escalation_id is not None
        escalation = service.load(session, job.escalation_id)
        dri = escalation.person(Role.DRI)
        if escalation.state is not State.RESOLVED or escalation.retro_link or not dri:
            return
        text = closure_views.retro_reminder_text(escalation, now)
        blocks = closure_views.retro_reminder_blocks(escalation, now)
        effects.direct_message(session, dri, text, now, escalation=escalation, blocks=blocks)

    return settle_with(services, job, remind)


def send_trigger_suggestion(services: Services, job: Job) -> Outcome:
    """A blocker open 5 business days: the DRI is asked to add the matching Sev 2 trigger."""
    now = services.clock.now()
    return settle_with(
        services,
        job,
        lambda session: blockers.suggest_stale_blocker_trigger(session, int(job.slot), now),
    )
