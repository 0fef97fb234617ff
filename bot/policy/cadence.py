"""Which prompts and nudges are due for one escalation at one instant.

Pure: a function of an escalation snapshot, the cadence settings and `now`; it never reads a
clock, a database or Slack. The engine records each answer in the ledger under
(escalation, kind, slot), which is what makes each occurrence happen once. This module's part
of that bargain is to name every occurrence with the same slot whenever it is computed, and
to offer only the latest occurrence of each kind, so downtime never turns into a burst.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.domain import Level, Severity, State
from bot.settings import Settings, WeeklySlot

SATURDAY = 5
# A deferral lands on a local quiet_end, which is never inside the half-open quiet window, and
# a weekend deferral lands on a Monday: quiet -> weekend is the longest chain. The spare
# rounds only absorb a DST gap that shifts quiet_end itself.
MAX_DEFERRALS = 4


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
    # A missed weekly (Sev 2 update, Sev 1 review): the DRI is nudged, then the manager told.
    SEV2_WEEKLY_NUDGE = "sev2_weekly_nudge"
    SEV2_WEEKLY_MANAGER = "sev2_weekly_manager"
    SEV1_WEEKLY_OVERDUE = "sev1_weekly_overdue"

    @property
    def is_dm(self) -> bool:
        """True for prompts DMed to the DRI; the manager mentions go to the thread."""
        return self not in (
            PromptKind.PHASE1_MANAGER,
            PromptKind.SILENCE_MANAGER,
            PromptKind.SEV2_WEEKLY_MANAGER,
        )


# Ties on due_at (a Phase 1 deadline at 09:00 beside the morning prompt) sort in the order
# the kinds are declared, so the answer is deterministic.
_KIND_ORDER = {kind: position for position, kind in enumerate(PromptKind)}
_DAILY_KINDS = (PromptKind.MORNING, PromptKind.MIDDAY, PromptKind.EVENING)
# The prompts that ask the DRI for something on the clock. After downtime several of them can
# be due at once; only the latest is worth sending (one catch-up prompt, not a burst).
CATCH_UP_KINDS = frozenset((*_DAILY_KINDS, PromptKind.SEV1_WEEKLY, PromptKind.SEV2_WEEKLY))


@dataclass(frozen=True)
class CadenceSettings:
    morning: time
    midday: time
    evening: time
    sev1_weekly: WeeklySlot
    sev2_weekly: WeeklySlot
    quiet_start: time
    quiet_end: time
    evening_nudge_after: timedelta = timedelta(minutes=90)
    silence_limit: timedelta = timedelta(hours=24)
    phase1_manager_after: timedelta = timedelta(hours=4)

    @classmethod
    def from_settings(cls, settings: Settings) -> CadenceSettings:
        """The configured prompt times, quiet hours and evening nudge delay; the other
        delays keep their defaults."""
        return cls(
            morning=settings.morning_prompt,
            midday=settings.midday_prompt,
            evening=settings.evening_prompt,
            sev1_weekly=settings.sev1_weekly_prompt,
            sev2_weekly=settings.sev2_weekly_prompt,
            quiet_start=settings.quiet_hours_start,
            quiet_end=settings.quiet_hours_end,
            evening_nudge_after=timedelta(minutes=settings.evening_nudge_minutes),
        )

    def daily_time(self, kind: PromptKind) -> time:
        """The local wall-clock time of a daily Sev 1 prompt."""
        return {
            PromptKind.MORNING: self.morning,
            PromptKind.MIDDAY: self.midday,
            PromptKind.EVENING: self.evening,
        }[kind]


@dataclass(frozen=True)
class CadenceState:
    """A plain snapshot of one escalation; every datetime is aware (UTC)."""

    severity: Severity
    level: Level | None
    state: State
    cadence_start: datetime
    phase1_due_at: datetime
    checklist_open: bool
    last_update_at: datetime | None
    last_customer_comm_at: datetime | None
    dri_tz: ZoneInfo
    # The latest weekly Sev 1 review form submitted, if any.
    last_weekly_review_at: datetime | None = None


@dataclass(frozen=True)
class DuePrompt:
    kind: PromptKind
    slot: str
    due_at: datetime
    deliver_at: datetime
    is_dm: bool


@dataclass(frozen=True)
class _Occurrence:
    kind: PromptKind
    slot: str
    due_at: datetime


# Pure, and asked about ninety times per escalation planned, mostly for the same few days,
# times and zones: remembered, a morning of a thousand Sev 1s plans with a quarter less CPU
# (1.28 -> 0.95 s), CPU the delivery workers need in that same second.
@lru_cache(maxsize=4096)
def local_occurrence(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The wall-clock time `at` on local `day` in `tz`, as an aware UTC instant.

    A time skipped by a spring-forward gap moves forward by the gap (02:30 -> 03:30 in New
    York); a time repeated by a fall-back means its first occurrence.
    """
    # PEP 495: fold=0 reads an ambiguous time with the offset before the transition (the
    # first occurrence), and a time in a gap with the offset before it too, which lands
    # exactly one gap later on the clock; both are the rules we want.
    return datetime.combine(day, at, tzinfo=tz).replace(fold=0).astimezone(UTC)


def _latest_daily(at: time, tz: ZoneInfo, now: datetime) -> tuple[date, datetime] | None:
    """The local day and instant of the latest daily occurrence of `at` at or before `now`."""
    today = now.astimezone(tz).date()
    # Neighbouring days too: a gap or fold at midnight can push an occurrence across it.
    candidates = (
        (day, local_occurrence(day, at, tz))
        for day in (today + timedelta(days=offset) for offset in (1, 0, -1, -2))
    )
    return max(
        ((day, instant) for day, instant in candidates if instant <= now),
        key=lambda pair: pair[1],
        default=None,
    )


def _latest_weekly(slot: WeeklySlot, tz: ZoneInfo, now: datetime) -> tuple[date, datetime] | None:
    """The local day and instant of the latest weekly occurrence at or before `now`."""
    today = now.astimezone(tz).date()
    this_week = today - timedelta(days=(today.weekday() - slot.weekday) % 7)
    candidates = (
        (day, local_occurrence(day, slot.at, tz))
        for day in (this_week + timedelta(weeks=offset) for offset in (1, 0, -1))
    )
    return max(
        ((day, instant) for day, instant in candidates if instant <= now),
        key=lambda pair: pair[1],
        default=None,
    )


def iso_week(day: date) -> str:
    """The ISO week `day` falls in, as a slot: `2026-W48`."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _sev1_occurrences(
    state: CadenceState, settings: CadenceSettings, now: datetime
) -> Iterator[_Occurrence]:
    tz = state.dri_tz
    for kind in _DAILY_KINDS:
        latest = _latest_daily(settings.daily_time(kind), tz, now)
        if latest is not None:
            day, instant = latest
            yield _Occurrence(kind, day.isoformat(), instant)

    # The nudge belongs to the latest evening whose nudge time has come; it exists only
    # while that evening went unanswered, only for an evening inside this cadence, and only
    # until quiet hours (or, for Critical, the next morning): a next-day "still missing" is
    # noise beside the morning prompt.
    nudge = _latest_evening_nudge(state, settings, now)
    if nudge is not None:
        day, evening_at, nudge_at, expires_at = nudge
        unanswered = state.last_update_at is None or state.last_update_at < evening_at
        if evening_at > state.cadence_start and unanswered and now < expires_at:
            yield _Occurrence(PromptKind.EVENING_NUDGE, day.isoformat(), nudge_at)

    weekly = _latest_weekly(settings.sev1_weekly, tz, now)
    if weekly is not None:
        day, instant = weekly
        yield _Occurrence(PromptKind.SEV1_WEEKLY, iso_week(day), instant)
        reviewed = state.last_weekly_review_at is not None and (
            state.last_weekly_review_at >= instant
        )
        if instant > state.cadence_start and not reviewed:
            yield _Occurrence(
                PromptKind.SEV1_WEEKLY_OVERDUE, iso_week(day), add_business_days(instant, 1, tz)
            )

    # Silence is counted from the cadence start at the earliest: an update posted before a
    # promotion or a reopen would otherwise put the deadline before the cadence and it would
    # never fire.
    silent_since = state.cadence_start
    if state.last_update_at is not None and state.last_update_at > silent_since:
        silent_since = state.last_update_at
    yield _Occurrence(
        PromptKind.SILENCE_MANAGER,
        silent_since.isoformat(),
        silent_since + settings.silence_limit,
    )


def _sev2_occurrences(
    state: CadenceState, settings: CadenceSettings, now: datetime
) -> Iterator[_Occurrence]:
    tz = state.dri_tz
    weekly = _latest_weekly(settings.sev2_weekly, tz, now)
    if weekly is not None:
        day, instant = weekly
        yield _Occurrence(PromptKind.SEV2_WEEKLY, iso_week(day), instant)
        # Missed when no update came after the prompt: the DRI is nudged one business day
        # later and the manager told after two. Ahead-of-now occurrences are returned too,
        # so `next_check` sees them coming.
        missed = state.last_update_at is None or state.last_update_at < instant
        if instant > state.cadence_start and missed:
            slot = iso_week(day)
            yield _Occurrence(PromptKind.SEV2_WEEKLY_NUDGE, slot, add_business_days(instant, 1, tz))
            yield _Occurrence(
                PromptKind.SEV2_WEEKLY_MANAGER, slot, add_business_days(instant, 2, tz)
            )


def _phase1_occurrences(state: CadenceState, settings: CadenceSettings) -> Iterator[_Occurrence]:
    # Phase 1 and its 24 h deadline are Sev 1's: a Sev 2's checklist has no deadline and
    # its manager is not nudged about it.
    if not state.checklist_open or state.severity is not Severity.SEV1:
        return
    # Keyed by the deadline: a promotion restarts Phase 1 with a new deadline, a new slot.
    slot = state.phase1_due_at.isoformat()
    yield _Occurrence(PromptKind.PHASE1_DEADLINE, slot, state.phase1_due_at)
    yield _Occurrence(
        PromptKind.PHASE1_MANAGER, slot, state.phase1_due_at + settings.phase1_manager_after
    )


def add_business_days(instant: datetime, days: int, tz: ZoneInfo) -> datetime:
    """The same local time `days` weekdays (Monday to Friday) after `instant`'s local day."""
    local = instant.astimezone(tz)
    day = local.date()
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < SATURDAY:
            days -= 1
    return local_occurrence(day, local.time(), tz)


def _nudge_times(
    evening_at: datetime, state: CadenceState, settings: CadenceSettings
) -> tuple[datetime, datetime]:
    """When the evening's second nudge is due, and when it expires.

    Due the configured delay after the evening prompt, but before quiet hours begin (halfway
    between the prompt and their start when the delay would reach into them); it expires
    when quiet hours begin, or for Critical (no quiet hours) at the next morning prompt.
    """
    tz = state.dri_tz
    local_day = evening_at.astimezone(tz).date()
    nudge_at = evening_at + settings.evening_nudge_after
    next_morning = local_occurrence(local_day + timedelta(days=1), settings.morning, tz)
    if state.level is Level.CRITICAL:
        return nudge_at, max(next_morning, nudge_at + timedelta(minutes=1))
    quiet_start = local_occurrence(local_day, settings.quiet_start, tz)
    if quiet_start <= evening_at:
        quiet_start = local_occurrence(local_day + timedelta(days=1), settings.quiet_start, tz)
    expires_at = min(quiet_start, next_morning)
    if nudge_at >= expires_at:
        nudge_at = evening_at + (expires_at - evening_at) / 2
    return nudge_at, expires_at


def _latest_evening_nudge(
    state: CadenceState, settings: CadenceSettings, now: datetime
) -> tuple[date, datetime, datetime, datetime] | None:
    """(local day, evening, nudge due, nudge expiry) of the latest evening whose nudge is
    due at or before `now`."""
    latest = _latest_daily(settings.evening, state.dri_tz, now)
    if latest is None:
        return None
    day, _evening_at = latest
    for candidate_day in (day, day - timedelta(days=1)):
        candidate = local_occurrence(candidate_day, settings.evening, state.dri_tz)
        nudge_at, expires_at = _nudge_times(candidate, state, settings)
        if nudge_at <= now:
            return candidate_day, candidate, nudge_at, expires_at
    return None


def _next_evening_nudge(state: CadenceState, settings: CadenceSettings, now: datetime) -> datetime:
    """The earliest evening nudge due strictly after `now`."""
    tz = state.dri_tz
    today = now.astimezone(tz).date()
    candidates = (
        _nudge_times(
            local_occurrence(today + timedelta(days=offset), settings.evening, tz), state, settings
        )[0]
        for offset in (-1, 0, 1, 2)
    )
    return min(instant for instant in candidates if instant > now)


def weekly_review_overdue(state: CadenceState, settings: CadenceSettings, now: datetime) -> bool:
    """True when an open Sev 1's latest weekly review form is missing one business day
    after its Friday prompt."""
    if state.severity is not Severity.SEV1 or not state.state.gets_prompts:
        return False
    return any(
        o.kind is PromptKind.SEV1_WEEKLY_OVERDUE and o.due_at <= now
        for o in _sev1_occurrences(state, settings, now)
    )


def _in_quiet_hours(local_time: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= local_time < end
    return local_time >= start or local_time < end


def _after_quiet_hours(instant: datetime, tz: ZoneInfo, settings: CadenceSettings) -> datetime:
    """`instant` itself, or the end of the local quiet window it falls in."""
    local = instant.astimezone(tz)
    start, end = settings.quiet_start, settings.quiet_end
    if not _in_quiet_hours(local.time(), start, end):
        return instant
    # In a window that wraps midnight, the evening part ends on the next day.
    wraps_into_tomorrow = start > end and local.time() >= start
    end_day = local.date() + timedelta(days=1 if wraps_into_tomorrow else 0)
    return local_occurrence(end_day, end, tz)


def _after_weekend(instant: datetime, tz: ZoneInfo, settings: CadenceSettings) -> datetime:
    """`instant` itself, or the following Monday at the end of quiet hours if on a weekend."""
    local_day = instant.astimezone(tz).date()
    if local_day.weekday() < SATURDAY:
        return instant
    monday = local_day + timedelta(days=7 - local_day.weekday())
    return local_occurrence(monday, settings.quiet_end, tz)


def _deliver_at(due_at: datetime, state: CadenceState, settings: CadenceSettings) -> datetime:
    """When a DM due at `due_at` may be sent: out of quiet hours (unless Critical), and off
    the weekend for Sev 2."""
    skip_quiet = state.level is not Level.CRITICAL
    skip_weekend = state.severity is Severity.SEV2
    deliver = due_at
    for _ in range(MAX_DEFERRALS):
        moved = deliver
        if skip_quiet:
            moved = _after_quiet_hours(moved, state.dri_tz, settings)
        if skip_weekend:
            moved = _after_weekend(moved, state.dri_tz, settings)
        if moved == deliver:
            break
        deliver = moved
    return deliver


def due_prompts(state: CadenceState, settings: CadenceSettings, now: datetime) -> list[DuePrompt]:
    """The prompts that may be sent at `now`, at most one per kind, sorted by due_at.

    For each kind only its latest occurrence with cadence_start < due_at <= now is
    considered (older ones are never returned, so downtime yields one prompt per kind, not a
    burst), and it is returned only once its deliver_at (DMs moved out of quiet hours, and
    off weekends for Sev 2) has come. The same occurrence always carries the same slot.
    A resolved escalation, or one being closed after Sales Ops' decision, gets nothing.
    """
    if now.tzinfo is None:
        raise ValueError("due_prompts needs an aware `now`")
    # A watched project is not an escalation: no daily or weekly prompts, no Phase 1.
    if not state.state.gets_prompts or state.severity is Severity.WATCH:
        return []
    if state.severity is Severity.SEV1:
        occurrences = list(_sev1_occurrences(state, settings, now))
    else:
        occurrences = list(_sev2_occurrences(state, settings, now))
    occurrences += _phase1_occurrences(state, settings)

    due: list[DuePrompt] = []
    # A DM found due while its recipient is in quiet hours (the bot was down, or late)
    # waits for their end like any other.
    may_dm_now = _deliver_at(now, state, settings) <= now
    for occurrence in occurrences:
        # Strictly after the start: an escalation opened (or promoted) at 09:00 sharp has
        # just had its opening DM, and a "review overnight developments" on top is noise.
        if not state.cadence_start < occurrence.due_at <= now:
            continue
        is_dm = occurrence.kind.is_dm
        deliver_at = _deliver_at(occurrence.due_at, state, settings) if is_dm else occurrence.due_at
        if deliver_at <= now and (may_dm_now or not is_dm):
            due.append(
                DuePrompt(occurrence.kind, occurrence.slot, occurrence.due_at, deliver_at, is_dm)
            )
    # After downtime several prompts can be due at once: only the latest is sent.
    prompts = [p for p in due if p.kind in CATCH_UP_KINDS]
    if prompts:
        latest = max(p.due_at for p in prompts)
        due = [p for p in due if p.kind not in CATCH_UP_KINDS or p.due_at == latest]
    return sorted(due, key=lambda prompt: (prompt.due_at, _KIND_ORDER[prompt.kind]))


def customer_comm_overdue(state: CadenceState, now: datetime) -> bool:
    """True when an open Sev 1's customer has not heard from us for longer than its level
    allows: one day for Critical and High (and when no level is set), two days for Medium.

    Counted from the last customer communication, or from the cadence start if none.
    """
    if state.severity is not Severity.SEV1 or state.state is State.RESOLVED:
        return False
    interval = timedelta(days=2 if state.level is Level.MEDIUM else 1)
    return now - (state.last_customer_comm_at or state.cadence_start) > interval


def _next_daily(at: time, tz: ZoneInfo, now: datetime) -> datetime:
    """The earliest daily occurrence of `at` strictly after `now`."""
    today = now.astimezone(tz).date()
    candidates = (
        local_occurrence(today + timedelta(days=offset), at, tz) for offset in (-1, 0, 1, 2)
    )
    return min(instant for instant in candidates if instant > now)


def _next_weekly(slot: WeeklySlot, tz: ZoneInfo, now: datetime) -> datetime:
    """The earliest weekly occurrence strictly after `now`."""
    today = now.astimezone(tz).date()
    this_week = today - timedelta(days=(today.weekday() - slot.weekday) % 7)
    candidates = (
        local_occurrence(this_week + timedelta(weeks=offset), slot.at, tz) for offset in (0, 1, 2)
    )
    return min(instant for instant in candidates if instant > now)


def _upcoming_periodic(
    state: CadenceState, settings: CadenceSettings, now: datetime
) -> Iterator[datetime]:
    """When each clock-driven kind next gets a new occurrence (a new slot) after `now`."""
    tz = state.dri_tz
    if state.severity is Severity.SEV1:
        for kind in _DAILY_KINDS:
            yield _next_daily(settings.daily_time(kind), tz, now)
        yield _next_evening_nudge(state, settings, now)
        yield _next_weekly(settings.sev1_weekly, tz, now)
    else:
        yield _next_weekly(settings.sev2_weekly, tz, now)


def next_check(state: CadenceState, settings: CadenceSettings, now: datetime) -> datetime | None:
    """The earliest instant after `now` at which `due_prompts` may offer a prompt it does not
    offer at `now`, as long as `state` stays as it is; None when nothing ever will (resolved).

    Planning again at that instant, and whenever the state changes, records exactly what
    planning at every instant would (the answer may come early, costing one idle re-plan,
    but never late, which would lose a prompt): a kind's output changes only when a new
    occurrence becomes its latest one, or when the latest one's delivery time comes.
    """
    if now.tzinfo is None:
        raise ValueError("next_check needs an aware `now`")
    if not state.state.gets_prompts or state.severity is Severity.WATCH:
        return None
    if state.severity is Severity.SEV1:
        occurrences = list(_sev1_occurrences(state, settings, now))
    else:
        occurrences = list(_sev2_occurrences(state, settings, now))
    occurrences += _phase1_occurrences(state, settings)

    candidates = list(_upcoming_periodic(state, settings, now))
    for occurrence in occurrences:
        if occurrence.due_at > now:  # the deadline-like kinds: one occurrence, maybe ahead
            candidates.append(occurrence.due_at)
        elif occurrence.kind.is_dm:  # due already, but deferred out of quiet hours / weekend
            deliver_at = _deliver_at(max(occurrence.due_at, now), state, settings)
            if deliver_at > now:
                candidates.append(deliver_at)
    return min(candidates, default=None)


def dm_deliver_at(due_at: datetime, state: CadenceState, settings: CadenceSettings) -> datetime:
    """When a DM to the DRI that fell due at `due_at` may go out (quiet hours, and weekends
    for Sev 2, as for prompts): for DMs planned outside the prompt cadence, such as the
    customer-silence ladder, whose days start at the asker's midnight."""
    return _deliver_at(due_at, state, settings)
