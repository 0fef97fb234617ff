"""How fast the bot acknowledges Slack (Slack gives up after 3 seconds).

    python -m tests.bench_ack [rounds]

Drives the real app over HTTP with signed requests against the local Slack stand-in, on a
fresh SQLite file, and prints latency figures for each kind of request. Not a test: it
measures, it doesn't judge.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.db import make_engine, upgrade_to_head
from tests.factories import open_form
from tests.harness import BotHarness
from tests.slack_standin import SlackStandIn


def measure(rounds: int, request: Callable[[], object]) -> list[float]:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        request()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def report(name: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(
        f"{name:<34} n={len(ordered):<4} p50={statistics.median(ordered):7.1f} ms  "
        f"p95={p95:7.1f} ms  max={ordered[-1]:7.1f} ms"
    )


def main(rounds: int = 50) -> None:
    with tempfile.TemporaryDirectory() as folder, SlackStandIn() as standin:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        upgrade_to_head(engine)
        engine.dispose()
        harness = BotHarness(url, standin, ManualClock(datetime(2026, 11, 23, 17, tzinfo=UTC)))
        try:
            # Acks only: the listeners' work after the ack is drained between rounds.
            def slash(text: str) -> Callable[[], object]:
                def run() -> object:
                    answer = harness.slash(text)
                    harness.listeners.drain()
                    return answer

                return run

            report("/escalate help", measure(rounds, slash("help")))
            report("/escalate sev1 (ack, then views.open)", measure(rounds, slash("sev1 Acme")))
            view = standin.opened_views()[-1]
            values = open_form(harness.world)

            def submit() -> None:
                harness.submit_view(view, values, drain=False)

            submits = []
            for _ in range(rounds):
                started = time.perf_counter()
                submit()
                submits.append((time.perf_counter() - started) * 1000)
                harness.listeners.drain()
            report("open-escalation submit (saved, acked)", submits)
            harness.listeners.drain()
            report("/escalate list with open escalations", measure(rounds, slash("list")))
            report("/escalate status ESC-1", measure(rounds, slash("status ESC-1")))
            ticks = measure(min(rounds, 20), lambda: harness.tick_at(harness.clock.now()))
            report(f"scheduler tick over {rounds} escalations", ticks)
        finally:
            harness.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
