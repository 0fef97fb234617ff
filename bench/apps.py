"""The apps every measure compares: the bot as `escalation-bot serve` builds it, and a
bare Bolt app (one command and one view listener that only ack) served the same way.

`python -m bench.apps bare` runs the bare app as a process (for start-up and memory), on
PORT, with the same waitress settings as `bot/cli.py`. `python -m bench.apps bare-modal` is
the same app whose command, after its ack, opens the bot's `/escalate sev1` form with
views.open, as any Bolt app opening a form does: the slash command's second reference.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-test-token"  # what the stand-in accepts
OPEN_CALLBACK_ID = "open_escalation"  # blocks/open_modal.py CALLBACK_ID


def bare_slack_app(api_url: str, *, opens_modal: bool = False) -> Any:
    from slack_bolt import Ack, App
    from slack_sdk import WebClient

    app = App(
        client=WebClient(token=BOT_TOKEN, base_url=api_url),
        signing_secret=SIGNING_SECRET,
        process_before_response=False,
    )

    if opens_modal:
        open_form = _form_opener()

        @app.command("/escalate")
        def command_opening_the_form(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
            ack()
            open_form(command, client)

    else:
        # Asks Bolt for nothing but `ack`: the reference pays for no other argument.
        @app.command("/escalate")
        def command(ack: Ack) -> None:
            ack()

    @app.view(OPEN_CALLBACK_ID)
    def view(ack: Ack) -> None:
        ack()

    return app


def _form_opener() -> Callable[[dict[str, Any], Any], None]:
    """Opens the form the bot opens for `/escalate sev1 <customer>`, from the same rendering.
    Imported only here, so the plain bare app's memory and start-up stay Bolt's alone."""
    from blocks.open_modal import open_escalation_view
    from bot.domain import Severity

    def open_form(command: dict[str, Any], client: Any) -> None:
        customer = command["text"].partition(" ")[2]
        view = open_escalation_view(Severity.SEV1, customer=customer, opener=command["user_id"])
        client.views_open(trigger_id=command["trigger_id"], view=view)

    return open_form


def bare_wsgi(slack_app: Any) -> Callable[..., Iterable[bytes]]:
    """Bolt's WSGI adapter behind the same two paths as bot/server.py, without a database."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    handler = SlackRequestHandler(slack_app, path="/slack/events")

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"ok": true}']
        return handler(environ, start_response)

    return application


@dataclass
class Served:
    """An app on a loopback port: served by waitress from a daemon thread, or a process
    (`pid`)."""

    url: str
    server: Any = None
    thread: threading.Thread | None = None
    on_stop: Callable[[], None] | None = None
    pid: int | None = None

    def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        if self.thread is not None:
            self.thread.join(timeout=5)
        if self.on_stop is not None:
            self.on_stop()


def serve(
    application: Callable[..., Iterable[bytes]], on_stop: Callable[[], None] | None = None
) -> Served:
    from waitress import create_server

    # bot/cli.py calls create_server(app, host=..., port=...): waitress's defaults (4 threads).
    server = create_server(application, host="127.0.0.1", port=0)

    def run() -> None:
        with contextlib.suppress(OSError):
            server.run()

    thread = threading.Thread(target=run, daemon=True, name="bench-waitress")
    thread.start()
    return Served(f"http://127.0.0.1:{server.effective_port}", server, thread, on_stop)


def serve_bare(api_url: str) -> Served:
    from bot.db import make_engine
    from bot.server import make_wsgi_app

    # Same adapter as the bot (bot/server.py), so only the listeners differ; the engine only
    # backs /healthz and is never touched by the Slack path.
    engine = make_engine("sqlite://")
    return serve(make_wsgi_app(engine, bare_slack_app(api_url)), engine.dispose)


def bot_settings(api_url: str, database_url: str, **values: Any) -> Any:
    from bot.settings import Settings

    return Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api_url,
        database_url=database_url,
        **values,
    )


def build_bot(settings: Any) -> tuple[Any, Any, Any]:
    """(engine, services, Bolt app) exactly as `escalation-bot serve` builds them.

    If start-up grows new steps (background delivery workers), add them here.
    """
    from bot.cli import build_services, prepare_database
    from bot.slack.app import build_app

    engine = prepare_database(settings, migrate=True)
    services = build_services(settings, engine)
    return engine, services, build_app(services)


def serve_bot(settings: Any) -> Served:
    """The bot as `escalation-bot serve --no-scheduler` runs it: its delivery workers publish
    what the listeners saved, on their own threads, while the acks are measured."""
    from bot.scheduler import start_delivery
    from bot.server import make_wsgi_app

    engine, services, app = build_bot(settings)
    workers = start_delivery(services)

    def stop() -> None:
        workers.stop()
        engine.dispose()

    return serve(make_wsgi_app(engine, app, traffic=services.traffic), stop)


def serve_process(command: list[str], env: dict[str, str], cwd: str, bound: float = 30.0) -> Served:
    """`command` as its own process (as it is deployed: its own interpreter, Slack's work
    elsewhere), served once a signed `/escalate help` gets a 200."""
    import signal
    import subprocess
    import time

    from bench.signed import post_signed, slash_body

    url = f"http://127.0.0.1:{env['PORT']}"
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    body = slash_body("help", user="UPM00001", channel="C0001", trigger_id="t", response_url="")
    started = time.monotonic()
    while time.monotonic() - started < bound:
        if process.poll() is not None:
            raise RuntimeError(f"{command} exited with {process.returncode}")
        with contextlib.suppress(OSError):
            if post_signed(url, body, timeout=bound)[0] == 200:
                break
        time.sleep(0.02)
    else:
        process.kill()
        raise RuntimeError(f"{command} did not answer within {bound} s")

    def stop() -> None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    return Served(url, on_stop=stop, pid=process.pid)


def _serve_bare_forever(opens_modal: bool) -> None:
    from waitress import serve as waitress_serve

    app = bare_wsgi(bare_slack_app(os.environ["SLACK_API_URL"], opens_modal=opens_modal))
    waitress_serve(app, host="0.0.0.0", port=int(os.environ["PORT"]), _quiet=True)


if __name__ == "__main__" and sys.argv[1:] in (["bare"], ["bare-modal"]):
    _serve_bare_forever(opens_modal=sys.argv[1] == "bare-modal")
