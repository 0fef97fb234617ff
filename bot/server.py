"""HTTP: Slack's requests at POST /slack/events, and GET /healthz for the platform."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine, text

SLACK_PATH = "/slack/events"
NOT_CONFIGURED = (
    "Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (see README)."
)

StartResponse = Callable[..., Any]


def make_wsgi_app(engine: Engine, slack_app: App | None) -> Callable[..., Iterable[bytes]]:
    slack_handler = SlackRequestHandler(slack_app, path=SLACK_PATH) if slack_app else None

    def respond(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
        payload = json.dumps(body).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        )
        return [payload]

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except Exception as error:
                return respond(
                    start_response,
                    "503 Service Unavailable",
                    {"ok": False, "database": str(error)[:200]},
                )
            return respond(
                start_response,
                "200 OK",
                {"ok": True, "database": "ok", "slack": slack_app is not None},
            )
        if path == SLACK_PATH:
            if slack_handler is None:
                return respond(
                    start_response,
                    "503 Service Unavailable",
                    {"ok": False, "error": NOT_CONFIGURED},
                )
            return slack_handler(environ, start_response)
        return respond(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return application
