"""Bolt's listener runner as the bot runs it: Slack is answered the moment a listener acks,
and what the listener does after that (work, or an error) never changes the answer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot.slack.app import AckFirstApp
from tests.slack_standin import SlackStandIn


@pytest.fixture(scope="module")
def slack() -> Iterator[WebClient]:
    # Bolt asks auth.test who the bot is before the first listener runs.
    with SlackStandIn() as standin:
        yield WebClient(token="xoxb-test-token", base_url=standin.base_url)


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(4) as executor:
        yield executor


@pytest.fixture
def app(slack: WebClient, pool: ThreadPoolExecutor) -> AckFirstApp:
    return AckFirstApp(
        client=slack,
        token_verification_enabled=False,
        request_verification_enabled=False,
        process_before_response=False,
        listener_executor=pool,
    )


def _command(text: str = "") -> BoltRequest:
    body = urlencode(
        {
            "command": "/escalate",
            "text": text,
            "user_id": "U1",
            "team_id": "T1",
            "channel_id": "C1",
            "trigger_id": "1.2.3",
            "response_url": "https://hooks.example/1",
        }
    )
    return BoltRequest(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]})


def test_the_ack_is_answered_while_the_listener_is_still_working(app: AckFirstApp) -> None:
    go_on, finished = threading.Event(), threading.Event()

    @app.command("/escalate")
    def listener(ack: Ack) -> None:
        ack(text="on it")
        go_on.wait(10)
        finished.set()

    answer = app.dispatch(_command())
    assert (answer.status, answer.body) == (200, "on it")
    assert not finished.is_set()  # answered before the work after the ack was done
    go_on.set()
    assert finished.wait(10)


def test_an_error_after_the_ack_keeps_the_ack_and_reaches_the_error_handler(
    app: AckFirstApp,
) -> None:
    handled: list[tuple[str, BoltResponse | None]] = []
    done = threading.Event()

    @app.error
    def on_error(error: Exception, response: BoltResponse | None) -> None:
        handled.append((str(error), response))
        done.set()

    go_on = threading.Event()

    @app.command("/escalate")
    def listener(ack: Ack) -> None:
        ack()
        go_on.wait(10)
        raise RuntimeError("refused after the ack")

    answer = app.dispatch(_command())
    go_on.set()
    assert done.wait(10)
    assert answer.status == 200
    assert handled == [("refused after the ack", None)]


def test_an_error_before_the_ack_is_answered_with_what_the_error_handler_made_of_it(
    app: AckFirstApp,
) -> None:

    @app.error
    def on_error(error: Exception, response: BoltResponse | None) -> None:
        assert response is not None
        response.status, response.body = 200, f"told: {error}"

    @app.command("/escalate")
    def listener(ack: Ack) -> None:
        raise RuntimeError("not allowed")

    answer = app.dispatch(_command())
    assert (answer.status, answer.body) == (200, "told: not allowed")


def test_an_error_before_the_ack_without_a_handler_is_a_500(app: AckFirstApp) -> None:

    @app.command("/escalate")
    def listener(ack: Ack) -> None:
        raise RuntimeError("broken")

    assert app.dispatch(_command()).status == 500


def test_a_listener_that_never_acks_leaves_the_request_unanswered(app: AckFirstApp) -> None:
    release = threading.Event()

    @app.command("/escalate")
    def listener(ack: Ack) -> None:
        release.wait(10)

    for registered in app._listeners:  # Bolt has no public setting for non-function listeners
        registered.ack_timeout = 0.05  # type: ignore[assignment]
    try:
        assert app.dispatch(_command()).status == 404  # Bolt's answer to an unhandled request
    finally:
        release.set()
