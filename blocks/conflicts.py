"""People conflicts with sales or CS: the form, the private card and each step's messages.

Every message here is a DM to someone involved, a manager, the conflict executive or
leadership: nothing about a conflict is ever posted in a channel.
"""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from blocks.layout import section
from blocks.modal import context_line, form_modal
from blocks.text import INPUT_VALUE, MESSAGE_LIMIT, TEXT_LIMIT, clip, escape, mention, when
from bot.domain import ConflictTeam
from bot.models import PeopleConflict

CONFLICT_CALLBACK = "people_conflict"
RESOLVE_CONFLICT = "conflict_resolve"
RESOLVE_CONFLICT_CALLBACK = "conflict_resolved"
PRIVATE = (
    "Private: only the people involved, their managers, the conflict executive and PS "
    "leadership see this."
)


def conflict_modal(*, manager_days: int, executive_days: int) -> View:
    """Who the issue is with, each person's manager, and what happened."""
    return form_modal(
        callback_id=CONFLICT_CALLBACK,
        title="People conflict",
        submit="Record",
        private_metadata=json.dumps({}),
        blocks=[
            context_line(
                "An internal issue with a sales or CS team member. First try to resolve it "
                f"directly. Unresolved after {manager_days} business days, I tell each person's "
                f"manager; still unresolved {executive_days} business days later, the conflict "
                f"executive. {PRIVATE}"
            ),
            InputBlock(
                block_id="team",
                label="Team",
                element=StaticSelectElement(
                    action_id="team",
                    options=[Option(value=t.value, label=t.label) for t in ConflictTeam],
                ),
            ),
            InputBlock(
                block_id="person",
                label="Who the issue is with",
                element=UserSelectElement(action_id="person"),
            ),
            InputBlock(
                block_id="person_manager",
                label="Their manager",
                element=UserSelectElement(action_id="person_manager"),
            ),
            InputBlock(
                block_id="raiser_manager",
                label="Your manager",
                element=UserSelectElement(action_id="raiser_manager"),
            ),
            InputBlock(
                block_id="customer",
                label="Customer affected",
                optional=True,
                element=PlainTextInputElement(action_id="customer", max_length=200),
                hint="The escalated customer, if any: with a sales team member, your manager "
                "hears of it now.",
            ),
            InputBlock(
                block_id="summary",
                label="What happened",
                element=PlainTextInputElement(
                    action_id="summary", multiline=True, max_length=INPUT_VALUE
                ),
            ),
        ],
    )


def _facts(conflict: PeopleConflict) -> str:
    customer = f"\n*Customer:* {escape(clip(conflict.customer, 200))}" if conflict.customer else ""
    return (
        f"*{conflict.key}*: {conflict.team.label} issue between {mention(conflict.raised_by)} "
        f"and {mention(conflict.person)}, raised {when(conflict.raised_at)}.{customer}\n"
        f"*Managers:* {mention(conflict.raiser_manager)} ({mention(conflict.raised_by)}'s), "
        f"{mention(conflict.person_manager)} ({mention(conflict.person)}'s)\n"
        f"*What happened:* {escape(clip(conflict.summary, 2000))}"
    )


def conflict_blocks(conflict: PeopleConflict, lead: str) -> list[Block]:
    """`lead` (the bot's own words) above the facts, and the Resolved button."""
    blocks: list[Block] = [section(f"{lead}\n\n{_facts(conflict)}"), context_line(PRIVATE)]
    if conflict.resolved_at is None:
        blocks.append(
            ActionsBlock(
                block_id=f"conflict:{conflict.id}",
                elements=[
                    ButtonElement(
                        text="Resolved",
                        action_id=RESOLVE_CONFLICT,
                        value=str(conflict.id),
                        style="primary",
                    )
                ],
            )
        )
    return blocks


def recorded_lead(conflict: PeopleConflict) -> str:
    return (
        f":handshake: Recorded privately. First try to resolve it directly with "
        f"{mention(conflict.person)}. If it is still open {when(conflict.managers_due_at)}, I "
        f"tell {mention(conflict.raiser_manager)} and {mention(conflict.person_manager)}. "
        "Press *Resolved* when it is."
    )


def sales_manager_fyi_lead(conflict: PeopleConflict) -> str:
    return (
        f":information_source: {mention(conflict.raised_by)} has an issue with a sales team "
        f"member ({mention(conflict.person)}) on an escalated customer and is resolving it "
        "directly first. No action needed yet."
    )


def managers_lead(conflict: PeopleConflict, manager_days: int) -> str:
    return (
        f":busts_in_silhouette: Not resolved directly after {manager_days} business days. "
        "Each person brings it to their manager: please work it out together. If it is still "
        f"open {when(conflict.executive_due_at)}, it goes to the conflict executive."
    )


def managers_told_note(conflict: PeopleConflict) -> str:
    return clip(
        f":busts_in_silhouette: {conflict.key} was not resolved directly, so I told your "
        f"managers: {mention(conflict.raiser_manager)} and {mention(conflict.person_manager)}.",
        TEXT_LIMIT,
    )


def executive_lead(conflict: PeopleConflict) -> str:
    return (
        ":rotating_light: Still unresolved after the people involved and their managers tried. "
        "It comes to you for next steps."
    )


def no_executive_lead(conflict: PeopleConflict) -> str:
    return (
        ":warning: Still unresolved after the people involved and their managers tried. No "
        "conflict executive is configured (CONFLICT_EXECUTIVE_USER_ID), so it comes to PS "
        "leadership for next steps."
    )


def executive_told_note(conflict: PeopleConflict, told: list[str]) -> str:
    who = " ".join(mention(user) for user in told) or "nobody (no one is configured)"
    return clip(
        f":rotating_light: {conflict.key} is still unresolved, so I brought it to {who}.",
        TEXT_LIMIT,
    )


def resolve_conflict_modal(conflict: PeopleConflict) -> View:
    return form_modal(
        callback_id=RESOLVE_CONFLICT_CALLBACK,
        title="Conflict resolved",
        submit="Close it",
        private_metadata=json.dumps({"conflict_id": conflict.id}),
        blocks=[
            context_line(
                f"*{conflict.key}* between {mention(conflict.raised_by)} and "
                f"{mention(conflict.person)}. {PRIVATE}"
            ),
            InputBlock(
                block_id="note",
                label="How it was resolved",
                element=PlainTextInputElement(
                    action_id="note", multiline=True, max_length=INPUT_VALUE
                ),
            ),
        ],
    )


def resolved_note(conflict: PeopleConflict) -> str:
    return clip(
        f":white_check_mark: {conflict.key} was resolved by {mention(conflict.resolved_by)}: "
        f"{escape(conflict.resolution or '')}",
        MESSAGE_LIMIT,
    )
