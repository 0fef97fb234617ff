"""Where people see the insights: `/escalate stats`, App Home, the CSV export and the weekly
chart the PMO briefing carries (once, whatever Slack or a crash does to the upload); the
real bot over HTTP against the stand-in."""

from __future__ import annotations

import csv
import io
import json
import struct
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.cadence.briefing import schedule_pmo_briefing
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.domain import EventKind
from bot.models import Delivery, DeliveryStatus, TimelineEvent
from bot.policy.insights import parse_prompted
from tests.flows import open_escalation, wait_for_receipt
from tests.harness import BotHarness
from tests.test_delivery_faults import kill_mid_call

PMO = "UPMO0001"
# Friday Nov 27 2026, 15:00 in New York (the configured zone): the PMO briefing's time.
BRIEFING_TIME = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)


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


def pmo_harness(
    make_harness: Callable[..., BotHarness], tz: str = "America/New_York"
) -> BotHarness:
    harness = make_harness(pmo_manager_user_id=PMO)
    harness.standin.add_user(PMO, "pmo.mgr", tz=tz, real_name="Pat PMO")
    return harness


def charts(harness: BotHarness) -> list[dict[str, Any]]:
    return [f for f in harness.standin.uploaded_files() if f["filename"].endswith(".png")]


def briefing_row(harness: BotHarness) -> Delivery:
    with harness.services.sessions() as session:
        row = session.scalars(
            select(Delivery).where(Delivery.kind == DeliveryKind.PMO_BRIEFING)
        ).one()
        session.expunge(row)
        return row


def test_the_weekly_pmo_briefing_carries_the_chart_after_its_messages_once(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = pmo_harness(make_harness)
    wait_for_receipt(harness, open_escalation(harness))

    harness.tick_at(BRIEFING_TIME - timedelta(minutes=1))
    assert charts(harness) == []
    harness.tick_at(BRIEFING_TIME)
    harness.tick_at(BRIEFING_TIME + timedelta(hours=2))

    [chart] = charts(harness)
    dm = harness.standin.dm_channel(PMO)
    assert chart["channel"] == dm
    assert chart["filename"] == "escalations-2026-W48.png"
    assert "last 8 weeks" in chart["initial_comment"]
    assert png_size(chart["content"]) == (800, 450)
    # In the DM, right after the briefing it belongs to: the briefing, then the picture.
    dm_messages = harness.standin.dms_to(PMO)
    [briefing] = [m for m in dm_messages if m.text.startswith("PMO briefing")]
    assert briefing.text.startswith("PMO briefing 2026-W48: 1 open Sev 1")
    assert dm_messages[-1].files == [
        {"id": chart["id"], "name": chart["filename"], "title": "Escalations, week 2026-W48"}
    ]
    assert dm_messages[-1].text == chart["initial_comment"]
    assert float(dm_messages[-1].ts) > float(briefing.ts)
    assert briefing_row(harness).done_at is not None

    harness.tick_at(BRIEFING_TIME + timedelta(days=7))
    assert [c["filename"] for c in charts(harness)] == [
        "escalations-2026-W48.png",
        "escalations-2026-W49.png",
    ]


def test_the_briefing_gives_the_pmo_manager_the_weeks_figures_with_each_dri(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = pmo_harness(make_harness, tz="Europe/London")
    sent = a_day_of_unanswered_prompts(harness)

    harness.tick_at(BRIEFING_TIME)

    [briefing] = [m for m in harness.standin.dms_to(PMO) if m.text.startswith("PMO briefing")]
    shown = json.dumps(briefing.blocks, ensure_ascii=False)
    # Pat works from London: the figures, and the chart's weeks, are in Pat's zone.
    assert "*Escalation figures, last 7 days* (weeks and periods in Europe/London)" in shown
    [chart] = charts(harness)
    assert "weeks start Monday, Europe/London" in chart["initial_comment"]
    assert f"0 of {sent} status prompts answered on time (0%)" in shown
    assert f"<@{harness.world.pm}>: 0 of {sent} (0%)" in shown
    assert "*Open now*: 1 (Sev 1: 1)" in shown
    # The weekly trend is the chart's to show, right after.
    assert "Weekly trend" not in shown
    assert "The chart of the last 8 weeks follows" in shown


def test_no_chart_goes_out_on_its_own_without_a_briefing(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = pmo_harness(make_harness)
    # Monday morning, the old weekly chart time, and the whole week up to the briefing.
    harness.tick_at(datetime(2026, 11, 30, 14, 0, tzinfo=UTC))
    harness.tick_at(datetime(2026, 12, 4, 19, 59, tzinfo=UTC))
    assert charts(harness) == []


def test_without_a_pmo_manager_no_chart_is_sent(harness: BotHarness) -> None:
    harness.tick_at(BRIEFING_TIME)
    harness.tick_at(BRIEFING_TIME + timedelta(days=3))
    assert harness.standin.uploaded_files() == []


def test_a_chart_shared_but_its_answer_lost_is_not_shared_again(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = pmo_harness(make_harness)
    harness.standin.lose_answer_next("files.completeUploadExternal")

    harness.tick_at(BRIEFING_TIME)
    harness.tick_at(BRIEFING_TIME + timedelta(hours=2))

    assert len(harness.standin.calls_to("files.completeUploadExternal")) == 1
    [chart] = charts(harness)
    assert chart["filename"] == "escalations-2026-W48.png"
    row = briefing_row(harness)
    assert (row.status, row.attempts) == (DeliveryStatus.DONE, 1)


def test_a_retry_after_the_chart_was_shared_finds_it_instead_of_sharing_it_twice(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = pmo_harness(make_harness)
    # Shared, the answer lost, and Slack's history not answering either: the attempt can't
    # tell, so it gives the row back to the ledger rather than share a second copy.
    harness.standin.lose_answer_next("files.completeUploadExternal")
    harness.standin.fail_next("conversations.history", error="internal_error", times=5)

    harness.tick_at(BRIEFING_TIME)
    row = briefing_row(harness)
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 1)
    assert "conversations.history" in (row.last_error or "")

    harness.standin.recover("conversations.history")
    harness.tick_at(BRIEFING_TIME + timedelta(minutes=2))

    assert len(charts(harness)) == 1
    assert len(harness.standin.calls_to("files.getUploadURLExternal")) == 1
    briefings = [m for m in harness.standin.dms_to(PMO) if m.text.startswith("PMO briefing")]
    assert len(briefings) == 1
    assert briefing_row(harness).status is DeliveryStatus.DONE


def test_a_process_killed_after_slack_shared_the_chart_leaves_one_chart(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = pmo_harness(make_harness)
    harness.clock.set(BRIEFING_TIME)
    assert schedule_pmo_briefing(harness.services)
    kill_mid_call(harness, "files.completeUploadExternal")
    assert briefing_row(harness).status is DeliveryStatus.CLAIMED
    assert len(charts(harness)) == 1  # Slack has it; the ledger doesn't know

    harness.clock.set(BRIEFING_TIME + ledger.LEASE + timedelta(seconds=1))
    assert harness.deliver() >= 1

    assert len(charts(harness)) == 1
    assert len(harness.standin.calls_to("files.getUploadURLExternal")) == 1
    briefings = [m for m in harness.standin.dms_to(PMO) if m.text.startswith("PMO briefing")]
    assert len(briefings) == 1
    assert briefing_row(harness).status is DeliveryStatus.DONE
