"""The Y/R review loop around the call: the DRI's reminder the day before, and leadership's
question when a Sev 2 turns Yellow or Green."""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    PlainTextInputElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from blocks.escalation import title
from blocks.layout import section, sections
from blocks.modal import context_line, form_modal
from blocks.text import INPUT_VALUE, MESSAGE_LIMIT, TEXT_LIMIT, clip, escape, mention, when
from bot.models import Escalation, GuidanceAction

LEAVE_REVIEW_LIST = "review_list_leave"
STAY_ON_REVIEW_LIST = "review_list_stay"
# The reminder's list of escalations: at most this many sections (a message holds 50 blocks),
# the rest counted in an "…and N more" line.
REMINDER_SECTIONS = 20


def reminder_text(review_at: datetime) -> str:
    return f"Reminder: the Y/R/Blocked portfolio review is tomorrow, {when(review_at)}"


def reminder_blocks(escalations: list[Escalation], review_at: datetime) -> list[Block]:
    """One DM per DRI listing their escalations on tomorrow's agenda."""
    return [
        section(
            f":spiral_calendar_pad: The Y/R/Blocked portfolio review is tomorrow, "
            f"{when(review_at)}. Please attend for:"
        ),
        *sections(
            [
                f"• {escalation.health.emoji} {escape(clip(title(escalation), 300))}"
                for escalation in escalations
            ],
            most=REMINDER_SECTIONS,
            what="escalations",
        ),
        section("Bring the current health, path to green and anything you need from leadership."),
    ]


def list_question_text(escalation: Escalation) -> str:
    return clip(
        f"{escalation.key} is now {escalation.health.label}: does it leave the review list?",
        TEXT_LIMIT,
    )


def list_question_blocks(escalation: Escalation, leadership: list[str]) -> list[Block]:
    """Leadership is asked, in the thread, whether a Sev 2 that turned Yellow or Green leaves
    the Y/R review list."""
    who = " ".join(mention(user) for user in leadership[:20]) or "PS leadership"
    return [
        section(
            f"{escalation.health.emoji} {who}: *{escalation.key}* "
            f"({escape(clip(escalation.customer, 200))}) is now *{escalation.health.label}*. "
            "Does it leave the Y/R review list? It stays on the agenda until you decide."
        ),
        ActionsBlock(
            block_id=f"review_list:{escalation.id}",
            elements=[
                ButtonElement(
                    text="Take it off the list",
                    action_id=LEAVE_REVIEW_LIST,
                    value=str(escalation.id),
                    style="primary",
                ),
                ButtonElement(
                    text="Keep it on the list",
                    action_id=STAY_ON_REVIEW_LIST,
                    value=str(escalation.id),
                ),
            ],
        ),
    ]


def list_decision_note(escalation: Escalation, actor: str, leaves: bool) -> str:
    decided = "took it off the Y/R review list" if leaves else "kept it on the Y/R review list"
    return clip(f"{mention(actor)} {decided} ({escalation.key}).", TEXT_LIMIT)


GUIDANCE_CALLBACK = "guidance_action"
RECORD_GUIDANCE = "review_record_guidance"
GUIDANCE_DONE = "review_guidance_done"


def guidance_button(escalation_id: int) -> ButtonElement:
    return ButtonElement(
        text="Record guidance", action_id=RECORD_GUIDANCE, value=str(escalation_id)
    )


def guidance_modal(escalation: Escalation, today: date) -> View:
    """Leadership's guidance for one escalation, as an action with an owner and a due date."""
    return form_modal(
        callback_id=GUIDANCE_CALLBACK,
        title="Leadership guidance",
        submit="Record",
        private_metadata=str(escalation.id),
        blocks=[
            context_line(f"*{escape(title(escalation))}*"),
            InputBlock(
                block_id="text",
                label="Guidance / action",
                element=PlainTextInputElement(action_id="text", multiline=True, max_length=3000),
            ),
            InputBlock(
                block_id="owner",
                label="Owner",
                element=UserSelectElement(action_id="owner"),
            ),
            InputBlock(
                block_id="due_on",
                label="Due",
                element=DatePickerElement(action_id="due_on", initial_date=today.isoformat()),
            ),
        ],
    )


def guidance_text(escalation: Escalation, action: GuidanceAction) -> str:
    return clip(
        f":compass: Leadership guidance on {escalation.key} from {mention(action.created_by)}: "
        f"{escape(clip(action.text, INPUT_VALUE))}\nOwner {mention(action.owner)}, due "
        f"{action.due_on:%a %d %b}.",
        MESSAGE_LIMIT,
    )


def guidance_blocks(
    escalation: Escalation, action: GuidanceAction, *, overdue: bool
) -> list[Block]:
    """The owner's DM: what leadership asked, by when, and a button to say it is done."""
    lead = ":alarm_clock: *Overdue* guidance" if overdue else ":compass: Guidance"
    return [
        section(
            f"{lead} on *{escape(title(escalation))}* from {mention(action.created_by)}, due "
            f"{action.due_on:%a %d %b}:\n{escape(action.text)}"
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Done", action_id=GUIDANCE_DONE, value=str(action.id), style="primary"
                )
            ]
        ),
    ]


def guidance_done_note(escalation: Escalation, action: GuidanceAction) -> str:
    return clip(
        f":white_check_mark: {mention(action.done_by)} completed leadership guidance on "
        f"{escalation.key}: {escape(clip(action.text, 500))}",
        TEXT_LIMIT,
    )
