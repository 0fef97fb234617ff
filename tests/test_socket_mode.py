"""Socket Mode: the real `serve` with an app token and no signing secret connects to a
WebSocket as Slack's, reports the connection at /healthz, and answers what arrives there."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness import BOT_TOKEN
from tests.slack_standin import SlackStandIn
from tests.socket_mode_server import SocketModeServer
from tests.test_startup_failures import bot_env, one_line_failure, run_cli
from tests.world import build_world


@pytest.fixture
def socket_server(standin: SlackStandIn) -> Iterator[SocketModeServer]:
    server = SocketModeServer()
    standin.socket_mode_url = server.url
    yield server
    server.close()


def health(port: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return dict(json.loads(answer.read()))
    except urllib.error.HTTPError as error:
        return dict(json.loads(error.read()))
    except OSError:
        return {}


def test_socket_mode_needs_no_signing_secret_reports_its_connection_and_answers_a_dm(
    tmp_path: Path, standin: SlackStandIn, socket_server: SocketModeServer
) -> None:
    world = build_world(standin)
    env = bot_env(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=standin.app_token,
        SLACK_API_URL=standin.base_url,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        report: dict[str, Any] = {}
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            report = health(env["PORT"])
            if report.get("slack", {}).get("mode") == "socket" and "scheduler" in report:
                break
            time.sleep(0.1)
        assert report.get("slack") == {"mode": "socket", "connected": True}, report
        assert report["ok"] is True
        # Slack's requests come over the socket; HTTP serves health only.
        refused = urllib.request.Request(
            f"http://127.0.0.1:{env['PORT']}/slack/events", data=b"{}", method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as http_error:
            urllib.request.urlopen(refused, timeout=5)
        assert http_error.value.code == 503
        assert "Socket Mode" in json.loads(http_error.value.read())["error"]

        envelope = socket_server.send_event(
            {
                "type": "message",
                "channel": "D0PM00001",
                "channel_type": "im",
                "user": world.pm,
                "text": "how do I escalate?",
                "ts": "1700000000.000100",
            }
        )
        assert socket_server.wait_for_ack(envelope), "the envelope was never acknowledged"
        assert standin.wait_for(lambda: len(standin.dms_to(world.pm)) == 1, timeout=30)
        assert "I don't read messages written to me here" in standin.dms_to(world.pm)[0].text

        socket_server.close()  # Slack drops the connection
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and health(env["PORT"]).get("ok", True):
            time.sleep(0.1)
        dropped = health(env["PORT"])
        assert dropped["ok"] is False and dropped["slack"]["connected"] is False
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr


def test_a_socket_that_cannot_be_opened_stops_start_up_in_one_line(
    tmp_path: Path, standin: SlackStandIn
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        standin.socket_mode_url = f"ws://127.0.0.1:{closed.getsockname()[1]}/link/"
    done = run_cli(
        tmp_path,
        "serve",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=standin.app_token,
        SLACK_API_URL=standin.base_url,
    )
    assert "Socket Mode WebSocket could not be opened" in one_line_failure(done)
