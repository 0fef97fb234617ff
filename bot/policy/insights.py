"""How the escalation process is doing, in numbers: pure functions over plain facts.

Everything here is computed from what the bot itself recorded (prompts sent, updates and
check-ins posted, customer waits, urgent flags, resolutions); nothing reads a clock, a
database or Slack. `now` and the viewer's time zone are parameters: a period such as "last
month" and the weeks of the trend begin at local midnight where the viewer is.

Definitions, so a figure means one thing wherever it is shown:

- A status prompt (morning, midday, evening, weekly) is *answered on time* when an update is
  posted on its escalation within its answer window after the prompt was sent (2 hours for
  the daily ones, the delay after which the evening nudge would come; a day for the weekly
  ones). The midday prompt asks for a check-in, so a logged check-in answers it too. A prompt
  whose window is still open and unanswered is not judged yet. A prompt is counted for the
  person who was DRI when it was sent.
- *Time to resolution*: opening to (the latest) resolution, by kind and level.
- *Customer time to respond*: the request date to "customer responded", out-of-office time
  excluded (the ladder's own clock).
- A flag is *answered on time* when it was closed at or before its deadline; closed after it
  is late; still open past it (or closed only by the escalation's resolution after it) is
  unanswered. A flag whose escalation was resolved before its deadline is not judged.
- *Ladder outcome* of a customer wait: answered before the first step, answered after step
  N, Sales Ops' decision, or still waiting.
"""

from __future__ import annotations

import re
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Health, Level, SalesOpsOutcome, Severity, State
from bot.policy.cadence import PromptKind, local_occurrence
from bot.policy.ladder import WaitClock, waited

STATUS_PROMPTS = (
    PromptKind.MORNING,
    PromptKind.MIDDAY,
    PromptKind.EVENING,
    PromptKind.SEV1_WEEKLY,
    PromptKind.SEV2_WEEKLY,
)
WEEKLY_PROMPTS = (PromptKind.SEV1_WEEKLY, PromptKind.SEV2_WEEKLY)
TREND_WEEKS = 8
DEFAULT_PERIOD_DAYS = 30
HEALTHS = (Health.RED, Health.YELLOW, Health.GREEN)


# -- the facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptSent:
    """A status prompt the bot sent the DRI (a PROMPTED timeline entry)."""

    kind: PromptKind
    slot: str
    at: datetime
    dri: str | None


@dataclass(frozen=True)
class WaitFacts:
    clock: WaitClock
    outcome: SalesOpsOutcome | None = None


@dataclass(frozen=True)
class FlagFacts:
    raised_at: datetime
    needed_by: datetime
    # When a responder answered it (or someone marked it responded).
    closed_at: datetime | None = None
    # When resolving the escalation closed it unanswered.
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
class EscalationFacts:
    """One escalation as the figures see it; every datetime aware (UTC)."""

    key: str
    severity: Severity
    level: Level | None
    state: State
    health: Health
    opened_at: datetime
    resolved_at: datetime | None = None
    dri: str | None = None
    health_at_open: Health = Health.RED
    # (when, new health), oldest first: every update carries the health it set.
    health_changes: tuple[tuple[datetime, Health], ...] = ()
    # (from, until or None): open from opening to resolution, again from each reopening.
    open_spans: tuple[tuple[datetime, datetime | None], ...] = ()
    prompts: tuple[PromptSent, ...] = ()
    # Both sorted, oldest first.
    updates: tuple[datetime, ...] = ()
    check_ins: tuple[datetime, ...] = ()
    waits: tuple[WaitFacts, ...] = ()
    flags: tuple[FlagFacts, ...] = ()

    @property
    def kind_label(self) -> str:
        """ "Sev 1 High", "Sev 2": the group time to resolution is reported by."""
        if self.severity is Severity.SEV1 and self.level is not None:
            return f"Sev 1 {self.level.label}"
        return self.severity.short

    def is_open_at(self, instant: datetime) -> bool:
        spans = self.open_spans or ((self.opened_at, self.resolved_at),)
        return any(start <= instant and (end is None or instant < end) for start, end in spans)

    def health_at(self, instant: datetime) -> Health:
        health = self.health_at_open
        for at, changed in self.health_changes:
            if at > instant:
                break
            health = changed
        return health


def open_spans(
    opened_at: datetime, closures: Iterable[tuple[datetime, bool]]
) -> tuple[tuple[datetime, datetime | None], ...]:
    """Open spans from the opening and (when, reopened?) resolutions / reopenings in order."""
    spans: list[tuple[datetime, datetime | None]] = []
    start: datetime | None = opened_at
    for at, reopened in closures:
        if reopened and start is None:
            start = at
        elif not reopened and start is not None:
            spans.append((start, at))
            start = None
    if start is not None:
        spans.append((start, None))
    return tuple(spans)


def prompted_text(kind: str, slot: str) -> str:
    """The text of the PROMPTED timeline entry the cadence engine writes for a prompt sent;
    `parse_prompted` reads it back."""
    return f"{kind} ({slot})"


_PROMPTED = re.compile(r"^(?P<kind>[a-z0-9_]+) \((?P<slot>[^)]*)\)$")


def parse_prompted(text: str) -> tuple[PromptKind, str] | None:
    """(kind, slot without its snooze suffix) of a PROMPTED entry's text, `morning (2026-11-02)`;
    None for prompts that ask for no update (nudges, the Phase 1 deadline)."""
    match = _PROMPTED.match(text)
    if not match or match["kind"] not in {kind.value for kind in STATUS_PROMPTS}:
        return None
    return PromptKind(match["kind"]), match["slot"].split("+snooze")[0]


def dri_at(
    current: str | None, reassignments: Sequence[tuple[datetime, str, str]], at: datetime
) -> str | None:
    """Who was DRI at `at`, from the current DRI and the (when, from, to) reassignments."""
    dri = current
    for when, old, _new in sorted(reassignments, reverse=True):
        if when <= at:
            break
        dri = old or None
    return dri


# -- periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    label: str

    def holds(self, instant: datetime | None) -> bool:
        return instant is not None and self.start <= instant < self.end


class UnknownPeriod(ValueError):
    pass


PERIOD_HELP = "`30d`, `4w`, `week`, `month` or `last-month`"


def _month_start(day: date) -> date:
    return day.replace(day=1)


def parse_period(text: str, now: datetime, tz: ZoneInfo) -> Period:
    """The period a person typed, in their time zone; the last 30 days when they typed none.

    `Nd` and `Nw` end now; `week` and `month` run from the start of this local week / month
    to now; `last-month` is the whole previous calendar month.
    """
    typed = text.strip().lower()
    today = now.astimezone(tz).date()
    if not typed:
        typed = f"{DEFAULT_PERIOD_DAYS}d"
    if match := re.fullmatch(r"(\d{1,3})\s*([dw])", typed):
        count, unit = int(match[1]), match[2]
        days = count * (7 if unit == "w" else 1)
        if not 1 <= days <= 366:
            raise UnknownPeriod("A period runs from 1 day to a year.")
        label = f"last {count} {'week' if unit == 'w' else 'day'}{'s' if count != 1 else ''}"
        return Period(now - timedelta(days=days), now, label)
    if typed in ("week", "this-week"):
        monday = today - timedelta(days=today.weekday())
        return Period(local_occurrence(monday, _MIDNIGHT, tz), now, "this week so far")
    if typed in ("month", "this-month"):
        first = _month_start(today)
        return Period(local_occurrence(first, _MIDNIGHT, tz), now, f"{first:%B %Y} so far")
    if typed in ("last-month", "lastmonth", "last month"):
        first_this = _month_start(today)
        first_last = _month_start(first_this - timedelta(days=1))
        return Period(
            local_occurrence(first_last, _MIDNIGHT, tz),
            local_occurrence(first_this, _MIDNIGHT, tz),
            f"{first_last:%B %Y}",
        )
    raise UnknownPeriod(f"I don't know that period. Try {PERIOD_HELP}.")


_MIDNIGHT = datetime.min.time()


# -- the figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    hit: int = 0
    total: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.hit / self.total) if self.total else None

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.hit + other.hit, self.total + other.total)


@dataclass(frozen=True)
class Durations:
    count: int = 0
    median: timedelta | None = None
    mean: timedelta | None = None

    @classmethod
    def of(cls, values: Sequence[timedelta]) -> Durations:
        if not values:
            return cls()
        seconds = [value.total_seconds() for value in values]
        return cls(
            len(values),
            timedelta(seconds=statistics.median(seconds)),
            timedelta(seconds=statistics.fmean(seconds)),
        )


@dataclass(frozen=True)
class AnswerWindows:
    """How long after a prompt an answer still counts as on time."""

    daily: timedelta = timedelta(hours=2)
    weekly: timedelta = timedelta(days=1)

    def of(self, kind: PromptKind) -> timedelta:
        return self.weekly if kind in WEEKLY_PROMPTS else self.daily


@dataclass(frozen=True)
class FlagFigures:
    on_time: int = 0
    late: int = 0
    unanswered: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.unanswered

    @property
    def on_time_ratio(self) -> Ratio:
        return Ratio(self.on_time, self.total)


@dataclass(frozen=True)
class WeekPoint:
    """One week of the trend: open escalations by health at its end (or now), and the
    compliance of the prompts sent during it."""

    week_start: date
    at: datetime
    open_by_health: dict[Health, int]
    compliance: Ratio

    @property
    def open_total(self) -> int:
        return sum(self.open_by_health.values())


@dataclass(frozen=True)
class Insights:
    period: Period
    now: datetime
    compliance: Ratio
    compliance_by_dri: list[tuple[str, Ratio]]
    compliance_by_escalation: list[tuple[str, Ratio]]
    resolution: list[tuple[str, Durations]]
    customer_response: Durations
    waiting_now: int
    flags: FlagFigures
    ladder: list[tuple[str, int]]
    open_by_kind: list[tuple[str, int]]
    open_by_level: list[tuple[str, int]]
    open_by_health: list[tuple[Health, int]]
    trend: list[WeekPoint] = field(default_factory=list)

    @property
    def open_total(self) -> int:
        return sum(count for _health, count in self.open_by_health)


def prompt_answered_on_time(
    prompt: PromptSent, facts: EscalationFacts, windows: AnswerWindows, now: datetime
) -> bool | None:
    """True / False once judged; None while its window is still open and unanswered."""
    deadline = prompt.at + windows.of(prompt.kind)
    kinds_of_answer = [facts.updates]
    if prompt.kind is PromptKind.MIDDAY:
        kinds_of_answer.append(facts.check_ins)
    for answers in kinds_of_answer:
        # Sorted (see EscalationFacts): the first answer at or after the prompt decides.
        first = bisect_left(answers, prompt.at)
        if first < len(answers) and answers[first] <= deadline:
            return True
    return False if now > deadline else None


def _distinct_prompts(facts: EscalationFacts) -> list[PromptSent]:
    """Each (kind, slot) once, at its first sending: a snoozed prompt is one prompt."""
    first: dict[tuple[PromptKind, str], PromptSent] = {}
    for prompt in sorted(facts.prompts, key=lambda p: p.at):
        first.setdefault((prompt.kind, prompt.slot), prompt)
    return list(first.values())


def judged_prompts(
    facts: EscalationFacts, windows: AnswerWindows, now: datetime, period: Period | None = None
) -> list[tuple[PromptSent, bool]]:
    """(prompt, on time?) for every judged status prompt sent in `period` (all, if None)."""
    judged = []
    for prompt in _distinct_prompts(facts):
        if period is not None and not period.holds(prompt.at):
            continue
        verdict = prompt_answered_on_time(prompt, facts, windows, now)
        if verdict is not None:
            judged.append((prompt, verdict))
    return judged


def compliance_of(judged: Iterable[tuple[PromptSent, bool]]) -> Ratio:
    pairs = list(judged)
    return Ratio(sum(1 for _p, ok in pairs if ok), len(pairs))


def time_to_resolve(facts: EscalationFacts) -> timedelta | None:
    if facts.state is not State.RESOLVED or facts.resolved_at is None:
        return None
    return facts.resolved_at - facts.opened_at


def customer_response_time(wait: WaitFacts) -> timedelta | None:
    if wait.clock.responded_at is None:
        return None
    return waited(wait.clock, wait.clock.responded_at)


def ladder_outcome(wait: WaitFacts, ladder_days: Sequence[int], now: datetime) -> str:
    """Where a customer wait ended up on the ladder, as leadership would say it."""
    if wait.outcome is not None:
        return f"Sales Ops: {wait.outcome.label.lower()}"
    end = wait.clock.responded_at or now
    days = waited(wait.clock, end) / timedelta(days=1)
    reached = [day for day in ladder_days if days >= day]
    if wait.clock.responded_at is not None:
        if not reached:
            return f"Answered before day {ladder_days[0]}"
        return f"Answered after day {reached[-1]}"
    if not reached:
        return f"Still waiting, before day {ladder_days[0]}"
    return f"Still waiting, day {reached[-1]} reached"


def flag_verdict(flag: FlagFacts, now: datetime) -> str | None:
    """ "on_time" | "late" | "unanswered"; None while its deadline is ahead and it is open,
    or when its escalation was resolved before its deadline (the question went away)."""
    if flag.closed_at is not None:
        return "on_time" if flag.closed_at <= flag.needed_by else "late"
    if flag.withdrawn_at is not None and flag.withdrawn_at <= flag.needed_by:
        return None
    return "unanswered" if now > flag.needed_by else None


def flag_figures(flags: Iterable[FlagFacts], now: datetime) -> FlagFigures:
    verdicts = Counter(flag_verdict(flag, now) for flag in flags)
    return FlagFigures(verdicts["on_time"], verdicts["late"], verdicts["unanswered"])


def week_starts(now: datetime, tz: ZoneInfo, weeks: int = TREND_WEEKS) -> list[date]:
    """The local Mondays of the last `weeks` weeks, this one last."""
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def trend(
    escalations: Sequence[EscalationFacts],
    now: datetime,
    tz: ZoneInfo,
    windows: AnswerWindows = AnswerWindows(),
    weeks: int = TREND_WEEKS,
) -> list[WeekPoint]:
    """Open escalations by health at the end of each of the last weeks (this week: now), and
    each week's update compliance."""
    mondays = week_starts(now, tz, weeks)
    starts = [local_occurrence(monday, _MIDNIGHT, tz) for monday in mondays]
    ends = [*starts[1:], local_occurrence(mondays[-1] + timedelta(days=7), _MIDNIGHT, tz)]
    # Each judged prompt counts in the week it was sent (one pass, not one per week).
    hits, totals = [0] * len(mondays), [0] * len(mondays)
    for facts in escalations:
        for prompt, on_time in judged_prompts(facts, windows, now):
            week = bisect_right(starts, prompt.at) - 1
            if week >= 0 and prompt.at < ends[week]:
                hits[week] += int(on_time)
                totals[week] += 1
    points = []
    for index, monday in enumerate(mondays):
        # The end of a week is exclusive: count what was open just before it.
        at = min(now, ends[index] - timedelta(microseconds=1))
        counts = dict.fromkeys(HEALTHS, 0)
        for facts in escalations:
            if facts.is_open_at(at):
                counts[facts.health_at(at)] += 1
        points.append(WeekPoint(monday, at, counts, Ratio(hits[index], totals[index])))
    return points


def _by_key(ratios: dict[str, Ratio]) -> list[tuple[str, Ratio]]:
    """Worst first: the lowest share on time, then the most prompts."""
    return sorted(
        ratios.items(), key=lambda item: (item[1].hit / item[1].total, -item[1].total, item[0])
    )


def compute(
    escalations: Sequence[EscalationFacts],
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    *,
    windows: AnswerWindows = AnswerWindows(),
    ladder_days: Sequence[int] = (7, 14, 21, 28),
) -> Insights:
    """Every figure for `period`, judged with all that is known at `now`; the open counts and
    the trend are as of `now` whatever the period."""
    by_dri: dict[str, Ratio] = {}
    by_escalation: dict[str, Ratio] = {}
    total = Ratio()
    resolutions: dict[str, list[timedelta]] = {}
    responses: list[timedelta] = []
    waiting_now = 0
    flags: list[FlagFacts] = []
    ladder: Counter[str] = Counter()
    for facts in escalations:
        judged = judged_prompts(facts, windows, now, period)
        for prompt, on_time in judged:
            who = prompt.dri or "nobody"
            by_dri[who] = by_dri.get(who, Ratio()) + Ratio(int(on_time), 1)
        if judged:
            by_escalation[facts.key] = compliance_of(judged)
            total += by_escalation[facts.key]
        took = time_to_resolve(facts)
        if took is not None and period.holds(facts.resolved_at):
            resolutions.setdefault(facts.kind_label, []).append(took)
        for wait in facts.waits:
            response = customer_response_time(wait)
            if response is not None and period.holds(wait.clock.responded_at):
                responses.append(response)
            if wait.clock.responded_at is None and wait.outcome is None and facts.state.is_open:
                waiting_now += 1
            if period.holds(wait.clock.asked_at):
                ladder[ladder_outcome(wait, ladder_days, now)] += 1
        flags += [flag for flag in facts.flags if period.holds(flag.needed_by)]

    current = [facts for facts in escalations if facts.state.is_open]
    kinds = Counter(facts.severity.short for facts in current)
    levels = Counter(
        facts.level.label for facts in current if facts.severity is Severity.SEV1 and facts.level
    )
    healths = Counter(facts.health for facts in current)
    return Insights(
        period=period,
        now=now,
        compliance=total,
        compliance_by_dri=_by_key(by_dri),
        compliance_by_escalation=_by_key(by_escalation),
        resolution=[
            (label, Durations.of(resolutions[label])) for label in _group_order(resolutions)
        ],
        customer_response=Durations.of(responses),
        waiting_now=waiting_now,
        flags=flag_figures(flags, now),
        ladder=sorted(ladder.items()),
        open_by_kind=[(s.short, kinds[s.short]) for s in Severity if kinds[s.short]],
        open_by_level=[(lv.label, levels[lv.label]) for lv in Level if levels[lv.label]],
        open_by_health=[(h, healths[h]) for h in HEALTHS],
        trend=trend(escalations, now, tz, windows),
    )


def _group_order(groups: dict[str, list[timedelta]]) -> list[str]:
    order = [f"Sev 1 {level.label}" for level in Level] + [s.short for s in Severity]
    return sorted(groups, key=lambda label: (order.index(label) if label in order else 99, label))


def escalation_figures(
    facts: EscalationFacts,
    now: datetime,
    *,
    windows: AnswerWindows = AnswerWindows(),
    ladder_days: Sequence[int] = (7, 14, 21, 28),
) -> dict[str, object]:
    """One escalation's own figures over its whole life: a row of the CSV export."""
    compliance = compliance_of(judged_prompts(facts, windows, now))
    responses = Durations.of(
        [took for wait in facts.waits if (took := customer_response_time(wait)) is not None]
    )
    flags = flag_figures(facts.flags, now)
    outcomes = [ladder_outcome(wait, ladder_days, now) for wait in facts.waits]
    took = time_to_resolve(facts)
    return {
        "prompts_judged": compliance.total,
        "prompts_on_time": compliance.hit,
        "compliance_pct": compliance.percent,
        "days_to_resolution": round(took / timedelta(days=1), 2) if took is not None else None,
        "customer_responses": responses.count,
        "customer_median_hours": (
            round(responses.median / timedelta(hours=1), 1)
            if responses.median is not None
            else None
        ),
        "flags_on_time": flags.on_time,
        "flags_late": flags.late,
        "flags_unanswered": flags.unanswered,
        "ladder_outcomes": "; ".join(outcomes),
    }
