"""What Slack sends: signed slash commands and view submissions, posted over loopback."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
from typing import Any
from urllib.parse import urlencode, urlparse

from bench.apps import SIGNING_SECRET


def slash_body(text: str, *, user: str, channel: str, trigger_id: str, response_url: str) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": "T0001",
            "team_domain": "example",
            "channel_id": channel,
            "channel_name": "proj",
            "user_id": user,
            "user_name": "pat.pm",
            "command": "/escalate",
            "text": text,
            "api_app_id": "A0001",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def submission_body(
    view: dict[str, Any], values: dict[str, Any], *, user: str, trigger_id: str
) -> str:
    payload = {
        "type": "view_submission",
        "team": {"id": "T0001", "domain": "example"},
        "api_app_id": "A0001",
        "token": "legacy",
        "user": {"id": user, "name": "someone", "team_id": "T0001"},
        "view": dict(view, state={"values": values}),
        "trigger_id": trigger_id,
    }
    return urlencode({"payload": json.dumps(payload)})


def post_signed(url: str, body: str, timeout: float = 30) -> tuple[int, float]:
    """POST to /slack/events on a new connection, as Slack does; (status, seconds)."""
    timestamp = str(int(time.time()))
    base = f"v0:{timestamp}:{body}".encode()
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    target = urlparse(url)
    started = time.perf_counter()
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=timeout)
    try:
        connection.request(
            "POST",
            "/slack/events",
            body.encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": signature,
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()
