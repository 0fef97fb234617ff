"""Who may change an escalation's course, and the changes themselves: resolve, reopen,
reassign the DRI, downgrade. Each is a compare-and-set on `version`, so two people acting at
the same moment cannot both win or half-apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.delivery import ledger
from bot.domain import EventKind, Role, Severity, State, checklist_for
from bot.escalations import service
from bot.escalations.form import is_web_url
from bot.escalations.service import NotAllowed, record
from bot.models import ChecklistEntry, Escalation, EscalationPerson, UrgentFlag
from bot.settings import Settings

PUBLISH_CLOSURE = "publish_closure"
RETRO_REMINDER = "retro_reminder"
REOPEN_WINDOW = timedelta(days=30)
RETRO_AFTER_BUSINESS_DAYS = 3


class Conflict(Exception):
    """Someone else changed the escalation first; the message says what happened."""


def can_resolve(escalation: Escalation, user: str, settings: Settings) -> bool:
    return settings.is_leadership(user) or user in resolvers(escalation)


def resolvers(escalation: Escalation) -> list[str]:
    return [
        u
        for u in (
            escalation.person(Role.DRI),
            escalation.person(Role.MANAGER),
            escalation.person(Role.DIRECTOR),
        )
        if u
    ]


def can_reassign(escalation: Escalation, user: str, settings: Settings) -> bool:
    return settings.is_leadership(user) or user == escalation.person(Role.DIRECTOR)


@dataclass
class ClosureForm:
    resolution: str
    signoff: bool | None
    signoff_on: date | None
    no_signoff_reason: str | None
    retro_link: str | None
    improvements: str | None
    financials_reconciled: bool
    artifacts_updated: bool


def validate_closure(severity: Severity, form: ClosureForm, today: date) -> dict[str, str]:
    errors = {}
    if not form.resolution:
        errors["resolution"] = "Describe the final resolution."
    if severity is Severity.SEV1 and form.signoff is None:
        errors["signoff"] = "Sev 1 needs the customer's sign-off, or the reason there is none."
    if form.signoff and form.signoff_on is None:
        errors["signoff_on"] = "When did the customer sign off?"
    elif form.signoff and form.signoff_on and form.signoff_on > today:
        errors["signoff_on"] = "The sign-off date can't be in the future."
    if form.signoff is False and not form.no_signoff_reason:
        errors["no_signoff_reason"] = "Say why there is no customer sign-off."
    if form.retro_link and not is_web_url(form.retro_link):
        errors["retro_link"] = "Enter a web address starting with https:// (or http://)."
    return errors


def _compare_and_set(
    session: Session, escalation_id: int, seen_version: int, *conditions, **values
) -> None:  # type: ignore[no-untyped-def]
    result = session.execute(
        update(Escalation)
        .where(Escalation.id == escalation_id, Escalation.version == seen_version, *conditions)
        .values(version=Escalation.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        current = session.get(Escalation, escalation_id, populate_existing=True)
        if current.state is State.RESOLVED:
            raise Conflict(
                f"{current.key} was just resolved by <@{current.resolved_by}>; "
                "nothing you entered was applied."
            )
        raise Conflict(
            f"{current.key} was changed by someone else a moment ago; nothing you "
            "entered was applied. Close this and try again."
        )
    session.expire_all()


def add_business_days(start: datetime, days: int, tz: ZoneInfo) -> datetime:
    local = start.astimezone(tz)
    while days:
        local += timedelta(days=1)
        if local.weekday() < 5:
            days -= 1
    return local.astimezone(start.tzinfo)


def resolve(
    session: Session,
    escalation_id: int,
    seen_version: int,
    form: ClosureForm,
    *,
    actor: str,
    now: datetime,
    tz: ZoneInfo,
) -> Escalation:
    """Close it: every timer stops, and the closure is queued for Slack."""
    _compare_and_set(
        session,
        escalation_id,
        seen_version,
        Escalation.state != State.RESOLVED,
        state=State.RESOLVED,
        resolved_at=now,
        resolved_by=actor,
        resolution=form.resolution,
        customer_signoff=form.signoff,
        signoff_on=form.signoff_on,
        no_signoff_reason=form.no_signoff_reason,
        retro_link=form.retro_link,
        process_improvements=form.improvements,
        financials_reconciled=form.financials_reconciled,
        artifacts_updated=form.artifacts_updated,
        closure_ts=None,
    )
    escalation = service.get(session, escalation_id)
    ledger.cancel_for(session, escalation_id)
    for flag in session.query(UrgentFlag).filter_by(escalation_id=escalation_id, closed_at=None):
        flag.closed_at, flag.closed_by = now, actor
    signoff = (
        f"customer signed off {form.signoff_on:%Y-%m-%d}"
        if form.signoff
        else f"no customer sign-off: {form.no_signoff_reason}"
        if form.signoff is False
        else "no sign-off recorded"
    )
    record(
        session,
        escalation,
        EventKind.RESOLVED,
        actor,
        f"Resolved ({signoff}): {form.resolution[:300]}",
        now,
    )
    ledger.schedule(
        session,
        subject=escalation.key,
        kind=PUBLISH_CLOSURE,
        slot=f"resolved:{now.isoformat()}",
        due_at=now,
        escalation_id=escalation_id,
    )
    if not form.retro_link:
        ledger.schedule(
            session,
            subject=escalation.key,
            kind=RETRO_REMINDER,
            slot=f"resolved:{now.isoformat()}",
            due_at=add_business_days(now, RETRO_AFTER_BUSINESS_DAYS, tz),
            escalation_id=escalation_id,
        )
    return escalation


def reopen(
    session: Session, escalation_id: int, seen_version: int, *, actor: str, now: datetime
) -> Escalation:
    escalation = service.get(session, escalation_id)
    if escalation.state is not State.RESOLVED:
        raise NotAllowed(f"{escalation.key} is not resolved.")
    if now - escalation.resolved_at > REOPEN_WINDOW:
        raise NotAllowed(
            f"{escalation.key} was resolved more than 30 days ago; open a new "
            "escalation and link this one."
        )
    _compare_and_set(
        session,
        escalation_id,
        seen_version,
        Escalation.state == State.RESOLVED,
        state=State.ACTIVE,
        resolved_at=None,
        cadence_start=now,
    )
    escalation = service.get(session, escalation_id)
    record(session, escalation, EventKind.REOPENED, actor, "Reopened; cadence restarted", now)
    ledger.cancel_for(session, escalation_id, {RETRO_REMINDER})
    service.queue_publication(session, escalation, "reopened", now)
    return escalation


def reassign_dri(
    session: Session,
    escalation_id: int,
    seen_version: int,
    new_dri: str,
    *,
    actor: str,
    now: datetime,
) -> tuple[Escalation, str | None]:
    """Hand the escalation to a new DRI; returns it and the previous DRI."""
    escalation = service.get(session, escalation_id)
    old = escalation.person(Role.DRI)
    if new_dri == old:
        raise NotAllowed(f"<@{new_dri}> is already the DRI.")
    _compare_and_set(session, escalation_id, seen_version, Escalation.state != State.RESOLVED)
    escalation = service.get(session, escalation_id)
    for person in list(escalation.people):
        if person.role is Role.DRI:
            escalation.people.remove(person)
    session.flush()
    escalation.people.append(EscalationPerson(role=Role.DRI, user_id=new_dri))
    session.flush()
    record(
        session,
        escalation,
        EventKind.DRI_REASSIGNED,
        actor,
        f"DRI changed from {old} to {new_dri}",
        now,
    )
    return escalation, old


def downgrade_to_sev2(
    session: Session,
    escalation_id: int,
    seen_version: int,
    *,
    actor: str,
    now: datetime,
    reason: str,
) -> Escalation:
    escalation = service.get(session, escalation_id)
    if escalation.severity is not Severity.SEV1:
        raise NotAllowed(f"{escalation.key} is not a Sev 1.")
    _compare_and_set(
        session,
        escalation_id,
        seen_version,
        Escalation.state != State.RESOLVED,
        severity=Severity.SEV2,
        level=None,
        cadence_start=now,
    )
    escalation = service.get(session, escalation_id)
    present = {entry.code for entry in escalation.checklist}
    escalation.checklist += [
        ChecklistEntry(code=item.code)
        for item in checklist_for(Severity.SEV2)
        if item.code not in present
    ]
    session.flush()
    record(session, escalation, EventKind.DOWNGRADED, actor, f"Downgraded to Sev 2: {reason}", now)
    ledger.cancel_for(session, escalation_id)
    service.queue_publication(session, escalation, "downgraded", now)
    return escalation
