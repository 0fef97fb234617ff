"""Resolution tracking (Phase 3): the forms for each kind of record, and the detail view."""

from __future__ import annotations

import json
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    InputInteractiveElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from blocks.escalation import title
from blocks.layout import section, sections
from blocks.modal import context_line, form_modal, url_input
from blocks.text import (
    CONTEXT_TEXT,
    HEADER_TEXT,
    MODAL_TITLE,
    OPTION_TEXT,
    clip,
    escape,
    link,
    mention,
    more_line,
    when,
)
from bot.domain import FORMS, ChangeOrderStatus, FieldSpec, RecordKind
from bot.models import (
    ArtifactVersion,
    Blocker,
    ChangeOrder,
    Escalation,
    Milestone,
    Requirement,
    ResourceImpact,
    Task,
    Tracking,
)

RECORD_CALLBACK = "add_record"
ADD_RECORD_PREFIX = "add_record:"
TASK_DONE_PREFIX = "task_done:"
DETAIL_CALLBACK = "escalation_detail"
# Picking an open blocker, a requirement or a proposed change order in the detail view.
RESOLVE_BLOCKER = "resolve_blocker"
VALIDATE_REQUIREMENT = "validate_requirement"
DECIDE_CHANGE_ORDER = "decide_change_order"
RESOLVE_BLOCKER_CALLBACK = "resolve_blocker_submit"
VALIDATE_CALLBACK = "validate_requirement_submit"
# The detail view's share of a modal's 100 blocks: 4 at the top, 3 per milestone and one
# "more" line (31), then 9 lists of a divider and up to 5 sections each, 3 with a picker (57).
MAX_MILESTONES = 10
MAX_TASKS = 10  # a checkbox group holds 10 options
LIST_SECTIONS = 5
MAX_OPTIONS = 100  # a select menu holds 100 options
_VERB = {ChangeOrderStatus.APPROVED: "Approve", ChangeOrderStatus.REJECTED: "Reject"}


def _element(spec: FieldSpec, milestones: list[Milestone], today: date) -> InputInteractiveElement:
    if spec.kind in ("text", "multiline"):
        return PlainTextInputElement(
            action_id=spec.name,
            multiline=spec.kind == "multiline",
            max_length=3000 if spec.kind == "multiline" else 300,
        )
    if spec.kind == "user":
        return UserSelectElement(action_id=spec.name, placeholder="Choose a person")
    if spec.kind == "users":
        return UserMultiSelectElement(action_id=spec.name, placeholder="Choose people")
    if spec.kind == "url":
        return url_input(action_id=spec.name)
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
    """Milestones (tick tasks here); blockers (resolve), requirements (validate, sign off),
    change orders (decide), requirement changes, artifact versions, alternatives, RAID,
    impacts, dashboards and links."""
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
    lists: list[tuple[str, list[str], Block | None]] = [
        (
            "Blockers and dependencies",
            [_blocker_line(b) for b in tracking.blockers],
            _picker(
                f"resolve:{escalation.id}",
                RESOLVE_BLOCKER,
                "Resolve a blocker…",
                [(str(b.id), b.text) for b in tracking.blockers if b.resolved_at is None],
            ),
        ),
        (
            "Requirements and validation",
            [_requirement_line(r) for r in tracking.requirements],
            _picker(
                f"validate:{escalation.id}",
                VALIDATE_REQUIREMENT,
                "Validate or sign off…",
                [(str(r.id), r.text) for r in tracking.requirements],
            ),
        ),
        (
            "Change orders",
            [_change_order_line(c) for c in tracking.change_orders],
            _picker(
                f"decide:{escalation.id}",
                DECIDE_CHANGE_ORDER,
                "Approve or reject…",
                [
                    (f"{status.value}:{c.id}", f"{_VERB[status]}: {c.description}")
                    for c in tracking.change_orders
                    if c.status is ChangeOrderStatus.PROPOSED
                    for status in (ChangeOrderStatus.APPROVED, ChangeOrderStatus.REJECTED)
                ],
                confirm=ConfirmObject(
                    title="Record this decision?",
                    text="It is noted in the escalation's thread with your name.",
                    confirm="Record",
                    deny="Cancel",
                ),
            ),
        ),
        (
            "Requirement changes",
            [
                f"{escape(c.change)} (approved by {mention(c.approver)} on {c.approved_on:%Y-%m-%d}, "
                f"logged {when(c.created_at, '{date_short}')})"
                for c in tracking.requirement_changes
            ],
            None,
        ),
        ("Artifact versions", _artifact_lines(tracking.artifact_versions), None),
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
            None,
        ),
        (
            "RAID register",
            [
                f"*{r.category.label}:* {escape(r.text)}"
                + (f" ({mention(r.owner)})" if r.owner else "")
                for r in tracking.raid
            ],
            None,
        ),
        (
            "Resource, budget and timeline impacts",
            [_impact_line(i) for i in tracking.resource_impacts],
            None,
        ),
        (
            "Dashboards and links",
            [f"{x.kind.label}: {link(x.url, clip(x.label, 200))}" for x in tracking.extra_links],
            None,
        ),
    ]
    for heading, lines, picker in lists:
        blocks.append(DividerBlock())
        if not lines:
            blocks.append(section(f"*{heading}*\n_None yet._"))
            continue
        items = [f"*{heading}*"] + [f"• {clip(line, 1000)}" for line in lines]
        blocks += sections(
            items, most=LIST_SECTIONS, what="entries", where="see the Markdown export"
        )
        if picker is not None:
            blocks.append(picker)
    return View(
        type="modal",
        callback_id=DETAIL_CALLBACK,
        title=PlainTextObject(text=clip(escalation.key, MODAL_TITLE)),
        close=PlainTextObject(text="Close"),
        private_metadata=json.dumps({"escalation_id": escalation.id}),
        blocks=blocks[:100],
    )


def _since(instant: datetime | None) -> str:
    return when(instant, "{date_short}") if instant else "—"


def _blocker_line(blocker: Blocker) -> str:
    what = "Dependency" if blocker.is_dependency else "Blocker"
    if blocker.resolved_at is None:
        return f"{what}: {escape(blocker.text)} · _open since {_since(blocker.created_at)}_"
    return (
        f":white_check_mark: {what}: {escape(blocker.text)} · resolved by "
        f"{mention(blocker.resolved_by)} {_since(blocker.resolved_at)}: "
        f"{escape(clip(blocker.resolution or '', 500))}"
    )


def _requirement_line(requirement: Requirement) -> str:
    done, total = requirement.checks_done, len(requirement.checks)
    if requirement.signed_off_at:
        status = (
            f"signed off by {mention(requirement.signed_off_by)} "
            f"{_since(requirement.signed_off_at)}"
        )
    else:
        status = "_awaiting sign-off_"
    checks = "".join(
        f"\n    {':ballot_box_with_check:' if c.done_at else ':white_square:'} "
        f"{escape(clip(c.text, 150))}" + (f" ({mention(c.done_by)})" if c.done_by else "")
        for c in requirement.checks[:MAX_TASKS]
    )
    return f"{escape(requirement.text)} · {done}/{total} checks · {status}{checks}"


def _change_order_line(order: ChangeOrder) -> str:
    line = (
        f"*{order.status.label}:* {escape(order.description)} · approver "
        f"{mention(order.approver)}, proposed {_since(order.proposed_at)}"
    )
    if order.decided_at:
        line += f"; {order.status.value} by {mention(order.decided_by)} {_since(order.decided_at)}"
    return line


def _artifact_lines(versions: list[ArtifactVersion]) -> list[str]:
    """One line per artifact: its latest version first, then its history."""
    by_artifact: dict[str, list[ArtifactVersion]] = {}
    for version in versions:
        by_artifact.setdefault(version.artifact, []).append(version)
    lines = []
    for artifact, history in by_artifact.items():
        latest, *older = reversed(history)
        line = (
            f"*{escape(clip(artifact, 200))}* {escape(clip(latest.version, 100))} "
            f"({_since(latest.created_at)}, {mention(latest.created_by)}): "
            f"{escape(clip(latest.change, 300))}"
        )
        if latest.url:
            line += f" {link(latest.url, 'open')}"
        line += "".join(
            f"\n    {escape(clip(v.version, 100))} ({_since(v.created_at)}): "
            f"{escape(clip(v.change, 200))}"
            for v in older
        )
        lines.append(line)
    return lines


def _impact_line(impact: ResourceImpact) -> str:
    line = f"*{impact.kind.label}:* {escape(impact.text)}"
    if impact.other_projects:
        line += f" · other projects: {escape(clip(impact.other_projects, 300))}"
    if impact.other_pm_ids:
        line += " · PMs told: " + ", ".join(mention(pm) for pm in impact.other_pm_ids)
    return line


def _picker(
    block_id: str,
    action_id: str,
    placeholder: str,
    choices: list[tuple[str, str]],
    *,
    confirm: ConfirmObject | None = None,
) -> ActionsBlock | None:
    """A menu of the entries one can act on; None when there are none."""
    if not choices:
        return None
    return ActionsBlock(
        block_id=block_id,
        elements=[
            StaticSelectElement(
                action_id=action_id,
                placeholder=placeholder,
                options=[
                    Option(value=value, label=clip(" ".join(label.split()), OPTION_TEXT))
                    for value, label in choices[:MAX_OPTIONS]
                ],
                confirm=confirm,
            )
        ],
    )


def resolve_blocker_modal(
    escalation: Escalation, blocker: Blocker, *, parent_view_id: str | None = None
) -> View:
    """How a blocker was resolved; who and when are the submitter and the moment."""
    what = "dependency" if blocker.is_dependency else "blocker"
    return form_modal(
        callback_id=RESOLVE_BLOCKER_CALLBACK,
        title=f"Resolve {what}",
        submit="Resolve",
        close="Back",
        private_metadata=json.dumps(
            {
                "escalation_id": escalation.id,
                "blocker_id": blocker.id,
                "parent_view_id": parent_view_id,
            }
        ),
        blocks=[
            context_line(f"*{escape(title(escalation))}*"),
            section(f"*{what.capitalize()}:* {escape(blocker.text)}"),
            InputBlock(
                block_id="how",
                label="How was it resolved?",
                element=PlainTextInputElement(action_id="how", multiline=True, max_length=3000),
            ),
        ],
    )


def validate_requirement_modal(
    escalation: Escalation, requirement: Requirement, *, parent_view_id: str | None = None
) -> View:
    """The requirement's validation checklist, and its sign-off once every check is ticked."""
    checks = requirement.checks[:MAX_TASKS]
    options = [Option(value=str(c.id), label=clip(c.text, OPTION_TEXT)) for c in checks]
    done = [o for o, c in zip(options, checks, strict=True) if c.done_at]
    blocks: list[Block] = [
        context_line(f"*{escape(title(escalation))}*"),
        section(f"*Requirement:* {escape(requirement.text)}"),
    ]
    if options:
        blocks.append(
            InputBlock(
                block_id="checks",
                label="Validation checklist",
                optional=True,
                element=CheckboxesElement(
                    action_id="checks", options=options, initial_options=done or None
                ),
            )
        )
    if requirement.signed_off_at:
        blocks.append(
            context_line(
                f"Signed off by {mention(requirement.signed_off_by)} "
                f"{_since(requirement.signed_off_at)}"
            )
        )
    else:
        blocks.append(
            InputBlock(
                block_id="sign_off",
                label="Sign-off",
                optional=True,
                element=CheckboxesElement(
                    action_id="sign_off",
                    options=[Option(value="yes", label="I sign off this requirement")],
                ),
            )
        )
    return form_modal(
        callback_id=VALIDATE_CALLBACK,
        title="Validate requirement",
        submit="Save",
        close="Back",
        private_metadata=json.dumps(
            {
                "escalation_id": escalation.id,
                "requirement_id": requirement.id,
                "parent_view_id": parent_view_id,
            }
        ),
        blocks=blocks,
    )
