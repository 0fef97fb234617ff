"""Watched projects: escalating one to Sev 1 or Sev 2 on the same record, or closing it.

Opening a watch is `service.open_escalation` with `Severity.WATCH` (no checklist, no
triggers); its publication (`publish.publish_watch`) posts a card instead of a leadership
thread, and the cadence gives it no prompts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from blocks import watch as watch_views
from blocks.modal_state import ModalState
from bot.domain import (
    STAKEHOLDER_ROLES,
    EventKind,
    Health,
    Level,
    LinkKind,
    OpenField,
    Role,
    Severity,
    State,
    checklist_for,
    triggers_for,
)
from bot.escalations import effects, service
from bot.escalations.form import TEXT_LIMITS
from bot.escalations.permissions import NotAllowed, who_can
from bot.models import ChecklistEntry, Escalation, EscalationTrigger
from bot.policy.escalation import PHASE1_WINDOW
from bot.settings import Settings


@dataclass
class EscalateWatchForm:
    severity: Severity
    level: Level | None
    triggers: list[str] = field(default_factory=list)
    path_to_green: str | None = None


def parse_escalate_form(
    values: ModalState | Mapping[str, Any],
) -> tuple[EscalateWatchForm | None, dict[str, str]]:
    """The escalate-a-watch modal's answers, or errors by field."""
    state = ModalState.wrap(values)
    errors: dict[str, str] = {}
    chosen = state.option("severity")
    severity = Severity(chosen) if chosen in (Severity.SEV1.value, Severity.SEV2.value) else None
    if severity is None:
        errors["severity"] = "Choose Sev 1 or Sev 2."
    level_value = state.option("level")
    level = Level(level_value) if level_value in {lvl.value for lvl in Level} else None
    if severity is Severity.SEV1 and level is None:
        errors["level"] = "A Sev 1 needs a level: Critical, High or Medium."
    triggers = state.options("triggers")
    if not triggers:
        errors["triggers"] = "Choose at least one trigger: it is why this is escalated."
    elif severity is not None:
        allowed = {t.code for t in triggers_for(severity)}
        if wrong := [code for code in triggers if code not in allowed]:
            errors["triggers"] = f"Not a {severity.short} trigger: {', '.join(wrong)}."
    path = state.text("path_to_green")
    if path and len(path) > TEXT_LIMITS[OpenField.PATH_TO_GREEN]:
        errors["path_to_green"] = f"At most {TEXT_LIMITS[OpenField.PATH_TO_GREEN]} characters."
    elif severity is Severity.SEV2 and not path:
        errors["path_to_green"] = "Sev 2 needs a path to green (mitigations, timeline)."
    if errors or severity is None:
        return None, errors
    return EscalateWatchForm(
        severity, level if severity is Severity.SEV1 else None, triggers, path
    ), {}


def may_escalate(escalation: Escalation, user: str, settings: Settings) -> bool:
    """The people on the record, its opener, and PS leadership."""
    on_record = {p.user_id for p in escalation.people} | {escalation.opened_by}
    return user in on_record or settings.is_leadership(user)


def escalatable(session: Session, escalation_id: int, user: str, settings: Settings) -> Escalation:
    """The open watch `user` may escalate; refuses otherwise, saying why."""
    escalation = service.load(session, escalation_id)
    if escalation.severity is not Severity.WATCH:
        raise NotAllowed(f"{escalation.key} is already a {escalation.severity.short} escalation.")
    if not escalation.state.is_open:
        raise NotAllowed(f"{escalation.key} is closed; reopen it first.")
    if not may_escalate(escalation, user, settings):
        people = [escalation.person(role) for role in STAKEHOLDER_ROLES]
        raise NotAllowed(
            f"Only the people on {escalation.key} or PS leadership can escalate it: "
            + who_can([p for p in dict.fromkeys(people) if p])
            + "."
        )
    return escalation


def _automatic_items(escalation: Escalation, severity: Severity, level: Level | None) -> set[str]:
    """What the record already satisfies, as at opening (`service.items_done_at_open`)."""
    done = {"dri_identified", "portfolio_review"}
    if severity is Severity.SEV1:
        done.add("daily_checkins")
        if level is not None:
            done.add("severity_assigned")
    if all(escalation.person(r) for r in (Role.AE, Role.CSM, Role.MANAGER, Role.DIRECTOR)):
        done.add("stakeholders_looped")
    if escalation.link(LinkKind.DOCUMENT):
        done.add("tracking_document")
    if escalation.link(LinkKind.TRACKER):
        done.add("tracking_issue")
    return done


def escalate_watch(
    session: Session,
    escalation_id: int,
    form: EscalateWatchForm,
    *,
    actor: str,
    now: datetime,
    settings: Settings,
) -> Escalation:
    """A watched project becomes a Sev 1 or Sev 2 on the same record: its waits, flags and
    timeline stay; it is posted (Sev 1: pinned) in the leadership channel with its
    checklist, and the cadence of its new severity starts now."""
    escalation = escalatable(session, escalation_id, actor, settings)
    escalation.severity, escalation.level = form.severity, form.level
    if form.severity is Severity.SEV2:
        escalation.health = (
            Health.RED
        )  # a Sev 2 starts Red: that is what puts it on the portfolio call
    if form.path_to_green:
        escalation.path_to_green = form.path_to_green
    escalation.cadence_start, escalation.phase1_due_at = now, now + PHASE1_WINDOW
    present = {t.code for t in escalation.triggers}
    escalation.triggers += [
        EscalationTrigger(code=code) for code in dict.fromkeys(form.triggers) if code not in present
    ]
    done = _automatic_items(escalation, form.severity, form.level)
    escalation.checklist += [
        ChecklistEntry(
            code=item.code,
            done_at=now if item.code in done else None,
            done_by=service.BOT if item.code in done else None,
        )
        for item in checklist_for(form.severity)
    ]
    # The leadership thread replaces the card as the record's thread: its link, the DRI's
    # welcome to the new cadence and the opener's receipt are new.
    escalation.root_permalink = None
    escalation.dri_dm_ts = None
    escalation.opener_told_at = None
    escalation.opener_response_url = None
    session.flush()
    level = f" {form.level.label}" if form.level else ""
    service.record(
        session,
        escalation,
        EventKind.WATCH_ESCALATED,
        actor,
        f"Escalated from a watched project to {form.severity.short}{level}",
        now,
    )
    service.queue_publication(session, escalation, "escalated", now)
    return escalation


def stop_watching(
    session: Session,
    escalation_id: int,
    *,
    note: str,
    actor: str,
    now: datetime,
    settings: Settings,
) -> Escalation:
    """Close a watched project with a note: its ladder and flag reminders stop (nothing is
    planned for a closed record); no closure summary or retro, it was never escalated."""
    escalation = escalatable(session, escalation_id, actor, settings)
    note = note.strip()
    if not note:
        raise NotAllowed("Say why it is no longer watched.")
    escalation.state = State.RESOLVED
    escalation.resolved_at, escalation.resolved_by = now, actor
    escalation.resolution = note
    escalation.version += 1
    session.flush()
    service.record(
        session, escalation, EventKind.RESOLVED, actor, f"No longer watched: {note[:200]}", now
    )
    effects.thread_note(session, escalation, watch_views.stopped_note(escalation, actor), now)
    return escalation
