"""Pure rules about one escalation at one instant: no database, no Slack, no clock reads."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain import ChecklistItem, Level, Severity, checklist_for
from bot.models import Escalation
from bot.policy.sync import needs_sync, sync_overdue

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
    if customer_comm_overdue_at(escalation, now):
        reasons.append("customer communication overdue")
    if sync_overdue(pending_sync_due(escalation), False, now):
        reasons.append("immediate sync not held")
    return reasons


def pending_sync_due(escalation: Escalation) -> datetime | None:
    """When the immediate sync asked for is due, while it is unrecorded and the escalation
    is still an open Critical Sev 1 (a downgrade or a closure ends the ask)."""
    if (
        escalation.sync_held_at is not None
        or not escalation.state.is_open
        or not needs_sync(escalation.severity, escalation.level)
    ):
        return None
    return escalation.sync_due_at


def customer_comm_due_at(escalation: Escalation) -> datetime | None:
    """When an open Sev 1's customer must next hear from us (after that it is overdue):
    a day after the last communication for Critical and High (and no level), two for
    Medium; counted from the cadence start when there was none. None for anything else."""
    if escalation.severity is not Severity.SEV1 or not escalation.state.is_open:
        return None
    interval = timedelta(days=2 if escalation.level is Level.MEDIUM else 1)
    return (escalation.last_customer_comm_at or escalation.cadence_start) + interval


def customer_comm_overdue_at(escalation: Escalation, now: datetime) -> bool:
    """Same rule as `policy.cadence.customer_comm_overdue`, read from the record."""
    due = customer_comm_due_at(escalation)
    return due is not None and now > due
