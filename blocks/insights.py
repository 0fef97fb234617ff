"""The insights as text and blocks: `/escalate stats`, the leadership section of App Home and
the figures in the weekly PMO briefing.

Figures that name people (update compliance per DRI, and per escalation, which names its
DRI by implication) are shown only when `names_people` is set, i.e. to leadership.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from slack_sdk.models.blocks import Block, DividerBlock

from blocks.layout import sections
from blocks.modal import context_line
from blocks.text import MESSAGE_BLOCKS, clip, escape, mention
from bot.domain import Health
from bot.policy.insights import PERIOD_HELP, Durations, Insights, Ratio

# Per-DRI and per-escalation lines shown before "…and N more".
MOST_NAMED = 10
HOME_BLOCKS = 8


def _duration(value: timedelta | None) -> str:
    """`3 d 4 h`, `5 h 10 min`, `12 min`; `—` for nothing."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def _ratio(value: Ratio, what: str = "") -> str:
    """`14 of 20 (70%)`, or `none yet`."""
    if not value.total:
        return f"no {what} yet" if what else "none yet"
    return f"{value.hit} of {value.total}{' ' + what if what else ''} ({value.percent}%)"


def _durations(value: Durations, what: str) -> str:
    if not value.count:
        return f"no {what} in the period"
    return f"{value.count} {what}, median {_duration(value.median)} (mean {_duration(value.mean)})"


def _named(rows: Sequence[tuple[str, Ratio]], *, people: bool) -> tuple[list[str], int]:
    lines = [
        f"    • {mention(key) if people else escape(key)}: {_ratio(value)}"
        for key, value in rows[:MOST_NAMED]
    ]
    return lines, max(len(rows) - MOST_NAMED, 0)


def _open_line(insights: Insights) -> str:
    by_kind = ", ".join(f"{kind}: {count}" for kind, count in insights.open_by_kind) or "none"
    by_level = ", ".join(f"{level} {count}" for level, count in insights.open_by_level)
    by_health = " ".join(f"{health.emoji} {count}" for health, count in insights.open_by_health)
    level_part = f" · Sev 1 levels: {by_level}" if by_level else ""
    return f"*Open now*: {insights.open_total} ({by_kind}){level_part} · {by_health}"


def _trend_line(insights: Insights) -> str:
    weeks = []
    for point in insights.trend:
        counts = "/".join(
            str(point.open_by_health[h]) for h in (Health.RED, Health.YELLOW, Health.GREEN)
        )
        share = f"{point.compliance.percent}%" if point.compliance.total else "—"
        weeks.append(f"{point.week_start:%b %d}: {point.open_total} ({counts}) {share}")
    return "*Weekly trend* (open at week end, red/yellow/green; prompts on time):\n" + "\n".join(
        f"    {week}" for week in weeks
    )


def _stats_lines(
    insights: Insights, *, names_people: bool, tz_name: str, trend: bool = True
) -> list[str]:
    """The figures, one paragraph each, in the bot's own mrkdwn (the weekly trend too unless
    a chart shows it)."""
    flags = insights.flags
    lines = [
        f"*Escalation figures, {escape(clip(insights.period.label, 80))}* (weeks and periods "
        f"in {escape(clip(tz_name, 60))})",
        f"*Update compliance*: {_ratio(insights.compliance, 'status prompts answered on time')}",
    ]
    if names_people:
        for heading, rows, people in (
            ("By DRI", insights.compliance_by_dri, True),
            ("By escalation", insights.compliance_by_escalation, False),
        ):
            if rows:
                named, more = _named(rows, people=people)
                tail = [f"    _…and {more} more in `/escalate export`_"] if more else []
                lines.append("\n".join([f"  _{heading}, lowest first_:", *named, *tail]))
    resolution = "\n".join(
        f"    • {escape(label)}: {_durations(value, 'resolved')}"
        for label, value in insights.resolution
    )
    lines += [
        "*Time to resolution*:"
        + ("\n" + resolution if resolution else " none resolved in the period"),
        f"*Customer time to respond*: {_durations(insights.customer_response, 'responses')}; "
        f"{insights.waiting_now} request{'s' if insights.waiting_now != 1 else ''} still "
        "waiting now",
        f"*Urgent flags answered before their deadline*: {_ratio(flags.on_time_ratio)}"
        + (f"; {flags.late} late, {flags.unanswered} unanswered" if flags.total else ""),
        "*Customer ladder* (requests made in the period): "
        + (
            " · ".join(f"{escape(outcome)}: {count}" for outcome, count in insights.ladder)
            or "no requests"
        ),
        _open_line(insights),
    ]
    if trend:
        lines.append(_trend_line(insights))
    return lines


def stats_text(insights: Insights) -> str:
    """The stats message's notification: what it is about, the blocks carry the figures."""
    return f"Escalation figures, {escape(clip(insights.period.label, 80))}"


def stats_blocks(insights: Insights, *, names_people: bool, tz_name: str) -> list[Block]:
    """`/escalate stats`: the figures, a chart hint and how to pick another period."""
    lines = _stats_lines(insights, names_people=names_people, tz_name=tz_name)
    return [
        *sections(lines, most=MESSAGE_BLOCKS - 2, what="figures"),
        context_line(
            f"Another period: `/escalate stats` with {PERIOD_HELP}. "
            + (
                "Every escalation with its figures: `/escalate export` (CSV)."
                if names_people
                else "Figures per DRI are for PS leadership."
            )
        ),
    ]


def home_figures(insights: Insights, *, tz_name: str) -> list[Block]:
    """The leadership section of App Home: the same figures, at most HOME_BLOCKS blocks."""
    lines = _stats_lines(insights, names_people=True, tz_name=tz_name)
    return [
        DividerBlock(),
        *sections(lines, most=HOME_BLOCKS - 2, what="figures", where="try `/escalate stats`"),
        context_line(f"`/escalate stats` with {PERIOD_HELP} for another period."),
    ]


# Blocks the figures may take in the PMO briefing (it is continued over several messages).
BRIEFING_BLOCKS = 8


def briefing_figures(insights: Insights, *, tz_name: str) -> list[Block]:
    """The week's figures in the PMO briefing. Its reader is leadership, so compliance per
    DRI is there; the weekly trend is the chart that follows the briefing."""
    lines = _stats_lines(insights, names_people=True, tz_name=tz_name, trend=False)
    return [
        *sections(lines, most=BRIEFING_BLOCKS - 1, what="figures", where="try `/escalate stats`"),
        context_line(
            "The chart of the last 8 weeks follows. Another period: `/escalate stats` with "
            f"{PERIOD_HELP}; every escalation with its figures: `/escalate export` (CSV)."
        ),
    ]


def unknown_period_text(problem: str) -> str:
    return f":warning: {escape(clip(problem, 300))}"
