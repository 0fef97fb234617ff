"""Resident memory (VmRSS) of a process running the bot: idle, and after 1 000 escalations
opened through the use case; and of a process running the bare Bolt app.

Each figure comes from a child process reading its own /proc/self/status. The bot child
builds and serves the app as `escalation-bot serve` does (scheduler included) on a SQLite
file already migrated (as after the Procfile's `release`), against the Slack stand-in that runs in this (the parent) process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import Row, run_alone

REPO = Path(__file__).resolve().parent.parent
OPENED = 1_000
SETTLE = 1.0


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _bare_child(api_url: str) -> dict[str, float]:
    from bench.apps import bare_slack_app, bare_wsgi, serve

    served = serve(bare_wsgi(bare_slack_app(api_url)))
    time.sleep(SETTLE)
    idle = rss_mb()
    served.stop()
    return {"idle": idle}


def _bot_child(api_url: str, database_url: str) -> dict[str, float]:
    from bench.apps import bot_settings, build_bot, serve
    from bot.scheduler import start_scheduler
    from bot.server import make_wsgi_app

    settings = bot_settings(api_url, database_url)
    engine, services, app = build_bot(settings)
    scheduler = start_scheduler(services)
    served = serve(make_wsgi_app(engine, app))
    time.sleep(SETTLE)
    idle = rss_mb()

    from bot.domain import Severity
    from bot.escalations import service
    from bot.escalations.form import parse_open_form
    from tests.factories import open_form
    from tests.world import World

    world = World(internal_channel="CINTERNAL", customer_channel="CCUSTOMER")
    values = open_form(world)
    for index in range(OPENED):
        form, errors = parse_open_form(
            Severity.SEV1,
            values,
            leadership_channel_id="CLEADERS",
            check_user=lambda _user: None,
        )
        assert form is not None, errors
        with services.sessions.begin() as session:
            service.open_escalation(
                session,
                form,
                opened_by=world.pm,
                now=services.clock.now(),
                settings=services.settings,
                response_url=f"{api_url}response/{index}",
            )
    time.sleep(SETTLE)
    after = rss_mb()
    scheduler.shutdown(wait=False)
    served.stop()
    return {"idle": idle, "after": after}


def run_child(kind: str, api_url: str, database_url: str = "") -> dict[str, float]:
    answer = subprocess.run(
        [sys.executable, "-m", "bench.memory", "--child", kind, api_url, database_url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


def measure(quick: bool) -> list[Row]:
    from tests.slack_standin import SlackStandIn

    with tempfile.TemporaryDirectory() as folder, SlackStandIn() as standin:
        from bot.db import make_engine, upgrade_to_head

        # Migrated beforehand, as the Procfile's `release` step does before `web` starts.
        database_url = f"sqlite:///{Path(folder) / 'memory.db'}"
        engine = make_engine(database_url)
        upgrade_to_head(engine)
        engine.dispose()
        bare = run_child("bare", standin.base_url)
        bot = run_child("bot", standin.base_url, database_url)
    return [
        Row(
            "RSS idle",
            f"{bot['idle']:.0f} MB",
            f"{bare['idle']:.0f} MB",
            f"{bot['idle'] / bare['idle']:.2f}x",
            "<= 120 MB",
        ),
        Row(
            f"RSS after {OPENED:,} escalations",
            f"{bot['after']:.0f} MB",
            "",
            "",
            "<= 120 MB",
            "opened through the use case in the serving process",
        ),
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        os.environ.pop("SLACK_BOT_TOKEN", None)
        kind, api_url, database_url = sys.argv[2], sys.argv[3], sys.argv[4]
        figures = _bare_child(api_url) if kind == "bare" else _bot_child(api_url, database_url)
        print(json.dumps(figures))
    else:
        run_alone(__doc__.splitlines()[0], measure)
