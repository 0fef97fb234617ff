"""Which prompts and nudges are due for one escalation at one instant.

Pure: a function of an escalation snapshot, the settings and `now`. The engine records each
answer in the ledger under (escalation, kind, slot), which is what makes it happen once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain import Level, Severity, State
from bot.settings import Settings, WeeklySlot

UTC_ZONE = ZoneInfo("UTC")


class PromptKind(StrEnum):
    MORNING = "morning"
    MIDDAY = "midday"
    EVENING = "evening"
    EVENING_NUDGE = "evening_nudge"
    SEV1_WEEKLY = "sev1_weekly"
    SEV2_WEEKLY = "sev2_weekly"
    PHASE1_DEADLINE = "phase1_deadline"
    PHASE1_MANAGER = "phase1_manager"
    SILENCE_MANAGER = "silence_manager"

    @property
    def is_dm(self) -> bool:
        return self not in (PromptKind.PHASE1_MANAGER, PromptKind.SILENCE_MANAGER)


@dataclass(frozen=True)
class CadenceSettings:
    morning: time
    midday: time
    evening: time
    sev1_weekly: WeeklySlot
    sev2_weekly: WeeklySlot
    quiet_start: time
    quiet_end: time
    evening_nudge_after: timedelta = timedelta(hours=2)
    silence_limit: timedelta = timedelta(hours=24)
    phase1_manager_after: timedelta = timedelta(hours=4)

    @classmethod
    def from_settings(cls, settings: Settings) -> CadenceSettings:
        return cls(
            morning=settings.morning_prompt,
            midday=settings.midday_prompt,
            evening=settings.evening_prompt,
            sev1_weekly=settings.sev1_weekly_prompt,
            sev2_weekly=settings.sev2_weekly_prompt,
            quiet_start=settings.quiet_hours_start,
            quiet_end=settings.quiet_hours_end,
        )


@dataclass(frozen=True)
class CadenceState:
    severity: Severity
    level: Level | None
    state: State
    cadence_start: datetime
    phase1_due_at: datetime
    checklist_open: bool
    last_update_at: datetime | None
    last_customer_comm_at: datetime | None
    dri_tz: ZoneInfo


@dataclass(frozen=True)
class DuePrompt:
    kind: PromptKind
    slot: str
    due_at: datetime
    deliver_at: datetime
    is_dm: bool


def local_occurrence(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time on a local day, as an aware UTC instant.

    A time skipped by a spring-forward gap moves forward by the gap (02:30 -> 03:30); an
    ambiguous fall-back time means its first occurrence.
    """
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=tz, fold=0)
    round_trip = first.astimezone(UTC_ZONE).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:  # does not exist: zoneinfo resolves it with the pre-gap offset
        gap = naive.replace(tzinfo=tz, fold=1).utcoffset() - first.utcoffset()
        return (first + abs(gap)).astimezone(UTC_ZONE) if gap else first.astimezone(UTC_ZONE)
    return first.astimezone(UTC_ZONE)


def _latest_daily(at: time, tz: ZoneInfo, now: datetime) -> tuple[date, datetime]:
    today = now.astimezone(tz).date()
    for day in (today, today - timedelta(days=1)):
        instant = local_occurrence(day, at, tz)
        if instant <= now:
            return day, instant
    day = today - timedelta(days=2)
    return day, local_occurrence(day, at, tz)


def _latest_weekly(slot: WeeklySlot, tz: ZoneInfo, now: datetime) -> tuple[date, datetime]:
    today = now.astimezone(tz).date()
    day = today - timedelta(days=(today.weekday() - slot.weekday) % 7)
    instant = local_occurrence(day, slot.at, tz)
    if instant > now:
        day -= timedelta(days=7)
        instant = local_occurrence(day, slot.at, tz)
    return day, instant


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _in_quiet_hours(local_time: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= local_time < end
    return local_time >= start or local_time < end


def _deliverable(due_at: datetime, state: CadenceState, settings: CadenceSettings) -> datetime:
    """When a DM due at `due_at` may be sent: out of quiet hours, and off weekends for Sev 2."""
    if state.level is Level.CRITICAL:
        return due_at
    tz, deliver = state.dri_tz, due_at
    for _ in range(4):  # quiet hours and weekends can push each other at most a few times
        local = deliver.astimezone(tz)
        if _in_quiet_hours(local.time(), settings.quiet_start, settings.quiet_end):
            end_day = local.date()
            if settings.quiet_start > settings.quiet_end and local.time() >= settings.quiet_start:
                end_day += timedelta(days=1)
            deliver = local_occurrence(end_day, settings.quiet_end, tz)
            continue
        if state.severity is Severity.SEV2 and local.weekday() >= 5:
            monday = local.date() + timedelta(days=7 - local.weekday())
            deliver = local_occurrence(monday, settings.quiet_end, tz)
            continue
        break
    return deliver


def due_prompts(state: CadenceState, settings: CadenceSettings, now: datetime) -> list[DuePrompt]:
    """At most one prompt per kind: its latest occurrence, once it may be delivered.

    Occurrences before `cadence_start` never count, so a new escalation isn't greeted with
    the morning prompt it was opened after; after downtime only the latest slot is returned.
    """
    if state.state is State.RESOLVED:
        return []
    tz = state.dri_tz
    candidates: list[tuple[PromptKind, str, datetime]] = []
    if state.severity is Severity.SEV1:
        for kind, at in (
            (PromptKind.MORNING, settings.morning),
            (PromptKind.MIDDAY, settings.midday),
            (PromptKind.EVENING, settings.evening),
        ):
            day, instant = _latest_daily(at, tz, now)
            candidates.append((kind, day.isoformat(), instant))
        # The nudge belongs to the latest evening whose nudge time has come.
        day, evening = _latest_daily(settings.evening, tz, now - settings.evening_nudge_after)
        if evening > state.cadence_start and (
            state.last_update_at is None or state.last_update_at < evening
        ):
            candidates.append(
                (PromptKind.EVENING_NUDGE, day.isoformat(), evening + settings.evening_nudge_after)
            )
        day, instant = _latest_weekly(settings.sev1_weekly, tz, now)
        candidates.append((PromptKind.SEV1_WEEKLY, _iso_week(day), instant))
        silent_since = state.last_update_at or state.cadence_start
        candidates.append(
            (
                PromptKind.SILENCE_MANAGER,
                silent_since.isoformat(),
                silent_since + settings.silence_limit,
            )
        )
    else:
        day, instant = _latest_weekly(settings.sev2_weekly, tz, now)
        candidates.append((PromptKind.SEV2_WEEKLY, _iso_week(day), instant))
    if state.checklist_open:
        phase1_slot = state.phase1_due_at.isoformat()
        candidates.append((PromptKind.PHASE1_DEADLINE, phase1_slot, state.phase1_due_at))
        candidates.append(
            (
                PromptKind.PHASE1_MANAGER,
                phase1_slot,
                state.phase1_due_at + settings.phase1_manager_after,
            )
        )
    due = []
    for kind, slot, due_at in candidates:
        if due_at > now or (due_at <= state.cadence_start and kind not in _FROM_START):
            continue
        deliver_at = _deliverable(due_at, state, settings) if kind.is_dm else due_at
        if deliver_at <= now:
            due.append(DuePrompt(kind, slot, due_at, deliver_at, kind.is_dm))
    return sorted(due, key=lambda prompt: (prompt.due_at, prompt.kind.value))


# Kinds measured from the start itself, so they are never "before" it.
_FROM_START = {PromptKind.PHASE1_DEADLINE, PromptKind.PHASE1_MANAGER, PromptKind.SILENCE_MANAGER}


def customer_comm_overdue(state: CadenceState, now: datetime) -> bool:
    """Customer communication is due daily for Critical/High, every other day for Medium."""
    if state.severity is not Severity.SEV1 or state.state is State.RESOLVED:
        return False
    interval = timedelta(days=2 if state.level is Level.MEDIUM else 1)
    return now - (state.last_customer_comm_at or state.cadence_start) > interval
