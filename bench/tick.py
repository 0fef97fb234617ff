"""The scheduler's tick over many open escalations: nothing due, and about 1% due.

For each size the escalations are bulk-inserted, then one untimed tick runs at the seeding
instant (so a planner that remembers when to look next has done its first look, as in a
running bot), then ticks are timed. Nothing is due: every DRI is in Los Angeles at 05:59
(no prompt time since the escalation opened). About 1% due: 1% of the DRIs are in New York,
where 09:00 arrives between the warm-up and the timed tick, so each gets a morning prompt.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from datetime import UTC, datetime, timedelta

from bench.apps import bot_settings
from bench.report import Row, ms, run_alone
from bench.seed import fresh_database, seed

QUIET = datetime(2026, 11, 23, 13, 59, tzinfo=UTC)  # Monday: 05:59 in LA, 08:59 in New York
MORNING_IN_NEW_YORK = QUIET + timedelta(seconds=90)
NOTHING_DUE_ROUNDS = {100: 5, 1_000: 3, 10_000: 1}


def scheduler_tick(services) -> object:  # type: ignore[no-untyped-def]
    """The planning-and-delivery entry point the scheduler calls; adapt here if it moves."""
    from bot.scheduler import tick

    return tick(services)


def measure_size(backend: str, url: str, count: int, standin, world) -> list[Row]:  # type: ignore[no-untyped-def]
    from bot.cli import build_services
    from bot.clock import ManualClock
    from bot.db import make_engine

    due_cohort = {index: "America/New_York" for index in range(0, count, 100)}
    engine = make_engine(url)
    seed(
        engine,
        count,
        cadence_start=QUIET - timedelta(minutes=30),
        zone_of=due_cohort,
        default_zone="America/Los_Angeles",
        leadership_channel=world.leadership_channel,
    )
    for index in due_cohort:
        standin.add_user(f"UD{index:07d}", f"dri{index}", tz="America/New_York")
    settings = bot_settings(standin.base_url, url, director_ps_user_id=world.director)
    clock = ManualClock(QUIET)
    services = dataclasses.replace(build_services(settings, engine), clock=clock)
    try:
        started = time.perf_counter()
        scheduler_tick(services)
        warm = time.perf_counter() - started
        idle = []
        for round_index in range(NOTHING_DUE_ROUNDS[count]):
            clock.set(QUIET + timedelta(seconds=1 + round_index))
            started = time.perf_counter()
            scheduler_tick(services)
            idle.append(time.perf_counter() - started)
        dms_before = len(standin.calls_to("chat.postMessage"))
        clock.set(MORNING_IN_NEW_YORK)
        started = time.perf_counter()
        scheduler_tick(services)
        busy = time.perf_counter() - started
        sent = len(standin.calls_to("chat.postMessage")) - dms_before
    finally:
        engine.dispose()
    return [
        Row(
            f"tick, {count:,} open, nothing due ({backend})",
            ms(max(idle)),
            goal="<= 50 ms" if count == 10_000 else "",
            note=f"worst of {len(idle)}; first tick after seeding {ms(warm)}",
        ),
        Row(
            f"tick, {count:,} open, ~1% due ({backend})",
            ms(busy),
            note=f"{sent} of {len(due_cohort)} prompts sent in the tick",
        ),
    ]


def measure(quick: bool) -> list[Row]:
    from tests.slack_standin import SlackStandIn
    from tests.world import build_world

    logging.getLogger("bot").setLevel(logging.ERROR)
    sizes = [100, 1_000] if quick else [100, 1_000, 10_000]
    backends = ["sqlite"]
    admin_url = os.environ.get("TEST_POSTGRES_URL")
    if admin_url:
        backends.append("postgresql")
    rows: list[Row] = []
    with SlackStandIn() as standin:
        world = build_world(standin)
        for backend in backends:
            for count in sizes:
                with fresh_database(backend, admin_url) as url:
                    rows += measure_size(backend, url, count, standin, world)
    if not admin_url:
        rows.append(
            Row("tick (postgresql)", "skipped", note="set TEST_POSTGRES_URL (.ci/postgres.sh)")
        )
    return rows


if __name__ == "__main__":
    run_alone(__doc__.splitlines()[0], measure)
