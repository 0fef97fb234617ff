"""What a real workspace does to a delivery: a process killed mid-way, Slack doing the work
but the answer lost, rate limits, a second process. Whatever happens, each message shows
once and nothing saved is lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.delivery import ledger
from bot.delivery.gateway import SlackGateway, SlackProblem, make_client
from bot.delivery.kinds import DeliveryKind
from bot.models import Delivery, DeliveryStatus
from tests.flows import open_escalation, post_update, the_escalation, wait_for_receipt
from tests.harness import BOT_TOKEN, BotHarness
from tests.test_exactly_once import second_process, tick_together

ROOT = Path(__file__).resolve().parent.parent


# The escalations here are High: a Critical's sync request is more ledger rows (DMs and a
# thread note) beside the publication these tests take apart.


def top_level(harness: BotHarness, channel: str) -> list[str]:
    return [m.ts for m in harness.standin.messages(channel) if m.thread_ts is None]


def publication(harness: BotHarness) -> Delivery:
    with harness.services.sessions() as session:
        row = session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.PUBLISH)).one()
        session.expunge(row)
        return row


@contextmanager
def saved_but_not_delivered(harness: BotHarness) -> Iterator[None]:
    """Listeners run and commit; nothing queued is delivered in this process."""
    harness.listeners.after_drain = None
    try:
        yield
    finally:
        harness.listeners.after_drain = harness.deliver


def assert_published_exactly_once(harness: BotHarness, response_url: str) -> None:
    standin, world = harness.standin, harness.world
    escalation = the_escalation(harness)
    assert top_level(harness, world.leadership_channel) == [escalation.root_ts]
    assert standin.pinned(world.leadership_channel) == [escalation.root_ts]
    thread = standin.replies(world.leadership_channel, escalation.root_ts)
    assert [m.ts for m in thread] == [escalation.checklist_ts]
    assert top_level(harness, world.internal_channel) == [escalation.internal_link_ts]
    welcome = [m for m in standin.dms_to(world.pm) if "You are the DRI" in m.text]
    assert len(welcome) == 1
    assert len(standin.responses(response_url)) == 1
    assert publication(harness).status is DeliveryStatus.DONE


def kill_mid_call(harness: BotHarness, method: str, *, after: int = 0) -> None:
    """A second bot process delivers the publication; it is killed with SIGKILL the moment
    Slack has done its `after+1`-th `method` call and before the answer reaches it."""
    hold = harness.standin.hold_answer_next(method, after=after)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.crash_process",
            json.dumps(harness.setting_values),
            harness.clock.now().isoformat(),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert hold.arrived.wait(30), process.stderr.read() if process.poll() is not None else ""
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(10) == -signal.SIGKILL
    finally:
        hold.release.set()
        if process.poll() is None:
            process.kill()
        process.communicate()


@pytest.mark.parametrize(
    ("method", "after", "moment"),
    [
        ("chat.postMessage", 0, "root posted, its ts never stored"),
        ("pins.add", 0, "pinned, not recorded"),
        ("chat.postMessage", 1, "checklist posted, its ts never stored"),
        ("chat.postMessage", 3, "DRI DMed, not recorded"),
    ],
)
def test_a_process_killed_mid_publication_is_finished_once_by_the_next_one(
    harness: BotHarness, method: str, after: int, moment: str
) -> None:
    with saved_but_not_delivered(harness):
        response_url = open_escalation(harness, level="high")
    kill_mid_call(harness, method, after=after)
    assert publication(harness).status is DeliveryStatus.CLAIMED, moment

    # Restarted at once: the dead process's lease still holds, so nobody doubles its work.
    assert harness.deliver() == 0
    harness.clock.set(harness.clock.now() + ledger.LEASE + timedelta(seconds=1))
    assert harness.deliver() >= 1

    assert_published_exactly_once(harness, response_url)


def test_a_restart_eleven_minutes_after_a_crash_finishes_the_publication(
    harness: BotHarness,
) -> None:
    with saved_but_not_delivered(harness):
        response_url = open_escalation(harness, level="high")
    kill_mid_call(harness, "chat.postMessage")
    harness.clock.set(harness.clock.now() + timedelta(minutes=11))
    harness.deliver()
    assert_published_exactly_once(harness, response_url)
    assert "ESC-1" in wait_for_receipt(harness, response_url)


@pytest.mark.parametrize("lost", ["chat.postMessage", "pins.add", "chat.update"])
def test_slack_doing_the_work_but_the_answer_lost_never_doubles_it(
    harness: BotHarness, lost: str
) -> None:
    harness.standin.lose_answer_next(lost)
    response_url = open_escalation(harness, level="high")
    harness.clock.set(harness.clock.now() + timedelta(minutes=5))
    harness.tick_at(harness.clock.now())
    assert_published_exactly_once(harness, response_url)


def test_every_post_of_an_update_survives_a_lost_answer_once(harness: BotHarness) -> None:
    open_escalation(harness, level="high")
    world = harness.world
    harness.standin.lose_answer_next("chat.postMessage", times=3)
    post_update(harness, "Rolled back the release", customer_communicated="no")
    escalation = the_escalation(harness)
    thread = harness.standin.replies(world.leadership_channel, escalation.root_ts)
    assert ["Rolled back the release" in m.text for m in thread].count(True) == 1
    internal = [
        m for m in harness.standin.messages(world.internal_channel) if "Rolled back" in m.text
    ]
    assert len(internal) == 1


def test_a_rate_limited_post_waits_as_long_as_slack_asks_without_holding_a_worker(
    harness: BotHarness,
) -> None:
    harness.standin.fail_next("chat.postMessage", status=429, retry_after=30)
    response_url = open_escalation(harness, level="high")
    assert top_level(harness, harness.world.leadership_channel) == []
    assert harness.standin.responses(response_url) == []  # a pause is not news for the PM
    row = publication(harness)
    assert row.status is DeliveryStatus.PENDING
    assert row.due_at == harness.clock.now() + timedelta(seconds=30)

    harness.tick_at(harness.clock.now() + timedelta(seconds=29))
    assert top_level(harness, harness.world.leadership_channel) == []
    harness.tick_at(harness.clock.now() + timedelta(seconds=1))
    assert_published_exactly_once(harness, response_url)


def test_a_429_right_after_posting_to_a_channel_holds_back_only_that_channel(
    harness: BotHarness,
) -> None:
    """A channel's own limit (about one message a second) must not stop other channels; a
    429 out of the blue is the workspace's, and then everything waits."""
    gateway, standin, world = harness.services.gateway, harness.standin, harness.world
    gateway.post(world.customer_channel, "first")
    standin.fail_next("chat.postMessage", status=429, retry_after=5)
    with pytest.raises(SlackProblem) as limited:
        gateway.post(world.customer_channel, "second")
    assert limited.value.retry_after == 5
    gateway.dm(world.pm, "another channel is not held back")
    with pytest.raises(SlackProblem):
        gateway.post(world.customer_channel, "still cooling")  # refused without asking Slack
    assert len(standin.calls_to("chat.postMessage")) == 3

    standin.fail_next("chat.postMessage", status=429, retry_after=5)
    with pytest.raises(SlackProblem):
        gateway.dm(world.ae, "a 429 for a channel we haven't posted to: the workspace's")
    with pytest.raises(SlackProblem) as held:
        gateway.dm(world.csm, "everyone waits")
    assert held.value.code == "ratelimited" and len(standin.calls_to("chat.postMessage")) == 4
    harness.clock.set(harness.clock.now() + timedelta(seconds=5))
    gateway.dm(world.csm, "and resumes when Slack said")


def test_a_short_workspace_hold_is_waited_out_in_place_and_a_channel_pace_is_not(
    harness: BotHarness,
) -> None:
    """With a pause (production's time.sleep), a workspace-wide Retry-After of a second is
    waited where the post is instead of bouncing the row through the ledger; a long one, or
    one channel's own pace, is still refused at once so the worker can do other work."""
    standin, world, clock = harness.standin, harness.world, harness.clock
    paused: list[float] = []

    def pause(seconds: float) -> None:
        paused.append(seconds)
        clock.set(clock.now() + timedelta(seconds=seconds))

    gateway = SlackGateway(make_client(BOT_TOKEN, harness.settings.slack_api_url), clock.now, pause)
    standin.fail_next("chat.postMessage", status=429, retry_after=1)
    with pytest.raises(SlackProblem):
        gateway.dm(world.ae, "a 429 out of the blue: the workspace's")
    gateway.dm(world.csm, "waits a second, then posts")
    assert paused == [1.0]

    gateway.post(world.customer_channel, "first")
    standin.fail_next("chat.postMessage", status=429, retry_after=1)
    with pytest.raises(SlackProblem):
        gateway.post(world.customer_channel, "second")
    with pytest.raises(SlackProblem):
        gateway.post(world.customer_channel, "this channel's own pace: refused, not waited")
    standin.fail_next("chat.postMessage", status=429, retry_after=30)
    with pytest.raises(SlackProblem):
        gateway.dm(world.manager, "a long workspace hold")
    with pytest.raises(SlackProblem):
        gateway.dm(world.director, "is handed back to the ledger")
    assert paused == [1.0]


def test_two_processes_delivering_at_once_publish_it_once(harness: BotHarness) -> None:
    with saved_but_not_delivered(harness):
        response_url = open_escalation(harness, level="high")
    tick_together([harness.services, second_process(harness, harness.clock)])
    assert_published_exactly_once(harness, response_url)


def test_a_permanent_refusal_is_kept_as_failed_and_its_owner_is_told(harness: BotHarness) -> None:
    harness.standin.fail_next("chat.postMessage", error="invalid_blocks")
    open_escalation(harness, level="high")
    assert publication(harness).status is DeliveryStatus.FAILED
    assert "invalid_blocks" in (publication(harness).last_error or "")
    notices = [m.text for m in harness.standin.dms_to(harness.world.pm) if "gave up" in m.text]
    assert len(notices) == 1 and "Needs attention" in notices[0]


def test_work_given_up_shows_under_needs_attention_in_app_home(harness: BotHarness) -> None:
    harness.standin.fail_next("chat.postMessage", error="invalid_blocks")
    open_escalation(harness, level="high")
    harness.event({"type": "app_home_opened", "user": harness.world.pm, "tab": "home"})
    home = json.dumps(harness.standin.views_published(harness.world.pm)[-1])
    assert "Needs attention" in home
    assert "ESC-1" in home and "invalid_blocks" in home
