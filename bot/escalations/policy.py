"""Pure rules about one escalation at one instant: no database, no Slack, no clock reads."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain import Severity
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


def open_checklist_items(escalation: Escalation) -> list[str]:
    return [entry.code for entry in escalation.checklist if not entry.done]


def overdue_items(escalation: Escalation, now: datetime) -> list[str]:
    """Human-readable reasons this escalation needs attention now, most urgent first."""
    reasons = []
    if open_checklist_items(escalation) and now >= escalation.phase1_due_at:
        count = len(open_checklist_items(escalation))
        reasons.append(f"{count} checklist item{'s' if count != 1 else ''} past the deadline")
    if now >= next_update_due(escalation):
        reasons.append("update overdue")
    return reasons
