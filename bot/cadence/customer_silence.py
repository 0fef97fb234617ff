"""Delivering the unresponsiveness ladder: one step per wait at a time, each exactly once."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from blocks import customer as customer_views
from bot.cadence.engine import cadence_state
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job, Outcome, settle_with
from bot.domain import EventKind, Role, State
from bot.escalations import customer, effects, service
from bot.models import CustomerWait, Escalation
from bot.policy import ladder
from bot.policy.cadence import CadenceSettings, dm_deliver_at
from bot.runtime import Services

log = logging.getLogger(__name__)


def schedule_ladder_steps(services: Services) -> int:
    """Record the latest ladder step reached by each open wait; returns new rows. A step
    reached in the DRI's quiet hours (a ladder day starts at the asker's midnight) is due
    when they end, as a prompt would be."""
    now, days = services.clock.now(), services.settings.ladder_days
    cadence = CadenceSettings.from_settings(services.settings)
    reached: list[tuple[int, int, int, str, Escalation]] = []
    with services.sessions() as session:
        for wait in customer.all_open_waits(session):
            step = ladder.step_reached(customer.wait_clock(wait), days, now)
            if step is not None:
                escalation = service.load(session, wait.escalation_id)
                reached.append((wait.id, step, escalation.id, escalation.key, escalation))
        due = {
            wait_id: dm_deliver_at(now, cadence_state(services, escalation), cadence)
            for wait_id, _step, _id, _key, escalation in reached
        }
    written = 0
    with services.sessions.begin() as session:
        for wait_id, step, escalation_id, key, _escalation in reached:
            if ledger.schedule(
                session,
                subject=key,
                kind=DeliveryKind.LADDER,
                slot=ladder.slot(wait_id, step),
                due_at=due[wait_id],
                escalation_id=escalation_id,
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
        plan = ladder.step_plan(step, new_msa=escalation.new_msa)
        if plan.hours_expired_closure:
            _prompt_hours_expired(session, escalation, wait, step, day, now)
            return
        if plan.mark_stalled:
            customer.mark_stalled(session, escalation, now)
        service.record(
            session,
            escalation,
            EventKind.LADDER_STEP,
            service.BOT,
            f"Day {day}: customer unresponsive (step {step} of 4)",
            now,
        )
        if plan.reach_sales_contact and wait.sales_contact is None:
            contact = ladder.sales_contact(
                escalation.person(Role.AE), settings.sales_manager_user_id
            )
            if contact:
                customer.reach_sales_contact(
                    session, escalation, wait, contact, actor=service.BOT, now=now
                )
        _queue_step(services, session, escalation, wait, plan, step, day, now)

    return settle_with(services, job, walk)


def _prompt_hours_expired(
    session: Session,
    escalation: Escalation,
    wait: CustomerWait,
    step: int,
    day: int,
    now: datetime,
) -> None:
    """A new-MSA project: the DRI is prompted (then reminded) through the Hours Expired
    closure; the thread hears it once. Nothing is marked stalled, nobody else is told."""
    if escalation.state is State.RESOLVING:
        return  # closure is already under way
    service.record(
        session,
        escalation,
        EventKind.LADDER_STEP,
        service.BOT,
        f"Day {day}: customer unresponsive; new MSA, Hours Expired closure prompted",
        now,
    )
    dri = escalation.person(Role.DRI)
    if dri:
        effects.direct_message(
            session,
            dri,
            f"{escalation.key}: customer silent for {day} days: Hours Expired closure",
            now,
            escalation=escalation,
            blocks=customer_views.hours_expired_prompt(escalation, wait, day, reminder=step > 1),
        )
    if step == 1:
        effects.thread_note(
            session,
            escalation,
            customer_views.hours_expired_thread_note(escalation, wait, day),
            now,
        )


def _queue_step(
    services: Services,
    session: Session,
    escalation: Escalation,
    wait: CustomerWait,
    plan: ladder.StepPlan,
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
    if plan.loop_in_manager_and_sponsor:
        if sponsor:
            effects.direct_message(session, sponsor, note, now, escalation=escalation)
        # The note tells the manager: told by DM too, not only mentioned in the thread.
        manager = escalation.person(Role.MANAGER)
        if manager and manager != sponsor:
            effects.direct_message(session, manager, note, now, escalation=escalation)
    if plan.hand_to_sales_ops:
        _hand_to_sales_ops(services, session, escalation, wait, day, now)


def _hand_to_sales_ops(
    services: Services,
    session: Session,
    escalation: Escalation,
    wait: CustomerWait,
    day: int,
    now: datetime,
) -> None:
    """Each Sales Ops person gets the hand-off by DM, and the Sales Ops channel too when one
    is configured; with neither, the thread gets it for leadership."""
    settings = services.settings
    blocks = customer_views.sales_ops_blocks(
        escalation, wait, day, customer.attempts_of(session, wait.id)
    )
    text = customer_views.sales_ops_text(escalation)
    people = customer.sales_ops_people(settings)
    channel = customer.sales_ops_channel(settings)
    for person in people:
        effects.direct_message(session, person, text, now, escalation=escalation, blocks=blocks)
    if channel:
        effects.channel_post(session, channel, text, now, escalation=escalation, blocks=blocks)
    if not people and not channel:
        effects.thread_note(
            session,
            escalation,
            text + " (no Sales Ops is configured: leadership, please record the outcome)",
            now,
            blocks=blocks,
        )
