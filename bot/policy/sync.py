"""The immediate sync a Critical Sev 1 calls for: when it is due and when to remind.

Pure: a function of the escalation's sync columns, the window and `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import Level, Severity

# Unrecorded at the deadline, the people asked are reminded; once more a window later, then
# the root and App Home keep showing it as overdue (no endless DMs).
REMINDERS = 2


@dataclass(frozen=True)
class SyncReminder:
    slot: str
    due_at: datetime
    number: int


def needs_sync(severity: Severity, level: Level | None) -> bool:
    return severity is Severity.SEV1 and level is Level.CRITICAL


def reminder_times(sync_due_at: datetime, window: timedelta) -> list[datetime]:
    return [sync_due_at + n * window for n in range(REMINDERS)]


def _slot(sync_due_at: datetime, number: int) -> str:
    # Keyed by the deadline: a new request (a second promotion to Critical) has new slots.
    return f"sync:{sync_due_at.isoformat()}:{number}"


def reminder_due(
    sync_due_at: datetime | None, held: bool, window: timedelta, now: datetime
) -> SyncReminder | None:
    """The latest reminder reached at `now` while no sync is recorded (downtime yields one)."""
    if sync_due_at is None or held:
        return None
    reached = [
        (number, at)
        for number, at in enumerate(reminder_times(sync_due_at, window), start=1)
        if at <= now
    ]
    if not reached:
        return None
    number, at = reached[-1]
    return SyncReminder(_slot(sync_due_at, number), at, number)


def next_reminder_at(
    sync_due_at: datetime | None, held: bool, window: timedelta, now: datetime
) -> datetime | None:
    if sync_due_at is None or held:
        return None
    return min((at for at in reminder_times(sync_due_at, window) if at > now), default=None)


def sync_overdue(sync_due_at: datetime | None, held: bool, now: datetime) -> bool:
    return sync_due_at is not None and not held and now >= sync_due_at
