"""When prompts fall for DRIs far apart, and across daylight-saving changes (pure policy)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Level, Severity, State
from bot.policy.cadence import (
    CadenceSettings,
    CadenceState,
    PromptKind,
    due_prompts,
    local_occurrence,
)
from bot.settings import Settings

SETTINGS = CadenceSettings.from_settings(Settings(_env_file=None))
NEW_YORK = ZoneInfo("America/New_York")


def state(tz: str, start: datetime, **overrides: object) -> CadenceState:
    values: dict[str, object] = {
        "severity": Severity.SEV1,
        "level": Level.HIGH,
        "state": State.ACTIVE,
        "cadence_start": start,
        "phase1_due_at": start + timedelta(hours=24),
        "checklist_open": False,
        "last_update_at": None,
        "last_customer_comm_at": None,
        "dri_tz": ZoneInfo(tz),
    }
    values.update(overrides)
    return CadenceState(**values)  # type: ignore[arg-type]


def daily_prompts_on(tz: str, day: date) -> dict[PromptKind, datetime]:
    """Walk the day in 5-minute steps; when did each daily prompt first become due?"""
    start = datetime.combine(day - timedelta(days=1), time(23, 0), ZoneInfo(tz))
    escalation = state(tz, start, last_update_at=start + timedelta(days=5))
    first_seen: dict[PromptKind, datetime] = {}
    now = start
    while now < start + timedelta(hours=26):
        now += timedelta(minutes=5)
        for prompt in due_prompts(escalation, SETTINGS, now):
            if prompt.kind in (PromptKind.MORNING, PromptKind.MIDDAY, PromptKind.EVENING):
                first_seen.setdefault(prompt.kind, now.astimezone(ZoneInfo(tz)))
    return first_seen


def test_a_dri_in_tokyo_gets_three_prompts_at_tokyo_times() -> None:
    seen = daily_prompts_on("Asia/Tokyo", date(2026, 11, 23))
    assert {k: v.strftime("%a %H:%M") for k, v in seen.items()} == {
        PromptKind.MORNING: "Mon 09:00",
        PromptKind.MIDDAY: "Mon 12:30",
        PromptKind.EVENING: "Mon 17:00",
    }
    assert seen[PromptKind.MORNING].astimezone(UTC) == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def test_a_dri_in_los_angeles_gets_them_seventeen_hours_later() -> None:
    tokyo = daily_prompts_on("Asia/Tokyo", date(2026, 11, 23))
    los_angeles = daily_prompts_on("America/Los_Angeles", date(2026, 11, 23))
    for kind in tokyo:
        assert los_angeles[kind] - tokyo[kind] == timedelta(hours=17)


def test_prompts_stay_at_local_times_across_spring_forward_and_fall_back() -> None:
    for day in (date(2026, 3, 8), date(2026, 11, 1)):
        seen = daily_prompts_on("America/New_York", day)
        assert [v.strftime("%H:%M") for v in seen.values()] == ["09:00", "12:30", "17:00"]
    spring = daily_prompts_on("America/New_York", date(2026, 3, 8))
    fall = daily_prompts_on("America/New_York", date(2026, 11, 1))
    assert spring[PromptKind.MORNING].utcoffset() == timedelta(hours=-4)
    assert fall[PromptKind.MORNING].utcoffset() == timedelta(hours=-5)


def test_a_time_inside_the_spring_forward_gap_moves_to_after_it() -> None:
    instant = local_occurrence(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert instant.astimezone(NEW_YORK).strftime("%H:%M") == "03:30"
    ambiguous = local_occurrence(date(2026, 11, 1), time(1, 30), NEW_YORK)
    assert ambiguous == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # the first 01:30 (EDT)


def test_quiet_hours_defer_dms_except_for_critical() -> None:
    evening_at_20 = CadenceSettings(**{**SETTINGS.__dict__, "evening": time(20, 0)})
    start = datetime(2026, 11, 23, 8, 0, tzinfo=NEW_YORK)
    now = datetime(2026, 11, 23, 21, 0, tzinfo=NEW_YORK)
    high = {p.kind: p for p in due_prompts(state("America/New_York", start), evening_at_20, now)}
    assert PromptKind.EVENING not in high
    tomorrow = datetime(2026, 11, 24, 8, 0, tzinfo=NEW_YORK)
    later = {
        p.kind: p for p in due_prompts(state("America/New_York", start), evening_at_20, tomorrow)
    }
    assert later[PromptKind.EVENING].deliver_at == tomorrow
    critical = state("America/New_York", start, level=Level.CRITICAL)
    assert PromptKind.EVENING in {p.kind for p in due_prompts(critical, evening_at_20, now)}


def test_a_sev2_dm_falling_on_a_weekend_waits_for_monday_morning() -> None:
    saturday_weekly = CadenceSettings(
        **{**SETTINGS.__dict__, "sev2_weekly": SETTINGS.sev2_weekly._replace(weekday=5)}
    )
    start = datetime(2026, 11, 16, 9, 0, tzinfo=NEW_YORK)
    sev2 = state("America/New_York", start, severity=Severity.SEV2, level=None)
    saturday = datetime(2026, 11, 21, 11, 0, tzinfo=NEW_YORK)
    assert due_prompts(sev2, saturday_weekly, saturday) == []
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=NEW_YORK)
    [weekly] = due_prompts(sev2, saturday_weekly, monday)
    assert weekly.kind is PromptKind.SEV2_WEEKLY and weekly.deliver_at == monday


def test_a_resolved_escalation_gets_nothing() -> None:
    start = datetime(2026, 11, 23, 8, 0, tzinfo=NEW_YORK)
    resolved = state("America/New_York", start, state=State.RESOLVED, checklist_open=True)
    assert due_prompts(resolved, SETTINGS, start + timedelta(days=3)) == []
