"""A listener marked `acks_last` runs on the request's own thread; the others on the pool."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, BoltRequest
from slack_bolt.authorization import AuthorizeResult

from bot.slack.acking import acks_last
from bot.slack.app import AckFirstApp


def an_app(pool: ThreadPoolExecutor) -> AckFirstApp:
    return AckFirstApp(
        # Told who it is, so it never asks Slack (auth.test) before dispatching.
        authorize=lambda **_kwargs: AuthorizeResult(
            enterprise_id=None, team_id="T0001", bot_token="xoxb-test", bot_user_id="UBOT"
        ),
        signing_secret="unused",
        request_verification_enabled=False,
        token_verification_enabled=False,
        listener_executor=pool,
    )


def submission(callback_id: str) -> BoltRequest:
    payload = {
        "type": "view_submission",
        "team": {"id": "T0001"},
        "user": {"id": "U0001", "team_id": "T0001"},
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": callback_id,
            "state": {"values": {}},
        },
    }
    return BoltRequest(body=f"payload={json.dumps(payload)}", headers={})


def test_a_listener_that_acks_last_answers_from_the_requests_thread() -> None:
    ran_on: dict[str, threading.Thread] = {}
    with ThreadPoolExecutor(2, thread_name_prefix="listener-pool") as pool:
        app = an_app(pool)

        @app.view("marked")
        @acks_last
        def marked(ack: Ack) -> None:
            ran_on["marked"] = threading.current_thread()
            ack(response_action="clear")

        @app.view("plain")
        def plain(ack: Ack) -> None:
            ran_on["plain"] = threading.current_thread()
            ack(response_action="clear")

        for callback_id in ("marked", "plain"):
            answer = app.dispatch(submission(callback_id))
            assert answer.status == 200
            assert json.loads(answer.body) == {"response_action": "clear"}
    assert ran_on["marked"] is threading.current_thread()
    assert ran_on["plain"].name.startswith("listener-pool")


def test_a_marked_listener_that_fails_before_its_ack_gets_slack_an_error_at_once() -> None:
    told: list[Exception] = []
    with ThreadPoolExecutor(1) as pool:
        app = an_app(pool)

        @app.error
        def remember(error: Exception, **_kwargs: Any) -> None:
            told.append(error)

        @app.view("marked")
        @acks_last
        def marked(ack: Ack) -> None:
            raise RuntimeError("before the ack")

        answer = app.dispatch(submission("marked"))
    assert answer.status == 500
    assert [str(error) for error in told] == ["before the ack"]
