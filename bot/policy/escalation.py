"""Pure rules about one escalation at one instant: no database, no Slack, no clock reads."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain import ChecklistItem, Severity, checklist_for
from bot.models import Escalation

PHASE1_WINDOW = timedelta(hours=24)
SEV1_UPDATE_INTERVAL = timedelta(hours=24)
SEV2_UPDATE_INTERVAL = timedelta(days=7)


def next_update_due(escalation: Escalation) -> datetime:
    """When leadership next expects an update: daily for Sev 1, weekly for Sev 2."""
    since = escalation.last_update_at or escalation.opened_at
    interval = (
        SEV1_UPDATE_INTERVAL if escalation.severity is Severity.SEV1 else SEV2_UPDATE_INTERVAL
    )
    return since + interval


def open_checklist_items(escalation: Escalation) -> list[ChecklistItem]:
    """Items of the current severity's checklist not yet done, in checklist order.

    A promoted Sev 2 keeps its Sev 2 entries for the record; only the Sev 1 list counts.
    """
    done = {entry.code for entry in escalation.checklist if entry.done}
    present = {entry.code for entry in escalation.checklist}
    return [
        item
        for item in checklist_for(escalation.severity)
        if item.code in present and item.code not in done
    ]


def overdue_items(escalation: Escalation, now: datetime) -> list[str]:
    """Human-readable reasons this escalation needs attention now, most urgent first."""
    if escalation.severity is Severity.WATCH:
        return []  # a watched project owes no checklist and no updates
    reasons = []
    if open_checklist_items(escalation) and now >= escalation.phase1_due_at:
        count = len(open_checklist_items(escalation))
        reasons.append(f"{count} checklist item{'s' if count != 1 else ''} past the deadline")
    if now >= next_update_due(escalation):
        reasons.append("update overdue")
    return reasons
