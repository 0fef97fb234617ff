"""The Y/R review loop on the clock: the day before the call, each DRI with an escalation on
the agenda is reminded to attend (one DM per DRI, once per call); leadership's guidance
actions past their due date nudge their owner (once per action)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from blocks import review as review_views
from bot import people
from bot.cadence.engine import schedule_for_the_review_call
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job, Outcome
from bot.domain import Role
from bot.escalations import service
from bot.escalations.review import on_review_list, overdue_guidance
from bot.models import Delivery, Escalation, GuidanceAction
from bot.policy import portfolio
from bot.policy.cadence import add_business_days, local_occurrence
from bot.runtime import Services


def schedule_review_reminder(services: Services) -> bool:
    """Record the reminder for the next call once the day before has come."""
    due = portfolio.reminder_due(services.settings, services.clock.now())
    return schedule_for_the_review_call(services, due, DeliveryKind.REVIEW_REMINDER)


def send_review_reminders(services: Services, job: Job) -> Outcome:
    """DM each DRI of an escalation on tomorrow's agenda (each DRI once, a retry skips
    those already reminded)."""
    due = portfolio.reminder_due(services.settings, services.clock.now())
    if due is None or due.slot != job.slot:
        return Outcome()  # the call has started meanwhile
    by_dri: dict[str, list[Escalation]] = {}
    with services.sessions() as session:
        for escalation in service.open_escalations(session):
            dri = escalation.person(Role.DRI)
            if dri and on_review_list(escalation):
                by_dri.setdefault(dri, []).append(escalation)
        messages = {
            dri: review_views.reminder_blocks(escalations, due.review_at)
            for dri, escalations in by_dri.items()
        }
    text = review_views.reminder_text(due.review_at)
    for dri in sorted(messages):
        job.renew(services)
        services.gateway.dm(dri, text, messages[dri], key=job.key(dri), look_first=job.retrying)
    return Outcome()


def schedule_guidance_nudges(services: Services) -> int:
    """Record a nudge for each guidance action still open the business morning after its
    due date, in its owner's time zone (once per action)."""
    now = services.clock.now()
    settings = services.settings
    # Due before tomorrow anywhere on Earth: the owner's zone decides below.
    with services.sessions() as session:
        candidates = [
            (action.id, action.escalation_id, action.owner, action.due_on)
            for action in overdue_guidance(session, now.date() + timedelta(days=1))
        ]
        # Those already nudged are not looked at again (nor their owner's zone).
        nudged = set(
            session.scalars(
                select(Delivery.slot).where(
                    Delivery.kind == DeliveryKind.GUIDANCE_OVERDUE.value,
                    Delivery.slot.in_([str(c[0]) for c in candidates]),
                )
            )
        )
    candidates = [c for c in candidates if str(c[0]) not in nudged]
    due = []
    for action_id, escalation_id, owner, due_on in candidates:
        # Outside any transaction: the owner's zone may need a users.info.
        zone = people.timezone_of(services, owner)
        morning = local_occurrence(due_on, settings.morning_prompt, zone)
        if add_business_days(morning, 1, zone) <= now:
            due.append((action_id, escalation_id))
    written = 0
    if due:
        with services.sessions.begin() as session:
            for action_id, escalation_id in due:
                written += ledger.schedule(
                    session,
                    subject=f"ESC-{escalation_id}",
                    kind=DeliveryKind.GUIDANCE_OVERDUE,
                    slot=str(action_id),
                    due_at=now,
                    escalation_id=escalation_id,
                )
    return written


def send_guidance_nudge(services: Services, job: Job) -> Outcome:
    """DM the owner of an overdue guidance action, unless it was done meanwhile."""
    with services.sessions() as session:
        action = session.get(GuidanceAction, int(job.slot))
        if action is None or action.done_at is not None:
            return Outcome()
        escalation = service.load(session, action.escalation_id)
        if not escalation.state.is_open:
            return Outcome()
        owner = action.owner
        text = review_views.guidance_text(escalation, action)
        blocks = review_views.guidance_blocks(escalation, action, overdue=True)
    services.gateway.dm(owner, f"Overdue: {text}", blocks, key=job.key(), look_first=job.retrying)
    return Outcome()
