"""Planning only what is due: its cost follows what is due, not how many escalations are open,
and it records exactly the rows the per-kind planners recorded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, delete, event, insert, inspect, select, update

from bot import people
from bot.cadence.customer_silence import schedule_ladder_steps
from bot.cadence.engine import schedule_due_prompts, schedule_portfolio_agenda
from bot.cadence.flags import schedule_flag_reminders
from bot.cadence.followups import schedule_task_nudges
from bot.cadence.planning import DORMANT, GIVE_WAY_AT_MOST, plan_due_work
from bot.clock import ManualClock
from bot.db import make_session_factory
from bot.delivery.kinds import DeliveryKind
from bot.domain import EventKind, Health, Level, Role, Severity, State, WaitKind
from bot.escalations import service
from bot.models import (
    ChecklistEntry,
    CustomerWait,
    Delivery,
    Escalation,
    EscalationPerson,
    Milestone,
    SlackUser,
    Task,
    UrgentFlag,
)
from bot.runtime import Services
from bot.settings import Settings

NOW = datetime(2026, 11, 25, 18, 7, tzinfo=UTC)  # Wednesday 10:07 in Los Angeles
ZONES = ["America/Los_Angeles", "Asia/Tokyo", "Europe/London", "America/New_York", None]


class ProfileDesk:
    """Stands in for Slack's users.info and counts the questions."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def user_info(self, user_id: str, *, hurried: bool = False) -> dict[str, Any]:
        self.asked.append(user_id)
        return {"id": user_id, "real_name": user_id, "tz": "Asia/Tokyo"}


@pytest.fixture
def services(engine: Engine) -> Services:
    return Services(
        settings=Settings(_env_file=None),
        sessions=make_session_factory(engine),
        gateway=ProfileDesk(),  # type: ignore[arg-type]
        clock=ManualClock(NOW),
    )


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def open_many(
    services: Services,
    count: int,
    *,
    next_check_at: datetime | None,
    cached_profiles: bool = True,
    first: int = 1,
) -> None:
    """`count` open escalations of every kind and age, DRIs all over the world."""
    rows, people, checklist, profiles = [], [], [], []
    for number in range(first, first + count):
        opened = NOW - timedelta(hours=7 * number % 200, minutes=number % 60)
        sev1 = number % 3 != 0
        rows.append(
            {
                "id": number,
                "severity": Severity.SEV1 if sev1 else Severity.SEV2,
                "level": [Level.CRITICAL, Level.HIGH, Level.MEDIUM][number % 3] if sev1 else None,
                "state": [State.OPEN, State.ACTIVE, State.STALLED][number % 3],
                "health": Health.RED,
                "customer": f"Customer {number}",
                "project": "Rollout",
                "summary": "Slipping",
                "opened_by": "UOPENER",
                "opened_at": opened,
                "cadence_start": opened,
                "phase1_due_at": opened + timedelta(hours=24),
                "last_update_at": opened + timedelta(hours=number % 30) if number % 4 else None,
                "next_check_at": next_check_at,
            }
        )
        dri = f"UDRI{number % 37:03d}"
        people.append({"escalation_id": number, "role": Role.DRI, "user_id": dri})
        checklist.append(
            {
                "escalation_id": number,
                "code": "raci_created" if sev1 else "risks_documented",
                "done_at": None if number % 2 else NOW,
            }
        )
    if cached_profiles:
        profiles = [
            {
                "user_id": f"UDRI{n:03d}",
                "name": f"DRI {n}",
                "tz": ZONES[n % len(ZONES)],
                "fetched_at": NOW - timedelta(hours=1),
            }
            for n in range(37)
        ]
    with services.sessions.begin() as session:
        session.execute(insert(Escalation), rows)
        session.execute(insert(EscalationPerson), people)
        session.execute(insert(ChecklistEntry), checklist)
        if profiles and session.scalar(select(SlackUser).limit(1)) is None:
            session.execute(insert(SlackUser), profiles)


def add_children(services: Services) -> None:
    """Waits at every ladder step, flags at every reminder, tasks overdue and not."""
    with services.sessions.begin() as session:
        for number in range(1, 13):
            session.add(
                CustomerWait(
                    escalation_id=number,
                    kind=WaitKind.REQUEST,
                    asked="Sign-off on the test plan",
                    asked_at=NOW - timedelta(days=3 * number),
                    recorded_by="UDRI001",
                    paused_seconds=0,
                )
            )
            session.add(
                UrgentFlag(
                    escalation_id=number,
                    raised_by="UDRI001",
                    raised_at=NOW - timedelta(hours=2 * number),
                    responders="URESP",
                    needed="Architecture decision",
                    needed_by=NOW + timedelta(hours=10) - timedelta(hours=number),
                    dms_sent="",
                )
            )
            milestone = Milestone(
                escalation_id=number,
                title="Go-live",
                success_criteria="Live",
                created_by="UDRI001",
                created_at=NOW - timedelta(days=20),
            )
            session.add(milestone)
            session.flush()
            session.add(
                Task(
                    milestone_id=milestone.id,
                    title="Cut over",
                    owner="UDRI001",
                    due_on=date(2026, 11, 17) + timedelta(days=number),
                )
            )


def ledger_rows(services: Services) -> set[tuple[str, str, str, datetime]]:
    with services.sessions() as session:
        return {
            (row.subject, row.kind, row.slot, row.due_at)
            for row in session.scalars(select(Delivery))
        }


def test_with_nothing_due_a_pass_costs_one_query_whether_100_or_1000_are_open(
    services: Services, statements: list[str]
) -> None:
    later = NOW + timedelta(hours=1)
    open_many(services, 100, next_check_at=later)
    statements.clear()
    assert plan_due_work(services) == 0
    with_100 = list(statements)

    open_many(services, 900, next_check_at=later, first=101)
    statements.clear()
    assert plan_due_work(services) == 0
    assert len(statements) == len(with_100) == 1
    assert "next_check_at" in statements[0]


def test_planning_records_exactly_the_rows_the_per_kind_planners_recorded(
    services: Services,
) -> None:
    open_many(services, 60, next_check_at=None)
    add_children(services)
    for planner in (
        schedule_due_prompts,
        schedule_portfolio_agenda,
        schedule_ladder_steps,
        schedule_flag_reminders,
        schedule_task_nudges,
    ):
        planner(services)
    before = ledger_rows(services)
    with services.sessions.begin() as session:
        session.execute(delete(Delivery))

    written = plan_due_work(services)
    after = ledger_rows(services)
    assert written == len(after)
    # Issue 11's rows (check-in invitations and notes, sync reminders, root edits when
    # something turns overdue) have no per-kind planner of old; everything else is the same.
    stakeholder_kinds = {
        DeliveryKind.CHECK_IN_INVITES,
        DeliveryKind.CHECK_IN_MISSED,
        DeliveryKind.SYNC_REMINDER,
        DeliveryKind.REFRESH_ROOT,
    }
    assert {row for row in after if row[1] not in stakeholder_kinds} == before
    assert {kind for _, kind, _, _ in before} >= {
        "ladder",
        "flag_halfway",
        "flag_2h",
        "task_overdue",
        "morning",
        "silence_manager",
    }


def test_once_planned_an_escalation_waits_for_its_next_check_and_a_change_brings_it_back(
    services: Services, statements: list[str]
) -> None:
    open_many(services, 40, next_check_at=None)
    plan_due_work(services)
    with services.sessions() as session:
        checks = session.scalars(select(Escalation.next_check_at)).all()
    assert all(check > NOW for check in checks)

    statements.clear()
    assert plan_due_work(services) == 0
    assert len(statements) == 1

    with services.sessions.begin() as session:
        escalation = service.get(session, 7)
        service.record(session, escalation, EventKind.CHECK_IN, "UDRI007", "Check-in", NOW)
    with services.sessions() as session:
        assert session.get(Escalation, 7).next_check_at == NOW
    plan_due_work(services)
    with services.sessions() as session:
        assert session.get(Escalation, 7).next_check_at > NOW


def test_a_resolved_escalation_is_put_to_sleep(services: Services) -> None:
    open_many(services, 3, next_check_at=None)
    with services.sessions.begin() as session:
        session.get(Escalation, 2).state = State.RESOLVED
    plan_due_work(services)
    with services.sessions() as session:
        assert session.get(Escalation, 2).next_check_at == DORMANT
        assert session.get(Escalation, 1).next_check_at < DORMANT


def test_dri_profiles_missing_from_the_cache_are_asked_for_once_each(
    services: Services, statements: list[str]
) -> None:
    open_many(services, 74, next_check_at=None, cached_profiles=False)
    plan_due_work(services)
    desk: ProfileDesk = services.gateway  # type: ignore[assignment]
    assert sorted(desk.asked) == [f"UDRI{n:03d}" for n in range(37)]
    with services.sessions() as session:
        zones = set(session.scalars(select(SlackUser.tz)))
        rows = ledger_rows(services)
    assert zones == {"Asia/Tokyo"}
    # Planned in Tokyo time: it is 03:07 there, quiet hours, so no prompt is DMed now; a Sev 2
    # whose Monday 10:00 JST weekly went unanswered has its manager told two business days
    # later, Wednesday 10:00 JST (01:00 UTC).
    assert any(kind == "sev2_weekly_manager" and due.hour == 1 for _, kind, _, due in rows)
    assert not any(kind in ("morning", "midday", "evening") for _, kind, _, _ in rows)
    # Refreshed until tomorrow: asked again only when the cache goes stale.
    services.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    plan_due_work(services)
    assert len(desk.asked) == 37


def test_the_dri_profiles_planning_read_serve_the_workers_without_another_read(
    services: Services, statements: list[str]
) -> None:
    open_many(services, 74, next_check_at=None)
    with services.sessions.begin() as session:
        stale = session.get(SlackUser, "UDRI005")
        stale.fetched_at = NOW - people.FRESH_FOR - timedelta(minutes=1)
    plan_due_work(services)
    # Fresh ones are kept as read, as copies no session owns; the stale one was asked for.
    desk: ProfileDesk = services.gateway  # type: ignore[assignment]
    assert desk.asked == ["UDRI005"]
    assert set(services.profiles) == {f"UDRI{n:03d}" for n in range(37)}
    assert services.profiles["UDRI000"].tz == "America/Los_Angeles"
    assert all(inspect(profile).session is None for profile in services.profiles.values())
    statements.clear()
    assert people.timezone_of(services, "UDRI001") == ZoneInfo("Asia/Tokyo")
    assert statements == []


def test_between_batches_the_planner_gives_way_to_delivery_but_not_after_the_last(
    services: Services,
) -> None:
    open_many(services, 74, next_check_at=None)
    waits: list[float] = []
    services.delivery_appetite = waits.append
    plan_due_work(services)  # a batch of 25, then one of 50 that finds 49
    assert waits == [GIVE_WAY_AT_MOST.total_seconds()]
    assert len(ledger_rows(services)) > 0


def test_a_dris_fourth_and_fifth_prompt_due_at_once_are_sent_a_second_apart(
    services: Services,
) -> None:
    open_many(services, 74, next_check_at=None)
    opened = NOW - timedelta(days=3)
    with services.sessions.begin() as session:
        # Five Sev 2s of one DRI, opened together and never updated: their prompts fall due
        # at the same moments.
        session.execute(
            update(EscalationPerson)
            .where(EscalationPerson.escalation_id.in_([3, 6, 9, 12, 15]))
            .values(user_id="UFIVE")
        )
        session.execute(
            update(Escalation)
            .where(Escalation.id.in_([3, 6, 9, 12, 15]))
            .values(opened_at=opened, cadence_start=opened, last_update_at=None)
        )
        session.add(SlackUser(user_id="UFIVE", name="Five", tz="UTC", fetched_at=NOW))
    plan_due_work(services)
    with services.sessions() as session:
        rows = session.execute(
            select(Delivery.subject, Delivery.kind, Delivery.due_at).where(
                Delivery.escalation_id.in_([3, 6, 9, 12, 15])
            )
        ).all()
    weekly = sorted(due_at for _subject, kind, due_at in rows if kind == "sev2_weekly")
    # Due days ago (planned late, after downtime): the fourth and fifth a second apart from now.
    assert weekly[0] == weekly[2] < NOW - timedelta(days=1)
    assert weekly[3:] == [NOW + timedelta(seconds=1), NOW + timedelta(seconds=2)]
