"""/healthz for operators: the database, Slack, the scheduler's last tick and the ledger's
backlog; and `LOG_FORMAT=json` for log pipelines."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.clock import ManualClock
from bot.db import make_engine
from bot.delivery import ledger
from bot.operations.health import HealthState
from bot.operations.logs import JsonFormatter
from bot.server import make_wsgi_app
from tests.harness import BOT_TOKEN, BotHarness
from tests.slack_standin import SlackStandIn
from tests.test_startup_failures import bot_env

WsgiApp = Callable[..., Iterable[bytes]]


def get_health(app: WsgiApp) -> tuple[int, dict[str, Any]]:
    answered: list[str] = []
    body = b"".join(
        app(
            {"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"},
            lambda status, _headers: answered.append(status),
        )
    )
    return int(answered[0].split()[0]), json.loads(body)


def ready_health(clock: ManualClock, **values: Any) -> HealthState:
    defaults: dict[str, Any] = {"slack_mode": "http", "tick_seconds": 30}
    return HealthState(now=clock.now, started_at=clock.now(), ready=True, **defaults | values)


def test_health_over_http_says_the_database_answers_and_slack_requests_are_served(
    harness: BotHarness,
) -> None:
    answer = harness.http("GET", "/healthz")
    assert answer.status == 200
    assert answer.json == {"ok": True, "database": "ok", "slack": {"mode": "http"}}


def test_health_shows_the_backlog_the_oldest_pending_delivery_and_failures(
    engine: Engine, clock: ManualClock
) -> None:
    now = clock.now()
    with Session(engine) as session, session.begin():
        ledger.schedule(
            session,
            subject="U1",
            kind="direct_message",
            slot="late",
            due_at=now - timedelta(hours=2),
        )
        ledger.schedule(session, subject="U1", kind="direct_message", slot="now", due_at=now)
        ledger.schedule(
            session,
            subject="U1",
            kind="direct_message",
            slot="later",
            due_at=now + timedelta(hours=1),
        )
        ledger.schedule(session, subject="U1", kind="direct_message", slot="gone", due_at=now)
    with Session(engine) as session, session.begin():
        gone = max(row_id for row_id, _ in ledger.due(session, now))
        ledger.fail(session, gone, now=now, error="channel_not_found")
    health = ready_health(clock)
    health.ticked()
    status, report = get_health(make_wsgi_app(engine, None, health=health))
    assert status == 200
    assert report["deliveries"] == {
        "due": 2,
        "oldest_pending_due_at": (now - timedelta(hours=2)).isoformat(timespec="seconds"),
        "oldest_pending_overdue_seconds": 7200,
        "failed": 1,
    }
    assert report["scheduler"] == {
        "state": "ticking",
        "last_tick": now.isoformat(timespec="seconds"),
        "tick_seconds": 30,
    }


def test_a_scheduler_that_stopped_ticking_makes_health_fail(
    engine: Engine, clock: ManualClock
) -> None:
    health = ready_health(clock)
    health.ticked()
    app = make_wsgi_app(engine, None, health=health)
    clock.advance(timedelta(seconds=90))
    assert get_health(app)[0] == 200
    clock.advance(timedelta(minutes=2))
    status, report = get_health(app)
    assert status == 503 and report["ok"] is False
    assert report["scheduler"]["state"] == "stalled"


def test_a_web_process_without_a_scheduler_says_so_and_stays_healthy(
    engine: Engine, clock: ManualClock
) -> None:
    health = ready_health(clock, tick_seconds=None)
    clock.advance(timedelta(hours=5))
    status, report = get_health(make_wsgi_app(engine, None, health=health))
    assert status == 200 and report["scheduler"] == {"state": "not in this process"}


def test_a_dropped_socket_mode_connection_makes_health_fail(
    engine: Engine, clock: ManualClock
) -> None:
    connected = [True]
    health = ready_health(clock, slack_mode="socket", socket_connected=lambda: connected[0])
    health.ticked()
    app = make_wsgi_app(engine, None, health=health)
    assert get_health(app)[1]["slack"] == {"mode": "socket", "connected": True}
    connected[0] = False
    status, report = get_health(app)
    assert status == 503 and report["slack"] == {"mode": "socket", "connected": False}


def test_health_answers_while_start_up_migrates_a_new_database_and_says_so(
    engine: Engine, clock: ManualClock
) -> None:
    health = HealthState(now=clock.now, started_at=clock.now(), migrating=True)
    app = make_wsgi_app(engine, None, health=health)
    assert get_health(app) == (
        200,
        {"ok": True, "database": "migrating", "slack": {"mode": "starting"}},
    )
    health.migrating = False
    assert get_health(app)[1]["database"] == "ok"


def test_an_unreachable_database_makes_health_fail(tmp_path: Path, clock: ManualClock) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'bot.db'}")
    status, report = get_health(make_wsgi_app(engine, None, health=ready_health(clock)))
    assert status == 503 and report["ok"] is False and "unable to open" in report["database"]


def test_json_logs_are_one_object_per_line_with_the_traceback_inside() -> None:
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logging.getLogger("bot.x").makeRecord(
            "bot.x", logging.ERROR, __file__, 1, "failed %s", ("ESC-1",), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "error" and entry["logger"] == "bot.x"
    assert entry["message"] == "failed ESC-1"
    assert "ValueError: boom" in entry["exception"]


def test_a_running_bot_reports_its_ticks_and_logs_json(
    tmp_path: Path, standin: SlackStandIn
) -> None:
    """The real `serve` over HTTP against the stand-in: /healthz sees the scheduler tick."""
    env = bot_env(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET="secret",
        SLACK_API_URL=standin.base_url,
        SCHEDULER_TICK_SECONDS="1",
        LOG_FORMAT="json",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    report: dict[str, Any] = {}
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                url = f"http://127.0.0.1:{env['PORT']}/healthz"
                with urllib.request.urlopen(url, timeout=2) as answer:
                    report = json.loads(answer.read())
                if report.get("scheduler", {}).get("state") == "ticking":
                    break
            except OSError:
                pass
            time.sleep(0.1)
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=30)
    assert report.get("scheduler", {}).get("state") == "ticking", (report, stderr)
    assert report["ok"] is True and report["slack"] == {"mode": "http"}
    assert report["deliveries"]["failed"] == 0
    logged = [json.loads(line) for line in stdout.splitlines()]
    assert logged and all({"time", "level", "logger", "message"} <= set(e) for e in logged)
    assert any("Slack token valid" in entry["message"] for entry in logged)
    assert stderr == ""
