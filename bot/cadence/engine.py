"""The cadence engine: turns the policy's answers into ledger rows, and delivers them once.

Scheduling and sending are separate steps. `schedule_due_prompts` records each due
(escalation, kind, slot) in the ledger; the scheduler's tick then claims and sends rows like
any other due work. A slot already recorded is never recorded again, so restarts and
concurrent processes cannot repeat a prompt.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from blocks import portfolio as portfolio_views
from blocks import prompts as prompt_views
from blocks import stakeholders as stakeholder_views
from blocks.text import mention
from bot import people
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job, Outcome, settle_with
from bot.domain import EventKind, Role
from bot.escalations import records, service
from bot.escalations.review import on_review_list, open_guidance
from bot.models import Delivery, DeliveryStatus, Escalation
from bot.policy import portfolio
from bot.policy.cadence import (
    CATCH_UP_KINDS,
    CadenceSettings,
    CadenceState,
    DuePrompt,
    PromptKind,
    customer_comm_overdue,
    due_prompts,
)
from bot.policy.escalation import open_checklist_items
from bot.policy.insights import prompted_text
from bot.policy.progress import Progress
from bot.runtime import Services

log = logging.getLogger(__name__)

SNOOZE_SUFFIX = "+snooze"
# Prompts posted as notes in the escalation's thread (and DMed to the manager); the others
# are DMs to the DRI.
THREAD_NOTE_KINDS = frozenset({PromptKind.PHASE1_MANAGER, PromptKind.SILENCE_MANAGER})
CONDITIONAL_KINDS = {
    PromptKind.EVENING_NUDGE.value,
    PromptKind.PHASE1_DEADLINE.value,
    PromptKind.PHASE1_MANAGER.value,
    PromptKind.SILENCE_MANAGER.value,
}


def dri_zone(services: Services, escalation: Escalation) -> ZoneInfo:
    """The DRI's own time zone, else the configured default."""
    dri = escalation.person(Role.DRI)
    return people.timezone_of(services, dri) if dri else services.settings.timezone


def cadence_state(services: Services, escalation: Escalation) -> CadenceState:
    return cadence_state_of(escalation, dri_zone(services, escalation))


def cadence_state_of(escalation: Escalation, dri_tz: ZoneInfo) -> CadenceState:
    """The policy's view of an escalation whose DRI's zone is already known."""
    return CadenceState(
        severity=escalation.severity,
        level=escalation.level,
        state=escalation.state,
        cadence_start=escalation.cadence_start,
        phase1_due_at=escalation.phase1_due_at,
        checklist_open=bool(open_checklist_items(escalation)),
        last_update_at=escalation.last_update_at,
        last_customer_comm_at=escalation.last_customer_comm_at,
        dri_tz=dri_tz,
        last_weekly_review_at=escalation.last_weekly_review_at,
    )


def schedule_due_prompts(services: Services) -> int:
    """Record every prompt due now in the ledger; returns how many new rows were written."""
    cadence = CadenceSettings.from_settings(services.settings)
    now = services.clock.now()
    with services.sessions() as session:
        snapshots = [
            (e.id, e.key, cadence_state(services, e)) for e in service.open_escalations(session)
        ]
    written = 0
    for escalation_id, key, state in snapshots:
        for due in due_prompts(state, cadence, now):
            with services.sessions.begin() as session:
                if schedule_prompt(session, escalation_id, key, due):
                    written += 1
    return written


def schedule_prompt(
    session: Session,
    escalation_id: int,
    key: str,
    due: DuePrompt,
    deliver_at: datetime | None = None,
) -> bool:
    """Record one due prompt in the ledger (once per slot), to go out at `deliver_at` (by
    default the prompt's own); True when it is new, and then an older slot of the same kind
    still pending is dropped."""
    if not ledger.schedule(
        session,
        subject=key,
        kind=due.kind.value,
        slot=due.slot,
        due_at=deliver_at or due.deliver_at,
        escalation_id=escalation_id,
    ):
        return False
    drop_superseded(session, key, due)
    return True


def drop_superseded(session: Session, key: str, due: DuePrompt) -> None:
    """After a new prompt is recorded (by `schedule_prompt`, or in bulk by the planner): an
    older slot of the same kind still pending (e.g. failing) is no longer worth sending; nor,
    for a prompt on the clock, an older prompt of another kind (recorded before a crash, never
    sent): after downtime the DRI gets one catch-up prompt, the latest."""
    kinds = [due.kind.value]
    if due.kind in CATCH_UP_KINDS:
        kinds = [kind.value for kind in CATCH_UP_KINDS]
    session.execute(
        update(Delivery)
        .where(
            Delivery.subject == key,
            Delivery.kind.in_(kinds),
            or_(Delivery.kind != due.kind.value, Delivery.slot != due.slot),
            Delivery.due_at <= due.deliver_at,
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.slot.not_like(f"%{SNOOZE_SUFFIX}%"),
        )
        .values(status=DeliveryStatus.CANCELLED, last_error=f"superseded by {due.kind} {due.slot}")
        .execution_options(synchronize_session=False)
    )


def prompt_sent_by(session: Session, key: str, kind: PromptKind, slot: str, by: datetime) -> bool:
    """Whether the prompt (kind, slot) reached the DRI at or before `by`."""
    done_at = session.scalar(
        select(Delivery.done_at).where(
            Delivery.subject == key,
            Delivery.kind == kind.value,
            Delivery.slot == slot,
            Delivery.status == DeliveryStatus.DONE,
        )
    )
    return done_at is not None and done_at <= by


def snooze(
    services: Services,
    escalation_id: int,
    kind: str,
    slot: str,
    delay: timedelta = timedelta(hours=1),
) -> bool:
    """Ask again later: a new ledger row for the same prompt; False if already snoozed."""
    base = slot.split(SNOOZE_SUFFIX)[0]
    with services.sessions.begin() as session:
        escalation = service.get(session, escalation_id)
        if escalation is None:
            return False
        count = (
            session.query(Delivery)
            .filter(
                Delivery.subject == escalation.key,
                Delivery.kind == kind,
                Delivery.slot.like(f"{base}{SNOOZE_SUFFIX}%"),
            )
            .count()
        )
        return ledger.schedule(
            session,
            subject=escalation.key,
            kind=kind,
            slot=f"{base}{SNOOZE_SUFFIX}{count + 1}",
            due_at=services.clock.now() + delay,
            escalation_id=escalation_id,
        )


def send_prompt(services: Services, job: Job) -> Outcome:
    """Send one prompt (a DM to the DRI, or a note in the thread), then record it in the
    transaction that completes the row.

    The message carries the job's key, so a retry after a crash between sending and
    recording finds it instead of sending it again: once, and never lost. Sent here rather
    than queued as a second row because a Sev 1 morning brings one per open escalation at
    the same minute.
    """
    assert job.escalation_id is not None
    with services.sessions() as session:
        escalation = service.load(session, job.escalation_id, service.PEOPLE_AND_CHECKLIST)
        if not escalation.state.is_open:
            return Outcome()
        channel, root_ts, dri = (
            escalation.leadership_channel_id,
            escalation.root_ts,
            escalation.person(Role.DRI),
        )
        progress = (
            records.progress(session, escalation.id) if job.kind == PromptKind.MORNING else None
        )
        session.expunge_all()
    # Composed outside any write: the DRI's time zone may need a users.info refresh.
    message = _compose(services, escalation, job.kind, job.slot, progress)
    if message is not None:
        target, text, blocks = message
        if target == "dm" and dri:
            services.gateway.dm(dri, text, blocks, key=job.key(), look_first=job.retrying)
        elif target == "thread" and channel and root_ts:
            services.gateway.post(
                channel, text, thread_ts=root_ts, key=job.key(), look_first=job.retrying
            )
            _tell_manager_too(services, job, escalation)
    now = services.clock.now()

    def record(session: Session) -> None:
        if message is None:
            return
        event = EventKind.PROMPTED if message[0] == "dm" else EventKind.NUDGED
        text = prompted_text(job.kind, job.slot)
        service.record_by_ids(session, [(escalation.id, text)], event, service.BOT, now)

    return settle_with(services, job, record)


def _tell_manager_too(services: Services, job: Job, escalation: Escalation) -> None:
    """The thread notes that tell the manager also reach them by DM: a mention in a channel
    they may not read is not telling them."""
    manager = escalation.person(Role.MANAGER)
    if not manager or job.kind not in THREAD_NOTE_KINDS:
        return
    if job.kind == PromptKind.PHASE1_MANAGER:
        count = len(prompt_views.open_items(escalation))
        what = (
            f"The Phase 1 checklist is 4 hours past its deadline with {count} item(s) open "
            f"(DRI {mention(escalation.person(Role.DRI))})."
        )
    else:
        silent_since = escalation.last_update_at or escalation.cadence_start
        hours = int((services.clock.now() - silent_since).total_seconds() // 3600)
        what = (
            f"No update for {hours} hours; the DRI {mention(escalation.person(Role.DRI))} "
            "has been asked to post one."
        )
    services.gateway.dm(
        manager,
        stakeholder_views.manager_told_text(escalation, what, escalation.root_permalink),
        key=job.key("manager"),
        look_first=job.retrying,
    )


def _compose(
    services: Services,
    escalation: Escalation,
    kind: str,
    slot: str,
    progress: Progress | None,
) -> tuple[str, str, list[Block]] | None:
    """(target, text, blocks) for a prompt, or None when it no longer applies; `progress`
    is the milestones' for a morning prompt."""
    now = services.clock.now()
    if kind in CONDITIONAL_KINDS and SNOOZE_SUFFIX not in slot:
        # These depend on what happened since they were recorded (an update, a tick).
        state = cadence_state(services, escalation)
        current = due_prompts(state, CadenceSettings.from_settings(services.settings), now)
        still_due = [due for due in current if due.kind.value == kind and due.slot == slot]
        if not still_due:
            return None
        # "Still missing" only for an evening prompt that reached the DRI before the nudge
        # was due: after downtime the DRI never hears of a prompt they were never sent.
        if kind == PromptKind.EVENING_NUDGE:
            with services.sessions() as session:
                sent = prompt_sent_by(
                    session, escalation.key, PromptKind.EVENING, slot, still_due[0].due_at
                )
            if not sent:
                return None
    if kind == PromptKind.PHASE1_MANAGER:
        if not prompt_views.open_items(escalation) or not escalation.root_ts:
            return None
        return "thread", prompt_views.phase1_manager_text(escalation), []
    if kind == PromptKind.SILENCE_MANAGER:
        if not escalation.root_ts:
            return None
        silent_since = escalation.last_update_at or escalation.cadence_start
        hours = int((now - silent_since).total_seconds() // 3600)
        return "thread", prompt_views.silence_manager_text(escalation, hours), []
    if kind == PromptKind.PHASE1_DEADLINE and not prompt_views.open_items(escalation):
        return None
    permalink = escalation.root_permalink
    overdue = customer_comm_overdue(cadence_state(services, escalation), now)
    return (
        "dm",
        prompt_views.prompt_text(escalation, kind),
        prompt_views.prompt_blocks(
            escalation,
            kind,
            slot,
            permalink=permalink,
            now=now,
            customer_comm_overdue=overdue,
            progress=progress,
        ),
    )


def schedule_for_the_review_call(
    services: Services, due: portfolio.AgendaDue | None, kind: DeliveryKind
) -> bool:
    """Record `kind`'s work for the coming Y/R call (once per call) when `due` says its
    time has come; True when it was recorded now."""
    if due is None:
        return False
    with services.sessions.begin() as session:
        return ledger.schedule(
            session, subject=portfolio.SUBJECT, kind=kind, slot=due.slot, due_at=due.post_at
        )


def schedule_portfolio_agenda(services: Services) -> bool:
    """Record this week's agenda in the ledger once its time has come."""
    due = portfolio.agenda_due(services.settings, services.clock.now())
    return schedule_for_the_review_call(services, due, DeliveryKind.PORTFOLIO_AGENDA)


def send_agenda(services: Services, job: Job) -> Outcome:
    """Post the portfolio review agenda in the leadership channel, once, in as many messages
    as it needs (each part once, in order; a retry skips the parts already there)."""
    settings = services.settings
    now = services.clock.now()
    review = portfolio.agenda_due(settings, now)
    if review is None:  # the call has started meanwhile: a late agenda helps nobody
        return Outcome()
    with services.sessions() as session:
        listed = [e for e in service.open_escalations(session) if on_review_list(e)]
        guidance = open_guidance(session, [e.id for e in listed])
        messages = portfolio_views.agenda_messages(listed, review.review_at, now, guidance)
    channel = services.gateway.resolve_channel(settings.escalation_channel)
    for number, (text, blocks) in enumerate(messages, start=1):
        job.renew(services)
        services.gateway.post(
            channel,
            text,
            blocks,
            join_if_needed=True,
            key=job.key(f"part{number}"),
            look_first=job.retrying,
        )
    return Outcome()
