"""HTTP: Slack's requests at POST /slack/events, and GET /healthz for the platform."""

from __future__ import annotations

import binascii
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import unquote_plus

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine

from bot.delivery.traffic import AckTraffic
from bot.operations.health import HealthState
from bot.operations.health import report as health_report

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
NOT_CONFIGURED = (
    "Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (see README)."
)

OVER_SOCKET_MODE = "Slack's requests arrive over Socket Mode (SLACK_APP_TOKEN), not over HTTP."

StartResponse = Callable[..., Any]
Headers = dict[str, str | Sequence[str]]


def read_body(body: str, content_type: str) -> tuple[dict[str, Any], str | None]:
    """The body as Bolt reads it, and why it is not something Slack sends (None if it is).

    JSON for events, a form whose `payload` is JSON for interactions, a plain form for
    slash commands. Checks only the envelope Bolt and the listeners rely on. Unlike Bolt,
    a slash command whose text holds the word "payload" keeps its form: Bolt takes any such
    body for an interaction and reads it as empty, so the command would go unanswered.
    Raises `_Malformed` when there is no dict to read at all.
    """
    if content_type.startswith("application/json") or body.startswith("{"):
        envelope = _json(body, "the body")
        return envelope, _event_problem(envelope)
    form = form_fields(body)
    if "payload" not in form:
        return form, None  # a slash command or an SSL check
    payload = _json(form["payload"], "`payload`")
    return payload, _interaction_problem(payload)


def form_fields(body: str) -> dict[str, str]:
    """`dict(parse_qsl(body, keep_blank_values=True))`, about 25 times faster on what Slack
    sends. An interaction's `payload` is its whole view or message, URL-encoded: 20 to 30 KB
    in which nearly every JSON character is a %XX escape, and urllib decodes those in a
    Python loop, a millisecond and more of every click's and every submission's CPU."""
    fields: dict[str, str] = {}
    for pair in body.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            fields[_unquote_plus(name)] = _unquote_plus(value)
    return fields


def _unquote_plus(value: str) -> str:
    # Form encoding is quoted-printable with % for = and + for a space, and binascii decodes
    # quoted-printable in C. What the two read differently goes to urllib: a raw "=",
    # space or control character, anything not ASCII, and a % that starts no escape
    # (urllib keeps it as it is; binascii too, so the result comes out longer).
    if "=" in value or " " in value or not (value.isascii() and value.isprintable()):
        return unquote_plus(value)
    encoded = value.replace("+", " ").replace("%", "=").encode()
    decoded = binascii.a2b_qp(encoded)
    if len(decoded) != len(encoded) - 2 * encoded.count(b"="):
        return unquote_plus(value)
    return decoded.decode(errors="replace")


class _Malformed(ValueError):
    pass


def _json(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise _Malformed(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise _Malformed(f"{what} is JSON {type(value).__name__}, not an object")
    return value


def _has(parent: dict[str, Any], key: str, kind: type) -> bool:
    return isinstance(parent.get(key), kind)


def _event_problem(envelope: dict[str, Any]) -> str | None:
    if not _has(envelope, "type", str):
        return "no `type`"
    if envelope["type"] == "event_callback" and not (
        _has(envelope, "event", dict) and _has(envelope["event"], "type", str)
    ):
        return "an event_callback without an `event` object with a `type`"
    return None


def _interaction_problem(payload: dict[str, Any]) -> str | None:
    kind = payload.get("type")
    if not isinstance(kind, str):
        return "a payload without `type`"
    if not (_has(payload, "user", dict) and _has(payload["user"], "id", str)):
        return f"a {kind} payload without `user.id`"
    if kind == "block_actions":
        actions = payload.get("actions")
        if not (isinstance(actions, list) and actions):
            return "block_actions with no `actions`"
        if not all(isinstance(a, dict) and _has(a, "action_id", str) for a in actions):
            return "block_actions with an action lacking `action_id`"
    if kind in ("view_submission", "view_closed"):
        view = payload.get("view")
        if not (isinstance(view, dict) and _has(view, "callback_id", str)):
            return f"a {kind} without a `view` with a `callback_id`"
        if kind == "view_submission" and not (
            _has(view, "state", dict) and _has(view["state"], "values", dict)
        ):
            return "a view_submission without `view.state.values`"
    return None


def _signing_secret(slack_app: App) -> str | None:
    # Bolt keeps it to itself; the same secret its own verification middleware uses.
    secret = getattr(slack_app, "_signing_secret", None)
    return secret if isinstance(secret, str) and secret else None


class _ReadRequest(BoltRequest):
    """A request whose body was already read: Bolt's own constructor would parse it again,
    and a view submission's URL-encoded view costs about a millisecond of CPU to parse."""

    def __init__(self, raw: str, body: dict[str, Any], query: str, headers: Headers) -> None:
        super().__init__(body="", query=query, headers=headers)
        self.raw_body = raw  # what the signature covers
        self.body = body
        self.context = build_context(BoltContext({}), body)


class SlackRequests(SlackRequestHandler):
    """Bolt's WSGI adapter, reading each body once. A correctly signed body that is not what
    Slack sends is refused with 400 and one log line, instead of a traceback from inside
    Bolt; an unsigned one gets Bolt's 401."""

    def __init__(self, app: App, verifier: SignatureVerifier | None) -> None:
        super().__init__(app, path=SLACK_PATH)
        self.verifier = verifier

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        environ = request.environ
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = request.get_headers()
        problem: str | None
        try:
            text = raw.decode()
            body, problem = read_body(text, str(headers.get("content-type") or ""))
        except UnicodeDecodeError:
            text, problem = raw.decode(errors="replace"), "the body is not UTF-8"
        except _Malformed as error:
            problem = str(error)
        if problem is not None:
            return self._refuse(text, headers, len(raw), problem)
        return self.app.dispatch(_ReadRequest(text, body, request.query_string, headers))

    def _refuse(self, text: str, headers: Headers, size: int, problem: str) -> BoltResponse:
        signed = self.verifier is not None and self.verifier.is_valid(
            text,
            str(headers.get("x-slack-request-timestamp") or "0"),
            str(headers.get("x-slack-signature") or ""),
        )
        if not signed:
            return _json_response(401, {"error": "invalid request"})
        log.warning("refused a signed Slack request (%d bytes): %s", size, problem)
        return _json_response(400, {"ok": False, "error": "malformed Slack request"})


def _json_response(status: int, body: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=status, body=json.dumps(body), headers={"content-type": "application/json"}
    )


def make_wsgi_app(
    engine: Engine,
    slack_app: App | None,
    *,
    signing_secret: str | None = None,
    traffic: AckTraffic | None = None,
    health: HealthState | None = None,
) -> Callable[..., Iterable[bytes]]:
    """`health`: what this process reports at /healthz (by default only the database and
    whether Slack's requests are served)."""
    health = health or HealthState(slack_mode="http" if slack_app else "offline")
    slack_handler = None
    if slack_app is not None:
        secret = signing_secret or _signing_secret(slack_app)
        slack_handler = SlackRequests(slack_app, SignatureVerifier(secret) if secret else None)

    def respond(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
        payload = json.dumps(body).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        )
        return [payload]

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            healthy, report = health_report(engine, health)
            status = "200 OK" if healthy else "503 Service Unavailable"
            return respond(start_response, status, report)
        if path == SLACK_PATH:
            if slack_handler is None:
                why = OVER_SOCKET_MODE if health.slack_mode == "socket" else NOT_CONFIGURED
                return respond(
                    start_response, "503 Service Unavailable", {"ok": False, "error": why}
                )
            if traffic is None:
                return slack_handler(environ, start_response)
            with traffic.request():
                return slack_handler(environ, start_response)
        return respond(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return application
