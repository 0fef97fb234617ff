"""The update modal, the check-in modal, and how an update reads in each channel."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from blocks.escalation import title
from blocks.layout import section
from blocks.modal import context_line, form_modal
from blocks.text import INPUT_VALUE, MESSAGE_LIMIT, TEXT_LIMIT, channel, clip, escape, mention
from bot.domain import Health, UpdateSource
from bot.models import Escalation, Update

UPDATE_CALLBACK = "post_update"
CHECK_IN_CALLBACK = "log_check_in"


def _text_input(
    block_id: str,
    label: str,
    *,
    optional: bool,
    placeholder: str | None = None,
    hint: str | None = None,
    multiline: bool = True,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=block_id, multiline=multiline, max_length=3000, placeholder=placeholder
        ),
    )


def update_modal(escalation: Escalation, *, origin: str | None = None) -> View:
    """Health, summary, progress, blockers, customer contact, next steps, customer-safe text."""
    health_options = [Option(value=h.value, label=h.label) for h in Health]
    current = next(o for o in health_options if o.value == escalation.health.value)
    yes_no = [Option(value="yes", label="Yes"), Option(value="no", label="No")]
    blocks: list[Block] = [
        context_line(f"*{escape(title(escalation))}*"),
        InputBlock(
            block_id="health",
            label="Health",
            element=StaticSelectElement(
                action_id="health", options=health_options, initial_option=current
            ),
        ),
        _text_input("summary", "Summary", optional=False, placeholder="Where things stand today"),
        _text_input("progress", "Progress against milestones", optional=True),
        _text_input("blockers", "Blockers", optional=True),
        InputBlock(
            block_id="customer_communicated",
            label="Customer communicated today?",
            element=RadioButtonsElement(action_id="customer_communicated", options=yes_no),
        ),
        _text_input("next_steps", "Next steps", optional=True),
        InputBlock(
            block_id="path_to_green",
            label="Path to green",
            optional=True,
            hint="Change it when the plan changes; it replaces the one on the root message.",
            element=PlainTextInputElement(
                action_id="path_to_green",
                multiline=True,
                max_length=3000,
                initial_value=clip(escalation.path_to_green, 3000)
                if escalation.path_to_green
                else None,
            ),
        ),
    ]
    if escalation.customer_channel_id:
        blocks.append(
            _text_input(
                "customer_message",
                "Customer-safe message (optional)",
                optional=True,
                hint="Posted to the customer channel exactly as written, and only if you write it. "
                "Nothing else from this form ever goes there.",
            )
        )
    return form_modal(
        callback_id=UPDATE_CALLBACK,
        title="Post update",
        submit="Post",
        private_metadata=json.dumps({"escalation_id": escalation.id, "origin": origin}),
        blocks=blocks,
    )


def check_in_modal(escalation: Escalation) -> View:
    return form_modal(
        callback_id=CHECK_IN_CALLBACK,
        title="Log check-in",
        submit="Log",
        private_metadata=json.dumps({"escalation_id": escalation.id}),
        blocks=[
            context_line(f"*{escape(title(escalation))}*"),
            InputBlock(
                block_id="attendees",
                label="Who attended",
                element=UserMultiSelectElement(action_id="attendees"),
            ),
            _text_input("notes", "Notes", optional=False),
        ],
    )


def update_text(escalation: Escalation, update: Update) -> str:
    return clip(
        f"{escalation.key} update ({update.health.label}): {escape(clip(update.summary, 150))}",
        TEXT_LIMIT,
    )


def customer_message_text(update: Update) -> str:
    """The customer-safe message as the customer channel reads it: the words the DRI wrote,
    shown as text, so it can never notify the customer's channel or disguise a link."""
    # Clipped before escaping, to the input's own limit, so all of it arrives.
    return clip(escape(clip(update.customer_message or "", INPUT_VALUE)), MESSAGE_LIMIT)


def update_blocks(escalation: Escalation, update: Update) -> list[Block]:
    """The internal view of an update: thread reply and internal-channel cross-post."""
    if update.source is UpdateSource.NOTHING_NEW:
        return [
            context_line(
                f"{update.health.emoji} {mention(update.author)}: no new developments on "
                f"{escalation.key}."
            )
        ]
    # A section per part: a long summary is clipped on its own, never hiding the others.
    blocks: list[Block] = [
        section(
            f"{update.health.emoji} *Update on {escalation.key}* from {mention(update.author)}\n"
            f"{escape(update.summary)}"
        )
    ]
    for label, value in (
        ("Progress", update.progress),
        ("Blockers", update.blockers),
        ("Next steps", update.next_steps),
        ("New path to green", update.path_to_green),
    ):
        if value:
            blocks.append(section(f"*{label}:* {escape(value)}"))
    closing = f"*Customer communicated today:* {'yes' if update.customer_communicated else 'no'}"
    if update.customer_message:
        closing += (
            f"\n_Sent to {channel(escalation.customer_channel_id)}:_ "
            f"{escape(clip(update.customer_message, 500))}"
        )
    blocks.append(section(closing))
    return blocks


def check_in_text(escalation: Escalation, attendees: list[str], notes: str, author: str) -> str:
    people = ", ".join(mention(a) for a in attendees[:100]) or "nobody recorded"
    return clip(
        f":busts_in_silhouette: Check-in on {escalation.key} logged by {mention(author)}. "
        f"Attended: {people}.\n{escape(clip(notes, INPUT_VALUE))}",
        MESSAGE_LIMIT,
    )
