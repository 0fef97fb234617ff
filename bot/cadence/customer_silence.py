"""Delivering the unresponsiveness ladder: one step per wait at a time, each exactly once."""

from __future__ import annotations

import logging

from blocks import customer as customer_views
from bot import ledger
from bot.cadence import ladder
from bot.domain import EventKind, Role
from bot.escalations import customer, service
from bot.models import CustomerWait
from bot.services import Services
from bot.settings import SLACK_ID
from bot.slack.gateway import SlackProblem

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
            escalation = service.get(session, wait.escalation_id)
            if ledger.schedule(
                session,
                subject=escalation.key,
                kind=ladder.KIND,
                slot=ladder.slot(wait.id, step),
                due_at=now,
                escalation_id=escalation.id,
            ):
                written += 1
    return written


def send_ladder_step(services: Services, delivery_id: int) -> bool | None:
    """Walk one step of the ladder: state, prompts, mentions and hand-offs for that day."""
    settings = services.settings
    with services.sessions.begin() as session:
        now = services.clock.now()
        delivery = ledger.take(session, delivery_id, worker=services.worker, now=now)
        if delivery is None:
            return None
        wait_id, day = (int(part) for part in delivery.slot.split(":"))
        wait = session.get(CustomerWait, wait_id)
        escalation = service.get(session, delivery.escalation_id)
        still_due = (
            wait is not None
            and wait.responded_at is None
            and wait.sales_ops_outcome is None
            and escalation.state.is_open
            and ladder.step_reached(customer.wait_clock(wait), settings.ladder_days, now) == day
        )
        if not still_due:
            return False
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
        session.expunge(wait)
    # Claimed and recorded first: a crash from here on loses messages, never repeats them.
    _deliver(services, escalation, wait, step, day)
    return True


def _deliver(
    services: Services,
    escalation,
    wait: CustomerWait,
    step: int,  # type: ignore[no-untyped-def]
    day: int,
) -> None:
    gateway, settings = services.gateway, services.settings
    sponsor = settings.executive_sponsor_user_id
    attempts = [
        (
            "DM the DRI",
            lambda: gateway.dm(
                escalation.person(Role.DRI),
                f"{escalation.key}: customer silent for {day} days",
                customer_views.ladder_dri_prompt(escalation, wait, step, day),
            ),
        ),
    ]
    if escalation.root_ts:
        attempts.append(
            (
                "note it in the thread",
                lambda: gateway.post(
                    escalation.leadership_channel_id,
                    customer_views.ladder_thread_note(escalation, wait, step, day, sponsor=sponsor),
                    thread_ts=escalation.root_ts,
                ),
            )
        )
    if step == 2 and escalation.person(Role.AE):
        attempts.append(
            (
                "DM the AE",
                lambda: gateway.dm(
                    escalation.person(Role.AE), customer_views.ae_dm(escalation, wait, day)
                ),
            )
        )
    if step == 4:
        if sponsor:
            attempts.append(
                (
                    "DM the executive sponsor",
                    lambda: gateway.dm(
                        sponsor,
                        customer_views.ladder_thread_note(
                            escalation, wait, step, day, sponsor=sponsor
                        ),
                    ),
                )
            )
        attempts.append(
            ("hand off to Sales Ops", lambda: _hand_to_sales_ops(services, escalation, wait, day))
        )
    for what, attempt in attempts:
        try:
            attempt()
        except SlackProblem as problem:
            log.warning(
                "%s ladder day %s: could not %s: %s", escalation.key, day, what, problem.code
            )


def _hand_to_sales_ops(services: Services, escalation, wait: CustomerWait, day: int) -> None:  # type: ignore[no-untyped-def]
    """Sales Ops is a person (DM) or a channel; unconfigured, the thread gets the buttons."""
    target = services.settings.sales_ops
    blocks = customer_views.sales_ops_blocks(escalation, wait, day)
    text = f"Sales Ops hand-off: {escalation.key}"
    if target and SLACK_ID.match(target):
        posted = services.gateway.post(target, text, blocks, join_if_needed=True)
    elif target:
        channel = services.gateway.resolve_channel(target)
        posted = services.gateway.post(channel, text, blocks, join_if_needed=True)
    else:
        posted = services.gateway.post(
            escalation.leadership_channel_id,
            text + " (no SALES_OPS configured: leadership, please record the outcome)",
            blocks,
            thread_ts=escalation.root_ts,
        )
    with services.sessions.begin() as session:
        stored = session.get(CustomerWait, wait.id)
        stored.sales_ops_ts = posted.ts
