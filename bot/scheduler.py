"""The heartbeat: plan what has become due, then deliver what the ledger holds.

APScheduler only supplies the tick; what is due lives in the database, so any number of
processes may tick at once and a restart loses nothing. Delivery itself runs continuously
on the delivery workers; the tick's own pass is a safety net.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.cadence.briefing import schedule_pmo_briefing, send_pmo_briefing
from bot.cadence.checkins import (
    note_unlogged_check_in,
    send_check_in_digest,
    send_check_in_invites,
    send_sync_reminder,
)
from bot.cadence.conflicts import plan_conflict_steps, send_conflict_step
from bot.cadence.customer_silence import send_ladder_step
from bot.cadence.engine import send_agenda, send_prompt
from bot.cadence.flags import plan_unattached_flag_reminders, send_flag_reminder
from bot.cadence.followups import send_retro_reminder, send_task_nudge, send_trigger_suggestion
from bot.cadence.planning import plan_due_work
from bot.cadence.review import (
    schedule_guidance_nudges,
    schedule_review_reminder,
    send_guidance_nudge,
    send_review_reminders,
)
from bot.cadence.weekly import send_missed_weekly
from bot.delivery.kinds import DeliveryKind as Kind
from bot.delivery.runner import Handler, KindPolicy, Registry, deliver_due
from bot.delivery.workers import DeliveryWorkers
from bot.escalations import intake, publish
from bot.policy.cadence import PromptKind
from bot.policy.flags import FlagReminder
from bot.runtime import Services

log = logging.getLogger(__name__)

# Derived from the policies' own kinds: a prompt or reminder kind the ledger doesn't know
# stops the import here, instead of leaving its rows without a handler.
_PROMPTS = tuple(Kind(kind.value) for kind in PromptKind)
_FLAG_REMINDERS = tuple(Kind(kind.value) for kind in FlagReminder)


def _publication(handler: Handler) -> KindPolicy:
    """Publication retries for a day and a half before giving up and telling its owner."""
    return KindPolicy(handler, max_attempts=40, on_failure=publish.tell_of_failure)


REGISTRY: Registry = {
    Kind.OPEN_ESCALATION: KindPolicy(
        intake.make_record, max_attempts=40, on_failure=intake.tell_record_failed
    ),
    Kind.PUBLISH: _publication(publish.publish),
    Kind.PUBLISH_UPDATE: _publication(publish.publish_update),
    Kind.PUBLISH_FLAG: _publication(publish.publish_flag),
    Kind.PUBLISH_CLOSURE: _publication(publish.publish_closure),
    Kind.THREAD_NOTE: KindPolicy(publish.thread_note, max_attempts=20),
    Kind.DIRECT_MESSAGE: KindPolicy(publish.direct_message),
    Kind.CHANNEL_POST: KindPolicy(publish.channel_post),
    Kind.REFRESH_ROOT: KindPolicy(publish.refresh_root),
    Kind.REFRESH_CHECKLIST: KindPolicy(publish.refresh_checklist),
    Kind.PORTFOLIO_AGENDA: KindPolicy(send_agenda),
    Kind.LADDER: KindPolicy(send_ladder_step),
    Kind.TASK_OVERDUE: KindPolicy(send_task_nudge),
    Kind.RETRO_REMINDER: KindPolicy(send_retro_reminder),
    Kind.BLOCKER_TRIGGER: KindPolicy(send_trigger_suggestion),
    Kind.CONFLICT_STEP: KindPolicy(send_conflict_step),
    Kind.CHECK_IN_INVITES: KindPolicy(send_check_in_invites),
    Kind.CHECK_IN_MISSED: KindPolicy(note_unlogged_check_in),
    Kind.CHECK_IN_DIGEST: KindPolicy(send_check_in_digest),
    Kind.SYNC_REMINDER: KindPolicy(send_sync_reminder),
    **{kind: KindPolicy(send_prompt) for kind in _PROMPTS},
    **{kind: KindPolicy(send_flag_reminder) for kind in _FLAG_REMINDERS},
    # Missed weeklies are prompt kinds with their own sender (after the prompts, to win).
    Kind.SEV2_WEEKLY_NUDGE: KindPolicy(send_missed_weekly),
    Kind.SEV2_WEEKLY_MANAGER: KindPolicy(send_missed_weekly),
    Kind.SEV1_WEEKLY_OVERDUE: KindPolicy(send_missed_weekly),
    Kind.PMO_BRIEFING: KindPolicy(send_pmo_briefing),
    Kind.REVIEW_REMINDER: KindPolicy(send_review_reminders),
    Kind.GUIDANCE_OVERDUE: KindPolicy(send_guidance_nudge),
}

# Each asks the policy what is due now and records it in the ledger (idempotently); one
# planner asks the database only about escalations whose next check has come.
PLANNERS: list[Callable[[Services], object]] = [
    plan_due_work,
    schedule_pmo_briefing,
    schedule_review_reminder,
    schedule_guidance_nudges,
]
# Work that belongs to no escalation: flags raised without one, people conflicts.
PLANNERS += [plan_unattached_flag_reminders, plan_conflict_steps]


def plan(services: Services) -> None:
    for planner in PLANNERS:
        try:
            planner(services)
        except Exception:
            log.exception("planning step %s failed", planner.__name__)


def tick(services: Services) -> int:
    """Plan, then deliver everything due at `services.clock.now()`; returns how many rows
    this process delivered."""
    plan(services)
    return deliver_due(services, REGISTRY)


def start_delivery(services: Services) -> DeliveryWorkers:
    """Delivery workers of their own (work after an ack never runs on Bolt's threads),
    started, with `services.wake` and `services.delivery_appetite` theirs."""
    workers = DeliveryWorkers(services, REGISTRY, threads=services.settings.delivery_workers)
    services.wake = workers.wake
    services.delivery_appetite = workers.wait_for_appetite
    return workers.start()


def start_scheduler(services: Services) -> BackgroundScheduler:
    """Plans every tick; delivery is the workers' (`plan` only, then a wake-up)."""

    def planning_tick() -> None:
        plan(services)
        services.wake()

    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        planning_tick,
        "interval",
        seconds=services.settings.scheduler_tick_seconds,
        id="tick",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler
