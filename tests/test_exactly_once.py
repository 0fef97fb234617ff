"""Every prompt is recorded before it is sent: restarts, downtime and a second bot process
never make the DRI hear the same thing twice."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.db import make_engine, make_session_factory
from bot.delivery.gateway import SlackGateway, make_client
from bot.runtime import Services
from bot.scheduler import tick
from tests.flows import open_escalation, wait_for_receipt
from tests.harness import BOT_TOKEN, BotHarness

LA = ZoneInfo("America/Los_Angeles")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=LA)


def prompt_headlines(harness: BotHarness) -> list[str]:
    """What each DM the DRI received was about, in order (the welcome DM left out)."""
    dm = harness.standin.dm_channel(harness.world.pm)
    sent = [
        c
        for c in harness.standin.calls_to("chat.postMessage")
        if c.response.get("ok") and c.response["channel"] == dm
    ]
    return [c.args["text"].split(":")[0] for c in sent[1:]]


def second_process(harness: BotHarness, clock: ManualClock) -> Services:
    """Another bot process: its own engine, connections and worker name, the same database."""
    engine = make_engine(harness.settings.database_url)
    return Services(
        settings=harness.settings,
        sessions=make_session_factory(engine),
        gateway=SlackGateway(make_client(BOT_TOKEN, harness.settings.slack_api_url), now=clock.now),
        clock=clock,
    )


def tick_together(processes: list[Services]) -> None:
    """Every process ticks at the same instant, released together by a barrier."""
    start = threading.Barrier(len(processes))
    errors: list[BaseException] = []

    def run(services: Services) -> None:
        start.wait()
        try:
            tick(services)
        except BaseException as error:  # re-raised in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(services,)) for services in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def opened_monday_morning(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> BotHarness:
    clock.set(local(0, 8, 55))
    harness = make_harness()
    wait_for_receipt(harness, open_escalation(harness, level="critical"))
    return harness


def test_a_restarted_bot_does_not_repeat_what_it_already_sent(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = opened_monday_morning(make_harness, clock)
    harness.tick_at(local(0, 9, 0))
    assert prompt_headlines(harness) == ["Morning review"]
    restarted = second_process(harness, clock)
    for minute in (0, 1, 5):
        clock.set(local(0, 9, minute))
        tick(restarted)
    assert prompt_headlines(harness) == ["Morning review"]


def test_after_three_days_down_only_the_latest_prompt_is_sent(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = opened_monday_morning(make_harness, clock)
    harness.tick_at(local(3, 13, 0))  # Thursday 13:00: down since Monday 08:55
    headlines = prompt_headlines(harness)
    # One catch-up prompt, the latest due (Thursday's midday); no "still missing" for an
    # evening prompt that was never sent; the Phase 1 deadline is not a prompt.
    assert Counter(headlines) == Counter({"Midday check-in": 1, "Phase 1 deadline reached": 1})
    harness.tick_at(local(3, 13, 15))
    assert len(prompt_headlines(harness)) == len(headlines)


def test_two_bot_processes_ticking_at_once_send_each_prompt_once(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = opened_monday_morning(make_harness, clock)
    other = second_process(harness, clock)
    processes = [harness.services, other]
    for hour in range(9, 24):  # Monday 09:00 to 23:45, ticking every 15 minutes in both
        for minute in (0, 15, 30, 45):
            clock.set(local(0, hour, minute))
            tick_together(processes)
    # Critical: quiet hours don't defer; the second nudge comes 90 minutes after the evening.
    assert prompt_headlines(harness) == [
        "Morning review",
        "Midday check-in",
        "Evening update",
        "Evening update still missing",
    ]
    sent = [c for c in harness.standin.calls_to("chat.postMessage") if c.response.get("ok")]
    # Each place (a channel, or a stakeholder's DM) got each message once.
    posts = [
        (c.args.get("channel"), c.args.get("text"))
        for c in sent
        if c.args.get("channel") != harness.world.pm
    ]
    assert len(posts) == len(set(posts)), "a message was posted twice"


def test_snooze_asks_again_in_an_hour_and_only_once(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    from tests.flows import click_prompt

    harness = opened_monday_morning(make_harness, clock)
    harness.tick_at(local(0, 9, 0))
    morning = harness.standin.dms_to(harness.world.pm)[-1]
    clock.set(local(0, 9, 10))
    click_prompt(harness, "prompt_snooze", morning, harness.world.pm)
    assert (
        "Snoozed" in harness.standin.dms_to(harness.world.pm)[-1].blocks[-1]["elements"][0]["text"]
    )
    harness.tick_at(local(0, 10, 0))
    assert prompt_headlines(harness) == ["Morning review"]
    harness.tick_at(local(0, 10, 10))
    harness.tick_at(local(0, 10, 30))
    assert prompt_headlines(harness) == ["Morning review", "Morning review"]
