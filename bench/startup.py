"""Start-up: from launching `escalation-bot serve` to GET /healthz answering 200.

The bot runs as a process on SQLite with fake credentials and SLACK_API_URL pointing at the
Slack stand-in (Bolt checks the token with auth.test while starting); the bare Bolt app is
launched the same way (`python -m bench.apps bare`). The clock starts just before the
process is spawned; it is read at the first 200 from /healthz (polled every 5 ms), and at
the first signed `/escalate help` answered 200 (the Slack app ready).
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.apps import BOT_TOKEN, SIGNING_SECRET
from bench.report import Row, ms, run_alone
from bench.signed import post_signed, slash_body

REPO = Path(__file__).resolve().parent.parent
BOUND = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(api_url: str, database_url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url,
        PORT=str(port),
        PYTHONPATH=str(REPO),
    )
    return env


def time_to_answers(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Seconds from spawning `command` to its first 200 on /healthz, and to its first
    answered signed `/escalate help` (the app really ready); the process is then ended."""
    base = f"http://127.0.0.1:{env['PORT']}"
    body = slash_body("help", user="UPM00001", channel="C0001", trigger_id="t", response_url="")
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        health = None
        while time.perf_counter() - started < BOUND:
            if process.poll() is not None:
                raise RuntimeError(f"{command} exited with {process.returncode}")
            try:
                if health is None:
                    with urllib.request.urlopen(base + "/healthz", timeout=1) as answer:
                        if answer.status == 200:
                            health = time.perf_counter() - started
                            continue
                elif post_signed(base, body, timeout=BOUND)[0] == 200:
                    return health, time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.005)
        raise RuntimeError(f"{command} did not answer within {BOUND} s")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(quick: bool) -> list[Row]:
    from tests.slack_standin import SlackStandIn

    rounds = 2 if quick else 5
    # `escalation-bot serve` is `bot.cli:main`; run as a module so the code measured is this
    # checkout's, whatever the virtualenv's editable install points at.
    serve = [sys.executable, "-m", "bot.cli", "serve"]
    bare = [sys.executable, "-m", "bench.apps", "bare"]
    timings: dict[str, list[tuple[float, float]]] = {"fresh": [], "restart": [], "bare": []}
    with tempfile.TemporaryDirectory() as folder, SlackStandIn() as standin:
        for round_index in range(rounds):
            database = f"sqlite:///{Path(folder) / f'startup-{round_index}.db'}"
            for case, command in (("fresh", serve), ("restart", serve), ("bare", bare)):
                env = environment(standin.base_url, database, free_port())
                # Run from an empty folder, so no .env of the developer's is read.
                cwd = Path(folder) if command is serve else REPO
                timings[case].append(time_to_answers(command, env, cwd))
    rows = []
    for which, what in ((0, "/healthz"), (1, "first Slack request answered")):
        bare_median = statistics.median(t[which] for t in timings["bare"])
        for case, database in (("restart", "database at head"), ("fresh", "new database")):
            values = [t[which] for t in timings[case]]
            median = statistics.median(values)
            rows.append(
                Row(
                    f"start to {what}, {database}",
                    ms(median),
                    ms(bare_median),
                    f"{median / bare_median:.2f}x",
                    "<= 1 s" if which == 0 else "",
                    f"median of {rounds}, worst {ms(max(values))}",
                )
            )
    return rows


if __name__ == "__main__":
    run_alone(__doc__.splitlines()[0], measure)
