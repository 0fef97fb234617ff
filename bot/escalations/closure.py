"""Who may change an escalation's course, and the changes themselves: resolve, reopen,
reassign the DRI, downgrade. Each is a compare-and-set on `version`, so two people acting at
the same moment cannot both win or half-apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, CursorResult, update
from sqlalchemy.orm import Session

from blocks import notices
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.domain import EventKind, Role, Severity, State, checklist_for
from bot.escalations import effects, service
from bot.escalations.form import is_web_url
from bot.escalations.permissions import NotAllowed, refusal, require_leadership, who_can
from bot.escalations.service import record
from bot.models import ChecklistEntry, Escalation, EscalationPerson, UrgentFlag
from bot.settings import Settings

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


def require_resolver(escalation: Escalation, user: str, settings: Settings) -> None:
    """Raises `NotAllowed`, naming who can, unless `user` may resolve (or reopen) it."""
    if not can_resolve(escalation, user, settings):
        raise NotAllowed(
            f"Only the DRI, the direct manager, the Director PS or PS leadership can resolve "
            f"or reopen {escalation.key}: {who_can(resolvers(escalation))}."
        )


def require_reassigner(escalation: Escalation, user: str, settings: Settings) -> None:
    if not can_reassign(escalation, user, settings):
        raise NotAllowed(
            refusal(
                settings,
                f"reassign the DRI of {escalation.key}",
                who="PS leadership or its Director PS",
            )
        )


def resolvable(session: Session, escalation_id: int, user: str, settings: Settings) -> Escalation:
    """The open escalation `user` may resolve; `NotAllowed` says why not."""
    escalation = service.load(session, escalation_id)
    require_resolver(escalation, user, settings)
    if not escalation.state.is_open:
        raise NotAllowed(f"{escalation.key} is already resolved.")
    return escalation


def reassignable(session: Session, escalation_id: int, user: str, settings: Settings) -> Escalation:
    escalation = service.load(session, escalation_id)
    require_reassigner(escalation, user, settings)
    return escalation


def downgradable(session: Session, escalation_id: int, user: str, settings: Settings) -> Escalation:
    require_leadership(settings, user, "downgrade a Sev 1")
    return service.load(session, escalation_id)


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
    session: Session,
    escalation_id: int,
    seen_version: int,
    *conditions: ColumnElement[bool],
    **values: Any,
) -> None:
    result = session.execute(
        update(Escalation)
        .where(Escalation.id == escalation_id, Escalation.version == seen_version, *conditions)
        .values(version=Escalation.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    # An ORM UPDATE answers with the driver's cursor result, which counts the rows it matched.
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        current = session.get(Escalation, escalation_id, populate_existing=True)
        if current is None:
            raise service.EscalationNotFound(f"ESC-{escalation_id} does not exist")
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
    escalation = service.load(session, escalation_id)
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
        kind=DeliveryKind.PUBLISH_CLOSURE,
        slot=f"resolved:{now.isoformat()}",
        due_at=now,
        escalation_id=escalation_id,
    )
    if not form.retro_link:
        ledger.schedule(
            session,
            subject=escalation.key,
            kind=DeliveryKind.RETRO_REMINDER,
            slot=f"resolved:{now.isoformat()}",
            due_at=add_business_days(now, RETRO_AFTER_BUSINESS_DAYS, tz),
            escalation_id=escalation_id,
        )
    return escalation


def close(
    session: Session,
    escalation_id: int,
    seen_version: int,
    form: ClosureForm,
    *,
    actor: str,
    now: datetime,
    today: date,
    settings: Settings,
) -> dict[str, str]:
    """A person's closure form: checked, then applied. Returns what is wrong with the form
    by field (nothing applied), or nothing once it is resolved."""
    escalation = service.load(session, escalation_id)
    require_resolver(escalation, actor, settings)
    errors = validate_closure(escalation.severity, form, today)
    if not errors:
        resolve(
            session, escalation_id, seen_version, form, actor=actor, now=now, tz=settings.timezone
        )
    return errors


def reopen(
    session: Session, escalation_id: int, *, actor: str, now: datetime, settings: Settings
) -> Escalation:
    """Reopen within 30 days of the resolution: prompts resume and the thread is pinned."""
    escalation = service.load(session, escalation_id)
    require_resolver(escalation, actor, settings)
    seen_version = escalation.version
    if escalation.state is not State.RESOLVED:
        raise NotAllowed(f"{escalation.key} is not resolved.")
    assert escalation.resolved_at is not None  # resolve() stamps it with the state
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
    escalation = service.load(session, escalation_id)
    record(session, escalation, EventKind.REOPENED, actor, "Reopened; cadence restarted", now)
    ledger.cancel_for(session, escalation_id, {DeliveryKind.RETRO_REMINDER})
    service.queue_publication(session, escalation, "reopened", now)
    effects.thread_note(session, escalation, notices.reopened_note(escalation, actor), now)
    return escalation


def reassign_dri(
    session: Session,
    escalation_id: int,
    seen_version: int,
    new_dri: str,
    *,
    actor: str,
    now: datetime,
    settings: Settings,
) -> tuple[Escalation, str | None]:
    """Hand the escalation to a new DRI; returns it and the previous DRI. Both DRIs are told
    by DM, the thread by a note, and the pinned message shows the new DRI."""
    escalation = service.load(session, escalation_id)
    require_reassigner(escalation, actor, settings)
    old = escalation.person(Role.DRI)
    if new_dri == old:
        raise NotAllowed(f"<@{new_dri}> is already the DRI.")
    _compare_and_set(session, escalation_id, seen_version, Escalation.state != State.RESOLVED)
    escalation = service.load(session, escalation_id)
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
    effects.thread_note(
        session, escalation, notices.reassigned_note(escalation, actor, new_dri, old), now
    )
    effects.direct_message(
        session, new_dri, notices.new_dri_dm(escalation), now, escalation=escalation
    )
    if old:
        effects.direct_message(
            session, old, notices.old_dri_dm(escalation, new_dri), now, escalation=escalation
        )
    effects.refresh(session, escalation, DeliveryKind.REFRESH_ROOT, now)
    return escalation, old


def downgrade_to_sev2(
    session: Session,
    escalation_id: int,
    seen_version: int,
    *,
    actor: str,
    now: datetime,
    reason: str,
    settings: Settings,
) -> Escalation:
    """Sev 1 -> Sev 2 by leadership, with the reason; the Sev 2 cadence starts now."""
    require_leadership(settings, actor, "downgrade a Sev 1")
    escalation = service.load(session, escalation_id)
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
    escalation = service.load(session, escalation_id)
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
    effects.thread_note(
        session, escalation, notices.downgraded_note(escalation, actor, reason), now
    )
    return escalation


def link_retro(
    session: Session, escalation_id: int, url: str, *, actor: str, now: datetime
) -> Escalation:
    """The lessons-learned retro's link, recorded and shared in the thread."""
    if not is_web_url(url):
        raise NotAllowed("Enter a web address starting with https:// (or http://).")
    escalation = service.load(session, escalation_id)
    escalation.retro_link = url
    record(session, escalation, EventKind.RETRO_LINKED, actor, f"Retro: {url}", now)
    effects.thread_note(session, escalation, notices.retro_note(url), now)
    return escalation
