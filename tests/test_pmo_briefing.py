"""The PMO manager's weekly briefing (SPEC "Who uses it", flows 2 and 7): every open Sev 1
with the forecast and budget / timeline impact of its latest weekly review and its overdue
items, and each escalation closed that week with its retro link, by DM to the PMO manager
only, once a week, continued over as many messages as it needs."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from blocks.briefing import briefing_messages
from bot.cadence.briefing import schedule_pmo_briefing
from bot.clock import ManualClock
from bot.domain import Health, ImpactKind, Level, State
from bot.escalations import closure, impacts, service
from bot.escalations.weekly import WeeklyReviewForm, submit_weekly_review
from bot.models import Delivery
from bot.policy.briefing import Briefing, BriefingSection, Closure, OpenSev1, WeeklyFigures
from tests.flows import open_escalation, wait_for_receipt
from tests.harness import BotHarness
from tests.slack_standin import SlackStandIn
from tests.walking import LA, Transcript, local, walk

PMO = "UPMO0001"
HOSTILE = "<!channel> <@U123> <https://evil.example|click>"


def resolve(harness: BotHarness, escalation_id: int, retro: str | None) -> None:
    with harness.services.sessions.begin() as session:
        version = service.load(session, escalation_id).version
        closure.resolve(
            session,
            escalation_id,
            version,
            closure.ClosureForm(
                resolution="Patch shipped; customer confirmed " + HOSTILE,
                signoff=True,
                signoff_on=harness.clock.now().astimezone(LA).date(),
                no_signoff_reason=None,
                retro_link=retro,
                improvements=None,
                financials_reconciled=True,
                artifacts_updated=True,
            ),
            actor=harness.world.pm,
            now=harness.clock.now(),
            tz=LA,
        )
    harness.deliver()


def test_the_pmo_manager_gets_one_briefing_a_week_with_forecasts_overdue_items_and_closures(
    make_harness: Callable[..., BotHarness], clock: ManualClock, standin: SlackStandIn
) -> None:
    standin.add_user(PMO, "pat.pmo", tz="America/New_York", real_name="Pat PMO")
    clock.set(local(0, 9, 0))
    harness = make_harness(pmo_manager_user_id=PMO)
    for level in ("high", "critical", "medium"):
        wait_for_receipt(harness, open_escalation(harness, level=level))
    log = Transcript(harness, names={PMO: "PMO manager"})

    def review() -> None:
        with harness.services.sessions.begin() as session:
            submit_weekly_review(
                session,
                1,
                "2026-W48",
                WeeklyReviewForm(
                    stakeholder_communication="CIO briefed twice",
                    budget_timeline_impact="+40 h, go-live moves to Dec 12 " + HOSTILE,
                    resource_allocation="Senior engineer added",
                    forecast="Green by Dec 12",
                    raid_reviewed=True,
                ),
                author=harness.world.pm,
                now=harness.clock.now(),
                settings=harness.settings,
            )
            impacts.record_impact(
                session,
                service.load(session, 1),
                kind=ImpactKind.TIMELINE,
                text="UAT slips a week " + HOSTILE,
                other_projects=None,
                other_pms=[],
                actor=harness.world.pm,
                now=harness.clock.now(),
                resourcing_channel=None,
            )

    walk(
        harness,
        local(8, 9, 0),
        {
            local(2, 11, 0): lambda: resolve(harness, 2, "https://docs.example.com/retro-esc-2"),
            local(3, 11, 0): lambda: resolve(harness, 3, None),
            local(4, 11, 0): review,
        },
        transcript=log,
    )
    # (The PMO manager is PS leadership, so also asked about the Critical's sync: not this.)
    to_pmo = [line for line in log.lines if "PMO briefing" in line]
    # Friday 15:00 in New York is 12:00 in Los Angeles; once, to the PMO manager only.
    assert to_pmo == [
        "Fri 12:00 DM to PMO manager: PMO briefing 2026-W48: 1 open Sev 1, 2 closed this week"
    ]
    [message] = [m for m in standin.dms_to(PMO) if m.text.startswith("PMO briefing")]
    shown = json.dumps(message.blocks, ensure_ascii=False)
    assert "Forecast (2026-W48):* Green by Dec 12" in shown
    assert "go-live moves to Dec 12 &lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert "customer communication" in shown  # overdue items of the open Sev 1
    # The impacts the DRI recorded day to day (Step 6) are in the briefing too.
    assert "Budget and timeline impacts recorded this week" in shown
    assert "ESC-1 (timeline): UAT slips a week &lt;!channel&gt;" in shown
    assert "ESC-2" in shown and "retro-esc-2" in shown
    assert "ESC-3" in shown and "retro link missing" in shown
    assert len(message.blocks) <= 50


def test_without_a_pmo_manager_nothing_is_scheduled(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    clock.set(local(4, 13, 0))  # Friday 16:00 in New York: briefing time has come
    harness = make_harness()
    assert schedule_pmo_briefing(harness.services) is False
    harness.tick_at(local(4, 13, 0))
    with harness.services.sessions() as session:
        assert session.scalars(select(Delivery).where(Delivery.kind == "pmo_briefing")).all() == []


def test_a_long_briefing_is_continued_over_several_messages_never_cut() -> None:
    now = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    many = [
        OpenSev1(
            key=f"ESC-{n}",
            title=f"ESC-{n} · Customer {n} " + "y" * 500,
            level=Level.HIGH,
            health=Health.RED,
            state=State.ACTIVE,
            dri="UPM00001",
            opened_at=now - timedelta(days=n),
            last_update_at=None,
            permalink=None,
            review=WeeklyFigures("2026-W48", "x" * 3000, HOSTILE * 100, "r" * 3000),
            overdue=["weekly review missing"],
        )
        for n in range(1, 121)
    ]
    closures = [
        Closure(f"ESC-{n}", "t", now - timedelta(days=9), now, "done " * 1000, None, None, None)
        for n in range(200, 230)
    ]
    briefing = Briefing(
        week="2026-W48",
        as_of=now,
        open_sev1=many,
        closures=closures,
        sections=[BriefingSection("Budget impacts", [f"line {n}" for n in range(50)])],
    )
    messages = briefing_messages(briefing)
    assert len(messages) >= 4
    everything = json.dumps([blocks for _, blocks in messages], default=lambda b: b.to_dict())
    for n in [*range(1, 121), *range(200, 230)]:
        assert f"ESC-{n} " in everything or f"ESC-{n}*" in everything
    assert "Budget impacts" in everything
    for number, (text, blocks) in enumerate(messages, start=1):
        assert len(blocks) <= 50
        assert f"part {number} of {len(messages)}" in text
        for block in blocks:
            rendered = block.to_dict()
            if rendered["type"] == "section":
                assert len(rendered["text"]["text"]) <= 3000
