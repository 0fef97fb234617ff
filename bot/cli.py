"""`escalation-bot serve | worker | migrate`: the process entry points (see the Procfile)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot.db import make_engine, make_session_factory, pending_migrations, upgrade_to_head
from bot.settings import Settings, describe_error

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from waitress.server import BaseWSGIServer, MultiSocketServer

    from bot.delivery.workers import DeliveryWorkers
    from bot.runtime import Services

log = logging.getLogger("escalation-bot")

# How long a Slack request that arrives while the app is still being built waits for it.
STARTING_WAIT_SECONDS = 30

OFFLINE_NOTICE = """\
Slack is not configured (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are unset), so I am running
offline: the database is migrated and GET /healthz answers on port {port}, but no Slack
requests are handled and nothing is sent. To connect Slack:
  1. https://api.slack.com/apps -> Create New App -> From a manifest -> paste manifest.yaml
  2. Install it to your workspace; copy the Bot User OAuth Token (xoxb-...) and the
     Signing Secret (Basic Information) into SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET
  3. Set the request URLs in the manifest to https://<your host>/slack/events and restart."""


def _fail(message: str) -> None:
    print(f"escalation-bot: {message}", file=sys.stderr)
    raise SystemExit(2)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        _fail(describe_error(error))
        raise  # unreachable: _fail exits


def prepare_database(settings: Settings, *, migrate: bool) -> Engine:
    engine = make_engine(settings.database_url)
    try:
        pending = pending_migrations(engine)
        if pending and migrate:
            log.info("applying %d migration(s): %s", len(pending), ", ".join(pending))
            upgrade_to_head(engine)
        elif pending:
            _fail(
                f"the database needs migrations {', '.join(pending)}; run "
                "`escalation-bot migrate` first"
            )
    except SQLAlchemyError as error:
        _fail(
            f"cannot reach or migrate the database at DATABASE_URL: {error.__class__.__name__}: "
            f"{str(error).splitlines()[0]}"
        )
    return engine


def build_services(settings: Settings, engine: Engine) -> Services:
    # Imported here: models, the ledger and slack_sdk are not needed to answer /healthz.
    from bot.clock import SystemClock
    from bot.delivery.gateway import SlackGateway, make_client
    from bot.runtime import Services

    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    clock = SystemClock()
    gateway = SlackGateway(
        make_client(token, settings.slack_api_url), now=clock.now, pause=time.sleep
    )
    return Services(
        settings=settings,
        sessions=make_session_factory(engine),
        gateway=gateway,
        clock=clock,
    )


class StartingApp:
    """The WSGI app while the Slack app is being built (about half of start-up: models,
    Bolt, the listeners, auth.test). /healthz answers at once; any other request waits for
    the full app instead of being refused, so nothing Slack sends meanwhile is lost."""

    def __init__(self, health_only: Callable[..., Iterable[bytes]]) -> None:
        self._app = health_only
        self._ready = threading.Event()

    def ready(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._ready.set()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/healthz":
            self._ready.wait(STARTING_WAIT_SECONDS)
        return self._app(environ, start_response)


def serve(settings: Settings, *, with_scheduler: bool) -> None:
    from waitress.server import create_server

    from bot.server import make_wsgi_app

    engine = prepare_database(settings, migrate=True)
    application = StartingApp(make_wsgi_app(engine, None))
    server = create_server(application, host="0.0.0.0", port=settings.port)
    serving = threading.Thread(target=_run_quietly, args=(server,), name="http", daemon=True)
    serving.start()
    log.info("health at /healthz on port %s; starting the Slack app", settings.port)

    scheduler = socket_handler = workers = None
    signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        services = build_services(settings, engine)
        slack_app = None
        if settings.slack_configured:
            from bot.slack.app import build_app

            slack_app = build_app(services)
        else:
            print(OFFLINE_NOTICE.format(port=settings.port), file=sys.stderr)
        if slack_app is not None:
            from bot.membership import ensure_memberships_in_background

            workers = start_delivery(services)
            ensure_memberships_in_background(services)
        if with_scheduler and slack_app:
            from bot.scheduler import start_scheduler

            scheduler = start_scheduler(services)
        if slack_app is not None and settings.slack_app_token is not None:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            socket_handler = SocketModeHandler(
                slack_app, settings.slack_app_token.get_secret_value()
            )
            socket_handler.connect()
            log.info("connected to Slack over Socket Mode")
            slack_app = None  # Socket Mode carries Slack's requests; HTTP serves health only
        application.ready(make_wsgi_app(engine, slack_app, traffic=services.traffic))
        log.info(
            "listening on port %s (Slack requests at /slack/events, health at /healthz)",
            settings.port,
        )
        while serving.is_alive():
            serving.join(timeout=1)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        if workers is not None:
            workers.stop()
        if socket_handler is not None:
            socket_handler.close()


def start_delivery(services: Services) -> DeliveryWorkers:
    """Delivery workers of their own: work after an ack never runs on Bolt's threads."""
    from bot.delivery.workers import DeliveryWorkers
    from bot.scheduler import REGISTRY

    workers = DeliveryWorkers(services, REGISTRY, threads=services.settings.delivery_workers)
    services.wake = workers.wake
    return workers.start()


def _run_quietly(server: MultiSocketServer | BaseWSGIServer) -> None:
    # close() from the main thread ends waitress's loop with an OSError on the closed socket.
    with contextlib.suppress(OSError):
        server.run()


def _exit_quietly(*_args: object) -> None:
    raise SystemExit(0)


def worker(settings: Settings) -> None:
    """The scheduler alone, for running it as its own process."""
    from bot.scheduler import start_scheduler

    if not settings.slack_configured:
        _fail("the worker sends Slack messages: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET")
    engine = prepare_database(settings, migrate=False)
    services = build_services(settings, engine)
    workers = start_delivery(services)
    scheduler = start_scheduler(services)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with contextlib.suppress(KeyboardInterrupt):
        done.wait()
    scheduler.shutdown(wait=True)
    workers.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="escalation-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve_parser = sub.add_parser("serve", help="run the Slack app over HTTP (and the scheduler)")
    serve_parser.add_argument(
        "--no-scheduler", action="store_true", help="leave prompts to a separate `worker` process"
    )
    sub.add_parser("worker", help="run only the scheduler")
    sub.add_parser("sandbox", help="try the bot in a pretend Slack at http://127.0.0.1:PORT/")
    sub.add_parser("migrate", help="apply pending database migrations and exit")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = load_settings()
    if args.command == "sandbox" or (args.command == "serve" and not settings.slack_configured):
        from bot.sandbox.run import run_sandbox

        run_sandbox(settings)
    elif args.command == "serve":
        serve(settings, with_scheduler=not args.no_scheduler)
    elif args.command == "worker":
        worker(settings)
    else:
        prepare_database(settings, migrate=True)
        print("database is up to date")


if __name__ == "__main__":
    main()
