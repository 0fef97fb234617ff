"""Where people see the insights: `/escalate stats`, App Home, the CSV export and the weekly
chart in the PMO manager's DM; the real bot over HTTP against the stand-in."""

from __future__ import annotations

import csv
import io
import json
import struct
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.delivery.kinds import DeliveryKind
from bot.domain import EventKind
from bot.models import Delivery, TimelineEvent
from bot.policy.insights import parse_prompted
from tests.flows import open_escalation, wait_for_receipt
from tests.harness import BotHarness

PMO = "UPMO0001"
# Monday Nov 30 2026, 09:00 in New York (the configured zone): the chart's weekly time.
CHART_TIME = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def status_prompts_sent(harness: BotHarness) -> int:
    with harness.services.sessions() as session:
        texts = session.scalars(
            select(TimelineEvent.text).where(TimelineEvent.kind == EventKind.PROMPTED)
        )
        return sum(1 for text in texts if parse_prompted(text))


def a_day_of_unanswered_prompts(harness: BotHarness) -> int:
    """Open a Sev 1 and let its first day of prompts go by unanswered; how many were sent
    (status prompts: not the evening nudge or the Phase 1 deadline)."""
    wait_for_receipt(harness, open_escalation(harness))
    start = harness.clock.now()
    for hour in range(1, 30):
        harness.tick_at(start + timedelta(hours=hour))
    # Past the last one's answer window, without sending more.
    harness.clock.set(harness.clock.now() + timedelta(hours=3))
    sent = status_prompts_sent(harness)
    assert sent >= 3  # Monday's midday and evening, Tuesday's morning and midday
    return sent


def blocks_text(answer_json: dict[str, object]) -> str:
    return json.dumps(answer_json.get("blocks", []), ensure_ascii=False)


def test_leadership_gets_stats_with_each_dri_and_everyone_else_without(
    harness: BotHarness,
) -> None:
    sent = a_day_of_unanswered_prompts(harness)

    answer, _trigger, url = harness.slash("stats 7d", user=harness.world.leader)
    assert answer.status == 200 and answer.body == ""  # acked before adding up
    for_leader = harness.standin.responses(url)[-1]
    assert for_leader["response_type"] == "ephemeral"
    assert for_leader["text"] == "Escalation figures, last 7 days"
    shown = blocks_text(for_leader)
    assert f"0 of {sent} status prompts answered on time (0%)" in shown
    assert f"<@{harness.world.pm}>: 0 of {sent} (0%)" in shown
    assert "ESC-1: 0 of" in shown

    _answer, _trigger, url = harness.slash("stats 7d", user=harness.world.ae)
    for_ae = harness.standin.responses(url)[-1]
    assert f"0 of {sent} status prompts answered on time (0%)" in blocks_text(for_ae)
    assert harness.world.pm not in blocks_text(for_ae)
    assert "ESC-1:" not in blocks_text(for_ae)


def test_an_unknown_period_is_answered_with_the_ones_it_knows(harness: BotHarness) -> None:
    _answer, _trigger, url = harness.slash("stats <!channel>", user=harness.world.leader)
    text = harness.standin.responses(url)[-1]["text"]
    assert "`30d`, `4w`, `week`, `month` or `last-month`" in text
    assert "<!channel>" not in text


def test_app_home_shows_leadership_the_figures_and_nobody_else(harness: BotHarness) -> None:
    a_day_of_unanswered_prompts(harness)

    harness.event({"type": "app_home_opened", "user": harness.world.leader, "tab": "home"})
    harness.event({"type": "app_home_opened", "user": harness.world.pm, "tab": "home"})

    leader_home = json.dumps(harness.standin.views_published(harness.world.leader)[-1])
    pm_home = json.dumps(harness.standin.views_published(harness.world.pm)[-1])
    assert "Update compliance" in leader_home and "last 30 days" in leader_home
    assert f"<@{harness.world.pm}>: 0 of" in leader_home
    assert "Update compliance" not in pm_home


def test_leadership_exports_every_escalation_as_csv_and_others_are_told_whose_it_is(
    harness: BotHarness,
) -> None:
    sent = a_day_of_unanswered_prompts(harness)

    answer, _trigger, _url = harness.slash("export", user=harness.world.ae)
    assert "ESC-12" in answer.body
    assert harness.standin.uploaded_files() == []

    answer, _trigger, _url = harness.slash("export", user=harness.world.leader)
    assert "CSV" in answer.body
    [exported] = harness.standin.uploaded_files()
    assert exported["channel"] == harness.standin.dm_channel(harness.world.leader)
    assert exported["filename"].endswith(".csv")
    [row] = list(csv.DictReader(io.StringIO(exported["content"].decode())))
    assert (row["key"], row["kind"], row["dri_user_id"]) == ("ESC-1", "Sev 1", harness.world.pm)
    assert (row["prompts_judged"], row["prompts_on_time"]) == (str(sent), "0")
    # Lee Leader is in New York: the opening time carries New York's offset.
    assert row["opened"].endswith("-05:00")


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_pmo_manager_gets_the_chart_in_a_dm_once_a_week(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = make_harness(pmo_manager_user_id=PMO)
    harness.standin.add_user(PMO, "pmo.mgr", tz="America/New_York", real_name="Pat PMO")
    wait_for_receipt(harness, open_escalation(harness))

    harness.tick_at(CHART_TIME - timedelta(minutes=1))
    assert harness.standin.uploaded_files() == []
    harness.tick_at(CHART_TIME)
    harness.tick_at(CHART_TIME + timedelta(hours=2))

    [chart] = harness.standin.uploaded_files()
    assert chart["channel"] == harness.standin.dm_channel(PMO)
    assert chart["filename"] == "escalations-2026-W49.png"
    assert "last 8 weeks" in chart["initial_comment"]
    assert png_size(chart["content"]) == (800, 450)
    with harness.services.sessions() as session:
        [row] = session.scalars(
            select(Delivery).where(Delivery.kind == DeliveryKind.INSIGHTS_CHART)
        ).all()
        assert row.slot == "2026-W49" and row.done_at is not None

    harness.tick_at(CHART_TIME + timedelta(days=7))
    assert len(harness.standin.uploaded_files()) == 2  # next week's


def test_without_a_pmo_manager_no_chart_is_planned(harness: BotHarness) -> None:
    harness.tick_at(CHART_TIME)
    assert harness.standin.uploaded_files() == []
