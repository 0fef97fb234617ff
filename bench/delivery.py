"""Many DMs due at once against Slack's posting limits: wall time against the least the
limits allow, duplicates and losses.

N Sev 1 escalations, five per DRI (so a DRI's DM channel gets five prompts), a manager per
two DRIs and a director per 50 escalations, everyone in New York and known to the stand-in,
all opened at 08:29; at 09:00:30 every morning prompt is due at once, and so is each
manager's and director's check-in digest (one DM listing all their check-ins). The clock
runs at real speed from there, so a retry scheduled "in 2 minutes" is really 2 minutes away.
The bot's delivery workers run as in `serve` until every expected DM has arrived or the
time bound passes. Every figure is read from what the stand-in accepted: a DM is
identified by its recipient and what it is (the morning prompt of escalation ESC-n, or the
day's digest); one accepted twice is a duplicate, one never accepted is lost.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.apps import bot_settings
from bench.limits import (
    PER_CHANNEL_BURST,
    PER_CHANNEL_RATE,
    WORKSPACE_BURST,
    WORKSPACE_RATE,
    RateLimitedStandIn,
    minimum_seconds,
)
from bench.report import Row, run_alone
from bench.seed import fresh_database, seed, stakeholders_of, user_id
from blocks.stakeholders import DIGEST_PER_MESSAGE
from tests.slack_standin import Call

MORNING_IN_NEW_YORK = datetime(2026, 11, 23, 14, 0, 30, tzinfo=UTC)
ZONE = "America/New_York"
PER_DRI = 5
# After the last expected DM arrived, the workers keep running this long (not timed) so a
# late duplicate would still be seen.
SETTLE_SECONDS = 2.0
SETTINGS: dict[str, object] = {}  # overrides of the bot settings, for experiments
KEY = re.compile(r"\bESC-(\d+)\b")
PART = re.compile(r"Check-ins \((\d+) of \d+\)")


class RunningClock:
    """Starts at a chosen instant and moves with the wall clock."""

    def __init__(self, start: datetime) -> None:
        self._start, self._t0 = start, time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


def plan_and_deliver(services):  # type: ignore[no-untyped-def]
    """The production path: plan once (as the scheduler's tick does), then the bounded
    delivery workers drain the ledger continuously, as `escalation-bot serve` runs them."""
    from bot.scheduler import plan, start_delivery

    workers = start_delivery(services)
    plan(services)
    services.wake()
    return workers


@dataclass(frozen=True)
class Expected:
    """The DMs this morning must bring, by what identifies each in what Slack receives:
    (recipient, escalation number) for a DRI's morning prompt, (recipient, -part) for each
    message of a stakeholder's check-in digest (one a day, however many check-ins it
    lists; split into parts past what one message holds)."""

    prompts: set[tuple[str, int]]
    digests: set[tuple[str, int]]

    @property
    def all(self) -> set[tuple[str, int]]:
        return self.prompts | self.digests

    def per_channel(self) -> list[int]:
        return list(Counter(user for user, _ in self.all).values())


def expected_dms(count: int) -> Expected:
    prompts = {(user_id(index // PER_DRI), index + 1) for index in range(count)}
    digests = {
        (user, -part)
        for user, listed in stakeholders_of(count, PER_DRI).items()
        for part in range(1, math.ceil(len(listed) / DIGEST_PER_MESSAGE) + 1)
    }
    return Expected(prompts, digests)


def identity(call: Call) -> tuple[str, int] | None:
    """What one DM Slack accepted was: (recipient, escalation) for a morning prompt,
    (recipient, -part) for a check-in digest, (recipient, 0) for any other DM; None for
    anything that is not an accepted DM."""
    if call.method != "chat.postMessage" or call.status != 200 or not call.response.get("ok"):
        return None
    if not str(call.response.get("channel", "")).startswith("D"):
        return None
    user, text = str(call.args.get("channel")), str(call.args.get("text", ""))
    if text.startswith("Check-ins"):
        part = PART.match(text)
        return user, -int(part.group(1)) if part else -1
    found = KEY.search(text) or KEY.search(json.dumps(call.args.get("blocks") or []))
    if found and "morning" in text.lower():
        return user, int(found.group(1))
    return user, 0


class Arrivals:
    """What Slack accepted so far, reading only the calls new since last time (the stand-in
    shares this process: re-reading every call would slow the bot down)."""

    def __init__(self, standin: RateLimitedStandIn) -> None:
        self.standin, self.seen = standin, 0
        self.received: Counter[tuple[str, int]] = Counter()

    def update(self) -> Counter[tuple[str, int]]:
        with self.standin._lock:
            new = self.standin.calls[self.seen :]
            self.seen = len(self.standin.calls)
        self.received.update(found for call in new if (found := identity(call)) is not None)
        return self.received


def bare_sender_seconds(expected: Expected, threads: int = 4) -> float:
    """The same DMs posted by the simplest sender that keeps to the limits, in this run and
    on this machine, against a fresh stand-in: `threads` threads, first message of every
    channel first, a 429 waited out for its Retry-After. What the machine allows at the
    moment, next to the minimum the limits allow."""
    import queue
    import threading

    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    from bench.apps import BOT_TOKEN

    by_channel: dict[str, list[tuple[str, int]]] = {}
    for user, what in sorted(expected.all):
        by_channel.setdefault(user, []).append((user, what))
    ordered = [
        items[round_]
        for round_ in range(max(len(items) for items in by_channel.values()))
        for items in by_channel.values()
        if round_ < len(items)
    ]
    with RateLimitedStandIn() as standin:
        for user in by_channel:
            standin.add_user(user, user.lower(), tz=ZONE)
        work: queue.SimpleQueue[tuple[str, int]] = queue.SimpleQueue()
        for item in ordered:
            work.put(item)

        def send() -> None:
            client = WebClient(token=BOT_TOKEN, base_url=standin.base_url)
            while True:
                try:
                    user, what = work.get_nowait()
                except queue.Empty:
                    return
                text = f"Check-ins ({-what} of 9)" if what < 0 else f"Morning review: ESC-{what}"
                while True:
                    try:
                        client.chat_postMessage(channel=user, text=text)
                        break
                    except SlackApiError as error:
                        time.sleep(float(error.response.headers.get("Retry-After", 1)))

        started = time.perf_counter()
        senders = [threading.Thread(target=send) for _ in range(threads)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        return time.perf_counter() - started


def measure_size(count: int) -> Row:
    from bot.cli import build_services
    from bot.db import make_engine

    expected = expected_dms(count)
    with fresh_database("sqlite") as url, RateLimitedStandIn() as standin:
        engine = make_engine(url)
        seed(
            engine,
            count,
            cadence_start=MORNING_IN_NEW_YORK - timedelta(minutes=31),
            zone_of={},
            default_zone=ZONE,
            escalations_per_dri=PER_DRI,
        )
        # Every recipient is a member Slack knows: no refusal but the rate limits.
        for user in {user for user, _ in expected.all}:
            standin.add_user(user, user.lower(), tz=ZONE)
        minimum = minimum_seconds(expected.per_channel())
        bound = max(60.0, 5 * minimum + 30)
        settings = bot_settings(standin.base_url, url, **SETTINGS)
        services = dataclasses.replace(
            build_services(settings, engine), clock=RunningClock(MORNING_IN_NEW_YORK)
        )
        started = time.perf_counter()
        workers = plan_and_deliver(services)
        deadline = started + bound
        arrivals = Arrivals(standin)
        while time.perf_counter() < deadline and not expected.all <= set(arrivals.update()):
            time.sleep(0.02)
        wall = time.perf_counter() - started
        time.sleep(SETTLE_SECONDS)
        workers.stop()
        engine.dispose()
        received = arrivals.update()
        duplicates = sum(n - 1 for (_, what), n in received.items() if n > 1 and what != 0)
        lost = len(expected.all - set(received))
        others = sum(n for (_, what), n in received.items() if what == 0)
        total = len(expected.all)
    bare = bare_sender_seconds(expected)
    return Row(
        f"{total:,} DMs due at once, Slack limits",
        f"{wall:.1f} s",
        f"{minimum:.1f} s minimum",
        f"{wall / minimum:.2f}x" if minimum else "",
        # The goal is for the 1 000: at 200 the fixed costs weigh most (a bare sender
        # reads 1.2x to 1.3x there too), so only duplicates and losses are held to it.
        "<= 1.1x, 0 dup, 0 lost" if count >= 1_000 else "0 dup, 0 lost",
        f"bare sender {bare:.1f} s ({bare / minimum:.2f}x) in the same run; "
        f"duplicates {duplicates}, lost {lost}, 429s {standin.refused}; "
        f"{len(expected.prompts)} prompts ({count // PER_DRI} DRIs x {PER_DRI}) + "
        f"{len(expected.digests)} check-in digest messages"
        + (f", {others} other DMs" if others else "")
        + f", bound {bound:.0f} s",
    )


def measure(quick: bool) -> list[Row]:
    logging.getLogger("bot").setLevel(logging.CRITICAL)
    logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)
    rows = [measure_size(count) for count in ([200] if quick else [200, 1_000])]
    rows[-1].note += (
        f"; limits: {PER_CHANNEL_RATE:g}/s per channel (burst {PER_CHANNEL_BURST}), "
        f"{WORKSPACE_RATE:g}/s workspace (burst {WORKSPACE_BURST})"
    )
    return rows


if __name__ == "__main__":
    run_alone(__doc__.splitlines()[0], measure)
