"""Urgent flags: the modal, the (siren) post, the reminders."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UrlInputElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from blocks.escalation import severity_label, title
from blocks.modal import context_line, form_modal
from blocks.text import clip, escape, mention, when
from bot.cadence.flags import FlagReminder
from bot.models import Escalation, UrgentFlag

FLAG_CALLBACK = "flag_urgent"
FLAG_RESPONDED = "flag_responded"


def flag_modal(
    escalation: Escalation | None,
    *,
    choices: list[Escalation] | None = None,
    threshold_hours: float,
) -> View:
    """Who must respond, what is needed, by when, and the project link."""
    blocks: list[Block] = []
    if escalation is None:
        blocks.append(
            InputBlock(
                block_id="escalation",
                label="Escalation",
                element=StaticSelectElement(
                    action_id="escalation",
                    options=[
                        Option(value=str(e.id), label=clip(title(e), 75))
                        for e in (choices or [])[:100]
                    ],
                ),
            )
        )
    else:
        blocks.append(context_line(f"*{escape(title(escalation))}*"))
    default_link = escalation.project_link if escalation is not None else None
    blocks += [
        InputBlock(
            block_id="responders",
            label="Who must respond",
            element=UserMultiSelectElement(action_id="responders"),
        ),
        InputBlock(
            block_id="needed",
            label="What is needed",
            element=PlainTextInputElement(action_id="needed", multiline=True, max_length=2000),
        ),
        InputBlock(
            block_id="needed_by",
            label="Needed by",
            element=DateTimePickerElement(action_id="needed_by"),
            hint=f"Sooner than {threshold_hours:g} hours makes it a :rotating_light: siren.",
        ),
        InputBlock(
            block_id="link",
            label="Project / tracker link",
            optional=True,
            element=UrlInputElement(action_id="link", initial_value=default_link),
            hint="Required for a siren.",
        ),
    ]
    return form_modal(
        callback_id=FLAG_CALLBACK,
        title="Flag urgent",
        submit="Flag",
        private_metadata=json.dumps({"escalation_id": escalation.id if escalation else None}),
        blocks=blocks,
    )


def flag_text(escalation: Escalation, flag: UrgentFlag) -> str:
    lead = ":rotating_light: URGENT" if flag.siren else ":triangular_flag_on_post: Flag"
    return f"{lead} {escalation.customer}: {clip(flag.needed, 120)}"


def flag_blocks(escalation: Escalation, flag: UrgentFlag) -> list[Block]:
    """A siren post starts with :rotating_light:, names customer, issue and details, and
    carries the project link."""
    responders = " ".join(mention(user) for user in flag.responder_ids)
    lead = ":rotating_light: *URGENT*" if flag.siren else ":triangular_flag_on_post: *Flag*"
    lines = [
        f"{lead} for {responders}: needed by {when(flag.needed_by)}",
        f"*Customer:* {escape(escalation.customer)} ({escape(escalation.project)})",
        f"*Issue:* {escalation.key} {severity_label(escalation)}: "
        f"{escape(clip(escalation.summary, 300))}",
        f"*Details:* {escape(flag.needed)}",
    ]
    if flag.link:
        lines.append(f"*Project link:* <{flag.link}>")
    lines.append(f"Raised by {mention(flag.raised_by)}")
    return [
        SectionBlock(text=MarkdownTextObject(text=clip("\n".join(lines), 3000))),
        ActionsBlock(
            block_id=f"flag:{flag.id}",
            elements=[
                ButtonElement(
                    text="Responded", action_id=FLAG_RESPONDED, value=str(flag.id), style="primary"
                )
            ],
        ),
    ]


def reminder_text(escalation: Escalation, flag: UrgentFlag, kind: FlagReminder) -> str:
    siren = ":rotating_light: " if flag.siren else ""
    if kind is FlagReminder.HALFWAY:
        return (
            f"{siren}Reminder: halfway to the deadline for {escalation.key} "
            f"({escape(escalation.customer)}): {escape(clip(flag.needed, 200))}. Needed by "
            f"{when(flag.needed_by)}."
        )
    if kind is FlagReminder.TWO_HOURS:
        return (
            f"{siren}2 hours left: {escalation.key} ({escape(escalation.customer)}) needs "
            f"{escape(clip(flag.needed, 200))} by {when(flag.needed_by)}."
        )
    return (
        f"{siren}The deadline passed without a response on {escalation.key} "
        f"({escape(escalation.customer)}): {escape(clip(flag.needed, 200))}. Responders: "
        + " ".join(mention(user) for user in flag.responder_ids)
        + "."
    )


def closed_note(flag: UrgentFlag) -> ContextBlock:
    return context_line(
        f":white_check_mark: Responded ({mention(flag.closed_by)}, {when(flag.closed_at)})"
    )
