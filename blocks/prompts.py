"""What the DRI, the manager and leadership read when the cadence engine speaks up."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    LinkButtonElement,
)

from blocks import button_values
from blocks.escalation import title
from blocks.layout import section
from blocks.modal import context_line
from blocks.text import MESSAGE_LIMIT, TEXT_LIMIT, age, clip, escape, mention, when
from blocks.weekly import review_button
from bot.domain import Role
from bot.models import Escalation
from bot.policy.escalation import open_checklist_items
from bot.policy.progress import Progress

PROMPT_POST_UPDATE = "prompt_post_update"
PROMPT_NOTHING_NEW = "prompt_nothing_new"
PROMPT_SNOOZE = "prompt_snooze"
PROMPT_CHECK_IN = "prompt_check_in"
PROMPT_REQUEST_SEV1 = "prompt_request_sev1"
# Step 6, asked every morning: one button opens the impact form.
PROMPT_IMPACTS = "prompt_impacts"
IMPACTS_QUESTION = "Did resources, budget or timeline change?"

HEADLINES = {
    "morning": (
        ":sunrise:",
        "Morning review",
        "Review overnight developments and update the status.",
    ),
    "midday": (
        ":busts_in_silhouette:",
        "Midday check-in",
        "Run the internal stakeholder check-in and log who attended.",
    ),
    "evening": (
        ":city_sunset:",
        "Evening update",
        "Update the escalation thread: leadership, internal and customer channels.",
    ),
    "evening_nudge": (
        ":bell:",
        "Evening update still missing",
        "The evening update hasn't been posted yet. Leadership reads it tonight.",
    ),
    "sev1_weekly": (
        ":calendar:",
        "Weekly Sev 1 review",
        "Stakeholder communication summary · budget and timeline impact · resource "
        "allocation review in the PSA · RAID updates · PMO manager briefing with "
        "updated forecasts.",
    ),
    "sev2_weekly": (
        ":calendar:",
        "Weekly Sev 2 update",
        "Update the PSA status with the path to green, the progress of mitigations "
        "and any resource needs.",
    ),
    "phase1_deadline": (
        ":hourglass:",
        "Phase 1 deadline reached",
        "Phase 1 should be complete by now. Still open:",
    ),
}


def prompt_value(escalation_id: int, kind: str, slot: str) -> str:
    """A prompt button's value (`button_values.prompt_click` reads it)."""
    return button_values.encode(escalation_id=escalation_id, kind=kind, slot=slot)


def open_items(escalation: Escalation) -> list[str]:
    return [item.label for item in open_checklist_items(escalation)]


def prompt_blocks(
    escalation: Escalation,
    kind: str,
    slot: str,
    *,
    permalink: str | None,
    now: datetime,
    customer_comm_overdue: bool,
    progress: Progress | None = None,
) -> list[Block]:
    """A DM prompt for the DRI, with the buttons that answer it; the morning one says how
    far the milestones are when `progress` is given."""
    emoji, headline, ask = HEADLINES[kind]
    lines = [f"{emoji} *{headline}: {escape(title(escalation))}*", ask]
    if kind == "phase1_deadline":
        lines += [f"• {item}" for item in open_items(escalation)]
    if kind == "morning":
        lines.append(f"{IMPACTS_QUESTION} Record it with *Record an impact*.")
    notes = []
    if escalation.last_update_at:
        notes.append(f"Last update {age(escalation.last_update_at, now)} ago")
    else:
        notes.append("No update posted yet")
    if customer_comm_overdue:
        notes.append(
            ":warning: customer communication is overdue"
            + (
                f" (last {when(escalation.last_customer_comm_at)})"
                if escalation.last_customer_comm_at
                else ""
            )
        )
    if kind not in ("phase1_deadline",) and (items := open_items(escalation)):
        notes.append(f"{len(items)} Phase 1 item(s) open")
    if kind == "morning" and progress is not None:
        notes.append(f"Milestones: {progress.summary()}")
    value = prompt_value(escalation.id, kind, slot)
    buttons = []
    if kind == "sev1_weekly":  # the week's review form; its slot is the ISO week
        buttons.append(review_button(escalation.id, slot.split("+")[0]))
    if kind == "midday":
        buttons.append(
            ButtonElement(
                text="Log check-in", action_id=PROMPT_CHECK_IN, value=value, style="primary"
            )
        )
    elif kind != "phase1_deadline":
        buttons.append(
            ButtonElement(
                text="Post update",
                action_id=PROMPT_POST_UPDATE,
                value=value,
                style=None if kind == "sev1_weekly" else "primary",
            )
        )
    if kind == "morning":
        buttons.append(
            ButtonElement(text="Record an impact", action_id=PROMPT_IMPACTS, value=value)
        )
    if kind in ("morning", "evening", "evening_nudge"):
        buttons.append(ButtonElement(text="Nothing new", action_id=PROMPT_NOTHING_NEW, value=value))
    if kind in ("morning", "midday", "evening", "evening_nudge"):
        buttons.append(ButtonElement(text="Snooze 1h", action_id=PROMPT_SNOOZE, value=value))
    if kind == "sev2_weekly":
        buttons.append(
            ButtonElement(
                text="Ask leadership for Sev 1", action_id=PROMPT_REQUEST_SEV1, value=value
            )
        )
    if permalink:
        buttons.append(
            LinkButtonElement(text="Open thread", url=permalink, action_id="prompt_open_thread")
        )
    return [
        section("\n".join(lines)),
        context_line(" · ".join(notes)),
        ActionsBlock(elements=buttons),
    ]


def prompt_text(escalation: Escalation, kind: str) -> str:
    _emoji, headline, _ask = HEADLINES[kind]
    return clip(f"{headline}: {escape(title(escalation))}", TEXT_LIMIT)


def phase1_manager_text(escalation: Escalation) -> str:
    items = open_items(escalation)
    listed = "\n".join(f"• {item}" for item in items)
    return clip(
        f":hourglass_flowing_sand: {mention(escalation.person(Role.MANAGER))} the Phase 1 "
        f"checklist for {escalation.key} is 4 hours past its deadline with {len(items)} item(s) "
        f"open (DRI {mention(escalation.person(Role.DRI))}):\n{listed}",
        MESSAGE_LIMIT,
    )


def silence_manager_text(escalation: Escalation, hours: int) -> str:
    return (
        f":mute: {mention(escalation.person(Role.MANAGER))} no update on {escalation.key} for "
        f"{hours} hours. DRI {mention(escalation.person(Role.DRI))}, please post one."
    )
