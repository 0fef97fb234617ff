"""The stakeholders' side of the Sev 1 cadence: midday check-in invitations, the evening note
when no check-in was logged, and the immediate-sync reminders of a Critical.

The planner records each in the ledger (`planning._stakeholder_rows`); these handlers send
them. Invitations are sent here, one DM per stakeholder, so that "daily internal check-ins
scheduled" is ticked only once Slack accepted every one of them.
"""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks import stakeholders as views
from bot.cadence.engine import cadence_state
from bot.delivery.gateway import SlackProblem
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job, Outcome, is_permanent, settle_with
from bot.domain import EventKind
from bot.escalations import effects, service, stakeholders
from bot.models import CheckIn, Escalation
from bot.policy import checkins
from bot.policy.cadence import CadenceSettings, local_occurrence
from bot.policy.escalation import pending_sync_due
from bot.policy.sync import reminder_due
from bot.runtime import Services


def _check_in_day(
    services: Services, escalation: Escalation, slot: str
) -> checkins.CheckInDay | None:
    state = cadence_state(services, escalation)
    settings = CadenceSettings.from_settings(services.settings)
    return checkins.check_in_day(state, settings, date.fromisoformat(slot))


def send_check_in_invites(services: Services, job: Job) -> Outcome:
    """DM each stakeholder the time and the thread of today's midday check-in."""
    assert job.escalation_id is not None
    with services.sessions() as session:
        escalation = service.load(session, job.escalation_id)
        session.expunge_all()
    found = _check_in_day(services, escalation, job.slot)
    now = services.clock.now()
    if found is None or now >= found.check_in_at:
        return Outcome()  # no longer a Sev 1, resolved, or the check-in has begun
    invitees = stakeholders.check_in_invitees(escalation)
    text = views.invitation_text(escalation, found.check_in_at)
    blocks = views.invitation_blocks(escalation, found.check_in_at, escalation.root_permalink)
    problems: list[SlackProblem] = []
    for user in invitees:
        try:
            services.gateway.dm(
                user, text, blocks, key=job.key(f"invite:{user}"), look_first=job.retrying
            )
        except SlackProblem as problem:
            problems.append(problem)
    if problems:
        return Outcome(
            complete=False,
            problems=[f"{p.method}: {p.code}" for p in problems],
            permanent=all(is_permanent(p) for p in problems),
        )

    def invited(session: Session) -> None:
        current = service.load(session, escalation.id)
        service.record(
            session,
            current,
            EventKind.CHECK_IN_INVITED,
            service.BOT,
            f"Invited {len(invitees)} stakeholder(s) to the check-in of {job.slot}",
            now,
        )
        if invitees and service.tick(
            session, current, stakeholders.DAILY_CHECK_INS, actor=service.BOT, now=now
        ):
            effects.refresh(session, current, DeliveryKind.REFRESH_CHECKLIST, now)

    return settle_with(services, job, invited)


def note_unlogged_check_in(services: Services, job: Job) -> Outcome:
    """At the evening prompt: a note in the thread if nobody logged the day's check-in."""
    assert job.escalation_id is not None
    with services.sessions() as session:
        escalation = service.load(session, job.escalation_id)
        session.expunge_all()
    found = _check_in_day(services, escalation, job.slot)
    now = services.clock.now()
    tz = cadence_state(services, escalation).dri_tz

    def noted(session: Session) -> None:
        if found is None:
            return
        day_start = local_occurrence(found.day, time(0), tz)
        logged = session.scalars(
            select(CheckIn.id).where(
                CheckIn.escalation_id == escalation.id,
                CheckIn.at >= day_start,
                CheckIn.at <= found.evening_at,
            )
        ).first()
        if logged is not None:
            return
        current = service.load(session, escalation.id)
        service.record(
            session,
            current,
            EventKind.CHECK_IN_MISSED,
            service.BOT,
            f"No check-in logged for {job.slot}",
            now,
        )
        effects.thread_note(
            session, current, views.unlogged_check_in_note(current, found.check_in_at), now
        )

    return settle_with(services, job, noted)


def send_sync_reminder(services: Services, job: Job) -> Outcome:
    """Remind the Director PS and leadership that no sync is recorded (if still true)."""
    assert job.escalation_id is not None
    settings = services.settings
    now = services.clock.now()

    def remind(session: Session) -> None:
        escalation = service.load(session, job.escalation_id or 0)
        if not escalation.state.is_open:
            return
        window = service.sync_window(settings)
        sync_due = pending_sync_due(escalation)
        due = reminder_due(sync_due, False, window, now)
        if due is None or due.slot != job.slot or sync_due is None:
            return  # recorded meanwhile, downgraded, or a newer request replaced this one
        text = views.sync_request_text(escalation, due.number)
        blocks = views.sync_request_blocks(
            escalation, sync_due, escalation.root_permalink, reminder=due.number
        )
        people = service.sync_people(escalation, settings)
        for user in people:
            effects.direct_message(
                session, user, text, now, escalation=escalation, blocks=blocks, slot=job.slot
            )
        service.record(
            session,
            escalation,
            EventKind.NUDGED,
            service.BOT,
            f"Reminded {len(people)} people: no immediate sync recorded ({due.number})",
            now,
        )

    return settle_with(services, job, remind)
