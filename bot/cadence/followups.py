"""Follow-ups that outlive a prompt: overdue tasks nudge their owner, a missing retro link
is chased 3 business days after closure. Each is sent once."""

from __future__ import annotations

import logging

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from blocks import closure as closure_views
from blocks.text import escape
from bot import ledger
from bot.domain import Role, State
from bot.escalations import records, service
from bot.models import Milestone, Task
from bot.services import Services
from bot.slack.gateway import SlackProblem

log = logging.getLogger(__name__)

TASK_OVERDUE = "task_overdue"


def schedule_task_nudges(services: Services) -> int:
    now = services.clock.now()
    today = now.astimezone(services.settings.timezone).date()
    written = 0
    with services.sessions.begin() as session:
        for task, milestone in records.overdue_tasks(session, today):
            escalation = service.get(session, milestone.escalation_id)
            if ledger.schedule(
                session,
                subject=escalation.key,
                kind=TASK_OVERDUE,
                slot=str(task.id),
                due_at=now,
                escalation_id=escalation.id,
            ):
                written += 1
    return written


def send_task_nudge(services: Services, delivery_id: int) -> bool | None:
    with services.sessions.begin() as session:
        now = services.clock.now()
        delivery = ledger.take(session, delivery_id, worker=services.worker, now=now)
        if delivery is None:
            return None
        task = session.get(Task, int(delivery.slot))
        if task is None or task.done_at is not None:
            return False
        milestone = session.get(Milestone, task.milestone_id)
        escalation = service.get(session, milestone.escalation_id)
        text = (
            f":alarm_clock: Your task on {escalation.key} ({escape(escalation.customer)}) is "
            f"overdue since {task.due_on:%a %b %d}: *{escape(task.title)}* (milestone "
            f"_{escape(milestone.title)}_). Tick it in the escalation's Details when done."
        )
        owner = task.owner
    try:
        services.gateway.dm(owner, text)
    except SlackProblem as problem:
        log.warning("task nudge to %s failed: %s", owner, problem.code)
    return True


def send_retro_reminder(services: Services, delivery_id: int) -> bool | None:
    with services.sessions.begin() as session:
        now = services.clock.now()
        delivery = ledger.take(session, delivery_id, worker=services.worker, now=now)
        if delivery is None:
            return None
        escalation = service.get(session, delivery.escalation_id)
        if escalation.state is not State.RESOLVED or escalation.retro_link:
            return False
        text = closure_views.retro_reminder_text(escalation, now)
        dri = escalation.person(Role.DRI)
        blocks = [
            SectionBlock(text=MarkdownTextObject(text=text)),
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Add retro link",
                        action_id=closure_views.RETRO_CALLBACK,
                        value=str(escalation.id),
                        style="primary",
                    )
                ]
            ),
        ]
    try:
        services.gateway.dm(dri, text, blocks)
    except SlackProblem as problem:
        log.warning("retro reminder to %s failed: %s", dri, problem.code)
    return True
