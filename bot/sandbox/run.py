"""The sandbox: the real bot (same Bolt app, database, delivery workers and scheduler) against
an in-process Slack workspace, and a page at http://127.0.0.1:3000/ that plays Slack.

`escalation-bot serve` runs it when no Slack credentials are set, `escalation-bot sandbox`
on purpose; it refuses to run when real Slack is configured.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from sqlalchemy import Engine

from bot.clock import ManualClock
from bot.db import make_engine, make_session_factory, upgrade_to_head
from bot.delivery.gateway import SlackGateway, make_client
from bot.delivery.workers import DeliveryWorkers
from bot.membership import ensure_memberships
from bot.operations.health import HealthState
from bot.runtime import Services
from bot.sandbox import page
from bot.sandbox.roster import Roster
from bot.sandbox.slack_side import SlackSide
from bot.sandbox.workspace import SlackStandIn
from bot.scheduler import start_delivery, start_scheduler, tick
from bot.server import make_wsgi_app
from bot.settings import Settings
from bot.slack.app import build_app

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
}
# How far the clock buttons move, and the step the scheduler is run at on the way, so what
# falls due in between (each prompt, nudge and ladder step) is sent as it would have been.
STEP = timedelta(minutes=30)
MOVES = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(days=7)}


class SandboxRefused(RuntimeError):
    """The sandbox must not run here (real Slack is configured)."""


def next_nine(now: datetime, zone: str) -> datetime:
    """The next 09:00 strictly after `now` in `zone`."""
    local = now.astimezone(ZoneInfo(zone))
    candidate = datetime.combine(local.date(), time(9, 0), tzinfo=ZoneInfo(zone))
    if candidate <= local:
        candidate = datetime.combine(
            local.date() + timedelta(days=1), time(9, 0), tzinfo=ZoneInfo(zone)
        )
    return candidate


@dataclass
class Sandbox:
    """A running sandbox; `wsgi` serves the page, its API, and the bot's own routes."""

    roster: Roster
    workspace: SlackStandIn
    clock: ManualClock
    services: Services
    engine: Engine
    side: SlackSide
    workers: DeliveryWorkers
    bot_wsgi: Callable[..., Iterable[bytes]]
    scheduler: Any = None
    _clock_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def start(
        cls,
        settings: Settings,
        roster: Roster,
        *,
        database_url: str,
        start_at: datetime,
        with_scheduler: bool = True,
    ) -> Sandbox:
        if settings.slack_configured:
            raise SandboxRefused(
                "Slack is configured (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set): the "
                "sandbox only runs without real Slack credentials. Unset them to try it."
            )
        clock = ManualClock(start_at)
        workspace = SlackStandIn(bot_token="xoxb-sandbox-" + secrets.token_hex(8), now=clock.now)
        workspace.start()
        roster.populate(workspace)
        secret = secrets.token_hex(16)
        bot_settings = settings.model_copy(
            update={
                "slack_bot_token": SecretStr(workspace.bot_token),
                "slack_signing_secret": SecretStr(secret),
                "slack_app_token": None,
                "slack_api_url": workspace.base_url,
                "database_url": database_url,
                **roster.setting_values(),
            }
        )
        engine = make_engine(database_url)
        upgrade_to_head(engine)
        services = Services(
            settings=bot_settings,
            sessions=make_session_factory(engine),
            gateway=SlackGateway(
                make_client(workspace.bot_token, workspace.base_url), now=clock.now
            ),
            clock=clock,
        )
        app = build_app(services)
        workers = start_delivery(services)
        ensure_memberships(services)
        # Slack's side is this process's own stand-in, not Slack over HTTP: say so.
        bot_wsgi = make_wsgi_app(engine, app, health=HealthState(slack_mode="sandbox"))
        sandbox = cls(
            roster=roster,
            workspace=workspace,
            clock=clock,
            services=services,
            engine=engine,
            side=SlackSide(workspace, bot_wsgi, secret),
            workers=workers,
            bot_wsgi=bot_wsgi,
        )
        if with_scheduler:
            sandbox.scheduler = start_scheduler(services)
        return sandbox

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        self.workers.stop()
        self.workspace.stop()
        self.engine.dispose()

    # -- the clock ----------------------------------------------------------------------------

    def move_clock(self, move: str, zone: str) -> datetime:
        """Move the bot's clock ("hour", "nine" = the next 09:00 in `zone`, "day", "week"),
        running the scheduler at every step on the way; returns the new instant."""
        with self._clock_lock:
            now = self.clock.now()
            target = next_nine(now, zone) if move == "nine" else now + MOVES[move]
            while now < target:
                now = min(now + STEP, target)
                self.clock.set(now)
                tick(self.services)
            return now

    # -- HTTP ---------------------------------------------------------------------------------

    def wsgi(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path in STATIC and method in ("GET", "HEAD"):
            name, content_type = STATIC[path]
            body = resources.files("bot.sandbox").joinpath("static", name).read_bytes()
            start_response(
                "200 OK",
                [
                    ("Content-Type", content_type),
                    ("Content-Length", str(len(body))),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [body]
        if path.startswith("/sandbox/"):
            try:
                answer = self._api(path.removeprefix("/sandbox/"), method, environ)
                status = "200 OK"
            except (KeyError, ValueError) as error:
                answer, status = {"ok": False, "error": f"bad request: {error}"}, "400 Bad Request"
            payload = json.dumps(answer).encode()
            start_response(
                status,
                [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
            )
            return [payload]
        return self.bot_wsgi(environ, start_response)

    def _api(self, name: str, method: str, environ: dict[str, Any]) -> dict[str, Any]:
        if name == "state" and method == "GET":
            query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
            return self.state(query.get("as", ""), query.get("where", ""), query.get("thread"))
        if method != "POST":
            raise ValueError(f"{method} {name}")
        if not str(environ.get("CONTENT_TYPE") or "").startswith("application/json"):
            # JSON only: another web page can't send that to 127.0.0.1 without the browser
            # asking first (a CORS preflight, which is never allowed here).
            raise ValueError("send JSON (Content-Type: application/json)")
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        body: dict[str, Any] = json.loads(raw or b"{}")
        user = self._person(str(body["as"]))
        problem = ""
        if name == "compose":
            problem = self.side.type_text(
                user, str(body["channel"]), str(body.get("text") or ""), body.get("thread")
            )
        elif name == "action":
            problem = self.side.act(
                user,
                body.get("where") or {},
                str(body["block"]),
                str(body["action"]),
                body.get("value"),
                body.get("entered"),
            )
        elif name == "submit":
            errors = self.side.submit(user, str(body["view"]), body.get("entered") or {})
            return {"ok": not errors, "errors": errors}
        elif name == "close":
            self.side.close(user, str(body["view"]))
        elif name == "home":
            self.side.open_home(user)
        elif name == "clock":
            zone = next(p.tz for p in self.roster.people if p.id == user)
            self.move_clock(str(body["move"]), zone)
        else:
            raise ValueError(f"no such call {name!r}")
        return {"ok": not problem, "problem": problem}

    def _person(self, user: str) -> str:
        if not any(p.id == user for p in self.roster.people):
            raise ValueError(f"unknown person {user!r}")
        return user

    def state(self, me: str, where: str, thread: str | None) -> dict[str, Any]:
        return page.snapshot(
            self.workspace,
            self.side,
            self.roster,
            self.clock.now(),
            me=me or self.roster.people[0].id,
            where=where,
            thread=thread,
        )


class _NotTheRaces(logging.Filter):
    """The clock buttons deliver in their own thread while the workers poll too; a row one
    of them claimed first is skipped by the other (a compare-and-set claim), which is no news
    to someone trying the bot."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "taken over by another worker" not in record.getMessage()


def _quiet_logs() -> None:
    """The sandbox talks to a person at a terminal: problems only, not every tick."""
    for name in ("apscheduler", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("bot.delivery.runner").addFilter(_NotTheRaces())


FIRST_MINUTE = """\
The sandbox is running: open http://{host}:{port}/ in your browser.
  It is the real bot (database {database}) talking to a pretend Slack workspace, so you can
  try it before anyone installs a Slack app. Nothing is sent to Slack.
  1. As Pat (PM), type `/escalate sev1 Acme` in #ps-project-leadership and fill the form.
  2. See the pinned escalation and its thread; switch person (top left) to see their DMs.
  3. Move the clock ("next 09:00", "+1 day") to see prompts, nudges and ladders arrive.
  People and channels: {roster} (edit it and restart).
  The sandbox starts empty each time. To use real Slack, see README "Creating the Slack app"."""


def run_sandbox(settings: Settings, *, host: str = "127.0.0.1", fresh: bool = True) -> None:
    """Run the sandbox in the foreground until interrupted (the CLI's entry point)."""
    from waitress.server import create_server

    from bot.clock import SystemClock
    from bot.sandbox import roster as rosters

    if settings.slack_configured:
        print(f"escalation-bot: {SandboxRefused.__doc__}", file=sys.stderr)
        raise SystemExit(2)
    _quiet_logs()
    path = Path(rosters.DEFAULT_FILE)
    rosters.ensure_file(path)
    try:
        roster = rosters.load(path)
    except rosters.RosterError as error:
        print(f"escalation-bot: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    database = Path("escalation-sandbox.db")
    if fresh:
        database.unlink(missing_ok=True)
    started = SystemClock().now().replace(second=0, microsecond=0)
    sandbox = Sandbox.start(
        settings, roster, database_url=f"sqlite:///{database}", start_at=started
    )
    server = create_server(sandbox.wsgi, host=host, port=settings.port, threads=8)
    print(
        FIRST_MINUTE.format(host=host, port=settings.port, database=database, roster=path),
        file=sys.stderr,
    )
    try:
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
    finally:
        server.close()
        sandbox.stop()
