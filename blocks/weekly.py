"""The weekly reviews: the Sev 1 review form and how it reads in the thread, and the nudges
for a missed weekly (the DRI's DM, the manager's thread note and DM)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    LinkButtonElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from blocks import button_values
from blocks.escalation import title
from blocks.layout import section
from blocks.modal import context_line, form_modal
from blocks.text import INPUT_VALUE, MESSAGE_LIMIT, TEXT_LIMIT, clip, escape, mention
from bot.domain import Role
from bot.models import Escalation, WeeklyReview

WEEKLY_REVIEW_CALLBACK = "weekly_review"
OPEN_WEEKLY_REVIEW = "prompt_weekly_review"
WEEKLY_POST_UPDATE = "weekly_post_update"

# (block and action ID, label, placeholder) of the free-text questions, in the form's order.
REVIEW_QUESTIONS = (
    (
        "stakeholder_communication",
        "Stakeholder communication summary",
        "Who heard what from us this week: customer, AE, CSM, leadership",
    ),
    (
        "budget_timeline_impact",
        "Budget and timeline impact",
        "Hours and cost against budget; dates moved, and by how much",
    ),
    (
        "resource_allocation",
        "Resource allocation review",
        "Who is assigned in the PSA, what changes, what is needed",
    ),
    ("forecast", "Updated forecast", "When and how this gets to green, as of today"),
)
RAID_REVIEWED = "raid_reviewed"
RAID_NOTES = "raid_notes"


def weekly_review_value(escalation_id: int, week: str) -> str:
    """A button's value (and the form's metadata); the week is an ISO week like 2026-W48."""
    return button_values.encode(escalation_id=escalation_id, week=week[:10])


def weekly_review_modal(escalation: Escalation, week: str) -> View:
    """The weekly Sev 1 review form for one ISO week (`2026-W48`)."""
    yes_no = [
        Option(value="yes", label="Yes, reviewed and updated"),
        Option(value="no", label="No"),
    ]
    blocks: list[Block] = [context_line(f"*{escape(title(escalation))}* · week {escape(week)}")]
    for block_id, label, placeholder in REVIEW_QUESTIONS:
        blocks.append(
            InputBlock(
                block_id=block_id,
                label=label,
                element=PlainTextInputElement(
                    action_id=block_id,
                    multiline=True,
                    max_length=INPUT_VALUE,
                    placeholder=placeholder,
                ),
            )
        )
    blocks += [
        InputBlock(
            block_id=RAID_REVIEWED,
            label="RAID register reviewed?",
            element=RadioButtonsElement(action_id=RAID_REVIEWED, options=yes_no),
        ),
        InputBlock(
            block_id=RAID_NOTES,
            label="RAID notes",
            optional=True,
            element=PlainTextInputElement(
                action_id=RAID_NOTES, multiline=True, max_length=INPUT_VALUE
            ),
        ),
    ]
    return form_modal(
        callback_id=WEEKLY_REVIEW_CALLBACK,
        title="Weekly Sev 1 review",
        submit="Submit",
        private_metadata=weekly_review_value(escalation.id, week),
        blocks=blocks,
    )


def weekly_review_text(escalation: Escalation, review: WeeklyReview) -> str:
    return clip(
        f"{escalation.key} weekly review ({escape(review.week)}) from {mention(review.author)}",
        TEXT_LIMIT,
    )


def weekly_review_blocks(escalation: Escalation, review: WeeklyReview) -> list[Block]:
    """The review as the thread reads it: one section per answer, each clipped on its own."""
    blocks: list[Block] = [
        section(
            f":calendar: *Weekly review of {escalation.key}* ({escape(review.week)}) from "
            f"{mention(review.author)}"
        )
    ]
    for label, value in (
        ("Stakeholder communication", review.stakeholder_communication),
        ("Budget and timeline impact", review.budget_timeline_impact),
        ("Resource allocation", review.resource_allocation),
        ("Updated forecast", review.forecast),
    ):
        blocks.append(section(f"*{label}:* {escape(value)}"))
    raid = "reviewed" if review.raid_reviewed else "*not reviewed*"
    notes = f": {escape(review.raid_notes)}" if review.raid_notes else ""
    blocks.append(section(f"*RAID register:* {raid}{notes}"))
    return blocks


def review_button(escalation_id: int, week: str) -> ButtonElement:
    return ButtonElement(
        text="Weekly review",
        action_id=OPEN_WEEKLY_REVIEW,
        value=weekly_review_value(escalation_id, week),
        style="primary",
    )


def missed_weekly_text(escalation: Escalation, kind: str) -> str:
    what = "Weekly Sev 1 review" if kind == "sev1_weekly_overdue" else "Weekly Sev 2 update"
    return clip(f"{what} still missing: {escape(title(escalation))}", TEXT_LIMIT)


def missed_weekly_blocks(
    escalation: Escalation, kind: str, week: str, *, permalink: str | None
) -> list[Block]:
    """The DRI's nudge one business day after a weekly prompt went unanswered."""
    if kind == "sev1_weekly_overdue":
        ask = (
            "The weekly review form for this week hasn't been submitted: stakeholder "
            "communication, budget and timeline impact, resource allocation, RAID, forecast. "
            "It is overdue, and the PMO briefing shows it so."
        )
        button = review_button(escalation.id, week)
    else:
        ask = (
            "No update since this week's weekly prompt: PSA status and path to green, progress "
            "of mitigations, resource needs. Your manager is told next business day if it's "
            "still missing."
        )
        button = ButtonElement(
            text="Post update",
            action_id=WEEKLY_POST_UPDATE,
            value=str(escalation.id),
            style="primary",
        )
    buttons: list[ButtonElement | LinkButtonElement] = [button]
    if permalink:
        buttons.append(
            LinkButtonElement(text="Open thread", url=permalink, action_id="prompt_open_thread")
        )
    return [
        section(f":bell: *{missed_weekly_text(escalation, kind)}*\n{ask}"),
        ActionsBlock(elements=buttons),
    ]


def sev2_weekly_manager_text(escalation: Escalation) -> str:
    """The thread note (and the manager's DM) two business days after a missed Sev 2 weekly."""
    return clip(
        f":mute: {mention(escalation.person(Role.MANAGER))} the weekly Sev 2 update on "
        f"{escalation.key} ({escape(clip(escalation.customer, 200))}) is two business days "
        f"overdue. DRI {mention(escalation.person(Role.DRI))}, please post it.",
        MESSAGE_LIMIT,
    )
