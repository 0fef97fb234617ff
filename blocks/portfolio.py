"""The Y/R/Blocked portfolio review agenda, and leadership's Sev 2 decisions."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from blocks.escalation import title
from blocks.layout import section, sections
from blocks.modal import context_line, form_modal
from blocks.overview import escalation_line, sort_for_attention
from blocks.review import guidance_button
from blocks.text import MESSAGE_BLOCKS, SECTION_TEXT, clip, escape, mention, more_line, when
from bot.domain import Level, Severity
from bot.models import Escalation, GuidanceAction

DECIDE_PROMOTE = "decide_promote"
DECIDE_REMAIN = "decide_remain"
PROMOTE_CALLBACK = "promote_to_sev1"
MAX_DECISIONS = 20
AGENDA_TEXT = "Y/R/Blocked portfolio review agenda"


def decision_buttons(escalation: Escalation) -> ActionsBlock:
    return ActionsBlock(
        block_id=f"decide:{escalation.id}",
        elements=[
            ButtonElement(
                text="Escalate to Sev 1",
                action_id=DECIDE_PROMOTE,
                value=str(escalation.id),
                style="danger",
            ),
            ButtonElement(
                text="Remain in Sev 2 monitoring", action_id=DECIDE_REMAIN, value=str(escalation.id)
            ),
        ],
    )


def agenda_blocks(escalations: list[Escalation], review_at: datetime, now: datetime) -> list[Block]:
    """Every open escalation with health, age, last update and overdue items; a decision
    row for each Sev 2 (the first MAX_DECISIONS)."""
    blocks: list[Block] = [
        HeaderBlock(text="Y/R/Blocked portfolio review"),
        section(
            f"Agenda for the call {when(review_at)}: {len(escalations)} open escalation(s), "
            "overdue first."
        ),
    ]
    if not escalations:
        return [*blocks, context_line("Nothing open. :tada:")]
    # Escalations without a decision row share sections; one with a decision row gets its
    # own section, its buttons under it. A message holds 50 blocks: what doesn't fit is
    # counted at the end, never dropped silently.
    room = MESSAGE_BLOCKS - len(blocks) - 1
    ordered = sort_for_attention(escalations, now)
    pending: list[str] = []
    shown = decisions = 0

    def packed() -> list[Block]:
        return sections(pending, most=len(pending))

    for index, escalation in enumerate(ordered):
        last = when(escalation.last_update_at) if escalation.last_update_at else "no update yet"
        line = f"{escalation_line(escalation, now)}\n      Last update: {last}"
        if escalation.severity is Severity.SEV2 and decisions < MAX_DECISIONS:
            shared = packed()
            if len(shared) + 2 > room:
                break
            blocks += [*shared, section(line), decision_buttons(escalation)]
            room -= len(shared) + 2
            pending.clear()
            decisions += 1
        else:
            pending.append(line)
            if len(packed()) > room:
                pending.pop()
                break
        shown = index + 1
    blocks += packed()
    if shown < len(ordered):
        blocks.append(
            context_line(
                more_line(len(ordered) - shown, "open escalations", "see `/escalate list`")
            )
        )
    return blocks


def promote_modal(escalation: Escalation) -> View:
    return form_modal(
        callback_id=PROMOTE_CALLBACK,
        title="Escalate to Sev 1",
        submit="Escalate",
        private_metadata=json.dumps({"escalation_id": escalation.id}),
        blocks=[
            context_line(
                f"*{escape(title(escalation))}* becomes a Sev 1: Phase 1 starts again (24 h) "
                "and the DRI gets daily prompts. The history stays on the record."
            ),
            InputBlock(
                block_id="level",
                label="Sev 1 level",
                element=StaticSelectElement(
                    action_id="level",
                    options=[Option(value=level.value, label=level.label) for level in Level],
                ),
            ),
            InputBlock(
                block_id="note",
                label="Why",
                optional=True,
                element=PlainTextInputElement(action_id="note", multiline=True, max_length=1000),
            ),
        ],
    )


def promotion_request_blocks(
    escalation: Escalation, requester: str, leadership: list[str]
) -> list[Block]:
    people = clip(" ".join(mention(user) for user in leadership), 2000) or "PS leadership"
    return [
        section(
            f":arrow_double_up: {people}: {mention(requester)} asks to escalate "
            f"*{escape(title(escalation))}* to Sev 1. Please decide."
        ),
        decision_buttons(escalation),
    ]


def agenda_messages(
    escalations: list[Escalation],
    review_at: datetime,
    now: datetime,
    guidance: Mapping[int, Sequence[GuidanceAction]] | None = None,
) -> list[tuple[str, list[Block]]]:
    """The agenda as (text, blocks) messages: every open escalation, overdue first, with its
    open guidance actions and a "Record guidance" button, a decision row under each Sev 2,
    continued over as many messages as Slack's 50-block limit needs; nothing is left out."""
    guidance = guidance or {}
    today = now.date()
    intro: list[Block] = [
        HeaderBlock(text="Y/R/Blocked portfolio review"),
        section(
            f"Agenda for the call {when(review_at)}: {len(escalations)} open escalation(s), "
            "overdue first."
        ),
    ]
    if not escalations:
        return [(AGENDA_TEXT, [*intro, context_line("Nothing open. :tada:")])]
    room = MESSAGE_BLOCKS - 1  # one left for the "continued" line
    messages: list[list[Block]] = [intro]
    for escalation in sort_for_attention(escalations, now):
        last = when(escalation.last_update_at) if escalation.last_update_at else "no update yet"
        lines = [f"{escalation_line(escalation, now)}\n      Last update: {last}"]
        for action in guidance.get(escalation.id, [])[:5]:
            late = " :alarm_clock: overdue" if action.due_on < today else ""
            lines.append(
                f"      :compass: {escape(clip(action.text, 200))} · {mention(action.owner)} · "
                f"due {action.due_on:%a %d %b}{late}"
            )
        if len(guidance.get(escalation.id, [])) > 5:
            lines.append(f"      …and {len(guidance[escalation.id]) - 5} more guidance actions")
        item: list[Block] = [
            SectionBlock(
                text=MarkdownTextObject(text=clip("\n".join(lines), SECTION_TEXT)),
                accessory=guidance_button(escalation.id),
            )
        ]
        if escalation.severity is Severity.SEV2:
            item.append(decision_buttons(escalation))
        if len(messages[-1]) + len(item) > room:
            messages.append([])
        messages[-1] += item
    if len(messages) == 1:
        return [(AGENDA_TEXT, messages[0])]
    total = len(messages)
    return [
        (
            f"{AGENDA_TEXT} (part {number} of {total})",
            [*blocks, context_line(f"Agenda part {number} of {total}")],
        )
        for number, blocks in enumerate(messages, start=1)
    ]
