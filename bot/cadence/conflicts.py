"""People conflicts' path: planned when a step falls due, each step taken once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job, Outcome, settle_with
from bot.escalations import conflicts
from bot.models import PeopleConflict
from bot.policy.conflicts import ConflictStep, step_reached
from bot.runtime import Services


def plan_conflict_steps(services: Services) -> int:
    """Record the step each open conflict has reached (few are ever open); returns new rows."""
    now = services.clock.now()
    written = 0
    with services.sessions.begin() as session:
        for conflict in conflicts.open_conflicts(session):
            step = step_reached(
                now=now,
                managers_due_at=conflict.managers_due_at,
                executive_due_at=conflict.executive_due_at,
                managers_told=conflict.managers_told_at is not None,
                executive_told=conflict.executive_told_at is not None,
                resolved=False,
            )
            if step is not None and ledger.schedule(
                session,
                subject=conflict.key,
                kind=DeliveryKind.CONFLICT_STEP,
                slot=f"{conflict.id}:{step.value}",
                due_at=now,
            ):
                written += 1
    if written:
        services.wake()
    return written


def send_conflict_step(services: Services, job: Job) -> Outcome:
    """Take the step (its DMs queued with the row's completion), unless it was resolved
    or taken meanwhile."""
    conflict_id, step = job.slot.split(":")

    def take(session: Session) -> None:
        conflict = session.get(PeopleConflict, int(conflict_id))
        if conflict is not None:
            conflicts.take_step(
                session,
                conflict,
                ConflictStep(step),
                now=services.clock.now(),
                settings=services.settings,
            )

    return settle_with(services, job, take)
