"""The scheduler's tick: ask the ledger what is due now and deliver it, once.

APScheduler only supplies the heartbeat; what is due lives in the database, so any number
of processes may tick at once and a restart loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot import ledger
from bot.cadence import ladder, portfolio
from bot.cadence.customer_silence import schedule_ladder_steps, send_ladder_step
from bot.cadence.engine import (
    PROMPT_KINDS,
    schedule_due_prompts,
    schedule_portfolio_agenda,
    send_agenda,
    send_prompt,
)
from bot.cadence.followups import (
    TASK_OVERDUE,
    schedule_task_nudges,
    send_retro_reminder,
    send_task_nudge,
)
from bot.cadence.urgent import (
    REMINDER_KINDS,
    run_flag_publication,
    schedule_flag_reminders,
    send_flag_reminder,
)
from bot.escalations import closure, flags, service
from bot.escalations.publish import (
    run_closure_publication,
    run_publication,
    run_update_publication,
)
from bot.services import Services

log = logging.getLogger(__name__)

Handler = Callable[[Services, int], object]

HANDLERS: dict[str, Handler] = {
    service.PUBLISH: run_publication,
    service.PUBLISH_UPDATE: run_update_publication,
    flags.PUBLISH_FLAG: run_flag_publication,
    closure.PUBLISH_CLOSURE: run_closure_publication,
    closure.RETRO_REMINDER: send_retro_reminder,
    TASK_OVERDUE: send_task_nudge,
    portfolio.KIND: send_agenda,
    ladder.KIND: send_ladder_step,
    **{kind: send_prompt for kind in PROMPT_KINDS},
    **{kind: send_flag_reminder for kind in REMINDER_KINDS},
}

# Each asks the policy what is due now and records it in the ledger (idempotently).
PLANNERS: list[Callable[[Services], object]] = [
    schedule_due_prompts,
    schedule_portfolio_agenda,
    schedule_ladder_steps,
    schedule_flag_reminders,
    schedule_task_nudges,
]


def tick(services: Services) -> int:
    """Deliver everything due at `services.clock.now()`; returns how many were handled here."""
    for plan in PLANNERS:
        try:
            plan(services)
        except Exception:
            log.exception("planning step %s failed", plan.__name__)
    with services.sessions.begin() as session:
        due = [(row.id, row.kind) for row in ledger.due(session, services.clock.now())]
    handled = 0
    for delivery_id, kind in due:
        handler = HANDLERS.get(kind)
        if handler is None:
            log.error("no handler for due work of kind %r (delivery %s)", kind, delivery_id)
            continue
        try:
            if handler(services, delivery_id) is not None:
                handled += 1
        except Exception:
            log.exception("delivery %s (%s) failed", delivery_id, kind)
    return handled


def start_scheduler(services: Services) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        tick,
        "interval",
        args=[services],
        seconds=services.settings.scheduler_tick_seconds,
        id="tick",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler
