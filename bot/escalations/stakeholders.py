"""Use cases of the stakeholder loop: who is DMed at open, who follows updates, the
midday check-in's invitees, and a Critical's immediate sync (asked for, recorded)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks import stakeholders as views
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.domain import LOOPED_IN_ROLES, EventKind, Level, Role
from bot.escalations import effects, service
from bot.escalations.permissions import NotAllowed
from bot.models import Escalation, EscalationPerson, SlackUser, Update
from bot.policy.checkins import outside_quiet_hours
from bot.settings import Settings

LOOPED_IN = "stakeholders_looped"
DAILY_CHECK_INS = "daily_checkins"
REVIEW_OR_SYNC = "portfolio_review"


def looped_in_people(escalation: Escalation) -> dict[str, list[Role]]:
    """Each AE, CSM, manager and Director PS once, with every role they hold, in role order."""
    found: dict[str, list[Role]] = {}
    for role in LOOPED_IN_ROLES:
        for person in escalation.people:
            if person.role is role:
                found.setdefault(person.user_id, []).append(role)
    return found


def unwelcomed(escalation: Escalation) -> list[str]:
    """Stakeholders whose welcome DM Slack has not accepted yet."""
    return [
        user
        for user in looped_in_people(escalation)
        if any(
            p.welcomed_at is None
            for p in escalation.people
            if p.user_id == user and p.role in LOOPED_IN_ROLES
        )
    ]


def everyone_looped_in(escalation: Escalation) -> bool:
    """True only when all four roles are filled and each holder's DM was delivered."""
    rows = [p for p in escalation.people if p.role in LOOPED_IN_ROLES]
    filled = {p.role for p in rows}
    return filled == set(LOOPED_IN_ROLES) and all(p.welcomed_at is not None for p in rows)


def mark_welcomed(session: Session, escalation: Escalation, user: str, now: datetime) -> bool:
    """Slack accepted `user`'s welcome DM; returns True when that ticked "looped in"."""
    for person in escalation.people:
        if person.user_id == user and person.role in LOOPED_IN_ROLES and person.welcomed_at is None:
            person.welcomed_at = now
    session.flush()
    return tick_if_looped_in(session, escalation, now)


def tick_if_looped_in(session: Session, escalation: Escalation, now: datetime) -> bool:
    if not everyone_looped_in(escalation):
        return False
    if not any(entry.code == LOOPED_IN and not entry.done for entry in escalation.checklist):
        return False
    service.record(
        session,
        escalation,
        EventKind.STAKEHOLDERS_DMED,
        service.BOT,
        "AE, CSM, manager and Director PS each got their DM",
        now,
    )
    return service.tick(session, escalation, LOOPED_IN, actor=service.BOT, now=now)


def followers(escalation: Escalation, *, besides: set[str]) -> list[str]:
    """Who gets each update by DM: the looped-in stakeholders and watchers not muted."""
    roles = (*LOOPED_IN_ROLES, Role.WATCHER)
    muted = {p.user_id for p in escalation.people if p.muted_at is not None}
    found: list[str] = []
    for person in escalation.people:
        user = person.user_id
        if person.role in roles and user not in muted | besides and user not in found:
            found.append(user)
    return found


def notify_followers(
    session: Session, escalation: Escalation, update: Update, now: datetime, settings: Settings
) -> int:
    """Queue the update's DM to each follower (not its author, not the DRI); returns how many.

    Outside a Critical, a follower in their quiet hours (their Slack zone as cached, else the
    configured one) gets it when those end."""
    besides = {update.author, escalation.person(Role.DRI) or ""}
    people = followers(escalation, besides=besides)
    text = views.follower_update_text(escalation, update)
    blocks = views.follower_update_blocks(escalation, update)
    zones = cached_zones(session, people, settings.timezone)
    critical = escalation.level is Level.CRITICAL
    for user in people:
        due_at = (
            now
            if critical
            else outside_quiet_hours(
                now, zones[user], settings.quiet_hours_start, settings.quiet_hours_end
            )
        )
        effects.direct_message(
            session,
            user,
            text,
            now,
            escalation=escalation,
            blocks=blocks,
            slot=f"update:{update.id}",
            due_at=due_at,
        )
    return len(people)


def cached_zones(session: Session, users: list[str], default: ZoneInfo) -> dict[str, ZoneInfo]:
    """Each person's zone from the cached Slack profile (no Slack call in a use case)."""
    zones = dict.fromkeys(users, default)
    if not users:
        return zones
    for profile in session.scalars(select(SlackUser).where(SlackUser.user_id.in_(users))):
        # An unknown zone name: the configured zone stands in.
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            if profile.tz:
                zones[profile.user_id] = ZoneInfo(profile.tz)
    return zones


def set_following(
    session: Session, escalation_id: int, user: str, *, following: bool, now: datetime
) -> Escalation:
    """Follow (each update by DM) or mute; anyone may follow, as a watcher if no role."""
    escalation = service.load(session, escalation_id)
    rows = [p for p in escalation.people if p.user_id == user]
    if following:
        for person in rows:
            person.muted_at = None
        if not any(p.role in (*LOOPED_IN_ROLES, Role.WATCHER) for p in rows):
            escalation.people.append(EscalationPerson(role=Role.WATCHER, user_id=user))
    else:
        for person in rows:
            person.muted_at = person.muted_at or now
    session.flush()
    service.record(
        session,
        escalation,
        EventKind.FOLLOWED if following else EventKind.MUTED,
        user,
        "Follows updates by DM" if following else "Muted update DMs",
        now,
    )
    return escalation


def check_in_invitees(escalation: Escalation) -> list[str]:
    """The stakeholders invited to the DRI's midday check-in (the DRI runs it)."""
    dri = escalation.person(Role.DRI)
    return [user for user in looped_in_people(escalation) if user != dri]


def queue_check_in_digests(
    session: Session, escalations: Sequence[Escalation], now: datetime, settings: Settings
) -> int:
    """These escalations' check-ins are to be announced: each invitee's digest of the day
    (one DM per person per local day listing all their check-ins; `bot/cadence/checkins.py`
    sends it) is queued once. Outside a Critical, a person in their quiet hours gets it when
    those end. Returns how many digests were newly queued or brought forward."""
    invitees = {escalation.id: check_in_invitees(escalation) for escalation in escalations}
    zones = cached_zones(
        session, sorted({user for users in invitees.values() for user in users}), settings.timezone
    )
    # (person, their local day) -> when their digest is due, and which check-ins it is for.
    digests: dict[tuple[str, str], tuple[datetime, list[int]]] = {}
    for escalation in escalations:
        critical = escalation.level is Level.CRITICAL
        for user in invitees[escalation.id]:
            due_at = (
                now
                if critical
                else outside_quiet_hours(
                    now, zones[user], settings.quiet_hours_start, settings.quiet_hours_end
                )
            )
            key = (user, due_at.astimezone(zones[user]).date().isoformat())
            earliest, listed = digests.get(key, (due_at, []))
            digests[key] = (min(earliest, due_at), [*listed, escalation.id])
    queued = 0
    for (user, day), (due_at, escalation_ids) in digests.items():
        kind = DeliveryKind.CHECK_IN_DIGEST
        if ledger.schedule(session, subject=user, kind=kind, slot=day, due_at=due_at):
            queued += 1
            continue
        waiting = ledger.bring_forward(session, subject=user, kind=kind, slot=day, due_at=due_at)
        if waiting is not None:
            queued += waiting
            continue
        # The day's digest has gone out (or is going out, or was tried and keeps what it
        # lists): a check-in announced later gets a digest of its own; one already listed
        # there is not listed again.
        for escalation_id in escalation_ids:
            queued += ledger.schedule(
                session, subject=user, kind=kind, slot=f"{day}:{escalation_id}", due_at=due_at
            )
    return queued


# -- a Critical's immediate sync ---------------------------------------------------------------


def may_record_sync(escalation: Escalation, settings: Settings, user: str) -> bool:
    involved = {escalation.person(Role.DRI), escalation.person(Role.MANAGER)}
    return user in service.sync_people(escalation, settings) or user in involved


def record_sync_held(
    session: Session, escalation_id: int, *, actor: str, now: datetime, settings: Settings
) -> Escalation:
    """ "Sync held": who and when, noted in the thread; the checklist's review item is ticked
    (Critical: the immediate sync is its review). Recorded once; a second press changes
    nothing."""
    escalation = service.load(session, escalation_id)
    if escalation.sync_due_at is None:
        raise NotAllowed(f"{escalation.key} has no immediate sync to record.")
    if not may_record_sync(escalation, settings, actor):
        raise NotAllowed(
            "Only the Director PS, PS leadership, the DRI or the direct manager can record "
            f"the sync on {escalation.key}."
        )
    if escalation.sync_held_at is not None:
        return escalation
    escalation.sync_held_at, escalation.sync_held_by = now, actor
    service.record(session, escalation, EventKind.SYNC_HELD, actor, "Immediate sync held", now)
    service.tick(session, escalation, REVIEW_OR_SYNC, actor=actor, now=now)
    effects.thread_note(session, escalation, views.sync_held_note(escalation, actor, now), now)
    effects.refresh(session, escalation, DeliveryKind.REFRESH_ROOT, now)
    effects.refresh(session, escalation, DeliveryKind.REFRESH_CHECKLIST, now)
    return escalation
