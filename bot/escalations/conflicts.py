"""Use cases for people conflicts with sales or CS: record privately, walk the path, resolve.

A conflict is not an escalation: it has no thread and no channel. Everything the bot says
about it is a DM to the people involved, their managers, the conflict executive or PS
leadership, queued in the same transaction as the change that calls for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks import conflicts as views
from blocks.modal_state import ModalState
from bot.domain import ConflictTeam
from bot.escalations import effects
from bot.escalations.permissions import NotAllowed, leadership_people, who_can
from bot.models import PeopleConflict
from bot.policy.conflicts import ConflictStep, step_due_at
from bot.settings import Settings

SUMMARY_LIMIT = 3000
CUSTOMER_LIMIT = 200


@dataclass
class ConflictForm:
    team: ConflictTeam
    person: str
    person_manager: str
    raiser_manager: str
    summary: str
    customer: str | None = None


def parse_conflict_form(
    values: ModalState | Mapping[str, Any], *, raiser: str
) -> tuple[ConflictForm | None, dict[str, str]]:
    """The conflict modal's answers, or errors by field."""
    state = ModalState.wrap(values)
    errors: dict[str, str] = {}
    team_value = state.option("team")
    team = ConflictTeam(team_value) if team_value in {t.value for t in ConflictTeam} else None
    if team is None:
        errors["team"] = "Choose the team."
    person = state.user("person") or ""
    person_manager = state.user("person_manager") or ""
    raiser_manager = state.user("raiser_manager") or ""
    if not person:
        errors["person"] = "Choose who the issue is with."
    elif person == raiser:
        errors["person"] = "Choose the other person: you are already involved."
    if not person_manager:
        errors["person_manager"] = "Choose their manager."
    elif person_manager == person:
        errors["person_manager"] = "Choose their manager, not the person themselves."
    if not raiser_manager:
        errors["raiser_manager"] = "Choose your manager."
    elif raiser_manager == raiser:
        errors["raiser_manager"] = "Choose your manager, not yourself."
    summary = state.text("summary") or ""
    if not summary:
        errors["summary"] = "Say what happened."
    elif len(summary) > SUMMARY_LIMIT:
        errors["summary"] = f"At most {SUMMARY_LIMIT} characters, please ({len(summary)} now)."
    customer = state.text("customer")
    if customer and len(customer) > CUSTOMER_LIMIT:
        errors["customer"] = f"At most {CUSTOMER_LIMIT} characters, please."
    if errors or team is None:
        return None, errors
    return ConflictForm(team, person, person_manager, raiser_manager, summary, customer), {}


def record_conflict(
    session: Session, form: ConflictForm, *, raiser: str, now: datetime, settings: Settings
) -> PeopleConflict:
    """Record it privately: the raiser gets the card (resolve directly first); with a sales
    team member and a customer named, the raiser's manager hears of the customer now."""
    managers_due = step_due_at(now, settings.conflict_manager_days, settings.timezone)
    conflict = PeopleConflict(
        raised_by=raiser,
        raised_at=now,
        raiser_manager=form.raiser_manager,
        team=form.team,
        person=form.person,
        person_manager=form.person_manager,
        customer=form.customer,
        summary=form.summary,
        managers_due_at=managers_due,
        executive_due_at=step_due_at(
            managers_due, settings.conflict_executive_days, settings.timezone
        ),
    )
    session.add(conflict)
    session.flush()
    _tell(session, [raiser], conflict, views.recorded_lead(conflict), now, "recorded")
    if form.team is ConflictTeam.SALES and form.customer:
        # Seed 002: with a sales team member, "mention the escalated customer to your manager".
        lead = views.sales_manager_fyi_lead(conflict)
        _tell(session, [form.raiser_manager], conflict, lead, now, "sales_fyi")
    return conflict


def _tell(
    session: Session,
    people: list[str],
    conflict: PeopleConflict,
    lead: str,
    now: datetime,
    slot: str,
) -> None:
    for user in dict.fromkeys(people):
        effects.direct_message(
            session,
            user,
            f"{conflict.key}: {conflict.team.label} people conflict",
            now,
            blocks=views.conflict_blocks(conflict, lead),
            slot=f"{conflict.key}:{slot}",
        )


def open_conflicts(session: Session) -> list[PeopleConflict]:
    return list(
        session.scalars(
            select(PeopleConflict)
            .where(PeopleConflict.resolved_at.is_(None))
            .order_by(PeopleConflict.id)
        )
    )


def take_step(
    session: Session,
    conflict: PeopleConflict,
    step: ConflictStep,
    *,
    now: datetime,
    settings: Settings,
) -> bool:
    """Each person's manager, or the conflict executive (PS leadership when none is
    configured), gets the card; everyone told so far hears who was brought in. False when
    the step is no longer due (resolved, or taken already)."""
    if conflict.resolved_at is not None:
        return False
    if step is ConflictStep.MANAGERS:
        if conflict.managers_told_at is not None:
            return False
        conflict.managers_told_at = now
        # The next level gets its own full period from the day the managers heard.
        conflict.executive_due_at = max(
            conflict.executive_due_at,
            step_due_at(now, settings.conflict_executive_days, settings.timezone),
        )
        lead = views.managers_lead(conflict, settings.conflict_manager_days)
        _tell(session, conflict.managers, conflict, lead, now, "managers")
        note = views.managers_told_note(conflict)
        for user in conflict.people_involved:
            effects.direct_message(session, user, note, now, slot=f"{conflict.key}:managers_note")
        return True
    if conflict.managers_told_at is None or conflict.executive_told_at is not None:
        return False
    conflict.executive_told_at = now
    executive = settings.conflict_executive_user_id
    told = [executive] if executive else leadership_people(settings)
    lead = views.executive_lead(conflict) if executive else views.no_executive_lead(conflict)
    _tell(session, told, conflict, lead, now, "executive")
    note = views.executive_told_note(conflict, told)
    for user in dict.fromkeys(conflict.people_involved + conflict.managers):
        effects.direct_message(session, user, note, now, slot=f"{conflict.key}:executive_note")
    return True


def may_see(conflict: PeopleConflict, user: str, settings: Settings) -> bool:
    """The people involved, their managers, the conflict executive and PS leadership."""
    return (
        user in conflict.people_involved
        or user in conflict.managers
        or user == settings.conflict_executive_user_id
        or settings.is_leadership(user)
    )


def load_for(session: Session, conflict_id: int, user: str, settings: Settings) -> PeopleConflict:
    """The conflict, if `user` may see it; refuses otherwise without saying what it is."""
    conflict = session.get(PeopleConflict, conflict_id)
    if conflict is None or not may_see(conflict, user, settings):
        raise NotAllowed(
            "That conflict is private to the people involved, their managers and leadership."
        )
    return conflict


def resolve_conflict(
    session: Session,
    conflict_id: int,
    *,
    note: str,
    actor: str,
    now: datetime,
    settings: Settings,
) -> PeopleConflict:
    """Closes it with a note; everyone who was told of it hears how it ended, and no later
    step is taken."""
    conflict = load_for(session, conflict_id, actor, settings)
    if conflict.resolved_at is not None:
        raise NotAllowed(
            f"{conflict.key} was already resolved by {who_can([conflict.resolved_by or ''])}."
        )
    note = note.strip()
    if not note:
        raise NotAllowed("Say how it was resolved.")
    conflict.resolved_at, conflict.resolved_by = now, actor
    conflict.resolution = note[:SUMMARY_LIMIT]
    told = list(conflict.people_involved) if conflict.managers_told_at else [conflict.raised_by]
    if conflict.managers_told_at or (conflict.team is ConflictTeam.SALES and conflict.customer):
        told += [conflict.raiser_manager]
    if conflict.managers_told_at:
        told += conflict.managers
    if conflict.executive_told_at:
        executive = settings.conflict_executive_user_id
        told += [executive] if executive else leadership_people(settings)
    text = views.resolved_note(conflict)
    for user in dict.fromkeys(told):
        effects.direct_message(session, user, text, now, slot=f"{conflict.key}:resolved")
    return conflict
