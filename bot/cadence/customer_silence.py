"""Delivering the unresponsiveness ladder: one step per wait at a time, each exactly once."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from blocks import customer as customer_views
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job, Outcome, settle_with
from bot.domain import EventKind, Role
from bot.escalations import customer, effects, service
from bot.models import CustomerWait, Escalation
from bot.policy import ladder
from bot.runtime import Services

log = logging.getLogger(__name__)


def schedule_ladder_steps(services: Services) -> int:
    """Record the latest ladder step reached by each open wait; returns new rows."""
    now, days = services.clock.now(), services.settings.ladder_days
    written = 0
    with services.sessions.begin() as session:
        for wait in customer.all_open_waits(session):
            step = ladder.step_reached(customer.wait_clock(wait), days, now)
            if step is None:
                continue
            escalation = service.load(session, wait.escalation_id)
            if ledger.schedule(
                session,
                subject=escalation.key,
                kind=DeliveryKind.LADDER,
                slot=ladder.slot(wait.id, step),
                due_at=now,
                escalation_id=escalation.id,
            ):
                written += 1
    return written


def send_ladder_step(services: Services, job: Job) -> Outcome:
    """Walk one step of the ladder: state, prompts, mentions and hand-offs for that day.

    The step's messages are queued with the state change and the row's completion in one
    transaction, so each happens exactly once.
    """
    settings = services.settings
    now = services.clock.now()
    wait_id, day = (int(part) for part in job.slot.split(":"))

    def walk(session: Session) -> None:
        wait = session.get(CustomerWait, wait_id)
        assert job.escalation_id is not None
        escalation = service.load(session, job.escalation_id)
        still_due = (
            wait is not None
            and wait.responded_at is None
            and wait.sales_ops_outcome is None
            and escalation.state.is_open
            and ladder.step_reached(customer.wait_clock(wait), settings.ladder_days, now) == day
        )
        if not still_due or wait is None:
            return
        step = settings.ladder_days.index(day) + 1
        customer.mark_stalled(session, escalation, now)
        service.record(
            session,
            escalation,
            EventKind.LADDER_STEP,
            service.BOT,
            f"Day {day}: customer unresponsive (step {step} of 4)",
            now,
        )
        _queue_step(services, session, escalation, wait, step, day, now)

    return settle_with(services, job, walk)


def _queue_step(
    services: Services,
    session: Session,
    escalation: Escalation,
    wait: CustomerWait,
    step: int,
    day: int,
    now: datetime,
) -> None:
    sponsor = services.settings.executive_sponsor_user_id
    dri = escalation.person(Role.DRI)
    if dri:
        effects.direct_message(
            session,
            dri,
            f"{escalation.key}: customer silent for {day} days",
            now,
            escalation=escalation,
            blocks=customer_views.ladder_dri_prompt(escalation, wait, step, day),
        )
    note = customer_views.ladder_thread_note(escalation, wait, step, day, sponsor=sponsor)
    effects.thread_note(session, escalation, note, now)
    ae = escalation.person(Role.AE)
    if step == 2 and ae:
        effects.direct_message(
            session, ae, customer_views.ae_dm(escalation, wait, day), now, escalation=escalation
        )
    if step == 4:
        if sponsor:
            effects.direct_message(session, sponsor, note, now, escalation=escalation)
        # The note tells the manager: told by DM too, not only mentioned in the thread.
        manager = escalation.person(Role.MANAGER)
        if manager and manager != sponsor:
            effects.direct_message(session, manager, note, now, escalation=escalation)
        _hand_to_sales_ops(services, session, escalation, wait, day, now)


def _hand_to_sales_ops(
    services: Services,
    session: Session,
    escalation: Escalation,
    wait: CustomerWait,
    day: int,
    now: datetime,
) -> None:
    """Sales Ops is a person (DM) or a channel; unconfigured, the thread gets the buttons."""
    target = services.settings.sales_ops
    blocks = customer_views.sales_ops_blocks(escalation, wait, day)
    text = f"Sales Ops hand-off: {escalation.key}"
    if target and target.startswith(("U", "W")):
        effects.direct_message(session, target, text, now, escalation=escalation, blocks=blocks)
    elif target:
        effects.channel_post(session, target, text, now, escalation=escalation, blocks=blocks)
    else:
        effects.thread_note(
            session,
            escalation,
            text + " (no SALES_OPS configured: leadership, please record the outcome)",
            now,
            blocks=blocks,
        )
