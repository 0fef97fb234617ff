"""`escalation-bot serve | worker | migrate | check`: the process entry points (see the
Procfile). Whatever stops start-up prints one line on stderr and exits with status 2."""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NoReturn

from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.db import make_engine, make_session_factory, pending_migrations, upgrade_to_head
from bot.operations.health import HealthState
from bot.operations.logs import configure_logging
from bot.settings import Settings, describe_error

if TYPE_CHECKING:
    from slack_bolt import App
    from sqlalchemy import Engine
    from waitress.server import BaseWSGIServer, MultiSocketServer

    from bot.delivery.gateway import SlackGateway
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

IGNORED_APP_TOKEN = (
    "SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not, so it is ignored: Socket Mode only "
    "carries Slack's requests to the bot, and answering them needs the bot token. Set "
    "SLACK_BOT_TOKEN too (no signing secret is needed over Socket Mode)."
)


def _fail(message: str) -> NoReturn:
    """Stop start-up: one line on stderr (and in the log, for pipelines), exit status 2."""
    if logging.getLogger().handlers:  # not before logging is set up: stderr gets it anyway
        log.critical("cannot start: %s", message)
    print(f"escalation-bot: {message}", file=sys.stderr)
    raise SystemExit(2)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        _fail(describe_error(error))
        raise  # unreachable: _fail exits


def prepare_database(settings: Settings, *, migrate: bool) -> Engine:
    engine = open_database(settings)
    bring_up_to_date(engine, migrate=migrate)
    return engine


def open_database(settings: Settings) -> Engine:
    """The engine for DATABASE_URL; nothing is connected yet."""
    try:
        return make_engine(settings.database_url)
    except ArgumentError as error:
        # Not `str(error)`: SQLAlchemy echoes the whole URL, password included.
        scheme = settings.database_url.partition(":")[0]
        _fail(
            f"DATABASE_URL is not a database URL I can use ({error.__class__.__name__}, "
            f"scheme {scheme[:20]!r}): expected postgresql://user:password@host/db or "
            "sqlite:///file.db"
        )
    except ImportError as error:
        _fail(f"DATABASE_URL needs a database driver that is not installed: {error}")


def bring_up_to_date(engine: Engine, *, migrate: bool) -> None:
    """Apply pending migrations (or refuse to start when `migrate` is False)."""
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
    except Exception as error:
        # The database refused, or alembic found a revision this code doesn't know (a
        # database migrated by a newer release): either way, nothing can start.
        if not (
            isinstance(error, SQLAlchemyError | ImportError)
            or type(error).__module__.startswith("alembic")
        ):
            raise
        _fail(
            f"cannot reach or migrate the database at DATABASE_URL "
            f"({engine.url.render_as_string(hide_password=True)}): {_first_line(error)}"
        )


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{error.__class__.__name__}: {lines[0] if lines else ''}".rstrip(": ")


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


def verify_slack(settings: Settings, gateway: SlackGateway) -> None:
    """auth.test before anything else talks to Slack: a refused token or an unreachable
    Slack stops start-up with one line instead of a traceback from inside Bolt."""
    from bot.delivery.gateway import SlackProblem

    try:
        me = gateway.identity()
    except SlackProblem as problem:
        if problem.code == "connection_error":
            _fail(
                f"cannot reach Slack at {settings.slack_api_url} (SLACK_API_URL): check the "
                "network, a proxy, or the URL"
            )
        if problem.code in ("token_revoked", "account_inactive", "token_expired"):
            _fail(
                f"Slack says SLACK_BOT_TOKEN was revoked ({problem.code}): reinstall the app "
                "and copy the new Bot User OAuth Token (xoxb-...)"
            )
        if problem.code in ("invalid_auth", "not_authed", "not_allowed_token_type"):
            _fail(
                f"Slack refused SLACK_BOT_TOKEN ({problem.code}): copy the Bot User OAuth "
                "Token (xoxb-...) from OAuth & Permissions again"
            )
        _fail(f"Slack's auth.test failed ({problem.code}); Slack may be having trouble")
    log.info("Slack token valid: @%s (%s) in %s", me.user, me.user_id, me.team)


def build_slack_app(services: Services) -> App:
    from slack_bolt.error import BoltError

    from bot.slack.app import build_app

    try:
        return build_app(services)
    except BoltError as error:  # Bolt's own auth.test, should Slack change its mind
        _fail(f"Slack refused to start the app: {str(error).splitlines()[0]}")
        raise  # unreachable: _fail exits


def connect_socket_mode(app: App, settings: Settings) -> Any:
    """The Socket Mode handler, connected; one line and exit 2 when it can't connect."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    assert settings.slack_app_token is not None
    handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
    try:
        handler.connect()
    except SlackApiError as error:
        code = error.response.get("error") or f"http_{error.response.status_code}"
        _fail(
            f"Slack refused SLACK_APP_TOKEN ({code}): create an app-level token with "
            "connections:write (Basic Information -> App-Level Tokens) and enable Socket Mode"
        )
    except Exception as error:
        _fail(f"cannot open the Socket Mode connection to Slack: {_first_line(error)}")
    # slack_sdk logs a failed WebSocket handshake and returns as if all were well.
    if not handler.client.is_connected():
        handler.close()
        _fail(
            "Slack accepted SLACK_APP_TOKEN but the Socket Mode WebSocket could not be opened "
            "(a proxy or firewall blocking wss://?)"
        )
    log.info("connected to Slack over Socket Mode")
    return handler


def listen(application: Callable[..., Iterable[bytes]], port: int) -> Any:
    """The HTTP server, bound; one line and exit 2 when the port is taken."""
    from waitress.server import create_server

    try:
        return create_server(application, host="0.0.0.0", port=port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            _fail(f"port {port} is already in use (another escalation-bot?): stop it or set PORT")
        _fail(f"cannot listen on port {port} (PORT): {error.strerror or error}")
        raise  # unreachable: _fail exits


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
    from bot.server import make_wsgi_app

    engine = open_database(settings)
    runs_scheduler = with_scheduler and settings.slack_configured
    health = HealthState(tick_seconds=settings.scheduler_tick_seconds if runs_scheduler else None)
    application = StartingApp(make_wsgi_app(engine, None, health=health))
    server = listen(application, settings.port)
    serving = threading.Thread(target=_run_quietly, args=(server,), name="http", daemon=True)
    serving.start()
    log.info("health at /healthz on port %s; starting the Slack app", settings.port)
    # After /healthz answers: on a new database the migrations take about half a second,
    # and Slack's requests meanwhile wait for the app (StartingApp) rather than fail.
    health.migrating = True
    bring_up_to_date(engine, migrate=True)
    health.migrating = False

    scheduler = socket_handler = workers = None
    signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        services = build_services(settings, engine)
        slack_app = None
        if settings.slack_configured:
            verify_slack(settings, services.gateway)
            slack_app = build_slack_app(services)
        else:
            if settings.ignored_app_token:
                print(f"escalation-bot: {IGNORED_APP_TOKEN}", file=sys.stderr)
            print(OFFLINE_NOTICE.format(port=settings.port), file=sys.stderr)
        health.slack_mode = "http" if slack_app is not None else "offline"
        if slack_app is not None and settings.socket_mode:
            socket_handler = connect_socket_mode(slack_app, settings)
            health.slack_mode = "socket"
            health.socket_connected = socket_handler.client.is_connected
            slack_app = None  # Socket Mode carries Slack's requests; HTTP serves health only
        if health.slack_mode != "offline":
            from bot.membership import ensure_memberships_in_background
            from bot.scheduler import start_delivery

            workers = start_delivery(services)
            ensure_memberships_in_background(services)
        if runs_scheduler:
            scheduler = start_scheduler_reporting(services, health)
        health.ready = True
        application.ready(make_wsgi_app(engine, slack_app, health=health, traffic=services.traffic))
        keep_start_up_out_of_collections()
        served = {
            "socket": "Slack over Socket Mode",
            "http": "Slack requests at /slack/events",
        }.get(health.slack_mode, "offline, no Slack requests")
        log.info("listening on port %s (%s, health at /healthz)", settings.port, served)
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


def start_scheduler_reporting(services: Services, health: HealthState) -> Any:
    """The scheduler, each finished tick noted for /healthz."""
    from apscheduler.events import EVENT_JOB_EXECUTED

    from bot.scheduler import start_scheduler

    scheduler = start_scheduler(services)
    scheduler.add_listener(lambda _event: health.ticked(), EVENT_JOB_EXECUTED)
    return scheduler


def keep_start_up_out_of_collections() -> None:
    """Leave what start-up built out of Python's cycle collections for the process's life.

    Models, Bolt with its listeners, slack_sdk and the settings are about 120 000 objects
    that live as long as the process. Every full collection walked them all: a pause of
    about 60 ms for every request in flight, the slowest acks under load. None of them is
    garbage, so exempting them frees nothing that would have been freed.
    """
    gc.collect()
    gc.freeze()


def _run_quietly(server: MultiSocketServer | BaseWSGIServer) -> None:
    # close() from the main thread ends waitress's loop with an OSError on the closed socket.
    with contextlib.suppress(OSError):
        server.run()


def _exit_quietly(*_args: object) -> None:
    raise SystemExit(0)


def worker(settings: Settings) -> None:
    """The scheduler alone, for running it as its own process."""
    from bot.scheduler import start_delivery, start_scheduler

    if not settings.slack_configured:
        _fail("the worker sends Slack messages: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET")
    engine = prepare_database(settings, migrate=False)
    services = build_services(settings, engine)
    verify_slack(settings, services.gateway)
    workers = start_delivery(services)
    scheduler = start_scheduler(services)
    keep_start_up_out_of_collections()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with contextlib.suppress(KeyboardInterrupt):
        done.wait()
    scheduler.shutdown(wait=True)
    workers.stop()


def check(settings: Settings, manifest: str | None) -> None:
    """Print the checklist of `bot.operations.check`; exit 1 when something is wrong."""
    from bot.clock import SystemClock
    from bot.delivery.gateway import SlackGateway, make_client
    from bot.operations.check import Checker, Status, find_manifest, render

    token = settings.slack_bot_token
    gateway = (
        SlackGateway(make_client(token.get_secret_value(), settings.slack_api_url))
        if token
        else None
    )
    findings = Checker(
        settings, gateway=gateway, manifest=find_manifest(manifest), now=SystemClock().now
    ).run()
    print(render(findings))
    raise SystemExit(1 if any(f.status is Status.FAIL for f in findings) else 0)


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
    check_parser = sub.add_parser(
        "check", help="check Slack, the scopes, channels, people and the database; exit 1 if wrong"
    )
    check_parser.add_argument(
        "--manifest", help="the app manifest to compare scopes with (default: ./manifest.yaml)"
    )
    args = parser.parse_args(argv)
    settings = load_settings()
    configure_logging(settings.log_format)
    if args.command == "sandbox" or (args.command == "serve" and not settings.slack_configured):
        from bot.sandbox.run import run_sandbox

        if settings.ignored_app_token:
            print(f"escalation-bot: {IGNORED_APP_TOKEN}", file=sys.stderr)
        run_sandbox(settings)
    elif args.command == "serve":
        serve(settings, with_scheduler=not args.no_scheduler)
    elif args.command == "worker":
        worker(settings)
    elif args.command == "check":
        check(settings, args.manifest)
    else:
        prepare_database(settings, migrate=True)
        print("database is up to date")


if __name__ == "__main__":
    main()
