"""Watched projects: the card that stands in for a leadership thread, and escalating one."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    HeaderBlock,
    InputBlock,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from blocks.escalation import FLAG_URGENT, WAITING_ON_CUSTOMER, title
from blocks.layout import section
from blocks.modal import context_line, form_modal
from blocks.text import (
    HEADER_TEXT,
    INPUT_VALUE,
    MESSAGE_LIMIT,
    TEXT_LIMIT,
    channel,
    clip,
    escape,
    link,
    mention,
    when,
)
from bot.domain import SEV1_TRIGGERS, SEV2_TRIGGERS, Level, Role, Severity
from bot.models import Escalation

WATCH_ESCALATE = "watch_escalate"
ESCALATE_WATCH_CALLBACK = "escalate_watch"
STOP_WATCHING = "watch_stop"
STOP_WATCHING_CALLBACK = "watch_stopped"
WHAT_A_WATCH_IS = (
    "Watched, not escalated: no leadership post, no checklist, no daily prompts. "
    "The customer-silence ladder and urgent flags work on it, and it can be escalated to "
    "Sev 1 or Sev 2 later with its history."
)


def watch_card_text(escalation: Escalation) -> str:
    return clip(
        f":eyes: {escape(title(escalation))}: {escape(clip(escalation.summary, 200))}", TEXT_LIMIT
    )


def watch_card_blocks(escalation: Escalation) -> list[Block]:
    """The watched project's card: its notes (ladder, flags) are replies under it."""
    people = "   ".join(
        f"*{role.label}:* {mention(escalation.person(role))}"
        for role in (Role.DRI, Role.MANAGER, Role.AE)
    )
    links = "   ".join(link(item.url, item.kind.label) for item in escalation.links[:3])
    value = str(escalation.id)
    return [
        HeaderBlock(text=clip(f"Watching: {title(escalation)}", HEADER_TEXT)),
        section(
            f"*Project:* {escape(clip(escalation.project, 300))}\n"
            f"*Why it is watched:* {escape(clip(escalation.summary, 2000))}"
        ),
        section(f"{people}\n{links}" if links else people),
        context_line(
            f"{WHAT_A_WATCH_IS} Opened by {mention(escalation.opened_by)} "
            f"{when(escalation.opened_at)}."
        ),
        ActionsBlock(
            block_id=f"watch_actions:{escalation.id}",
            elements=[
                ButtonElement(
                    text="Waiting on customer", action_id=WAITING_ON_CUSTOMER, value=value
                ),
                ButtonElement(text="Flag urgent", action_id=FLAG_URGENT, value=value),
                ButtonElement(
                    text="Escalate to Sev 1 / Sev 2", action_id=WATCH_ESCALATE, value=value
                ),
                ButtonElement(text="Stop watching", action_id=STOP_WATCHING, value=value),
            ],
        ),
    ]


def watch_receipt(escalation: Escalation, permalink: str | None) -> str:
    """What the opener hears once the card is up."""
    where = (
        f"in {channel(escalation.watch_channel_id)}"
        if escalation.watch_channel_id == escalation.internal_channel_id
        else f"in a DM to {mention(escalation.person(Role.DRI))} (no internal channel was given)"
    )
    lines = [
        f":eyes: *{escalation.key}* is watched: I posted its card {where}"
        + (f": {permalink}" if permalink else "."),
        WHAT_A_WATCH_IS,
    ]
    return clip("\n".join(lines), MESSAGE_LIMIT)


def watch_opened_modal(customer: str) -> View:
    """What the modal turns into once the watch is saved (the record follows in moments)."""
    return View(
        type="modal",
        title=PlainTextObject(text="Watch saved"),
        close=PlainTextObject(text="Done"),
        blocks=[
            context_line(
                f"Your watch on *{escape(clip(customer, 200))}* is saved. I'm posting its card "
                "in the internal project channel (or DMing the DRI) and will send you the link. "
                "Nothing goes to the leadership channel."
            )
        ],
    )


def escalate_watch_modal(escalation: Escalation) -> View:
    """Sev 1 or Sev 2, the level, the triggers and the path to green: what the open form
    asks that a watch never had."""
    groups = [
        OptionGroup(
            label=clip(f"{short}: {group}", 75),
            options=[Option(value=t.code, label=t.label) for t in triggers if t.group == group],
        )
        for short, triggers in (("Sev 1", SEV1_TRIGGERS), ("Sev 2", SEV2_TRIGGERS))
        for group in dict.fromkeys(t.group for t in triggers)
    ]
    return form_modal(
        callback_id=ESCALATE_WATCH_CALLBACK,
        title="Escalate watch",
        submit="Escalate",
        private_metadata=json.dumps({"escalation_id": escalation.id}),
        blocks=[
            context_line(
                f"*{escape(title(escalation))}* becomes an escalation on the same record: its "
                "waits, flags and timeline stay. It is posted in the leadership channel."
            ),
            InputBlock(
                block_id="severity",
                label="Escalate to",
                element=StaticSelectElement(
                    action_id="severity",
                    options=[
                        Option(value=s.value, label=s.label) for s in (Severity.SEV1, Severity.SEV2)
                    ],
                ),
            ),
            InputBlock(
                block_id="level",
                label="Sev 1 level",
                optional=True,
                hint="Required for Sev 1.",
                element=StaticSelectElement(
                    action_id="level",
                    options=[Option(value=level.value, label=level.label) for level in Level],
                ),
            ),
            InputBlock(
                block_id="triggers",
                label="Triggers",
                element=StaticMultiSelectElement(action_id="triggers", option_groups=groups),
                hint="At least one, of the severity you choose.",
            ),
            InputBlock(
                block_id="path_to_green",
                label="Path to green",
                optional=True,
                hint="Required for Sev 2.",
                element=PlainTextInputElement(
                    action_id="path_to_green", multiline=True, max_length=INPUT_VALUE
                ),
            ),
        ],
    )


def stop_watching_modal(escalation: Escalation) -> View:
    return form_modal(
        callback_id=STOP_WATCHING_CALLBACK,
        title="Stop watching",
        submit="Stop watching",
        private_metadata=json.dumps({"escalation_id": escalation.id}),
        blocks=[
            context_line(
                f"*{escape(title(escalation))}* is closed: its ladder and flags' reminders stop. "
                "The record and its timeline stay."
            ),
            InputBlock(
                block_id="note",
                label="Why",
                element=PlainTextInputElement(
                    action_id="note", multiline=True, max_length=INPUT_VALUE
                ),
            ),
        ],
    )


def stopped_note(escalation: Escalation, actor: str) -> str:
    return clip(
        f":white_check_mark: {escalation.key} is no longer watched ({mention(actor)}): "
        f"{escape(escalation.resolution or '')}",
        MESSAGE_LIMIT,
    )
