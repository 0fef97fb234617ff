"""Resolution tracking (Phase 3): the forms for each kind of record, and the detail view."""

from __future__ import annotations

import json
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    InputInteractiveElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from blocks.escalation import title
from blocks.layout import section, sections
from blocks.modal import context_line, form_modal
from blocks.text import (
    CONTEXT_TEXT,
    HEADER_TEXT,
    MODAL_TITLE,
    OPTION_TEXT,
    clip,
    escape,
    mention,
    more_line,
    when,
)
from bot.domain import FORMS, FieldSpec, RecordKind
from bot.models import (
    Escalation,
    Milestone,
    Task,
    Tracking,
)

RECORD_CALLBACK = "add_record"
ADD_RECORD_PREFIX = "add_record:"
TASK_DONE_PREFIX = "task_done:"
DETAIL_CALLBACK = "escalation_detail"
# The detail view's share of a modal's 100 blocks: 3 per milestone, 6 per list below them.
MAX_MILESTONES = 15
MAX_TASKS = 10  # a checkbox group holds 10 options
LIST_SECTIONS = 5


def _element(spec: FieldSpec, milestones: list[Milestone], today: date) -> InputInteractiveElement:
    if spec.kind in ("text", "multiline"):
        return PlainTextInputElement(
            action_id=spec.name,
            multiline=spec.kind == "multiline",
            max_length=3000 if spec.kind == "multiline" else 300,
        )
    if spec.kind == "user":
        return UserSelectElement(action_id=spec.name, placeholder="Choose a person")
    if spec.kind == "date":
        return DatePickerElement(action_id=spec.name, initial_date=today.isoformat())
    if spec.kind == "milestone":
        return StaticSelectElement(
            action_id=spec.name,
            options=[
                Option(value=str(m.id), label=clip(m.title, OPTION_TEXT)) for m in milestones[:100]
            ],
        )
    options = [Option(value=value, label=label) for value, label in spec.choices]
    return StaticSelectElement(action_id=spec.name, options=options, initial_option=options[0])


def record_modal(
    kind: RecordKind,
    escalation: Escalation,
    *,
    milestones: list[Milestone],
    today: date,
    parent_view_id: str | None = None,
) -> View:
    heading, fields = FORMS[kind]
    blocks: list[Block] = [context_line(f"*{escape(title(escalation))}*")]
    blocks += [
        InputBlock(
            block_id=spec.name,
            label=spec.label,
            optional=not spec.required,
            element=_element(spec, milestones, today),
        )
        for spec in fields
    ]
    return form_modal(
        callback_id=RECORD_CALLBACK,
        title=heading,
        submit="Add",
        close="Back",
        private_metadata=json.dumps(
            {"escalation_id": escalation.id, "kind": kind.value, "parent_view_id": parent_view_id}
        ),
        blocks=blocks,
    )


def _task_label(task: Task, now: datetime) -> str:
    # The title is what gets clipped, never the due date or OVERDUE.
    due = f" · due {task.due_on:%b %d}"
    if not task.done_at and task.due_on < now.date():
        due += " · OVERDUE"
    return clip(task.title, OPTION_TEXT - len(due)) + due


def detail_view(escalation: Escalation, tracking: Tracking, now: datetime) -> View:
    """Milestones (tick tasks here), blockers, alternatives, changes, RAID, impacts."""
    blocks: list[Block] = [
        HeaderBlock(text=clip(title(escalation), HEADER_TEXT)),
        section(
            f"{escalation.health.emoji} {escalation.state.value} · resolution progress "
            f"*{tracking.percent_complete}%* across {len(tracking.milestones)} milestone(s)"
        ),
        ActionsBlock(
            block_id=f"add:{escalation.id}",
            elements=[
                ButtonElement(
                    text=FORMS[kind][0],
                    action_id=f"{ADD_RECORD_PREFIX}{kind.value}",
                    value=str(escalation.id),
                )
                for kind in RecordKind
            ],
        ),
        DividerBlock(),
    ]
    for milestone in tracking.milestones[:MAX_MILESTONES]:
        blocks.append(
            section(
                f"*{escape(clip(milestone.title, 300))}* · {milestone.percent_complete}% "
                f"complete\n_Success criteria:_ {escape(milestone.success_criteria)}"
            )
        )
        if milestone.tasks:
            shown = milestone.tasks[:MAX_TASKS]
            options = [Option(value=str(task.id), label=_task_label(task, now)) for task in shown]
            done = [o for o, t in zip(options, shown, strict=True) if t.done_at]
            blocks.append(
                ActionsBlock(
                    block_id=f"tasks:{escalation.id}:{milestone.id}",
                    elements=[
                        CheckboxesElement(
                            action_id=f"{TASK_DONE_PREFIX}{milestone.id}",
                            options=options,
                            initial_options=done or None,
                        )
                    ],
                )
            )
            owners = ", ".join(f"{escape(clip(t.title, 40))}: {mention(t.owner)}" for t in shown)
            if len(milestone.tasks) > MAX_TASKS:
                owners += " " + more_line(
                    len(milestone.tasks) - MAX_TASKS, "tasks", "see the Markdown export"
                )
            blocks.append(context_line(clip(owners, CONTEXT_TEXT)))
    if len(tracking.milestones) > MAX_MILESTONES:
        blocks.append(
            context_line(
                more_line(
                    len(tracking.milestones) - MAX_MILESTONES,
                    "milestones",
                    "see the Markdown export",
                )
            )
        )
    lists = [
        (
            "Blockers and dependencies",
            [
                f"{'Dependency' if b.is_dependency else 'Blocker'}: {escape(b.text)}"
                for b in tracking.blockers
            ],
        ),
        (
            "Alternative approaches",
            [
                f"{escape(a.approach)}"
                + "".join(
                    f"\n    _{label}:_ {escape(value)}"
                    for label, value in (("Pros", a.pros), ("Cons", a.cons), ("Risks", a.risks))
                    if value
                )
                for a in tracking.alternatives
            ],
        ),
        (
            "Requirement changes",
            [
                f"{escape(c.change)} (approved by {mention(c.approver)} on {c.approved_on:%Y-%m-%d}, "
                f"logged {when(c.created_at, '{date_short}')})"
                for c in tracking.requirement_changes
            ],
        ),
        (
            "RAID register",
            [
                f"*{r.category.label}:* {escape(r.text)}"
                + (f" ({mention(r.owner)})" if r.owner else "")
                for r in tracking.raid
            ],
        ),
        ("Resource impacts", [escape(i.text) for i in tracking.resource_impacts]),
    ]
    for heading, lines in lists:
        blocks.append(DividerBlock())
        if not lines:
            blocks.append(section(f"*{heading}*\n_None yet._"))
            continue
        items = [f"*{heading}*"] + [f"• {clip(line, 1000)}" for line in lines]
        blocks += sections(
            items, most=LIST_SECTIONS, what="entries", where="see the Markdown export"
        )
    return View(
        type="modal",
        callback_id=DETAIL_CALLBACK,
        title=PlainTextObject(text=clip(escalation.key, MODAL_TITLE)),
        close=PlainTextObject(text="Close"),
        private_metadata=json.dumps({"escalation_id": escalation.id}),
        blocks=blocks[:100],
    )
