"""The bot as Slack sees it: the real WSGI app on a real port, driven by signed requests.

Slack's Web API is the stand-in in `bot/sandbox/workspace.py` (re-exported by
`tests/slack_standin.py`); the bot is pointed at it with the SLACK_API_URL setting, like any
other deployment.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from slack_bolt import App
from waitress.server import create_server

from bot.clock import ManualClock
from bot.db import make_engine, make_session_factory
from bot.delivery.gateway import SlackGateway, make_client
from bot.delivery.runner import deliver_due
from bot.runtime import Services
from bot.scheduler import REGISTRY, tick
from bot.server import make_wsgi_app
from bot.settings import Settings
from bot.slack.app import build_app
from tests.slack_standin import SlackStandIn
from tests.world import build_world

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"


@dataclass
class HttpAnswer:
    status: int
    body: str

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    """Slack's v0 request signature."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


# Slack gives an ack 3 s; Bolt enforces that by answering 404 when a listener has not acked
# by then. On a loaded test machine (CI, or engineers running suites side by side) a correct
# listener sometimes took longer, and a test about behaviour failed on timing. How fast the
# bot acks is measured by `python -m bench.ack`; tests that matter for it (a slow or
# rate-limited Slack before an ack) assert what was done, e.g. one brief try per lookup.
TEST_ACK_TIMEOUT = 20


def allow_slow_acks(app: App) -> None:
    for listener in app._listeners:  # Bolt has no public setting for non-function listeners
        listener.ack_timeout = TEST_ACK_TIMEOUT


class DrainableExecutor(ThreadPoolExecutor):
    """Bolt's listener pool (and the modal openers'), with a way to wait until every listener
    has finished.

    Listeners ack first and keep working after Slack has its answer; tests wait for that
    work here instead of sleeping or polling.
    """

    def __init__(self, after_drain: Callable[[], object] | None = None) -> None:
        super().__init__(max_workers=8, thread_name_prefix="bolt-listener")
        self._futures: list[Future] = []
        self._futures_lock = threading.Lock()
        # What the listeners queued in the ledger is delivered here, in the test's thread,
        # as the delivery workers would do it in production.
        self.after_drain = after_drain

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        future = super().submit(fn, *args, **kwargs)
        with self._futures_lock:
            self._futures.append(future)
        return future

    def drain(self, timeout: float = 30) -> None:
        while True:
            with self._futures_lock:
                pending = [f for f in self._futures if not f.done()]
                self._futures = pending
            if not pending:
                if self.after_drain is not None:
                    self.after_drain()
                return
            done, not_done = wait(pending, timeout=timeout)
            assert not not_done, "listeners still running after the timeout"
            for future in done:
                future.result()  # surface a listener's exception in the test


class BotHarness:
    """Starts the bot's HTTP server against the stand-in; sends it what Slack would send."""

    def __init__(
        self, database_url: str, standin: SlackStandIn, clock: ManualClock, **overrides: Any
    ) -> None:
        self.standin = standin
        self.clock = clock
        self.world = build_world(standin)
        values: dict[str, Any] = {
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": standin.base_url,
            "database_url": database_url,
            "leadership_user_ids": [self.world.leader],
            "director_ps_user_id": self.world.director,
            "default_timezone": "America/New_York",
        }
        values.update(overrides)
        self.setting_values = values  # what another process needs to be this same bot
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
        self.listeners = DrainableExecutor(after_drain=self.deliver)
        # Modals open on the same drained pool: a test waits for them as for listeners.
        self.services.modal_openers = self.listeners
        self.app = build_app(self.services, listener_executor=self.listeners)
        allow_slow_acks(self.app)
        self.server = create_server(
            make_wsgi_app(self.engine, self.app),
            host="127.0.0.1",
            port=0,
            threads=4,
            # waitress notices close() at its next poll: 1 s by default, every teardown.
            asyncore_loop_timeout=0.02,
        )
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        # Closing the listening socket from stop() ends waitress's loop with an OSError.
        with contextlib.suppress(OSError):
            self.server.run()

    def stop(self) -> None:
        self.listeners.drain()
        self.listeners.shutdown()
        self.server.close()
        self._thread.join(timeout=5)
        self.services.gateway.close()
        self.engine.dispose()

    # -- raw HTTP -----------------------------------------------------------------------------

    def http(
        self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
    ) -> HttpAnswer:
        request = urllib.request.Request(
            self.url + path,
            data=body.encode() if body else None,
            method=method,
            headers=headers or {},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return HttpAnswer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return HttpAnswer(error.code, error.read().decode())

    def signed_post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SIGNING_SECRET,
        drain: bool = True,
    ) -> HttpAnswer:
        """POST as Slack does; with `drain`, returns once the listeners' work is done too."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        answer = self.http(
            "POST",
            "/slack/events",
            body,
            {
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": str(timestamp),
                "X-Slack-Signature": sign(body, timestamp, secret),
            },
        )
        if drain:
            self.listeners.drain()
        return answer

    # -- what Slack sends ---------------------------------------------------------------------

    def slash(
        self,
        text: str,
        *,
        user: str | None = None,
        channel: str | None = None,
        command: str = "/escalate",
        drain: bool = True,
    ) -> tuple[HttpAnswer, str, str]:
        """Run a slash command; returns the HTTP answer, its trigger_id and its response_url."""
        trigger_id, response_url = self.standin.new_trigger_id(), self.standin.new_response_url()
        body = urlencode(
            {
                "token": "legacy",
                "team_id": "T0001",
                "team_domain": "example",
                "channel_id": channel or self.world.internal_channel,
                "channel_name": "proj",
                "user_id": user or self.world.pm,
                "user_name": "pat.pm",
                "command": command,
                "text": text,
                "api_app_id": "A0001",
                "response_url": response_url,
                "trigger_id": trigger_id,
            }
        )
        answer = self.signed_post(body, "application/x-www-form-urlencoded", drain=drain)
        return answer, trigger_id, response_url

    def interact(self, payload: dict[str, Any], *, drain: bool = True) -> HttpAnswer:
        payload.setdefault("team", {"id": "T0001", "domain": "example"})
        payload.setdefault("api_app_id", "A0001")
        payload.setdefault("token", "legacy")
        body = urlencode({"payload": json.dumps(payload)})
        return self.signed_post(body, "application/x-www-form-urlencoded", drain=drain)

    def submit_view(
        self,
        view: dict[str, Any],
        values: dict[str, Any],
        *,
        user: str | None = None,
        drain: bool = True,
    ) -> HttpAnswer:
        submitted = dict(view, state={"values": values})
        return self.interact(
            {
                "type": "view_submission",
                "user": {"id": user or self.world.pm, "name": "someone", "team_id": "T0001"},
                "view": submitted,
                "trigger_id": self.standin.new_trigger_id(),
            },
            drain=drain,
        )

    def click(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        channel: str | None = None,
        message_ts: str | None = None,
        block_id: str = "b",
    ) -> HttpAnswer:
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "name": "someone", "team_id": "T0001"},
            "trigger_id": self.standin.new_trigger_id(),
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": block_id,
                    "value": value,
                    "type": "button",
                    "text": {"type": "plain_text", "text": action_id},
                    "action_ts": str(time.time()),
                }
            ],
        }
        if channel:
            payload["channel"] = {"id": channel, "name": "c"}
            payload["container"] = {
                "type": "message",
                "channel_id": channel,
                "message_ts": message_ts,
                "is_ephemeral": False,
            }
            payload["message"] = {"ts": message_ts, "type": "message"}
        return self.interact(payload)

    def event(self, event: dict[str, Any]) -> HttpAnswer:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": "T0001",
                "api_app_id": "A0001",
                "type": "event_callback",
                "event_id": f"Ev{time.time_ns()}",
                "event_time": int(time.time()),
                "event": event,
            }
        )
        return self.signed_post(body, "application/json")

    # -- the scheduler, driven by hand ---------------------------------------------------------

    def deliver(self) -> int:
        """Deliver every ledger row due now, as the delivery workers would."""
        return deliver_due(self.services, REGISTRY)

    def tick_at(self, instant: datetime) -> int:
        self.clock.set(instant)
        return tick(self.services)
