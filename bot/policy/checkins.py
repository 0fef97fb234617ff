"""The Sev 1 midday check-in with the stakeholders: when they are invited, and when a
check-in nobody logged is noted. Pure: an escalation snapshot, the cadence settings, `now`.

Day D's check-in is at the midday prompt time in the DRI's zone. Its invitation goes out
with the morning prompt (or at once, for an escalation opened after the morning), and only
while the check-in is still ahead; its evening is when an unlogged check-in is noted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Severity
from bot.policy.cadence import CadenceSettings, CadenceState, local_occurrence


@dataclass(frozen=True)
class CheckInDay:
    day: date
    invite_at: datetime
    check_in_at: datetime
    evening_at: datetime

    @property
    def slot(self) -> str:
        return self.day.isoformat()


def check_in_day(state: CadenceState, settings: CadenceSettings, day: date) -> CheckInDay | None:
    """Day `day`'s check-in, or None when there is none (not a Sev 1, or the check-in was
    before this cadence began)."""
    if state.severity is not Severity.SEV1 or not state.state.gets_prompts:
        return None
    tz = state.dri_tz
    check_in_at = local_occurrence(day, settings.midday, tz)
    if check_in_at <= state.cadence_start:
        return None
    invite_at = max(local_occurrence(day, settings.morning, tz), state.cadence_start)
    return CheckInDay(day, invite_at, check_in_at, local_occurrence(day, settings.evening, tz))


def _days_around(state: CadenceState, now: datetime) -> list[date]:
    today = now.astimezone(state.dri_tz).date()
    return [today + timedelta(days=offset) for offset in (-1, 0, 1)]


def invitation_due(
    state: CadenceState, settings: CadenceSettings, now: datetime
) -> CheckInDay | None:
    """The check-in whose invitation may go out at `now`: invited, and not yet begun."""
    for day in _days_around(state, now):
        found = check_in_day(state, settings, day)
        if found is not None and found.invite_at <= now < found.check_in_at:
            return found
    return None


def unlogged_note_due(
    state: CadenceState, settings: CadenceSettings, now: datetime
) -> CheckInDay | None:
    """The latest check-in whose evening has come (the handler looks whether it was logged)."""
    reached = [
        found
        for day in _days_around(state, now)
        if (found := check_in_day(state, settings, day)) is not None and found.evening_at <= now
    ]
    return max(reached, key=lambda found: found.evening_at, default=None)


def next_change(state: CadenceState, settings: CadenceSettings, now: datetime) -> datetime | None:
    """The next instant either answer above may change while the state stays as it is."""
    candidates = []
    for offset in (-1, 0, 1, 2):
        day = now.astimezone(state.dri_tz).date() + timedelta(days=offset)
        found = check_in_day(state, settings, day)
        if found is not None:
            candidates += [found.invite_at, found.check_in_at, found.evening_at]
    return min((at for at in candidates if at > now), default=None)


def outside_quiet_hours(instant: datetime, tz: ZoneInfo, start: time, end: time) -> datetime:
    """`instant`, or when the recipient's local quiet hours (start to end, possibly across
    midnight) that it falls in are over: a DM that can wait is not sent at night."""
    local = instant.astimezone(tz)
    at = local.time()
    quiet = start <= at < end if start <= end else (at >= start or at < end)
    if not quiet:
        return instant
    day = local.date() + timedelta(days=1 if start > end and at >= start else 0)
    return local_occurrence(day, end, tz)
