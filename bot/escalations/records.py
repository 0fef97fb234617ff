"""Use cases for Phase 3 records: milestones and tasks, blockers, alternatives, changes, RAID."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from blocks import notices
from bot.delivery.kinds import DeliveryKind
from bot.domain import FORMS, EventKind, RaidCategory, RecordKind, State
from bot.escalations import effects, service
from bot.escalations.permissions import NotAllowed
from bot.escalations.service import record
from bot.models import (
    Alternative,
    Blocker,
    Escalation,
    Milestone,
    RaidEntry,
    RequirementChange,
    ResourceImpact,
    Task,
    Tracking,
)
from bot.policy.progress import Progress, progress_of_milestones

# The records a tracking view lists, each a child row of one escalation.
_Record = TypeVar("_Record", Blocker, Alternative, RequirementChange, RaidEntry, ResourceImpact)


def parse_record(kind: RecordKind, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Field values by name, or errors by field, for one record form."""
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in FORMS[kind][1]:
        raw = values.get(spec.name, {}).get(spec.name, {})
        if spec.kind in ("text", "multiline"):
            value: Any = (raw.get("value") or "").strip() or None
        elif spec.kind == "user":
            value = raw.get("selected_user")
        elif spec.kind == "date":
            value = date.fromisoformat(raw["selected_date"]) if raw.get("selected_date") else None
        else:
            value = (raw.get("selected_option") or {}).get("value")
        if value is None and spec.required:
            errors[spec.name] = f"{spec.label} is required."
        parsed[spec.name] = value
    return parsed, errors


def add_record(
    session: Session,
    escalation_id: int,
    kind: RecordKind,
    values: dict[str, Any],
    *,
    actor: str,
    now: datetime,
    resourcing_channel: str | None,
) -> object:
    """Store one record and its timeline entry; returns the new row. A resource impact is
    posted to the resourcing channel (or, with none configured, the escalation's thread)."""
    escalation = service.load(session, escalation_id)
    common = {"created_by": actor, "created_at": now}
    row: object
    if kind is RecordKind.MILESTONE:
        row = Milestone(
            escalation_id=escalation.id,
            title=values["title"],
            success_criteria=values["success_criteria"],
            **common,
        )
        summary = f"Milestone added: {values['title']}"
    elif kind is RecordKind.TASK:
        milestone = session.get(Milestone, int(values["milestone"]))
        if milestone is None or milestone.escalation_id != escalation.id:
            raise ValueError("milestone")
        row = Task(
            milestone_id=milestone.id,
            title=values["title"],
            owner=values["owner"],
            due_on=values["due_on"],
        )
        summary = (
            f"Task added to '{milestone.title}': {values['title']} "
            f"(owner {values['owner']}, due {values['due_on']:%Y-%m-%d})"
        )
    elif kind is RecordKind.BLOCKER:
        dependency = values["kind"] == "dependency"
        row = Blocker(
            escalation_id=escalation.id, is_dependency=dependency, text=values["text"], **common
        )
        summary = f"{'Dependency' if dependency else 'Blocker'} logged: {values['text'][:200]}"
    elif kind is RecordKind.ALTERNATIVE:
        row = Alternative(
            escalation_id=escalation.id,
            approach=values["approach"],
            pros=values["pros"],
            cons=values["cons"],
            risks=values["risks"],
            **common,
        )
        summary = f"Alternative approach: {values['approach'][:200]}"
    elif kind is RecordKind.REQUIREMENT_CHANGE:
        row = RequirementChange(
            escalation_id=escalation.id,
            change=values["change"],
            approver=values["approver"],
            approved_on=values["approved_on"],
            **common,
        )
        summary = (
            f"Requirement change approved by {values['approver']} on "
            f"{values['approved_on']:%Y-%m-%d}: {values['change'][:200]}"
        )
    elif kind is RecordKind.RAID:
        category = RaidCategory(values["category"])
        row = RaidEntry(
            escalation_id=escalation.id,
            category=category,
            text=values["text"],
            owner=values["owner"],
            **common,
        )
        summary = f"RAID {category.value}: {values['text'][:200]}"
    else:
        row = ResourceImpact(escalation_id=escalation.id, text=values["text"], **common)
        summary = f"Resource impact: {values['text'][:200]}"
        _share_resource_impact(session, escalation, values["text"], actor, now, resourcing_channel)
    session.add(row)
    session.flush()
    record(session, escalation, EventKind.RECORD_ADDED, actor, summary, now)
    if kind in (RecordKind.MILESTONE, RecordKind.TASK):
        # The pinned message shows the milestones' percent complete.
        effects.refresh(session, escalation, DeliveryKind.REFRESH_ROOT, now)
    return row


def _share_resource_impact(
    session: Session,
    escalation: Escalation,
    impact: str,
    actor: str,
    now: datetime,
    channel: str | None,
) -> None:
    if channel:
        text = notices.resource_impact_text(escalation, actor, impact)
        effects.channel_post(session, channel, text, now, escalation=escalation)
    else:
        text = notices.resource_impact_text(escalation, actor, impact, channel_configured=False)
        effects.thread_note(session, escalation, text, now)


def milestones_for_tasks(session: Session, escalation_id: int) -> list[Milestone]:
    """The milestones a new task can belong to; `NotAllowed` while there are none."""
    milestones = tracking(session, escalation_id).milestones
    if not milestones:
        raise NotAllowed("Add a milestone first: tasks belong to a milestone.")
    return milestones


def set_tasks_done(
    session: Session,
    escalation_id: int,
    milestone_id: int,
    done_ids: set[int],
    *,
    actor: str,
    now: datetime,
) -> list[str]:
    """Make the milestone's tasks match the ticked set; returns what changed."""
    escalation = service.load(session, escalation_id)
    milestone = session.get(Milestone, milestone_id)
    if milestone is None or milestone.escalation_id != escalation.id:
        return []
    changes = []
    for task in milestone.tasks:
        if task.id in done_ids and task.done_at is None:
            task.done_at = now
            changes.append(f"done: {task.title}")
        elif task.id not in done_ids and task.done_at is not None:
            task.done_at = None
            changes.append(f"reopened: {task.title}")
    if changes:
        record(
            session,
            escalation,
            EventKind.TASK_DONE,
            actor,
            f"{milestone.title} ({milestone.percent_complete}%): " + "; ".join(changes),
            now,
        )
        effects.refresh(session, escalation, DeliveryKind.REFRESH_ROOT, now)
    return changes


def progress(session: Session, escalation_id: int) -> Progress:
    """The milestones' percent complete, from their tasks (two queries)."""
    milestones = session.scalars(
        select(Milestone)
        .where(Milestone.escalation_id == escalation_id)
        .options(selectinload(Milestone.tasks))
        .order_by(Milestone.id)
    )
    return progress_of_milestones(milestones)


def tracking(session: Session, escalation_id: int) -> Tracking:
    def rows(model: type[_Record]) -> list[_Record]:
        return list(
            session.scalars(
                select(model).where(model.escalation_id == escalation_id).order_by(model.id)
            )
        )

    milestones = list(
        session.scalars(
            select(Milestone)
            .where(Milestone.escalation_id == escalation_id)
            .options(selectinload(Milestone.tasks))
            .order_by(Milestone.id)
        )
    )
    return Tracking(
        milestones=milestones,
        blockers=rows(Blocker),
        alternatives=rows(Alternative),
        requirement_changes=rows(RequirementChange),
        raid=rows(RaidEntry),
        resource_impacts=rows(ResourceImpact),
    )


def overdue_tasks(session: Session, today: date) -> list[tuple[Task, Milestone]]:
    """Open tasks of open escalations whose due date has passed."""
    return [
        (task, milestone)
        for task, milestone in session.execute(
            select(Task, Milestone)
            .join(Milestone, Milestone.id == Task.milestone_id)
            .join(Escalation, Escalation.id == Milestone.escalation_id)
            .where(Task.done_at.is_(None), Task.due_on < today, Escalation.state != State.RESOLVED)
            .order_by(Task.id)
        )
    ]
