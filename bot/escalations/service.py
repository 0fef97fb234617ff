"""Use cases on escalations: each is one transaction that also writes the timeline."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Table, insert, inspect, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from blocks import notices
from blocks import stakeholders as stakeholder_views
from blocks.portfolio import promotion_request_blocks
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.domain import (
    EventKind,
    Health,
    Level,
    LinkKind,
    Role,
    Severity,
    State,
    UpdateSource,
    checklist_for,
)
from bot.escalations import effects
from bot.escalations.form import EscalationForm
from bot.escalations.permissions import NotAllowed, leadership_people, require_leadership
from bot.models import (
    ChecklistEntry,
    Escalation,
    EscalationLink,
    EscalationPerson,
    EscalationTrigger,
    TimelineEvent,
    Update,
)
from bot.policy.escalation import PHASE1_WINDOW
from bot.policy.sync import needs_sync
from bot.settings import Settings

BOT = "bot"
KEY_PATTERN = re.compile(r"^\s*(?:ESC-?)?(\d{1,9})\s*$", re.IGNORECASE)


def record(
    session: Session, escalation: Escalation, kind: EventKind, actor: str, text: str, now: datetime
) -> None:
    event = TimelineEvent(escalation_id=escalation.id, at=now, actor=actor, kind=kind, text=text)
    if "timeline" in inspect(escalation).unloaded:
        session.add(event)  # appending would first load every earlier event
    else:
        escalation.timeline.append(event)
    # Every change to an escalation or its children is recorded here, in its transaction:
    # whatever it changed, the planner looks at the escalation again at its next tick.
    escalation.next_check_at = now
    session.flush()


def record_by_ids(
    session: Session,
    entries: Sequence[tuple[int, str]],
    kind: EventKind,
    actor: str,
    now: datetime,
) -> None:
    """`record` (escalation id, text) for escalations not loaded in this session: one INSERT
    and one UPDATE however many there are, no SELECT. A Sev 1 morning records a thousand
    prompts at once, and a director's check-in digest lists dozens of escalations."""
    if not entries:
        return
    events, escalations = TimelineEvent.__table__, Escalation.__table__
    assert isinstance(events, Table) and isinstance(escalations, Table)
    session.execute(
        insert(events),
        [
            {"escalation_id": escalation_id, "at": now, "actor": actor, "kind": kind, "text": text}
            for escalation_id, text in entries
        ],
    )
    session.execute(
        update(escalations)
        .where(escalations.c.id.in_({escalation_id for escalation_id, _ in entries}))
        .values(next_check_at=now)
    )


def items_done_at_open(form: EscalationForm) -> set[str]:
    """Checklist items the form itself already satisfies, so nobody ticks them by hand."""
    # Every open escalation is on the portfolio review agenda the moment it exists; a
    # Critical's review is its immediate sync, ticked when someone records it. "Looped in"
    # waits for the stakeholders' DMs, "check-ins scheduled" for their first invitations,
    # and a typed tracker URL is not a tracking issue anybody checked.
    done = {"dri_identified"}
    if not needs_sync(form.severity, form.level):
        done.add("portfolio_review")
    if form.severity is Severity.SEV1 and form.level is not None:
        done.add("severity_assigned")
    if LinkKind.DOCUMENT in form.links:
        done.add("tracking_document")
    return done


def open_escalation(
    session: Session,
    form: EscalationForm,
    *,
    opened_by: str,
    now: datetime,
    settings: Settings,
    response_url: str | None = None,
) -> Escalation:
    """Store a new escalation, its checklist and timeline, and queue its publication; a
    Critical also asks the Director PS and leadership for its immediate sync."""
    escalation = Escalation(
        severity=form.severity,
        level=form.level,
        state=State.OPEN,
        health=form.health,
        health_at_open=form.health,
        customer=form.customer,
        project=form.project,
        summary=form.summary,
        path_to_green=form.path_to_green,
        internal_channel_id=form.internal_channel_id,
        customer_channel_id=form.customer_channel_id,
        opened_by=opened_by,
        opened_at=now,
        cadence_start=now,
        phase1_due_at=now + PHASE1_WINDOW,
        opener_response_url=response_url,
        new_msa=form.new_msa,
    )
    escalation.people = [
        EscalationPerson(role=role, user_id=user) for role, user in form.people.items()
    ]
    escalation.triggers = [EscalationTrigger(code=code) for code in form.triggers]
    escalation.links = [EscalationLink(kind=kind, url=url) for kind, url in form.links.items()]
    done = items_done_at_open(form)
    escalation.checklist = [
        ChecklistEntry(
            code=item.code,
            done_at=now if item.code in done else None,
            done_by=BOT if item.code in done else None,
        )
        for item in checklist_for(form.severity)
    ]
    session.add(escalation)
    session.flush()
    level = f" {form.level.label}" if form.level else ""
    record(
        session,
        escalation,
        EventKind.OPENED,
        opened_by,
        f"Opened as {form.severity.short}{level} for {form.customer} / {form.project}",
        now,
    )
    queue_publication(session, escalation, "opened", now)
    request_sync(session, escalation, settings, now)
    return escalation


def sync_window(settings: Settings) -> timedelta:
    return timedelta(hours=settings.immediate_sync_hours)


def sync_people(escalation: Escalation, settings: Settings) -> list[str]:
    """Asked to hold the sync: the escalation's Director PS and PS leadership."""
    people = [user for user in (escalation.person(Role.DIRECTOR),) if user]
    for user in leadership_people(settings):
        if user not in people:
            people.append(user)
    return people


def request_sync(
    session: Session, escalation: Escalation, settings: Settings, now: datetime
) -> bool:
    """A Critical Sev 1 (opened or promoted): ask the Director PS and leadership, by DM and
    in the thread, to hold a sync within the configured window. False when not Critical."""
    if not needs_sync(escalation.severity, escalation.level):
        return False
    due = now + sync_window(settings)
    escalation.sync_due_at, escalation.sync_held_at, escalation.sync_held_by = due, None, None
    people = sync_people(escalation, settings)
    text = stakeholder_views.sync_request_text(escalation)
    blocks = stakeholder_views.sync_request_blocks(escalation, due, escalation.root_permalink)
    for user in people:
        effects.direct_message(
            session,
            user,
            text,
            now,
            escalation=escalation,
            blocks=blocks,
            slot=f"sync-request:{due.isoformat()}",
        )
    effects.thread_note(session, escalation, text, now, blocks)
    record(
        session,
        escalation,
        EventKind.SYNC_REQUESTED,
        BOT,
        f"Asked {len(people)} people to hold an immediate sync by {due.isoformat()}",
        now,
    )
    return True


def queue_publication(session: Session, escalation: Escalation, reason: str, now: datetime) -> None:
    """Queue (re)publishing the escalation in Slack: its steps skip what's already there."""
    slot = reason if reason == "opened" else f"{reason}:{now.isoformat()}"
    ledger.schedule(
        session,
        subject=escalation.key,
        kind=DeliveryKind.PUBLISH,
        slot=slot,
        due_at=now,
        escalation_id=escalation.id,
    )


# What a prompt shows: its DRI and manager, and the open Phase 1 items.
PEOPLE_AND_CHECKLIST = (selectinload(Escalation.people), selectinload(Escalation.checklist))


def _with_children() -> tuple[LoaderOption, ...]:
    return (
        *PEOPLE_AND_CHECKLIST,
        selectinload(Escalation.triggers),
        selectinload(Escalation.links),
    )


def get(
    session: Session, escalation_id: int, children: Sequence[LoaderOption] | None = None
) -> Escalation | None:
    """With all its children, or only `children`."""
    options = _with_children() if children is None else children
    return session.get(Escalation, escalation_id, options=options)


class EscalationNotFound(LookupError):
    pass


def load(
    session: Session, escalation_id: int, children: Sequence[LoaderOption] | None = None
) -> Escalation:
    """The escalation with its children (all, or only `children`); raises
    `EscalationNotFound` when there is none."""
    escalation = get(session, escalation_id, children)
    if escalation is None:
        raise EscalationNotFound(f"ESC-{escalation_id} does not exist")
    return escalation


def find_by_key(session: Session, text: str) -> Escalation | None:
    """`ESC-12`, `esc12` or `12`; None when it doesn't parse or doesn't exist."""
    match = KEY_PATTERN.match(text)
    return get(session, int(match.group(1))) if match else None


def open_escalations(session: Session) -> list[Escalation]:
    return list(
        session.scalars(
            select(Escalation)
            .where(Escalation.state != State.RESOLVED)
            .options(*_with_children())
            .order_by(Escalation.id)
        )
    )


def involving(session: Session, user_id: str) -> list[Escalation]:
    """Open escalations where the user holds any role, or opened them."""
    return list(
        session.scalars(
            select(Escalation)
            .where(
                Escalation.state != State.RESOLVED,
                (Escalation.opened_by == user_id)
                | Escalation.people.any(EscalationPerson.user_id == user_id),
            )
            .options(*_with_children())
            .order_by(Escalation.id)
        )
    )


def set_step_checklist(
    session: Session,
    escalation: Escalation,
    *,
    step_codes: set[str],
    ticked: set[str],
    actor: str,
    now: datetime,
) -> list[str]:
    """Make the items of one checklist step match what was ticked; returns what changed."""
    changes = []
    for entry in escalation.checklist:
        if entry.code not in step_codes:
            continue
        want = entry.code in ticked
        if want and not entry.done:
            entry.done_at, entry.done_by = now, actor
            changes.append(f"ticked {entry.code}")
        elif not want and entry.done:
            entry.done_at, entry.done_by = None, None
            changes.append(f"unticked {entry.code}")
    if changes:
        record(session, escalation, EventKind.CHECKLIST_CHANGED, actor, "; ".join(changes), now)
    return changes


def tick_checklist_step(
    session: Session,
    escalation_id: int,
    step_index: int,
    ticked: set[str],
    *,
    actor: str,
    now: datetime,
) -> list[str]:
    """The checklist message's step `step_index` as ticked there; the message is edited to
    match. Returns what changed."""
    escalation = load(session, escalation_id)
    steps: dict[str, set[str]] = {}
    for item in checklist_for(escalation.severity):
        steps.setdefault(item.step, set()).add(item.code)
    changes = set_step_checklist(
        session,
        escalation,
        step_codes=list(steps.values())[step_index],
        ticked=ticked,
        actor=actor,
        now=now,
    )
    effects.refresh(session, escalation, DeliveryKind.REFRESH_CHECKLIST, now)
    return changes


def tick(session: Session, escalation: Escalation, code: str, *, actor: str, now: datetime) -> bool:
    for entry in escalation.checklist:
        if entry.code == code and not entry.done:
            entry.done_at, entry.done_by = now, actor
            record(session, escalation, EventKind.CHECKLIST_CHANGED, actor, f"ticked {code}", now)
            return True
    return False


def record_update(
    session: Session,
    escalation: Escalation,
    *,
    author: str,
    now: datetime,
    source: UpdateSource,
    summary: str,
    health: Health | None = None,
    progress: str | None = None,
    blockers: str | None = None,
    next_steps: str | None = None,
    customer_communicated: bool = False,
    customer_message: str | None = None,
    thread_ts: str | None = None,
) -> Update:
    """Store an update, move the escalation's clocks, and queue its posting."""
    update = Update(
        escalation_id=escalation.id,
        at=now,
        author=author,
        source=source,
        health=health or escalation.health,
        summary=summary,
        progress=progress,
        blockers=blockers,
        next_steps=next_steps,
        customer_communicated=customer_communicated,
        customer_message=customer_message,
        thread_ts=thread_ts,
    )
    session.add(update)
    escalation.last_update_at = now
    escalation.health = update.health
    if customer_communicated:
        escalation.last_customer_comm_at = now
    session.flush()
    record(
        session,
        escalation,
        EventKind.UPDATE_POSTED,
        author,
        f"{source.value} update, health {update.health.value}: {summary[:200]}",
        now,
    )
    ledger.schedule(
        session,
        subject=escalation.key,
        kind=DeliveryKind.PUBLISH_UPDATE,
        slot=str(update.id),
        due_at=now,
        escalation_id=escalation.id,
    )
    return update


def find_by_thread(session: Session, channel_id: str, thread_ts: str) -> Escalation | None:
    return session.scalars(
        select(Escalation)
        .where(Escalation.leadership_channel_id == channel_id, Escalation.root_ts == thread_ts)
        .options(*_with_children())
    ).first()


PROMOTE = "escalate a Sev 2 to Sev 1"


def promotable(session: Session, escalation_id: int, user: str, settings: Settings) -> Escalation:
    """The Sev 2 that `user` (PS leadership) may escalate to Sev 1."""
    require_leadership(settings, user, PROMOTE)
    escalation = load(session, escalation_id)
    if escalation.severity is Severity.SEV1:
        raise NotAllowed(f"{escalation.key} is already Sev 1.")
    return escalation


def promote_to_sev1(
    session: Session,
    escalation_id: int,
    *,
    level: Level,
    actor: str,
    now: datetime,
    settings: Settings,
    note: str | None = None,
) -> Escalation:
    """Sev 2 -> Sev 1 on the same record: Phase 1 and the Sev 1 cadence start again."""
    # Checked again at submission: a modal can outlive a role.
    require_leadership(settings, actor, PROMOTE)
    escalation = load(session, escalation_id)
    if escalation.severity is Severity.SEV1:
        raise NotAllowed(f"{escalation.key} is already Sev 1.")
    if not escalation.state.is_open:
        raise NotAllowed(f"{escalation.key} is resolved; reopen it first.")
    escalation.severity, escalation.level = Severity.SEV1, level
    escalation.state = State.OPEN
    escalation.cadence_start, escalation.phase1_due_at = now, now + PHASE1_WINDOW
    if all(t.code != "promoted_by_leadership" for t in escalation.triggers):
        escalation.triggers.append(EscalationTrigger(code="promoted_by_leadership"))
    present = {entry.code for entry in escalation.checklist}
    escalation.checklist += [
        ChecklistEntry(code=item.code)
        for item in checklist_for(Severity.SEV1)
        if item.code not in present
    ]
    # As at open: only what the bot did itself. "Looped in" is ticked by publication once
    # every stakeholder's DM was delivered (at the Sev 2's opening, usually: at once).
    automatic = {"severity_assigned", "dri_identified"}
    if not needs_sync(Severity.SEV1, level):
        automatic.add("portfolio_review")
    if escalation.root_pinned:
        automatic.add("thread_pinned")
    if escalation.link(LinkKind.DOCUMENT):
        automatic.add("tracking_document")
    for entry in escalation.checklist:
        if entry.code in automatic and not entry.done:
            entry.done_at, entry.done_by = now, BOT
    # A fresh Phase 1 checklist in the thread, and the DRI hears about the new cadence.
    escalation.checklist_ts, escalation.dri_dm_ts = None, None
    session.flush()
    record(
        session,
        escalation,
        EventKind.PROMOTED,
        actor,
        f"Promoted to Sev 1 {level.label}" + (f": {note}" if note else ""),
        now,
    )
    queue_publication(session, escalation, "promoted", now)
    effects.thread_note(session, escalation, notices.promoted_note(escalation, actor, note), now)
    request_sync(session, escalation, settings, now)
    return escalation


def keep_in_sev2(
    session: Session, escalation_id: int, *, actor: str, now: datetime, settings: Settings
) -> Escalation:
    """Leadership's decision that a Sev 2 stays in monitoring, noted in its thread."""
    require_leadership(settings, actor, "decide on a Sev 2")
    escalation = load(session, escalation_id)
    if escalation.severity is not Severity.SEV2:
        raise NotAllowed(f"{escalation.key} is not a Sev 2.")
    record(
        session,
        escalation,
        EventKind.KEPT_IN_SEV2,
        actor,
        "Leadership decided: remain in Sev 2 monitoring",
        now,
    )
    effects.thread_note(session, escalation, notices.remained_note(escalation, actor), now)
    return escalation


def request_promotion(
    session: Session, escalation_id: int, *, requester: str, now: datetime, settings: Settings
) -> Escalation:
    """The DRI asks leadership, in the thread, to escalate a Sev 2 to Sev 1."""
    escalation = load(session, escalation_id)
    if escalation.severity is not Severity.SEV2:
        raise NotAllowed(f"{escalation.key} is already Sev 1.")
    record(
        session,
        escalation,
        EventKind.PROMOTION_REQUESTED,
        requester,
        "DRI asked leadership to escalate to Sev 1",
        now,
    )
    effects.thread_note(
        session,
        escalation,
        notices.promotion_requested_text(escalation),
        now,
        promotion_request_blocks(escalation, requester, leadership_people(settings)),
    )
    return escalation
