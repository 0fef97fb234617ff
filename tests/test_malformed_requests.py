"""A correctly signed request that isn't what Slack sends gets 400 and one log line."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest

from tests.harness import BotHarness

PERSON = {"id": "UPM00001", "name": "pat.pm", "team_id": "T0001"}


def form(payload: str) -> str:
    return urlencode({"payload": payload})


FORMS = {
    "payload that is not JSON": form("{not json"),
    "payload that is a JSON list": form(json.dumps([{"type": "block_actions"}])),
    "payload without a type": form(json.dumps({"user": PERSON, "actions": []})),
    "block_actions with no actions": form(
        json.dumps({"type": "block_actions", "user": PERSON, "trigger_id": "1.T.t", "actions": []})
    ),
    "view_submission without a view": form(json.dumps({"type": "view_submission", "user": PERSON})),
    "view_submission without state": form(
        json.dumps(
            {"type": "view_submission", "user": PERSON, "view": {"callback_id": "open_escalation"}}
        )
    ),
}
EVENTS = {
    "event body that is not JSON": "{nope",
    "event body that is a JSON list": "[1, 2]",
    "event body without a type": json.dumps({"event_id": "Ev1"}),
    "event_callback whose event is a list": json.dumps({"type": "event_callback", "event": []}),
}


def refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the request path logged at warning or above (other threads' lines left out)."""
    return [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith(("bot.server", "slack_bolt"))
    ]


@pytest.mark.parametrize("case", list(FORMS))
def test_a_signed_interaction_slack_would_never_send_is_a_bad_request(
    harness: BotHarness, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    answer = harness.signed_post(FORMS[case], "application/x-www-form-urlencoded")
    assert answer.status == 400
    [line] = refusals(caplog)
    assert line.name == "bot.server" and line.exc_info is None


@pytest.mark.parametrize("case", list(EVENTS))
def test_a_signed_event_slack_would_never_send_is_a_bad_request(
    harness: BotHarness, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    answer = harness.signed_post(EVENTS[case], "application/json")
    assert answer.status == 400
    [line] = refusals(caplog)
    assert line.name == "bot.server" and line.exc_info is None


@pytest.mark.parametrize(
    "body", [FORMS["payload that is not JSON"], FORMS["payload without a type"]]
)
def test_unsigned_garbage_is_still_unauthorized(harness: BotHarness, body: str) -> None:
    answer = harness.signed_post(body, "application/x-www-form-urlencoded", secret="wrong")
    assert answer.status == 401


def test_a_slash_command_and_an_event_slack_does_send_still_pass(harness: BotHarness) -> None:
    answer, _trigger, _url = harness.slash("help")
    assert answer.status == 200 and "What /escalate can do" in answer.body
    assert harness.event({"type": "app_home_opened", "user": harness.world.pm}).status == 200


def test_a_slash_command_mentioning_payload_still_opens_its_form(harness: BotHarness) -> None:
    # Bolt reads any form body containing "payload" as an interaction, and finds none.
    answer, _trigger, _url = harness.slash("sev1 payload-api rollout")
    assert answer.status == 200
    standin = harness.standin
    assert standin.wait_for(lambda: standin.opened_views()), "no form was opened"
    customer = json.dumps(standin.opened_views()[-1]["blocks"])
    assert "payload-api rollout" in customer
