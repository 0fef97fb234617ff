"""Use cases for Phase 3 records: milestones and tasks, blockers, alternatives, changes, RAID."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from blocks import tracking_notes
from blocks.modal_state import ModalState
from bot.delivery.kinds import DeliveryKind
from bot.domain import (
    FORMS,
    MAX_REQUIREMENT_CHECKS,
    ChangeOrderStatus,
    EventKind,
    ExtraLinkKind,
    ImpactKind,
    RaidCategory,
    RecordKind,
    State,
)
from bot.escalations import effects, impacts, service
from bot.escalations.form import url_problem
from bot.escalations.permissions import NotAllowed
from bot.escalations.service import record
from bot.models import (
    Alternative,
    ArtifactVersion,
    Blocker,
    ChangeOrder,
    Escalation,
    ExtraLink,
    Milestone,
    RaidEntry,
    Requirement,
    RequirementChange,
    RequirementCheck,
    ResourceImpact,
    Task,
    Tracking,
)
from bot.policy.progress import Progress, progress_of_milestones

# The records a tracking view lists, each a child row of one escalation.
_Record = TypeVar(
    "_Record",
    Blocker,
    Alternative,
    RequirementChange,
    RaidEntry,
    ResourceImpact,
    ChangeOrder,
    ArtifactVersion,
    ExtraLink,
)


def parse_record(
    kind: RecordKind, values: ModalState | Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Field values by name, or errors by field, for one record form."""
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    state = ModalState.wrap(values)
    for spec in FORMS[kind][1]:
        if spec.kind in ("text", "multiline", "url"):
            value: Any = state.text(spec.name)
        elif spec.kind == "user":
            value = state.user(spec.name)
        elif spec.kind == "users":
            value = state.users(spec.name)
        elif spec.kind == "date":
            value = state.day(spec.name)
        else:
            value = state.option(spec.name)
        if value is None and spec.required:
            errors[spec.name] = f"{spec.label} is required."
        elif spec.kind == "url" and value and (problem := url_problem(value)):
            errors[spec.name] = problem
        elif spec.kind == "choice" and value and value not in {v for v, _ in spec.choices}:
            errors[spec.name] = f"Choose one of the {spec.label.lower()} options."
        parsed[spec.name] = value
    if kind is RecordKind.REQUIREMENT and parsed.get("checks"):
        checks = check_lines(parsed["checks"])
        if not checks:
            errors["checks"] = "Write at least one check, one a line."
        elif len(checks) > MAX_REQUIREMENT_CHECKS:
            errors["checks"] = (
                f"At most {MAX_REQUIREMENT_CHECKS} checks ({len(checks)} lines given): "
                "split the requirement in two."
            )
    return parsed, errors


def check_lines(text: str) -> list[str]:
    """The validation checks typed one a line, bullets and blank lines dropped."""
    checks = (line.strip().lstrip("-*•[] ").strip() for line in text.splitlines())
    return [check for check in checks if check]


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
    """Store one record, its timeline entry and one short note in the escalation's thread;
    returns the new row. An impact also reaches the resourcing channel and the PMs of the
    other projects it names (`impacts.record_impact`)."""
    escalation = service.load(session, escalation_id)
    common = {"created_by": actor, "created_at": now}
    row: object
    if kind is RecordKind.RESOURCE_IMPACT:
        impact = impacts.record_impact(
            session,
            escalation,
            kind=ImpactKind(values["impact_kind"]),
            text=values["text"],
            other_projects=values.get("other_projects"),
            other_pms=values.get("other_pms") or [],
            actor=actor,
            now=now,
            resourcing_channel=resourcing_channel,
        )
        return impact
    if kind is RecordKind.MILESTONE:
        row = Milestone(
            escalation_id=escalation.id,
            title=values["title"],
            success_criteria=values["success_criteria"],
            **common,
        )
        summary = f"Milestone added: {values['title']}"
        note = tracking_notes.milestone_note(actor, values["title"])
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
        note = tracking_notes.task_note(
            actor, milestone.title, values["title"], values["owner"], values["due_on"]
        )
    elif kind is RecordKind.BLOCKER:
        dependency = values["kind"] == "dependency"
        row = Blocker(
            escalation_id=escalation.id, is_dependency=dependency, text=values["text"], **common
        )
        summary = f"{'Dependency' if dependency else 'Blocker'} logged: {values['text'][:200]}"
        note = tracking_notes.blocker_note(actor, values["text"], dependency=dependency)
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
        note = tracking_notes.alternative_note(actor, values["approach"])
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
        note = tracking_notes.requirement_change_note(
            actor, values["change"], values["approver"], values["approved_on"]
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
        note = tracking_notes.raid_note(actor, category, values["text"])
    elif kind is RecordKind.REQUIREMENT:
        checks = check_lines(values["checks"])
        requirement = Requirement(escalation_id=escalation.id, text=values["text"], **common)
        requirement.checks = [RequirementCheck(text=check) for check in checks]
        row = requirement
        summary = f"Requirement recorded ({len(checks)} checks): {values['text'][:200]}"
        note = tracking_notes.requirement_note(actor, values["text"], len(checks))
    elif kind is RecordKind.CHANGE_ORDER:
        row = ChangeOrder(
            escalation_id=escalation.id,
            description=values["description"],
            approver=values["approver"],
            status=ChangeOrderStatus.PROPOSED,
            proposed_by=actor,
            proposed_at=now,
        )
        summary = (
            f"Change order proposed, approver {values['approver']}: {values['description'][:200]}"
        )
        note = tracking_notes.change_order_note(actor, values["description"], values["approver"])
    elif kind is RecordKind.ARTIFACT_VERSION:
        row = ArtifactVersion(
            escalation_id=escalation.id,
            artifact=values["artifact"],
            version=values["version"],
            change=values["change"],
            url=values.get("url"),
            **common,
        )
        summary = (
            f"Artifact '{values['artifact']}' version {values['version']}: {values['change'][:200]}"
        )
        note = tracking_notes.artifact_note(
            actor, values["artifact"], values["version"], values["change"]
        )
    else:
        link_kind = ExtraLinkKind(values["link_kind"])
        row = ExtraLink(
            escalation_id=escalation.id,
            kind=link_kind,
            label=values["label"],
            url=values["url"],
            **common,
        )
        summary = f"{link_kind.label} added: {values['label']} {values['url']}"
        note = tracking_notes.link_note(actor, link_kind, values["label"], values["url"])
    session.add(row)
    session.flush()
    record(session, escalation, EventKind.RECORD_ADDED, actor, summary, now)
    effects.thread_note(session, escalation, note, now)
    if kind in (RecordKind.MILESTONE, RecordKind.TASK):
        # The pinned message shows the milestones' percent complete.
        effects.refresh(session, escalation, DeliveryKind.REFRESH_ROOT, now)
    return row


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
    done: list[str] = []
    reopened: list[str] = []
    for task in milestone.tasks:
        if task.id in done_ids and task.done_at is None:
            task.done_at = now
            changes.append(f"done: {task.title}")
            done.append(task.title)
        elif task.id not in done_ids and task.done_at is not None:
            task.done_at = None
            changes.append(f"reopened: {task.title}")
            reopened.append(task.title)
    if changes:
        record(
            session,
            escalation,
            EventKind.TASK_DONE,
            actor,
            f"{milestone.title} ({milestone.percent_complete}%): " + "; ".join(changes),
            now,
        )
        effects.thread_note(
            session,
            escalation,
            tracking_notes.tasks_note(
                actor, milestone.title, milestone.percent_complete, done, reopened
            ),
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
    requirements = list(
        session.scalars(
            select(Requirement)
            .where(Requirement.escalation_id == escalation_id)
            .options(selectinload(Requirement.checks))
            .order_by(Requirement.id)
        )
    )
    return Tracking(
        milestones=milestones,
        blockers=rows(Blocker),
        alternatives=rows(Alternative),
        requirement_changes=rows(RequirementChange),
        raid=rows(RaidEntry),
        resource_impacts=rows(ResourceImpact),
        requirements=requirements,
        change_orders=rows(ChangeOrder),
        artifact_versions=rows(ArtifactVersion),
        extra_links=rows(ExtraLink),
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
