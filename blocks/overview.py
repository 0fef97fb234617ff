"""Help, lists and App Home: views over many escalations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from blocks.layout import section, sections
from blocks.modal import context_line
from blocks.text import MESSAGE_BLOCKS, VIEW_BLOCKS, age, clip, escape, mention, when
from bot.domain import Role
from bot.models import Escalation
from bot.policy.escalation import overdue_items

OPEN_SEV1 = "home_open_sev1"
OPEN_SEV2 = "home_open_sev2"

HELP_TEXT = """*Escalation bot* runs the PS escalation process.
• `/escalate sev1 [customer]`: open a customer escalation (Phase 1 in 24 hours)
• `/escalate sev2 [customer]`: open an internal project-health escalation
• `/escalate watch [customer]`: watch a project without escalating it (customer ladder and flags only)
• `/escalate list`: every open escalation, overdue first
• `/escalate conflict`: privately record an issue with a sales or CS team member
• `/escalate status ESC-12`: one escalation at a glance
• `/escalate flag [ESC-12]`: flag something urgent, with or without an escalation (:rotating_light: if needed within 48 hours)
• `/escalate export ESC-12`: the full record and timeline as Markdown, by DM
• `/escalate stats [30d|4w|month|last-month]`: how the process is doing, in numbers
• `/escalate export`: every escalation with its figures as CSV, by DM (leadership)
• `/escalate help`: this message
Escalations are posted and pinned in {channel}; the DRI gets prompts, leadership sees everything in the app's Home tab."""


def help_blocks(channel_label: str, unknown: str | None = None) -> list[Block]:
    text = HELP_TEXT.format(channel=channel_label)
    if unknown:
        text = f"I don't know `{escape(clip(unknown, 50))}`. Here is what I can do:\n\n" + text
    return [section(text)]


DIRECT_MESSAGE_INTRO = (
    "I don't read messages written to me here, so nobody will see this one. "
    "Everything goes through `/escalate` (type it in any channel, or here):"
)


def direct_message_help(channel_label: str) -> list[Block]:
    """The answer to a direct message to the bot: where to go instead, then the help."""
    return [section(DIRECT_MESSAGE_INTRO), *help_blocks(channel_label)]


def sort_for_attention(escalations: list[Escalation], now: datetime) -> list[Escalation]:
    """Overdue first, then Sev 1 before Sev 2, then oldest first."""
    return sorted(
        escalations,
        key=lambda e: (
            not overdue_items(e, now),
            e.severity.value,
            e.opened_at,
        ),
    )


def escalation_line(escalation: Escalation, now: datetime, permalink: str | None = None) -> str:
    key = f"<{permalink}|{escalation.key}>" if permalink else escalation.key
    overdue = overdue_items(escalation, now)
    warning = f"   :alarm_clock: {', '.join(overdue)}" if overdue else ""
    return (
        f"{escalation.health.emoji} *{key}* {escalation.severity_label} · "
        f"{escape(clip(escalation.customer, 80))} · {escape(clip(escalation.project, 80))}\n"
        f"      DRI {mention(escalation.person(Role.DRI))} · {escalation.state.value} · "
        f"open {age(escalation.opened_at, now)}{warning}"
    )


def list_blocks(
    escalations: list[Escalation],
    now: datetime,
    permalinks: dict[int, str] | None = None,
    limit: int = 40,
) -> list[Block]:
    if not escalations:
        return [SectionBlock(text=MarkdownTextObject(text="No open escalations. :tada:"))]
    ordered = sort_for_attention(escalations, now)
    permalinks = permalinks or {}
    lines = [escalation_line(e, now, permalinks.get(e.id)) for e in ordered[:limit]]
    heading = f"*{len(escalations)} open escalation{'s' if len(escalations) != 1 else ''}*"
    return [
        section(heading),
        *sections(
            lines,
            most=MESSAGE_BLOCKS - 1,
            what="open escalations",
            where="see the app's Home tab",
            left_out=len(ordered) - len(lines),
        ),
    ]


ATTENTION_BLOCKS = 6


def given_up_line(key: str | None, what: str, reason: str, at: datetime | None) -> str:
    """One piece of work the bot gave up on, for the Needs attention list."""
    since = f" ({when(at)})" if at else ""
    subject = f"*{escape(key)}*: " if key else ""
    return (
        f"{subject}couldn't deliver {escape(clip(what, 100))}{since}: `{escape(clip(reason, 200))}`"
    )


def home_view(
    *,
    mine: list[Escalation],
    watching: list[Escalation],
    everyone: list[Escalation] | None,
    now: datetime,
    attention: Sequence[str] = (),
    figures: Sequence[Block] = (),
) -> View:
    """App Home: what needs attention (set-up problems, work the bot gave up on), my
    escalations, ones I'm part of, and (for leadership) all open ones.

    `attention` lines are the bot's own mrkdwn, built from escaped parts.
    """
    blocks: list[Block] = [
        HeaderBlock(text="Escalations"),
        ActionsBlock(
            elements=[
                ButtonElement(text="Open Sev 1", action_id=OPEN_SEV1, style="danger"),
                ButtonElement(text="Open Sev 2", action_id=OPEN_SEV2),
            ]
        ),
    ]
    if attention:
        blocks.append(section("*:warning: Needs attention*"))
        blocks += sections(
            list(attention), most=ATTENTION_BLOCKS, what="problems", where="the logs"
        )
    # Leadership's figures (blocks.insights.home_figures): a few blocks, already bounded.
    blocks += figures
    groups = [("Where you are the DRI", mine), ("Where you are a stakeholder", watching)]
    if everyone is not None:
        groups.append(("All open escalations (leadership)", everyone))
    # Each list gets an equal share of the view's 100 blocks, and says what it left out.
    room = (VIEW_BLOCKS - len(blocks)) // len(groups) - 2
    for heading, escalations in groups:
        blocks += [DividerBlock(), section(f"*{heading}*")]
        if escalations:
            lines = [escalation_line(e, now) for e in sort_for_attention(escalations, now)]
            blocks += sections(lines, most=room, what="escalations", where="try `/escalate list`")
        else:
            blocks.append(context_line("None right now."))
    return View(type="home", blocks=blocks)
