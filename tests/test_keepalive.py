"""The bot's WebClient keeps connections to Slack open, and answers as slack_sdk's own does."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery import keepalive
from bot.delivery.gateway import SlackGateway, SlackProblem, make_client
from bot.delivery.keepalive import KeepAliveWebClient
from tests.slack_standin import SlackStandIn

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        running.add_channel("ps-project-leadership", channel_id="C0LEADERS", bot_member=True)
        yield running


def post(client: WebClient, text: str = "hello") -> Any:
    return client.chat_postMessage(channel="C0LEADERS", text=text)


def test_calls_in_a_row_share_one_connection(standin: SlackStandIn) -> None:
    client = make_client(standin.bot_token, standin.base_url)
    for n in range(5):
        assert post(client, f"message {n}")["ok"]
    assert standin.connections_accepted == 1
    assert len(standin.calls_to("chat.postMessage")) == 5


def test_concurrent_callers_each_get_a_connection_and_reuse_it(standin: SlackStandIn) -> None:
    client = make_client(standin.bot_token, standin.base_url)
    answered: list[bool] = []
    lock = threading.Lock()

    def caller() -> None:
        for _ in range(10):
            ok = bool(client.auth_test()["ok"])
            with lock:
                answered.append(ok)

    threads = [threading.Thread(target=caller) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answered == [True] * 60
    assert 1 <= standin.connections_accepted <= 6


def test_a_connection_the_server_closed_while_idle_is_not_reused(
    standin: SlackStandIn,
) -> None:
    # Without retries, as the gateway posts: a call sent on the dead connection would fail.
    client = KeepAliveWebClient(
        token=standin.bot_token, base_url=standin.base_url, retry_handlers=[]
    )
    assert post(client, "before")["ok"]
    standin.drop_connections()
    # Not an error, not sent twice: the closed connection is noticed before it carries a call.
    assert post(client, "after")["ok"]
    assert [c.args["text"] for c in standin.calls_to("chat.postMessage")] == ["before", "after"]
    assert standin.connections_accepted == 2


def test_a_connection_idle_too_long_is_not_reused(
    standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keepalive, "MAX_IDLE", 0.0)
    client = make_client(standin.bot_token, standin.base_url)
    for _ in range(3):
        assert client.auth_test()["ok"]
    assert standin.connections_accepted == 3


def test_a_stopped_slack_answers_nothing_on_a_kept_connection() -> None:
    standin = SlackStandIn().start()
    gateway = SlackGateway(make_client(standin.bot_token, standin.base_url))
    assert gateway.identity().user_id == standin.bot_user_id
    standin.stop()
    with pytest.raises(SlackProblem) as raised:
        gateway.identity()
    assert raised.value.code == "connection_error"


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 429, "retry_after": 7},
        {"status": 500},
        {"status": 503, "error": "service_unavailable"},
        {"error": "channel_not_found"},
    ],
    ids=["429", "500", "503", "200-not-ok"],
)
def test_refusals_read_as_slack_sdk_reads_them_over_urllib(
    standin: SlackStandIn, failure: dict[str, Any]
) -> None:
    """Same status, error, Retry-After and body as slack_sdk's own urllib transport gives."""
    seen = []
    for client_class in (WebClient, KeepAliveWebClient):
        client = client_class(token=standin.bot_token, base_url=standin.base_url, timeout=5)
        standin.fail_next("chat.postMessage", **failure)
        with pytest.raises(SlackApiError) as raised:
            post(client)
        response = raised.value.response
        seen.append(
            (
                response.status_code,
                response.data,
                response.headers.get("Retry-After"),
                response.headers.get("retry-after"),
            )
        )
    assert seen[0] == seen[1]
    assert seen[1][0] == failure.get("status", 200)


def test_an_unreachable_slack_fails_as_a_connection_error() -> None:
    gateway = SlackGateway(make_client("xoxb-unused", "http://127.0.0.1:9/api/"))
    with pytest.raises(SlackProblem) as raised:
        gateway.identity()
    assert raised.value.code == "connection_error"


def test_a_proxy_in_the_environment_is_used_as_urllib_would(
    standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The API's address answers nothing; only the proxy (the stand-in, which reads a proxied
    # request's absolute URL as its own path) can carry the call.
    monkeypatch.setenv("HTTP_PROXY", standin.root_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    urllib.request.install_opener(None)  # urllib reads the environment when it builds one
    try:
        client = make_client(standin.bot_token, "http://127.0.0.1:9/api/")
        assert client.auth_test()["ok"]
    finally:
        urllib.request.install_opener(None)
    assert len(standin.calls_to("auth.test")) == 1
