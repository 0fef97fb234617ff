"""Use cases for what the DRI and stakeholders report: updates (from the modal, a prompt or
a thread reply) and check-ins. Each is one transaction; what Slack should show is queued in
it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.update import check_in_text
from bot import handled_events
from bot.delivery.kinds import DeliveryKind
from bot.domain import EventKind, Health, Role, UpdateSource
from bot.escalations import effects, flags, review, service, stakeholders, unattached_flags
from bot.escalations.permissions import NotAllowed
from bot.models import CheckIn, Escalation, Update
from bot.settings import Settings


@dataclass(frozen=True)
class UpdateForm:
    summary: str
    health: Health | None = None
    progress: str | None = None
    blockers: str | None = None
    next_steps: str | None = None
    customer_communicated: bool = False
    customer_message: str | None = None
    path_to_green: str | None = None


def _open(session: Session, escalation_id: int) -> Escalation:
    escalation = service.load(session, escalation_id)
    if not escalation.state.is_open:
        raise NotAllowed(f"{escalation.key} is resolved; reopen it to post updates.")
    return escalation


def post_update(
    session: Session,
    escalation_id: int,
    form: UpdateForm,
    *,
    author: str,
    now: datetime,
    settings: Settings,
) -> Update:
    """An update from the form; posted in the thread, the internal channel and (its
    customer-safe text) the customer channel; the stakeholders who follow the escalation get
    it by DM. A changed path to green replaces the escalation's and travels with the update.
    A Sev 2 that turns Yellow or Green asks leadership whether it leaves the review list."""
    escalation = _open(session, escalation_id)
    before = escalation.health
    new_path = form.path_to_green if form.path_to_green != escalation.path_to_green else None
    if new_path:
        escalation.path_to_green = new_path
    update = service.record_update(
        session,
        escalation,
        author=author,
        now=now,
        source=UpdateSource.MODAL,
        summary=form.summary,
        health=form.health,
        progress=form.progress,
        blockers=form.blockers,
        next_steps=form.next_steps,
        customer_communicated=form.customer_communicated,
        customer_message=form.customer_message,
    )
    update.path_to_green = new_path
    review.health_changed(session, escalation, before, now=now, settings=settings)
    stakeholders.notify_followers(session, escalation, update, now, settings)
    return update


def nothing_new(session: Session, escalation_id: int, *, author: str, now: datetime) -> Update:
    """The prompt's "Nothing new" button: an update that says so, in the thread (not worth a
    DM to the followers)."""
    return service.record_update(
        session,
        _open(session, escalation_id),
        author=author,
        now=now,
        source=UpdateSource.NOTHING_NEW,
        summary="No new developments.",
    )


def log_check_in(
    session: Session,
    escalation_id: int,
    *,
    author: str,
    attendees: list[str],
    notes: str,
    now: datetime,
) -> CheckIn:
    """The midday stakeholder check-in, kept with the record and noted in the thread."""
    escalation = service.load(session, escalation_id)
    check_in = CheckIn(
        escalation_id=escalation.id,
        at=now,
        author=author,
        attendees=",".join(attendees),
        notes=notes,
    )
    session.add(check_in)
    service.record(
        session,
        escalation,
        EventKind.CHECK_IN,
        author,
        f"Check-in with {len(attendees)} attendee(s): {notes[:200]}",
        now,
    )
    effects.thread_note(
        session, escalation, check_in_text(escalation, attendees, notes, author), now
    )
    return check_in


def take_thread_reply(
    session: Session,
    *,
    channel: str,
    thread_ts: str,
    ts: str,
    author: str,
    text: str,
    event_keys: list[str],
    now: datetime,
) -> Update | None:
    """A reply in an open escalation's thread, taken once however often Slack sends it: it
    closes the flags its author was asked to answer, and the DRI's reply is activity.

    The DRI's reply is kept as their words (an update of source THREAD, at the health the
    escalation has) and moves the last-update clock, which stops the silence rules; it is
    not re-posted anywhere as a formatted update, because it gives none of the form's
    fields (health, customer communication, next steps) and the bot must not claim them.
    Only the root is refreshed. Returns the stored reply, if the DRI wrote it."""
    escalation = service.find_by_thread(session, channel, thread_ts)
    if escalation is None:
        _take_other_reply(
            session,
            channel=channel,
            thread_ts=thread_ts,
            author=author,
            event_keys=event_keys,
            now=now,
        )
        return None
    if not escalation.state.is_open:
        return None
    if not handled_events.first_time(session, event_keys, now):
        return None
    flags.close_answered_flags(session, escalation, author, now)
    if author != escalation.person(Role.DRI):
        return None
    reply = Update(
        escalation_id=escalation.id,
        at=now,
        author=author,
        source=UpdateSource.THREAD,
        health=escalation.health,
        summary=text or "(no text)",
        thread_ts=ts,
    )
    session.add(reply)
    escalation.last_update_at = now
    session.flush()
    service.record(
        session,
        escalation,
        EventKind.THREAD_REPLY,
        author,
        f"DRI replied in the thread: {(text or '(no text)')[:200]}",
        now,
    )
    effects.refresh(session, escalation, DeliveryKind.REFRESH_ROOT, now)
    return reply


def _take_other_reply(
    session: Session,
    *,
    channel: str,
    thread_ts: str,
    author: str,
    event_keys: list[str],
    now: datetime,
) -> None:
    """A reply under a watched project's card, or under a flag with no escalation: a
    responder's reply closes the flags they were asked on (and is no update: a watch has
    no update cadence)."""
    watched = session.scalars(
        select(Escalation).where(
            Escalation.watch_channel_id == channel,
            Escalation.watch_ts == thread_ts,
            Escalation.root_ts.is_(None),
        )
    ).first()
    if watched is not None and watched.state.is_open:
        if handled_events.first_time(session, event_keys, now):
            flags.close_answered_flags(session, watched, author, now)
        return
    flag = unattached_flags.answered_by(session, channel=channel, thread_ts=thread_ts, user=author)
    if flag is not None and handled_events.first_time(session, event_keys, now):
        unattached_flags.close_answered(session, flag, user=author, now=now)
