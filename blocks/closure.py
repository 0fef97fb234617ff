"""The closure modal, the closure summary, and the other course changes' forms."""

from __future__ import annotations

import json
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from blocks.escalation import title
from blocks.layout import section
from blocks.modal import context_line, form_modal, url_input
from blocks.text import TEXT_LIMIT, age, clip, escape, link, mention
from bot.domain import STAKEHOLDER_ROLES, Severity
from bot.models import Escalation, Tracking

RESOLVE_CALLBACK = "resolve_escalation"
REASSIGN_CALLBACK = "reassign_dri"
DOWNGRADE_CALLBACK = "downgrade_escalation"
RETRO_CALLBACK = "retro_link"


def _meta(escalation: Escalation) -> str:
    return json.dumps({"escalation_id": escalation.id, "version": escalation.version})


def _text(block_id: str, label: str, *, optional: bool, multiline: bool = True) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        element=PlainTextInputElement(action_id=block_id, multiline=multiline, max_length=3000),
    )


def resolve_modal(escalation: Escalation, today: date) -> View:
    sev1 = escalation.severity is Severity.SEV1
    signoff = [
        Option(value="yes", label="Yes, the customer signed off"),
        Option(value="no", label="No (say why below)"),
    ]
    checks = [
        Option(value="financials", label="Financial impact reconciled"),
        Option(value="artifacts", label="Project artifacts updated"),
    ]
    return form_modal(
        callback_id=RESOLVE_CALLBACK,
        title="Resolve",
        submit="Resolve",
        private_metadata=_meta(escalation),
        blocks=[
            context_line(
                f"*{escape(title(escalation))}*: closing unpins the thread and stops every "
                "prompt and timer."
            ),
            _text("resolution", "Final resolution", optional=False),
            InputBlock(
                block_id="signoff",
                label="Customer sign-off",
                optional=not sev1,
                element=RadioButtonsElement(action_id="signoff", options=signoff),
            ),
            InputBlock(
                block_id="signoff_on",
                label="Signed off on",
                optional=True,
                element=DatePickerElement(action_id="signoff_on", initial_date=today.isoformat()),
            ),
            _text("no_signoff_reason", "Why there is no sign-off", optional=True),
            InputBlock(
                block_id="retro_link",
                label="Lessons-learned retro (link)",
                optional=True,
                element=url_input("retro_link"),
                hint="Without it I'll remind the DRI in 3 business days.",
            ),
            _text("improvements", "Process improvements", optional=True),
            InputBlock(
                block_id="checks",
                label="Done",
                optional=True,
                element=CheckboxesElement(action_id="checks", options=checks),
            ),
        ],
    )


def closure_text(escalation: Escalation) -> str:
    return clip(
        f"{escalation.key} resolved: {escape(clip(escalation.resolution or '', 150))}", TEXT_LIMIT
    )


def closure_blocks(escalation: Escalation, tracking: Tracking, update_count: int) -> list[Block]:
    assert escalation.resolved_at is not None
    milestones = tracking.milestones
    done = sum(1 for m in milestones if m.tasks and m.percent_complete == 100)
    if escalation.customer_signoff:
        signoff = f"yes, {escalation.signoff_on:%Y-%m-%d}"
    elif escalation.customer_signoff is False:
        signoff = f"no: {escape(clip(escalation.no_signoff_reason or '', 500))}"
    else:
        signoff = "not recorded"
    # The resolution and the improvements are long texts: each in its own section, so
    # neither can push the facts out of the summary.
    resolution = (
        f":white_check_mark: *{escape(title(escalation))} is resolved* by "
        f"{mention(escalation.resolved_by)}\n*Resolution:* {escape(escalation.resolution or '')}"
    )
    lines = [
        f"*Duration:* {age(escalation.opened_at, escalation.resolved_at)} · *Updates:* "
        f"{update_count} · *Milestones:* {done}/{len(milestones)} complete "
        f"({tracking.percent_complete}% of tasks)",
        f"*Customer sign-off:* {signoff}",
        "*Retro:* "
        + (
            link(escalation.retro_link)
            if escalation.retro_link
            else "_missing: the DRI will be reminded_"
        ),
    ]
    lines.append(
        f"*Financial impact reconciled:* {'yes' if escalation.financials_reconciled else 'no'} · "
        f"*Artifacts updated:* {'yes' if escalation.artifacts_updated else 'no'}"
    )
    people = " ".join(
        mention(escalation.person(r)) for r in STAKEHOLDER_ROLES if escalation.person(r)
    )
    blocks: list[Block] = [section(resolution), section("\n".join(lines))]
    if escalation.process_improvements:
        blocks.append(section(f"*Process improvements:* {escape(escalation.process_improvements)}"))
    return [*blocks, context_line(f"FYI {people}. The thread is unpinned.")]


def reassign_modal(escalation: Escalation) -> View:
    return form_modal(
        callback_id=REASSIGN_CALLBACK,
        title="Reassign DRI",
        submit="Reassign",
        private_metadata=_meta(escalation),
        blocks=[
            context_line(f"*{escape(title(escalation))}*: prompts follow the new DRI's time zone."),
            InputBlock(block_id="dri", label="New DRI", element=UserSelectElement(action_id="dri")),
        ],
    )


def downgrade_modal(escalation: Escalation) -> View:
    return form_modal(
        callback_id=DOWNGRADE_CALLBACK,
        title="Downgrade",
        submit="Downgrade",
        private_metadata=_meta(escalation),
        blocks=[
            context_line(
                f"*{escape(title(escalation))}* goes back to Sev 2 monitoring: weekly prompts "
                "instead of daily."
            ),
            _text("reason", "Why", optional=False),
        ],
    )


def retro_modal(escalation: Escalation) -> View:
    return form_modal(
        callback_id=RETRO_CALLBACK,
        title="Retro link",
        submit="Save",
        private_metadata=json.dumps({"escalation_id": escalation.id}),
        blocks=[
            InputBlock(
                block_id="retro_link",
                label="Lessons-learned retro",
                element=url_input("retro_link"),
            )
        ],
    )


def retro_reminder_text(escalation: Escalation, now: datetime) -> str:
    resolved = f"{age(escalation.resolved_at, now)} ago " if escalation.resolved_at else ""
    return clip(
        f":memo: {escalation.key} ({escape(clip(escalation.customer, 200))}) was resolved "
        f"{resolved}and has no lessons-learned retro link yet. "
        "Please add it.",
        TEXT_LIMIT,
    )


def retro_reminder_blocks(escalation: Escalation, now: datetime) -> list[Block]:
    """The reminder DM: what is missing, and a button that opens the retro-link form."""
    return [
        section(retro_reminder_text(escalation, now)),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Add retro link",
                    action_id=RETRO_CALLBACK,
                    value=str(escalation.id),
                    style="primary",
                )
            ]
        ),
    ]
