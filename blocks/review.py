"""The Y/R review loop around the call: the DRI's reminder the day before, and leadership's
question when a Sev 2 turns Yellow or Green."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from blocks.escalation import title
from blocks.layout import section
from blocks.text import TEXT_LIMIT, clip, escape, mention, when
from bot.models import Escalation

LEAVE_REVIEW_LIST = "review_list_leave"
STAY_ON_REVIEW_LIST = "review_list_stay"


def reminder_text(review_at: datetime) -> str:
    return f"Reminder: the Y/R/Blocked portfolio review is tomorrow, {when(review_at)}"


def reminder_blocks(escalations: list[Escalation], review_at: datetime) -> list[Block]:
    """One DM per DRI listing their escalations on tomorrow's agenda."""
    listed = "\n".join(
        f"• {escalation.health.emoji} {escape(clip(title(escalation), 300))}"
        for escalation in escalations[:40]
    )
    more = f"\n…and {len(escalations) - 40} more" if len(escalations) > 40 else ""
    return [
        section(
            f":spiral_calendar_pad: The Y/R/Blocked portfolio review is tomorrow, "
            f"{when(review_at)}. Please attend for:\n{listed}{more}\n"
            "Bring the current health, path to green and anything you need from leadership."
        )
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
