"""Insights (SPEC section 10): a month walked through the use cases, then its figures checked
against values worked out by hand.

November 2026, seen from New York (EST from Nov 1): the period `last-month` on Dec 2 runs
from Nov 1 00:00 EDT (04:00 UTC) to Dec 1 00:00 EST (05:00 UTC). Pat (DRI of ESC-1, ESC-3,
ESC-5) mostly answers on time; Lee (DRI of ESC-2 and ESC-4) mostly doesn't. ESC-2's customer
goes silent; flags are answered on time, late, never, or withdrawn by a resolution.
"""

from __future__ import annotations

import csv
import io
import os
import struct
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from blocks.chart import chart_png
from blocks.insights import stats_blocks
from bot.db import make_session_factory
from bot.domain import EventKind, Health, Role, Severity
from bot.escalations import closure, customer, flags, service, updates
from bot.escalations.form import parse_open_form
from bot.escalations.insights import export_csv, figures, load_facts
from bot.escalations.updates import UpdateForm
from bot.models import CustomerWait, Escalation, UrgentFlag
from bot.policy import insights
from bot.policy.cadence import PromptKind
from bot.policy.insights import Durations, Ratio, UnknownPeriod, parse_period
from bot.settings import Settings
from tests.factories import open_form
from tests.world import World

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # Wednesday, 10:00 in New York
PAT = World().pm
LEE = "ULEE0001"
# Set to a folder to keep the chart and the stats message of the walked month for people.
SAMPLES = os.environ.get("INSIGHTS_SAMPLES_DIR")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


class Month:
    """The use cases of one month, each in its own transaction at its own instant."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.world = World()
        self.settings = Settings(_env_file=None, leadership_user_ids=[self.world.leader])

    def open(self, when: datetime, severity: str = "sev1", **fields: object) -> int:
        form, errors = parse_open_form(
            Severity(severity),
            open_form(self.world, severity, **fields),
            leadership_channel_id=None,
            check_user=lambda _user: None,
        )
        assert form is not None, errors
        with self.sessions.begin() as session:
            return service.open_escalation(
                session, form, opened_by=PAT, now=when, settings=self.settings
            ).id

    def prompted(self, escalation_id: int, kind: PromptKind, slot: str, when: datetime) -> None:
        """What the cadence engine records once it has sent a prompt."""
        with self.sessions.begin() as session:
            escalation = service.load(session, escalation_id)
            text = insights.prompted_text(kind.value, slot)
            service.record(session, escalation, EventKind.PROMPTED, service.BOT, text, when)

    def update(self, escalation_id: int, when: datetime, health: Health | None = None) -> None:
        with self.sessions.begin() as session:
            author = service.load(session, escalation_id).person(Role.DRI) or PAT
            updates.post_update(
                session,
                escalation_id,
                UpdateForm(summary="Progress", health=health),
                author=author,
                now=when,
                settings=self.settings,
            )

    def check_in(self, escalation_id: int, when: datetime) -> None:
        with self.sessions.begin() as session:
            updates.log_check_in(
                session,
                escalation_id,
                author=PAT,
                attendees=[self.world.ae],
                notes="Agreed the plan",
                now=when,
            )

    def flag(self, escalation_id: int, raised: datetime, needed_by: datetime) -> int:
        with self.sessions.begin() as session:
            escalation = service.load(session, escalation_id)
            form = flags.FlagForm([self.world.ae], "Sign-off on the plan", needed_by, None)
            flag = flags.raise_flag(
                session, escalation, form, link=None, actor=PAT, now=raised, threshold_hours=48
            )
            return flag.id

    def answer_flag(self, escalation_id: int, flag_id: int, when: datetime) -> None:
        with self.sessions.begin() as session:
            escalation = service.load(session, escalation_id)
            flag = session.get(UrgentFlag, flag_id)
            assert flag is not None
            flags.close_flag(
                session, escalation, flag, actor=self.world.ae, now=when, how="answered"
            )

    def wait(self, escalation_id: int, asked: datetime) -> int:
        with self.sessions.begin() as session:
            escalation = service.load(session, escalation_id)
            wait = customer.start_waiting(
                session,
                escalation,
                asked="Test data for UAT",
                how="email",
                asked_at=asked,
                actor=PAT,
                now=asked,
            )
            return wait.id

    def responded(self, escalation_id: int, wait_id: int, when: datetime) -> None:
        with self.sessions.begin() as session:
            escalation = service.load(session, escalation_id)
            wait = session.get(CustomerWait, wait_id)
            assert wait is not None
            customer.customer_responded(session, escalation, wait, actor=PAT, now=when)

    def resolve(self, escalation_id: int, when: datetime) -> None:
        with self.sessions.begin() as session:
            version = service.load(session, escalation_id).version
            form = closure.ClosureForm(
                resolution="Go-live done",
                signoff=True,
                signoff_on=when.date(),
                no_signoff_reason=None,
                retro_link="https://docs.example.com/retro",
                improvements=None,
                financials_reconciled=True,
                artifacts_updated=True,
            )
            closure.resolve(session, escalation_id, version, form, actor=PAT, now=when, tz=NEW_YORK)

    def reassign(self, escalation_id: int, to: str, when: datetime) -> None:
        with self.sessions.begin() as session:
            version = service.load(session, escalation_id).version
            closure.reassign_dri(
                session,
                escalation_id,
                version,
                to,
                actor=self.world.leader,
                now=when,
                settings=self.settings,
            )


def walk_november(sessions: sessionmaker[Session]) -> Month:
    month = Month(sessions)
    morning, evening, midday = PromptKind.MORNING, PromptKind.EVENING, PromptKind.MIDDAY

    # ESC-1, Sev 1 Critical, Pat: 3 of 4 prompts answered on time; resolved after 8 days.
    esc1 = month.open(at(11, 2, 14))
    month.prompted(esc1, morning, "2026-11-03", at(11, 3, 14))
    month.prompted(esc1, morning, "2026-11-03+snooze1", at(11, 3, 15))  # the same prompt
    month.update(esc1, at(11, 3, 14, 30), Health.YELLOW)  # 30 min: on time
    month.prompted(esc1, evening, "2026-11-03", at(11, 3, 22))
    month.update(esc1, at(11, 3, 23, 30))  # 1 h 30: on time
    month.prompted(esc1, morning, "2026-11-04", at(11, 4, 14))  # nothing within 2 h: late
    month.prompted(esc1, midday, "2026-11-04", at(11, 4, 17, 30))
    month.check_in(esc1, at(11, 4, 18))  # a check-in answers the midday prompt
    month.update(esc1, at(11, 4, 18, 30), Health.GREEN)
    flag1 = month.flag(esc1, at(11, 3, 15), needed_by=at(11, 4, 15))
    month.answer_flag(esc1, flag1, at(11, 4, 10))  # on time
    month.resolve(esc1, at(11, 10, 14))

    # ESC-2, Sev 1 High, Lee until Nov 10, then Pat: Lee answered 1 of 3 on time.
    esc2 = month.open(at(11, 5, 15), level="high", dri=LEE)
    month.prompted(esc2, morning, "2026-11-06", at(11, 6, 14))  # never answered
    month.prompted(esc2, PromptKind.SEV1_WEEKLY, "2026-W45", at(11, 6, 15))
    month.prompted(esc2, evening, "2026-11-06", at(11, 6, 22))
    month.update(esc2, at(11, 7, 2), Health.YELLOW)  # evening: 4 h late; weekly: on time
    flag2 = month.flag(esc2, at(11, 6, 15), needed_by=at(11, 7, 15))
    month.answer_flag(esc2, flag2, at(11, 8, 15))  # a day late
    month.wait(esc2, at(11, 8, 15))  # the customer never answers
    month.reassign(esc2, PAT, at(11, 10, 16))
    month.flag(esc2, at(11, 20, 15), needed_by=at(11, 21, 15))  # never answered

    # ESC-3, Sev 2, Pat: 1 of 2 weekly prompts on time; two customer answers; resolved
    # after 16 days, which withdraws a flag due after it.
    esc3 = month.open(at(11, 9, 15), "sev2")
    wait2 = month.wait(esc3, at(11, 10, 15))
    month.responded(esc3, wait2, at(11, 12, 15))  # 2 days
    wait3 = month.wait(esc3, at(11, 11, 15))
    month.prompted(esc3, PromptKind.SEV2_WEEKLY, "2026-W47", at(11, 16, 15))
    month.update(esc3, at(11, 16, 20), Health.YELLOW)  # 5 h: on time for a weekly
    month.responded(esc3, wait3, at(11, 20, 15))  # 9 days
    month.prompted(esc3, PromptKind.SEV2_WEEKLY, "2026-W48", at(11, 23, 15))
    month.update(esc3, at(11, 24, 16))  # 25 h: late
    month.flag(esc3, at(11, 24, 15), needed_by=at(11, 27, 15))
    month.resolve(esc3, at(11, 25, 15))

    # ESC-4, Sev 1 High, Lee: opened in October, resolved Nov 4 after 15 days; its October
    # prompt is outside the period.
    esc4 = month.open(at(10, 20, 15), level="high", dri=LEE)
    month.prompted(esc4, morning, "2026-10-21", at(10, 21, 13))
    month.resolve(esc4, at(11, 4, 15))

    # ESC-5, Sev 1 Medium, opened on the 28th: still open, still red.
    month.open(at(11, 28, 15), level="medium")
    return month


@pytest.fixture
def november(engine: Engine) -> sessionmaker[Session]:
    sessions = make_session_factory(engine)
    walk_november(sessions)
    return sessions


def test_a_walked_november_gives_the_figures_worked_out_by_hand(
    november: sessionmaker[Session],
) -> None:
    with november() as session:
        found = figures(session, Settings(_env_file=None), "last-month", NOW, NEW_YORK)

    assert found.period.label == "November 2026"
    assert found.period.start == at(11, 1, 4) and found.period.end == at(12, 1, 5)
    # Pat: ESC-1 3/4 + ESC-3 1/2; Lee: ESC-2 1/3 (sent before the hand-over), ESC-4 none
    # in November.
    assert found.compliance == Ratio(5, 9)
    assert found.compliance.percent == 56
    assert found.compliance_by_dri == [(LEE, Ratio(1, 3)), (PAT, Ratio(4, 6))]
    assert found.compliance_by_escalation == [
        ("ESC-2", Ratio(1, 3)),
        ("ESC-3", Ratio(1, 2)),
        ("ESC-1", Ratio(3, 4)),
    ]
    assert found.resolution == [
        ("Sev 1 Critical", Durations(1, timedelta(days=8), timedelta(days=8))),
        ("Sev 1 High", Durations(1, timedelta(days=15), timedelta(days=15))),
        ("Sev 2", Durations(1, timedelta(days=16), timedelta(days=16))),
    ]
    # 2 days and 9 days: median and mean 5.5 days; ESC-2's customer still silent.
    assert found.customer_response == Durations(
        2, timedelta(days=5, hours=12), timedelta(days=5, hours=12)
    )
    assert found.waiting_now == 1
    # Flag 1 on time, flag 2 late, flag 3 never answered; flag 4 withdrawn by the resolution.
    assert (found.flags.on_time, found.flags.late, found.flags.unanswered) == (1, 1, 1)
    # ESC-2's request of Nov 8: 24 days of silence on Dec 2.
    assert found.ladder == [
        ("Answered after day 7", 1),
        ("Answered before day 7", 1),
        ("Still waiting, day 21 reached", 1),
    ]
    assert found.open_by_kind == [("Sev 1", 2)]
    assert found.open_by_level == [("High", 1), ("Medium", 1)]
    assert found.open_by_health == [(Health.RED, 1), (Health.YELLOW, 1), (Health.GREEN, 0)]


def test_the_weekly_trend_replays_health_and_compliance_week_by_week(
    november: sessionmaker[Session],
) -> None:
    with november() as session:
        points = insights.trend(load_facts(session), NOW, NEW_YORK)

    r, y, g = Health.RED, Health.YELLOW, Health.GREEN
    assert [
        (p.week_start, p.open_by_health[r], p.open_by_health[y], p.open_by_health[g])
        for p in points
    ] == [
        (date(2026, 10, 12), 0, 0, 0),
        (date(2026, 10, 19), 1, 0, 0),  # ESC-4, red
        (date(2026, 10, 26), 1, 0, 0),
        (date(2026, 11, 2), 0, 1, 1),  # ESC-1 green by then, ESC-2 yellow; ESC-4 resolved
        (date(2026, 11, 9), 1, 1, 0),  # ESC-3 opened red, ESC-2 yellow; ESC-1 resolved
        (date(2026, 11, 16), 0, 2, 0),  # ESC-3's update turned it yellow
        (date(2026, 11, 23), 1, 1, 0),  # ESC-3 resolved, ESC-5 opened red
        (date(2026, 11, 30), 1, 1, 0),  # now
    ]
    assert [p.compliance for p in points] == [
        Ratio(),
        Ratio(0, 1),  # ESC-4's unanswered October morning
        Ratio(),
        Ratio(4, 7),  # ESC-1 3/4 and ESC-2 1/3
        Ratio(),
        Ratio(1, 1),
        Ratio(0, 1),
        Ratio(),
    ]
    assert points[-1].at == NOW


def test_stats_name_people_only_for_leadership(november: sessionmaker[Session]) -> None:
    with november() as session:
        found = figures(session, Settings(_env_file=None), "last-month", NOW, NEW_YORK)

    def text(names_people: bool) -> str:
        blocks = stats_blocks(found, names_people=names_people, tz_name=str(NEW_YORK))
        return "\n".join(
            b.to_dict().get("text", {}).get("text", "")
            or " ".join(e.get("text", "") for e in b.to_dict().get("elements", []))
            for b in blocks
        )

    for_leadership, for_everyone = text(True), text(False)
    assert f"<@{LEE}>: 1 of 3 (33%)" in for_leadership
    assert "ESC-2: 1 of 3 (33%)" in for_leadership
    assert "5 of 9 status prompts answered on time (56%)" in for_everyone
    assert LEE not in for_everyone and PAT not in for_everyone and "ESC-2:" not in for_everyone
    assert "Sev 1 Critical: 1 resolved, median 8 d 0 h" in for_everyone
    assert "2 responses, median 5 d 12 h" in for_everyone
    assert "1 of 3 (33%); 1 late, 1 unanswered" in for_everyone
    if SAMPLES:
        (Path(SAMPLES) / "i15_stats.txt").write_text(for_leadership + "\n")


def test_the_csv_has_every_escalation_with_its_own_figures_in_the_viewers_zone(
    november: sessionmaker[Session],
) -> None:
    with november.begin() as session:
        session.get(Escalation, 1).customer = '=HYPERLINK("https://evil")'  # type: ignore[union-attr]
    with november() as session:
        content = export_csv(session, Settings(_env_file=None), NOW, NEW_YORK)

    rows = list(csv.DictReader(io.StringIO(content)))
    assert [row["key"] for row in rows] == ["ESC-1", "ESC-2", "ESC-3", "ESC-4", "ESC-5"]
    first = rows[0]
    assert (first["kind"], first["level"], first["state"]) == ("Sev 1", "Critical", "resolved")
    assert first["customer"] == '\'=HYPERLINK("https://evil")'  # text, never a formula
    assert (first["prompts_judged"], first["prompts_on_time"], first["compliance_pct"]) == (
        "4",
        "3",
        "75",
    )
    assert first["days_to_resolution"] == "8.0"
    by_key = {row["key"]: row for row in rows}
    second = by_key["ESC-2"]
    assert second["dri_user_id"] == PAT  # the DRI now
    assert (second["prompts_judged"], second["prompts_on_time"], second["compliance_pct"]) == (
        "3",
        "1",
        "33",
    )
    assert (second["flags_on_time"], second["flags_late"], second["flags_unanswered"]) == (
        "0",
        "1",
        "1",
    )
    assert second["ladder_outcomes"] == "Still waiting, day 21 reached"
    assert second["opened"] == "2026-11-05T10:00-05:00"  # 15:00 UTC in New York
    third = by_key["ESC-3"]
    assert third["days_to_resolution"] == "16.0"
    assert third["customer_median_hours"] == "132.0"  # 2 d and 9 d: 5.5 d


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_chart_of_the_month_is_a_png_with_bars_and_a_line(
    november: sessionmaker[Session],
) -> None:
    pytest.importorskip("PIL")
    from PIL import Image

    with november() as session:
        png = chart_png(
            insights.trend(load_facts(session), NOW, NEW_YORK), tz_name="America/New_York"
        )

    assert png_size(png) == (800, 450)
    assert len(png) > 10_000
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=800 * 450) or []
    assert len(colours) > 50  # text, axes, bars, a line: not a blank canvas
    pixels = {colour for _count, colour in colours}
    assert (0xD9, 0x3F, 0x3F) in pixels  # red bars
    assert (0xF2, 0xC7, 0x44) in pixels  # yellow bars
    assert (0x3F, 0xA3, 0x4D) in pixels  # green bars
    assert (0x1D, 0x4F, 0x91) in pixels  # the compliance line
    if SAMPLES:
        (Path(SAMPLES) / "i15_chart.png").write_bytes(png)


@pytest.mark.parametrize(
    ("typed", "start", "end", "label"),
    [
        ("", NOW - timedelta(days=30), NOW, "last 30 days"),
        ("7d", NOW - timedelta(days=7), NOW, "last 7 days"),
        ("4w", NOW - timedelta(weeks=4), NOW, "last 4 weeks"),
        ("week", at(11, 30, 5), NOW, "this week so far"),
        ("month", at(12, 1, 5), NOW, "December 2026 so far"),
        ("LAST-MONTH", at(11, 1, 4), at(12, 1, 5), "November 2026"),
    ],
)
def test_a_period_is_read_in_the_viewers_time_zone(
    typed: str, start: datetime, end: datetime, label: str
) -> None:
    assert parse_period(typed, NOW, NEW_YORK) == insights.Period(start, end, label)


@pytest.mark.parametrize("typed", ["0d", "400d", "fortnight", "<!channel>"])
def test_a_period_that_means_nothing_is_refused(typed: str) -> None:
    with pytest.raises(UnknownPeriod):
        parse_period(typed, NOW, NEW_YORK)


def test_a_reopened_escalation_counts_as_open_only_while_it_was() -> None:
    spans = insights.open_spans(
        at(11, 2, 14), [(at(11, 5, 14), False), (at(11, 9, 14), True), (at(11, 12, 14), False)]
    )
    assert spans == ((at(11, 2, 14), at(11, 5, 14)), (at(11, 9, 14), at(11, 12, 14)))
    facts = insights.EscalationFacts(
        key="ESC-9",
        severity=Severity.SEV2,
        level=None,
        state=insights.State.RESOLVED,
        health=Health.GREEN,
        opened_at=at(11, 2, 14),
        resolved_at=at(11, 12, 14),
        open_spans=spans,
    )
    assert [facts.is_open_at(at(11, day, 15)) for day in (3, 7, 10, 13)] == [
        True,
        False,
        True,
        False,
    ]


def test_an_empty_portfolio_still_draws_a_chart_with_nothing_made_up() -> None:
    points = insights.trend([], NOW, NEW_YORK)
    assert [p.open_total for p in points] == [0] * 8
    assert all(p.compliance == Ratio() for p in points)
    assert png_size(chart_png(points)) == (800, 450)
