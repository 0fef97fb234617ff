"""The stakeholders' side of the Sev 1 cadence: midday check-in invitations, the evening note
when no check-in was logged, and the immediate-sync reminders of a Critical.

The planner records each in the ledger (`planning._stakeholder_rows`); these handlers send
them. An escalation's invitation queues each stakeholder's daily digest: one DM per person
per day listing all their check-ins (a director with 30 Sev 1s gets one DM, not 30), held
through their quiet hours unless the escalation is Critical. "Daily internal check-ins
scheduled" is ticked when the first digest listing the escalation was delivered.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from blocks import stakeholders as views
from bot.cadence.engine import cadence_state, cadence_state_of, dri_zone
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job, LeaseLost, Outcome, settle_with
from bot.domain import LOOPED_IN_ROLES, EventKind, Role, Severity, State
from bot.escalations import effects, service, stakeholders
from bot.models import CheckIn, ChecklistEntry, Escalation, EscalationPerson
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
    """Today's check-in of this escalation is announced: queue each stakeholder's daily
    digest (one DM per person per day listing all their check-ins; quiet hours kept)."""
    assert job.escalation_id is not None
    now = services.clock.now()

    def announce(session: Session) -> None:
        escalation = service.load(session, job.escalation_id or 0)
        found = _check_in_day(services, escalation, job.slot)
        if found is None or now >= found.check_in_at:
            return  # no longer a Sev 1, resolved, or the check-in has begun
        stakeholders.queue_check_in_digests(session, [escalation], now, services.settings)

    return settle_with(services, job, announce)


def _digest_candidates(session: Session, user: str) -> list[Escalation]:
    """Open Sev 1 escalations on which `user` holds a looped-in role."""
    return list(
        session.scalars(
            select(Escalation)
            .where(
                Escalation.severity == Severity.SEV1,
                Escalation.state.in_([s for s in State if s.gets_prompts]),
                Escalation.id.in_(
                    select(EscalationPerson.escalation_id).where(
                        EscalationPerson.user_id == user,
                        EscalationPerson.role.in_(LOOPED_IN_ROLES),
                    )
                ),
            )
            .order_by(Escalation.id)
            .options(selectinload(Escalation.people), selectinload(Escalation.checklist))
        )
    )


def _due_invitations(
    services: Services, job: Job
) -> list[tuple[Escalation, checkins.CheckInDay]] | None:
    """The person's check-ins to list now; None while another of their digests of the day
    is being sent (once it is recorded, this one leaves out what it listed)."""
    user, day = job.subject, job.slot.split(":")[0]
    settings = CadenceSettings.from_settings(services.settings)
    now = services.clock.now()
    with services.sessions() as session:
        if ledger.others_in_flight(
            session, subject=user, kind=DeliveryKind.CHECK_IN_DIGEST, slot=day, besides=job.id
        ):
            return None
        candidates = _digest_candidates(session, user)
        listed_before = {
            (int(escalation_id), slot)
            for payload in ledger.delivered_payloads(
                session, subject=user, kind=DeliveryKind.CHECK_IN_DIGEST, slot=day
            )
            for escalation_id, slot in payload.get("listed", [])
        }
        session.expunge_all()
    invitations: list[tuple[Escalation, checkins.CheckInDay]] = []
    zones: dict[str | None, ZoneInfo] = {}  # a DRI's zone, looked up once per digest
    for escalation in candidates:
        if user not in stakeholders.check_in_invitees(escalation):
            continue
        dri = escalation.person(Role.DRI)
        if dri not in zones:
            zones[dri] = dri_zone(services, escalation)
        state = cadence_state_of(escalation, zones[dri])
        found = checkins.invitation_due(state, settings, now)
        if found is not None and (escalation.id, found.slot) not in listed_before:
            invitations.append((escalation, found))
    return invitations


def _listed_again(
    services: Services, listing: list[list[Any]]
) -> list[tuple[Escalation, checkins.CheckInDay]]:
    """A retry's invitations: those its first attempt listed (and may have posted)."""
    with services.sessions() as session:
        found = {
            escalation.id: escalation
            for escalation in session.scalars(
                select(Escalation)
                .where(Escalation.id.in_([int(i) for i, _ in listing]))
                .options(selectinload(Escalation.people), selectinload(Escalation.checklist))
            )
        }
        session.expunge_all()
    invitations = []
    for escalation_id, slot in listing:
        escalation = found.get(int(escalation_id))
        day = _check_in_day(services, escalation, slot) if escalation is not None else None
        if escalation is not None and day is not None:
            invitations.append((escalation, day))
    return invitations


def send_check_in_digest(services: Services, job: Job) -> Outcome:
    """One stakeholder's check-in invitations: every check-in of theirs whose invitation
    time has come and that has not begun, in one DM (split past Slack's block limit), none
    listed twice in a day. What it lists is kept in the row before anything is posted, so a
    retry posts (or finds) the very same messages and records what they said. Each
    escalation listed records the invitation; its "daily check-ins scheduled" is ticked by
    the first invitation delivered."""
    user = job.subject
    now = services.clock.now()
    if "listing" in job.payload:
        invitations = _listed_again(services, job.payload["listing"])
    else:
        found_now = _due_invitations(services, job)
        if found_now is None:
            return Outcome.failed("another check-in digest of the day is being sent")
        invitations = found_now
        if not invitations:
            return Outcome()  # all begun, closed, or already in today's digest
        listing = {"listing": [[e.id, found.slot] for e, found in invitations]}
        with services.sessions.begin() as session:
            if not ledger.remember(session, job.id, listing, worker=job.worker):
                raise LeaseLost(job.id)
    messages = views.check_in_digest([(e, found.check_in_at) for e, found in invitations])
    for number, (text, blocks) in enumerate(messages):
        services.gateway.dm(
            user, text, blocks, key=job.key(f"digest:{number}"), look_first=job.retrying
        )

    def invited(session: Session) -> None:
        # Read everything first: SQLite holds its one writer lock from the first write on.
        ids = [e.id for e, _ in invitations]
        listed = set(session.scalars(select(Escalation.id).where(Escalation.id.in_(ids))))
        # Loaded only where "daily check-ins scheduled" is still open: after an escalation's
        # first day, a director's digest of fifty loads none.
        to_tick = session.scalars(
            select(Escalation)
            .where(
                Escalation.id.in_(
                    select(ChecklistEntry.escalation_id).where(
                        ChecklistEntry.escalation_id.in_(ids),
                        ChecklistEntry.code == stakeholders.DAILY_CHECK_INS,
                        ChecklistEntry.done_at.is_(None),
                    )
                )
            )
            .options(selectinload(Escalation.checklist))
        ).all()
        service.record_by_ids(
            session,
            [
                (escalation.id, f"Invited {user} to the check-in of {found.slot}")
                for escalation, found in invitations
                if escalation.id in listed  # not one deleted since (none ever is)
            ],
            EventKind.CHECK_IN_INVITED,
            service.BOT,
            now,
        )
        for current in to_tick:
            if service.tick(
                session, current, stakeholders.DAILY_CHECK_INS, actor=service.BOT, now=now
            ):
                effects.refresh(session, current, DeliveryKind.REFRESH_CHECKLIST, now)
        ledger.remember(
            session, job.id, {"listed": [[e.id, found.slot] for e, found in invitations]}
        )

    return settle_with(services, job, invited)


def note_unlogged_check_in(services: Services, job: Job) -> Outcome:
    """At the evening prompt: a note in the thread if nobody logged the day's check-in."""
    assert job.escalation_id is not None
    with services.sessions() as session:
        escalation = service.load(session, job.escalation_id)
        session.expunge_all()
    found = _check_in_day(services, escalation, job.slot)
    now = services.clock.now()
    tz = dri_zone(services, escalation)

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
