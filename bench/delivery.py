"""Many DMs due at once against Slack's posting limits: wall time against the least the
limits allow, duplicates and losses.

N escalations, five per DRI (so a DRI's DM channel gets five prompts), every DRI in New York,
all opened at 08:29 their time; at 09:00:30 every morning prompt is due at once. The clock
runs at real speed from there, so a retry scheduled "in 2 minutes" is really 2 minutes away.
Delivery is driven back to back (no pause between ticks) until every DM has arrived or the
time bound passes; what has not arrived by then counts as lost.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import time
from collections import Counter
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
from bench.seed import fresh_database, seed
from tests.slack_standin import Call

MORNING_IN_NEW_YORK = datetime(2026, 11, 23, 14, 0, 30, tzinfo=UTC)
PER_DRI = 5
KEY = re.compile(r"ESC-(\d+)\b")


class RunningClock:
    """Starts at a chosen instant and moves with the wall clock."""

    def __init__(self, start: datetime) -> None:
        self._start, self._t0 = start, time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


def start_delivery(services):  # type: ignore[no-untyped-def]
    """The production path: plan once (as the scheduler's tick does), then the bounded
    delivery workers drain the ledger continuously, as `escalation-bot serve` runs them."""
    from bot.delivery.workers import DeliveryWorkers
    from bot.scheduler import REGISTRY, plan

    workers = DeliveryWorkers(services, REGISTRY, threads=services.settings.delivery_workers)
    services.wake = workers.wake
    workers.start()
    plan(services)
    services.wake()
    return workers


def _key_of(call: Call) -> int | None:
    """The escalation of a DM Slack accepted (-1 if it names none); None for anything else."""
    if call.method != "chat.postMessage" or call.status != 200 or not call.response.get("ok"):
        return None
    if not str(call.response.get("channel", "")).startswith("D"):
        return None
    found = KEY.search(str(call.args.get("text", ""))) or KEY.search(
        json.dumps(call.args.get("blocks") or [])
    )
    return int(found.group(1)) if found else -1


def delivered_keys(standin: RateLimitedStandIn) -> list[int]:
    """The escalation of every DM that Slack accepted, one entry per accepted message."""
    return [
        key for call in standin.calls_to("chat.postMessage") if (key := _key_of(call)) is not None
    ]


class Arrivals:
    """Counts distinct escalations DMed so far, reading only the calls new since last time
    (the stand-in shares this process: re-reading every call would slow the bot down)."""

    def __init__(self, standin: RateLimitedStandIn) -> None:
        self.standin, self.seen, self.keys = standin, 0, set[int]()

    def count(self) -> int:
        with self.standin._lock:
            new = self.standin.calls[self.seen :]
            self.seen = len(self.standin.calls)
        self.keys.update(key for call in new if (key := _key_of(call)) is not None)
        return len(self.keys)


def measure_size(count: int) -> Row:
    from bot.cli import build_services
    from bot.db import make_engine

    with fresh_database("sqlite") as url, RateLimitedStandIn() as standin:
        engine = make_engine(url)
        dris = seed(
            engine,
            count,
            cadence_start=MORNING_IN_NEW_YORK - timedelta(minutes=31),
            zone_of={},
            default_zone="America/New_York",
            escalations_per_dri=PER_DRI,
        )
        for dri in dris:
            standin.add_user(dri, dri.lower(), tz="America/New_York")
        minimum = minimum_seconds([PER_DRI] * len(dris))
        bound = max(60.0, 5 * minimum + 30)
        settings = bot_settings(standin.base_url, url)
        services = dataclasses.replace(
            build_services(settings, engine), clock=RunningClock(MORNING_IN_NEW_YORK)
        )
        started = time.perf_counter()
        workers = start_delivery(services)
        deadline = started + bound
        arrivals = Arrivals(standin)
        while time.perf_counter() < deadline and arrivals.count() < count:
            time.sleep(0.02)
        workers.stop()
        wall = time.perf_counter() - started
        keys = delivered_keys(standin)
        duplicates = sum(n - 1 for n in Counter(keys).values() if n > 1)
        lost = len(set(range(1, count + 1)) - set(keys))
        return Row(
            f"{count:,} DMs due at once, Slack limits",
            f"{wall:.1f} s",
            f"{minimum:.1f} s minimum",
            f"{wall / minimum:.2f}x" if minimum else "",
            "<= 1.1x, 0 dup, 0 lost" if count == 1_000 else "",
            f"duplicates {duplicates}, lost {lost}, 429s {standin.refused}, "
            f"{len(dris)} DRIs x {PER_DRI}, bound {bound:.0f} s",
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
