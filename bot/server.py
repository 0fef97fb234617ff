"""HTTP: Slack's requests at POST /slack/events, and GET /healthz for the platform."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
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


def what_is_wrong(body: str, content_type: str) -> str | None:
    """Why a (signed) request body is not something Slack sends, or None when it looks right.

    Checks only the envelope Bolt and the listeners rely on, the way Bolt reads the body:
    JSON for events, a form whose `payload` is JSON for interactions, a plain form for
    slash commands.
    """
    if content_type.startswith("application/json") or body.startswith("{"):
        return _event_problem(_json(body, "the body"))
    form = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" not in form:
        return None  # a slash command or an SSL check: Bolt reads the form as it is
    return _interaction_problem(_json(form["payload"], "`payload`"))


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
    slack_handler = SlackRequestHandler(slack_app, path=SLACK_PATH) if slack_app else None
    secret = signing_secret or (_signing_secret(slack_app) if slack_app else None)
    verifier = SignatureVerifier(secret) if secret else None

    def respond(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
        payload = json.dumps(body).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        )
        return [payload]

    def refusal(environ: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        """Read the body once (and put it back for Bolt); a signed body that is not what
        Slack sends is refused with 400, an unsigned unreadable one with Bolt's 401."""
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(raw)
        problem: str | None
        try:
            body = raw.decode()
        except UnicodeDecodeError:
            body, problem = raw.decode(errors="replace"), "the body is not UTF-8"
        else:
            try:
                problem = what_is_wrong(body, environ.get("CONTENT_TYPE") or "")
            except _Malformed as error:
                problem = str(error)
        if problem is None or verifier is None:
            return None
        signed = verifier.is_valid(
            body,
            environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "0",
            environ.get("HTTP_X_SLACK_SIGNATURE") or "",
        )
        if not signed:
            return "401 Unauthorized", {"error": "invalid request"}
        log.warning("refused a signed Slack request (%d bytes): %s", len(raw), problem)
        return "400 Bad Request", {"ok": False, "error": "malformed Slack request"}

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
            if method == "POST" and (refused := refusal(environ)) is not None:
                return respond(start_response, *refused)
            if traffic is None:
                return slack_handler(environ, start_response)
            with traffic.request():
                return slack_handler(environ, start_response)
        return respond(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return application
