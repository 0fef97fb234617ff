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
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from blocks.escalation import title
from blocks.layout import section
from blocks.modal import context_line, form_modal, url_input
from blocks.text import (
    MESSAGE_LIMIT,
    OPTION_TEXT,
    TEXT_LIMIT,
    URL_LENGTH,
    clip,
    escape,
    link,
    mention,
    when,
)
from bot.domain import Role
from bot.models import Escalation, UrgentFlag
from bot.policy.flags import FlagReminder

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
        # "As soon as you suspect an issue, flag it": an escalation is not needed.
        if choices:
            blocks.append(
                InputBlock(
                    block_id="escalation",
                    label="Escalation",
                    optional=True,
                    hint="Leave empty to flag something that is not (yet) an escalation.",
                    element=StaticSelectElement(
                        action_id="escalation",
                        options=[
                            Option(value=str(e.id), label=clip(title(e), OPTION_TEXT))
                            for e in choices[:100]
                        ],
                    ),
                )
            )
        blocks.append(
            InputBlock(
                block_id="customer",
                label="Customer",
                optional=bool(choices),
                hint="For a flag with no escalation: it is posted in the leadership channel.",
                element=PlainTextInputElement(action_id="customer", max_length=200),
            )
        )
    else:
        blocks.append(context_line(f"*{escape(title(escalation))}*"))
    default_link = escalation.project_link if escalation is not None else None
    link_input = url_input("link")
    # Slack refuses an initial value longer than the field allows.
    if default_link and len(default_link) <= URL_LENGTH:
        link_input.initial_value = default_link
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
            element=link_input,
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
    return clip(
        f"{lead} {escape(clip(escalation.customer, 200))}: {escape(clip(flag.needed, 120))}",
        TEXT_LIMIT,
    )


def flag_blocks(escalation: Escalation, flag: UrgentFlag) -> list[Block]:
    """A siren post starts with :rotating_light:, names customer, issue and details, and
    carries the project link."""
    responders = " ".join(mention(user) for user in flag.responder_ids[:100])
    lead = ":rotating_light: *URGENT*" if flag.siren else ":triangular_flag_on_post: *Flag*"
    # One section, whatever the record holds: the DM carries only the button (blocks[1:]).
    lines = [
        f"{lead} for {clip(responders, 400)}: needed by {when(flag.needed_by)}",
        f"*Customer:* {escape(clip(escalation.customer, 60))} "
        f"({escape(clip(escalation.project, 60))})",
        f"*Issue:* {escalation.key} {escalation.severity_label}: "
        f"{clip(escape(clip(escalation.summary, 300)), 400)}",
    ]
    if flag.link:
        lines.append(f"*Project link:* {link(flag.link)}")
    # Seed 002: the flag in Slack goes with one in the tracker.
    lines.append(tracker_reminder(escalation.person(Role.DRI) or flag.raised_by))
    # The details go last: the one long text, they take whatever room is left.
    lines += [f"Raised by {mention(flag.raised_by)}", f"*Details:* {escape(flag.needed)}"]
    return [
        section("\n".join(lines)),
        ActionsBlock(
            block_id=f"flag:{flag.id}",
            elements=[
                ButtonElement(
                    text="Responded", action_id=FLAG_RESPONDED, value=str(flag.id), style="primary"
                )
            ],
        ),
    ]


def tracker_reminder(dri: str) -> str:
    return f":memo: {mention(dri)}: flag it in the tracker (ClickUp) too, with a link back here."


def unattached_flag_text(flag: UrgentFlag) -> str:
    """The notification of a flag with no escalation."""
    lead = ":rotating_light: URGENT" if flag.siren else ":triangular_flag_on_post: Flag"
    return clip(
        f"{lead} {escape(clip(flag.customer or '', 200))}: {escape(clip(flag.needed, 120))}",
        TEXT_LIMIT,
    )


def unattached_flag_blocks(flag: UrgentFlag) -> list[Block]:
    """A flag with no escalation, posted on its own in the leadership channel: as a siren it
    starts with :rotating_light:, names the customer, the issue and the details, and carries
    the project link."""
    responders = " ".join(mention(user) for user in flag.responder_ids[:100])
    lead = ":rotating_light: *URGENT*" if flag.siren else ":triangular_flag_on_post: *Flag*"
    lines = [
        f"{lead} for {clip(responders, 400)}: needed by {when(flag.needed_by)}",
        f"*Customer:* {escape(clip(flag.customer or '', 120))}",
        f"*Issue:* {escape(clip(flag.needed, 150))} (no escalation open)",
    ]
    if flag.link:
        lines.append(f"*Project link:* {link(flag.link)}")
    lines += [
        tracker_reminder(flag.raised_by),
        f"Raised by {mention(flag.raised_by)}",
        f"*Details:* {escape(flag.needed)}",
    ]
    return [
        section("\n".join(lines)),
        ActionsBlock(
            block_id=f"flag:{flag.id}",
            elements=[
                ButtonElement(
                    text="Responded", action_id=FLAG_RESPONDED, value=str(flag.id), style="primary"
                )
            ],
        ),
    ]


def unattached_reminder_text(flag: UrgentFlag, kind: FlagReminder) -> str:
    siren = ":rotating_light: " if flag.siren else ""
    customer = escape(clip(flag.customer or "", 200))
    needed = escape(clip(flag.needed, 200))
    if kind is FlagReminder.HALFWAY:
        text = f"{siren}Reminder: halfway to the deadline for {customer}: {needed}."
    elif kind is FlagReminder.TWO_HOURS:
        text = f"{siren}2 hours left: {customer} needs {needed}."
    else:
        text = (
            f"{siren}The deadline passed without a response on the {customer} flag: {needed}. "
            "Responders: " + " ".join(mention(user) for user in flag.responder_ids[:100]) + "."
        )
    return clip(f"{text} Needed by {when(flag.needed_by)}.", MESSAGE_LIMIT)


def reminder_text(escalation: Escalation, flag: UrgentFlag, kind: FlagReminder) -> str:
    return clip(_reminder_text(escalation, flag, kind), MESSAGE_LIMIT)


def _reminder_text(escalation: Escalation, flag: UrgentFlag, kind: FlagReminder) -> str:
    siren = ":rotating_light: " if flag.siren else ""
    if kind is FlagReminder.HALFWAY:
        return (
            f"{siren}Reminder: halfway to the deadline for {escalation.key} "
            f"({escape(clip(escalation.customer, 200))}): {escape(clip(flag.needed, 200))}. Needed by "
            f"{when(flag.needed_by)}."
        )
    if kind is FlagReminder.TWO_HOURS:
        return (
            f"{siren}2 hours left: {escalation.key} ({escape(clip(escalation.customer, 200))}) needs "
            f"{escape(clip(flag.needed, 200))} by {when(flag.needed_by)}."
        )
    return (
        f"{siren}The deadline passed without a response on {escalation.key} "
        f"({escape(clip(escalation.customer, 200))}): {escape(clip(flag.needed, 200))}. Responders: "
        + " ".join(mention(user) for user in flag.responder_ids[:100])
        + "."
    )


def closed_note(flag: UrgentFlag) -> ContextBlock:
    closed = f", {when(flag.closed_at)}" if flag.closed_at else ""
    return context_line(f":white_check_mark: Responded ({mention(flag.closed_by)}{closed})")
