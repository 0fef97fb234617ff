"""The insights' loader: the bot's own records turned into the plain facts the pure figures
of `bot.policy.insights` are computed from; and the CSV of every escalation."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from blocks.chart import chart_png
from bot.domain import EventKind, Role
from bot.escalations.customer import wait_clock
from bot.models import (
    CheckIn,
    CustomerWait,
    Escalation,
    SlackUser,
    TimelineEvent,
    Update,
    UrgentFlag,
)
from bot.policy import insights
from bot.policy.insights import EscalationFacts, FlagFacts, Insights, PromptSent, WaitFacts
from bot.settings import Settings

_REASSIGNED = re.compile(r"^DRI changed from (\S+) to (\S+)$")
_FLAG_CLOSED = re.compile(r"^Flag #(\d+) ")
_TIMELINE_KINDS = (
    EventKind.PROMPTED,
    EventKind.FLAG_CLOSED,
    EventKind.DRI_REASSIGNED,
    EventKind.RESOLVED,
    EventKind.REOPENED,
)


def load_facts(session: Session) -> list[EscalationFacts]:
    """Every escalation, open or resolved, with what the figures need; a few queries in all,
    whatever the number of escalations."""
    escalations = list(
        session.scalars(
            select(Escalation).options(selectinload(Escalation.people)).order_by(Escalation.id)
        )
    )
    events: dict[int, list[TimelineEvent]] = defaultdict(list)
    for event in session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.kind.in_(_TIMELINE_KINDS))
        .order_by(TimelineEvent.at, TimelineEvent.id)
    ):
        events[event.escalation_id].append(event)
    updates: dict[int, list[Update]] = defaultdict(list)
    for update in session.scalars(select(Update).order_by(Update.at, Update.id)):
        updates[update.escalation_id].append(update)
    check_ins: dict[int, list[datetime]] = defaultdict(list)
    for escalation_id, at in session.execute(select(CheckIn.escalation_id, CheckIn.at)):
        check_ins[escalation_id].append(at)
    waits: dict[int, list[WaitFacts]] = defaultdict(list)
    for wait in session.scalars(select(CustomerWait).order_by(CustomerWait.id)):
        waits[wait.escalation_id].append(WaitFacts(wait_clock(wait), wait.sales_ops_outcome))
    # A flag closed with no FLAG_CLOSED entry was closed by the escalation's resolution.
    answered = {
        int(match[1])
        for events_of in events.values()
        for event in events_of
        if event.kind is EventKind.FLAG_CLOSED and (match := _FLAG_CLOSED.match(event.text))
    }
    flags: dict[int, list[FlagFacts]] = defaultdict(list)
    for flag in session.scalars(select(UrgentFlag).order_by(UrgentFlag.id)):
        if flag.escalation_id is None:
            # Raised without an escalation: no timeline says how it was closed, so these
            # are left out of the figures rather than guessed at.
            continue
        closed = flag.closed_at if flag.id in answered else None
        withdrawn = flag.closed_at if flag.id not in answered else None
        flags[flag.escalation_id].append(
            FlagFacts(flag.raised_at, flag.needed_by, closed, withdrawn)
        )
    return [
        _facts(e, events[e.id], updates[e.id], check_ins[e.id], waits[e.id], flags[e.id])
        for e in escalations
    ]


def _facts(
    escalation: Escalation,
    events: Sequence[TimelineEvent],
    updates: Sequence[Update],
    check_ins: Sequence[datetime],
    waits: Sequence[WaitFacts],
    flags: Sequence[FlagFacts],
) -> EscalationFacts:
    reassignments = [
        (event.at, match[1] if match[1] != "None" else "", match[2])
        for event in events
        if event.kind is EventKind.DRI_REASSIGNED and (match := _REASSIGNED.match(event.text))
    ]
    dri = escalation.person(Role.DRI)
    prompts = []
    for event in events:
        if event.kind is EventKind.PROMPTED and (parsed := insights.parse_prompted(event.text)):
            kind, slot = parsed
            prompts.append(
                PromptSent(kind, slot, event.at, insights.dri_at(dri, reassignments, event.at))
            )
    # Opened before the health at opening was kept: the first update's is the best guess.
    health_at_open = escalation.health_at_open or (
        updates[0].health if updates else escalation.health
    )
    return EscalationFacts(
        key=escalation.key,
        severity=escalation.severity,
        level=escalation.level,
        state=escalation.state,
        health=escalation.health,
        opened_at=escalation.opened_at,
        resolved_at=escalation.resolved_at,
        dri=dri,
        health_at_open=health_at_open,
        health_changes=tuple((u.at, u.health) for u in updates),
        open_spans=insights.open_spans(
            escalation.opened_at,
            [
                (event.at, event.kind is EventKind.REOPENED)
                for event in events
                if event.kind in (EventKind.RESOLVED, EventKind.REOPENED)
            ],
        ),
        prompts=tuple(prompts),
        updates=tuple(u.at for u in updates),
        check_ins=tuple(sorted(check_ins)),
        waits=tuple(waits),
        flags=tuple(flags),
    )


def figures(
    session: Session, settings: Settings, period: str, now: datetime, tz: ZoneInfo
) -> Insights:
    """The figures for the period a person typed (`UnknownPeriod` when it means nothing)."""
    chosen = insights.parse_period(period, now, tz)
    return insights.compute(load_facts(session), chosen, now, tz, ladder_days=settings.ladder_days)


def weekly_chart(session: Session, now: datetime, tz: ZoneInfo) -> bytes:
    """The PNG of open escalations by health over the last 8 weeks and update compliance,
    weeks in `tz`: what the weekly PMO briefing carries."""
    return chart_png(insights.trend(load_facts(session), now, tz), tz_name=str(tz))


CSV_COLUMNS = (
    "key",
    "kind",
    "level",
    "state",
    "health",
    "customer",
    "project",
    "dri_user_id",
    "dri_name",
    "opened",
    "resolved",
    "days_to_resolution",
    "prompts_judged",
    "prompts_on_time",
    "compliance_pct",
    "customer_responses",
    "customer_median_hours",
    "flags_on_time",
    "flags_late",
    "flags_unanswered",
    "ladder_outcomes",
)
# A cell a spreadsheet would read as a formula (CSV injection) is kept as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(session: Session, settings: Settings, now: datetime, tz: ZoneInfo) -> str:
    """Every escalation, one row each with its own figures; times in `tz` (ISO 8601 with
    the offset). It names DRIs: for leadership only."""
    names = {user.user_id: user.name for user in session.scalars(select(SlackUser))}
    facts = {f.key: f for f in load_facts(session)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for escalation in session.scalars(select(Escalation).order_by(Escalation.id)):
        fact = facts[escalation.key]
        row: dict[str, object] = {
            "key": escalation.key,
            "kind": escalation.severity.short,
            "level": escalation.level.label if escalation.level else "",
            "state": escalation.state.value,
            "health": escalation.health.value,
            "customer": escalation.customer,
            "project": escalation.project,
            "dri_user_id": fact.dri or "",
            "dri_name": names.get(fact.dri or "", ""),
            "opened": escalation.opened_at.astimezone(tz).isoformat(timespec="minutes"),
            "resolved": (
                escalation.resolved_at.astimezone(tz).isoformat(timespec="minutes")
                if escalation.resolved_at
                else ""
            ),
            **insights.escalation_figures(fact, now, ladder_days=settings.ladder_days),
        }
        writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()
