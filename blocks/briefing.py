"""The PMO manager's weekly briefing as DMs: every open Sev 1 with its forecast, impacts and
overdue items, the week's closures with their retro links, any added sections, then the
week's insights figures (the chart follows as a file); split over as many messages as
Slack's 50-block limit needs, each saying which part it is."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block, HeaderBlock

from blocks.insights import briefing_figures
from blocks.layout import section, sections
from blocks.modal import context_line
from blocks.text import MESSAGE_BLOCKS, age, clip, escape, link, mention, when
from bot.policy.briefing import Briefing, Closure, OpenSev1

# Room left in each message for the "part i of n" line.
_PER_MESSAGE = MESSAGE_BLOCKS - 1


def _open_sev1(item: OpenSev1, as_of: datetime) -> Block:
    level = f" {item.level.label}" if item.level else ""
    key = link(item.permalink, item.key) if item.permalink else item.key
    lines = [
        f"{item.health.emoji} *{key}* · Sev 1{level} · {escape(clip(item.title, 300))} · "
        f"{item.state.value.capitalize()} · DRI {mention(item.dri)} · open {age(item.opened_at, as_of)}",
    ]
    if item.review:
        lines += [
            f"*Forecast ({escape(item.review.week)}):* {escape(clip(item.review.forecast, 600))}",
            f"*Budget and timeline:* {escape(clip(item.review.budget_timeline_impact, 600))}",
            f"*Resources:* {escape(clip(item.review.resource_allocation, 400))}",
        ]
    else:
        lines.append("_No weekly review submitted yet._")
    if item.overdue:
        lines.append(":warning: Overdue: " + "; ".join(item.overdue))
    return section("\n".join(lines))


def _closure(item: Closure) -> Block:
    key = link(item.permalink, item.key) if item.permalink else item.key
    retro = link(item.retro_link, "retro") if item.retro_link else ":warning: retro link missing"
    signoff = {True: "customer signed off", False: "no customer sign-off", None: ""}[
        item.customer_signoff
    ]
    days = (item.resolved_at - item.opened_at).days
    return section(
        f":white_check_mark: *{key}* · {escape(clip(item.title, 300))} · resolved "
        f"{when(item.resolved_at)} after {days} day(s){' · ' + signoff if signoff else ''} · "
        f"{retro}\n{escape(clip(item.resolution, 1500))}"
    )


def briefing_text(briefing: Briefing) -> str:
    return (
        f"PMO briefing {briefing.week}: {len(briefing.open_sev1)} open Sev 1, "
        f"{len(briefing.closures)} closed this week"
    )


def briefing_messages(briefing: Briefing) -> list[tuple[str, list[Block]]]:
    """(notification text, blocks) per message, in order; nothing is cut, the briefing is
    continued in as many messages as it needs."""
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"PMO briefing · {briefing.week}", 150)),
        context_line(f"As of {when(briefing.as_of)}."),
        section(f"*Open Sev 1 escalations ({len(briefing.open_sev1)})*"),
    ]
    if briefing.open_sev1:
        for item in briefing.open_sev1:
            blocks.append(_open_sev1(item, briefing.as_of))
    else:
        blocks.append(context_line("No open Sev 1."))
    blocks.append(section(f"*Closed in the last 7 days ({len(briefing.closures)})*"))
    if briefing.closures:
        blocks += [_closure(item) for item in briefing.closures]
    else:
        blocks.append(context_line("Nothing closed this week."))
    for extra in briefing.sections:
        blocks.append(section(f"*{escape(clip(extra.title, 200))}*"))
        lines = [escape(clip(line, 2000)) for line in extra.lines]
        blocks += sections(lines, most=10, what="lines") if lines else [context_line("None.")]
    if briefing.figures is not None:
        blocks += briefing_figures(briefing.figures, tz_name=briefing.figures_tz)
    chunks = [blocks[i : i + _PER_MESSAGE] for i in range(0, len(blocks), _PER_MESSAGE)]
    text = briefing_text(briefing)
    if len(chunks) == 1:
        return [(text, chunks[0])]
    return [
        (
            f"{text} (part {n} of {len(chunks)})",
            [*chunk, context_line(f"Part {n} of {len(chunks)}")],
        )
        for n, chunk in enumerate(chunks, start=1)
    ]
