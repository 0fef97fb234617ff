"""Ack latency: the bot and a bare Bolt app, side by side, 20 concurrent signed clients.

Each app runs as its own process, as deployed: the bot is `escalation-bot serve
--no-scheduler` (the Procfile's `web`: it acks, saves, and delivers on its own workers), the
bare app `python -m bench.apps bare` (Bolt's WSGI adapter), both on waitress. The Slack
stand-in lives in this process and the clients in one of their own, so Slack's work is
charged to neither app nor to the clock that times them; it still shares the two cores. The
slash command is also timed on a third app, a bare Bolt app that opens the same form with
views.open after its ack, as the bot does. Rounds rotate which app goes first; after each
burst the bench waits until, for a moment, the stand-in has had no call and no app has used
the CPU, so work an app does after its acks (views.open, making the records, publication)
does not land on the next burst, its own or another's. Each app's first burst after start is
reported on its own row: it pays one-off costs the percentiles would otherwise mix in. Each
p99 ratio comes with its 90% interval over the rounds run (`report.ratio_interval`).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from bench.apps import Served, serve_process
from bench.report import Row, ms, percentile, ratio_interval, run_alone
from bench.signed import post_signed, slash_body, submission_body
from bench.startup import REPO, environment, free_port

CLIENTS = 20
QUIET_FOR = 0.3
QUIET_AT_MOST = 60.0
# An idle app uses no CPU tick in QUIET_FOR; one making records or publishing uses them all.
IDLE_CPU_SECONDS = 0.02
# Rounds of one burst per app (CLIENTS x 5 requests each). With 8 rounds (800 requests) the
# p99 ratio of the same code read 0.87x to 1.35x (slash command) and 0.87x to 1.25x
# (submission) over five runs, more than the goal's margin: the slash command, whose ack
# touches no table, read 0.92x on SQLite and 1.35x on PostgreSQL in one run. A slash round
# takes about a second; a submission round about 30 (the bench waits while the bot publishes
# the 100 escalations it was sent), so the submission gets fewer.
SLASH_ROUNDS = 24
SUBMISSION_ROUNDS = 16


class Clients:
    """The signed clients, in a process of their own: in this one they would wait for the
    stand-in's share of the interpreter (a views.open handled, a message stored), and that
    wait, Slack's work, would be counted in the app's ack."""

    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))

    def burst(
        self, url: str, make_body: Callable[[], str], per_client: int
    ) -> tuple[list[float], int]:
        """CLIENTS clients each POST `per_client` bodies in a row; (latencies, failed requests).
        The bodies are made here, where the stand-in issues their trigger ids."""
        bodies = [[make_body() for _ in range(per_client)] for _ in range(CLIENTS)]
        return self._pool.submit(_burst, url, bodies).result()

    def close(self) -> None:
        self._pool.shutdown()


def _burst(url: str, bodies: list[list[str]]) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    start = threading.Barrier(len(bodies))

    def client(mine: list[str]) -> None:
        start.wait()
        for body in mine:
            try:
                status, seconds = post_signed(url, body)
            except OSError:
                status, seconds = 0, 0.0
            with lock:
                if status == 200:
                    latencies.append(seconds)
                else:
                    failures[0] += 1

    threads = [threading.Thread(target=client, args=(mine,)) for mine in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures[0]


def wait_until_quiet(standin, apps: Iterable[Served]) -> None:  # type: ignore[no-untyped-def]
    """Wait until, for QUIET_FOR, the stand-in has had no call and no app has used the CPU;
    then exempt what the stand-in has kept so far from this process's cycle collections.

    The stand-in's quiet alone is not enough: the bot makes each submitted escalation's
    record from the saved form without calling Slack, 10 to 18 ms of CPU each. A burst that
    followed the bot's own previous one began while it still made that burst's 100 records,
    and its slowest requests, all among its first, read 97 to 115 ms; in the bot's other
    bursts the slowest read 62 to 85 ms.

    The stand-in keeps every call and every view opened: thousands of them by the end of a
    run. Each full collection walked them all, holding this interpreter, and with it
    Slack, for 12 ms early in a run and 234 ms by its end; a views.open caught in one waited
    that long, and a Bolt app's listener threads with it. Nothing kept is garbage.
    """
    pids = [app.pid for app in apps if app.pid is not None]
    deadline = time.monotonic() + QUIET_AT_MOST
    while time.monotonic() < deadline:
        calls, used = len(standin.calls), [cpu_seconds(pid) for pid in pids]
        time.sleep(QUIET_FOR)
        if len(standin.calls) == calls and all(
            cpu_seconds(pid) - before <= IDLE_CPU_SECONDS
            for pid, before in zip(pids, used, strict=True)
        ):
            break
    gc.freeze()


def cpu_seconds(pid: int) -> float:
    """User and system CPU process `pid` has used (Linux's /proc; 0 where there is none, so
    elsewhere only the stand-in's quiet is waited for)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(quick: bool) -> list[Row]:
    from bench.seed import fresh_database
    from tests.slack_standin import SlackStandIn
    from tests.world import build_world

    # waitress warns on stderr whenever requests queue for its 4 threads; the figures say it.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    backends = ["sqlite"]
    admin_url = os.environ.get("TEST_POSTGRES_URL")
    if admin_url:
        backends.append("postgresql")
    rows: list[Row] = []
    for backend in backends:
        with fresh_database(backend, admin_url) as database, SlackStandIn() as standin:
            rows += measure_on(backend, database, standin, build_world(standin), quick)
    if not admin_url:
        rows.append(Row("acks (postgresql)", "skipped", note="set TEST_POSTGRES_URL"))
    return rows


def measure_on(backend: str, database: str, standin: Any, world: Any, quick: bool) -> list[Row]:
    """Both measures with the bot on `database`; the bare app never touches a database."""
    from bot.domain import Severity
    from tests.factories import open_form

    per_client = 2 if quick else 5
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        bot_env = environment(standin.base_url, database, free_port())
        bot_env.update(LEADERSHIP_USER_IDS=world.leader, DIRECTOR_PS_USER_ID=world.director)
        bare_env = environment(standin.base_url, database, free_port())
        apps: dict[str, Served] = {
            # From an empty folder, so no .env of the developer's is read.
            "bot": serve_process(
                [sys.executable, "-m", "bot.cli", "serve", "--no-scheduler"], bot_env, folder
            ),
            "bare": serve_process(
                [sys.executable, "-m", "bench.apps", "bare"], bare_env, str(REPO)
            ),
            "bare-modal": serve_process(
                [sys.executable, "-m", "bench.apps", "bare-modal"],
                environment(standin.base_url, database, free_port()),
                str(REPO),
            ),
        }
        clients = Clients()
        try:

            def slash() -> str:
                return slash_body(
                    "sev1 Acme",
                    user=world.pm,
                    channel=world.internal_channel,
                    trigger_id=standin.new_trigger_id(),
                    response_url=standin.new_response_url(),
                )

            # The modal the bot really opens, submitted as filled in by a PM.
            post_signed(apps["bot"].url, slash())
            assert standin.wait_for(lambda: standin.opened_views()), "the bot opened no modal"
            view = standin.opened_views()[-1]
            values = open_form(world, Severity.SEV1.value)

            def submit() -> str:
                return submission_body(
                    view, values, user=world.pm, trigger_id=standin.new_trigger_id()
                )

            for label, make_body, names, rounds in (
                # The slash command is also timed against a bare app opening the same form:
                # views.open is most of the command's work, and on these 2 cores the Slack
                # stand-in's share of it competes with the acks too.
                (
                    f"`/escalate sev1 Acme` ack ({backend})",
                    slash,
                    ["bare", "bot", "bare-modal"],
                    2 if quick else SLASH_ROUNDS,
                ),
                (
                    f"open-modal submission ack ({backend})",
                    submit,
                    ["bare", "bot"],
                    2 if quick else SUBMISSION_ROUNDS,
                ),
            ):
                # One list of latencies per round, for the interval of the ratio.
                by_round: dict[str, list[list[float]]] = {name: [] for name in names}
                failed = dict.fromkeys(names, 0)
                # Each app's first burst after start: one request a client, reported apart.
                # It pays one-off costs (the first statements compiled, caches filled, the
                # form's people looked up) that the steady rounds after it do not.
                first: dict[str, list[float]] = {}
                for name in names:
                    first[name], failures = clients.burst(apps[name].url, make_body, 1)
                    failed[name] += failures
                    wait_until_quiet(standin, apps.values())
                rows.append(
                    Row(
                        f"{label}, first {CLIENTS} after start, slowest",
                        ms(max(first["bot"])),
                        ms(max(first["bare"])),
                        f"{max(first['bot']) / max(first['bare']):.2f}x",
                    )
                )
                for round_index in range(rounds):
                    # Each app goes first in turn.
                    shift = round_index % len(names)
                    for name in names[shift:] + names[:shift]:
                        latencies, failures = clients.burst(apps[name].url, make_body, per_client)
                        by_round[name].append(latencies)
                        failed[name] += failures
                        wait_until_quiet(standin, apps.values())
                timings = {name: [v for burst in by_round[name] for v in burst] for name in names}
                low, high = ratio_interval(by_round["bot"], by_round["bare"], 0.99)
                bot_p99, bare_p99 = (
                    percentile(timings["bot"], 0.99),
                    percentile(timings["bare"], 0.99),
                )
                rows.append(
                    Row(
                        f"{label} p50",
                        ms(percentile(timings["bot"], 0.5)),
                        ms(percentile(timings["bare"], 0.5)),
                        f"{percentile(timings['bot'], 0.5) / percentile(timings['bare'], 0.5):.2f}x",
                    )
                )
                rows.append(
                    Row(
                        f"{label} p99",
                        ms(bot_p99),
                        ms(bare_p99),
                        f"{bot_p99 / bare_p99:.2f}x",
                        "<= 1.2x bare",
                        f"n={len(timings['bot'])}/{len(timings['bare'])}, {CLIENTS} clients, "
                        f"non-200: {failed['bot']}/{failed['bare']}; over its rounds "
                        f"{low:.2f}x to {high:.2f}x (90%)",
                    )
                )
                if "bare-modal" in timings:
                    opening_p99 = percentile(timings["bare-modal"], 0.99)
                    rows.append(
                        Row(
                            f"{label} p99, against a bare app that also opens the form",
                            ms(bot_p99),
                            ms(opening_p99),
                            f"{bot_p99 / opening_p99:.2f}x",
                            "",
                            f"its p50 {ms(percentile(timings['bare-modal'], 0.5))}, "
                            f"non-200: {failed['bare-modal']}",
                        )
                    )
        finally:
            clients.close()
            for served in apps.values():
                served.stop()
    return rows


if __name__ == "__main__":
    run_alone(__doc__.splitlines()[0], measure)
