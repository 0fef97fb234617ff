"""Whole user flows, driven through the harness, for tests that need them as a starting point."""

from __future__ import annotations

import json
from typing import Any

from bot.escalations import service
from bot.models import Escalation
from tests.factories import open_form
from tests.harness import BotHarness


def open_modal(harness: BotHarness, text: str = "sev1 Acme Corp") -> tuple[dict[str, Any], str]:
    before = len(harness.standin.opened_views())
    answer, _trigger, response_url = harness.slash(text)
    assert answer.status == 200
    return wait_for_view(harness, before), response_url


def wait_for_view(harness: BotHarness, before: int) -> dict[str, Any]:
    """The next view the bot opens (views.open or views.push) after `before` were open."""
    standin = harness.standin
    assert standin.wait_for(lambda: len(standin.opened_views()) > before), "no view was opened"
    return standin.opened_views()[before]


def open_escalation(harness: BotHarness, severity: str = "sev1", **fields: Any) -> str:
    """Run the whole open flow; returns the response_url the receipt goes to."""
    view, response_url = open_modal(harness, f"{severity} Acme Corp")
    answer = harness.submit_view(view, open_form(harness.world, severity, **fields))
    assert answer.status == 200
    assert answer.json["response_action"] == "update"
    return response_url


def wait_for_receipt(harness: BotHarness, response_url: str) -> str:
    assert harness.standin.wait_for(lambda: harness.standin.responses(response_url))
    return harness.standin.responses(response_url)[-1]["text"]


def the_escalation(harness: BotHarness) -> Escalation:
    with harness.services.sessions() as session:
        escalation = service.get(session, 1)
        assert escalation is not None
        escalation.timeline  # noqa: B018 - load before the session closes
        return escalation


def block_text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def text_value(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def post_update(
    harness: BotHarness,
    summary: str,
    *,
    user: str | None = None,
    health: str = "yellow",
    customer_communicated: str = "yes",
    customer_message: str | None = None,
    escalation_id: int = 1,
) -> None:
    """Press "Post update" on the root message and submit the modal; waits for the posts."""
    standin = harness.standin
    user = user or harness.world.pm
    before_views, before_posts = len(standin.opened_views()), len(standin.calls_to("chat.update"))
    harness.click("esc_post_update", str(escalation_id), user=user)
    view = wait_for_view(harness, before_views)
    values = {
        "health": {"health": {"type": "static_select", "selected_option": {"value": health}}},
        "summary": {"summary": text_value(summary)},
        "progress": {"progress": text_value(None)},
        "blockers": {"blockers": text_value(None)},
        "customer_communicated": {
            "customer_communicated": {
                "type": "radio_buttons",
                "selected_option": {"value": customer_communicated},
            }
        },
        "next_steps": {"next_steps": text_value(None)},
        "customer_message": {"customer_message": text_value(customer_message)},
    }
    answer = harness.submit_view(view, values, user=user)
    assert answer.status == 200, answer.body
    # The root message is edited last: once it is, every post of the update is done.
    assert standin.wait_for(lambda: len(standin.calls_to("chat.update")) > before_posts)


def root_ts(harness: BotHarness, escalation_id: int = 1) -> str:
    with harness.services.sessions() as session:
        escalation = service.get(session, escalation_id)
        assert escalation is not None and escalation.root_ts is not None
        return escalation.root_ts


def reply_in_thread(harness: BotHarness, user: str, text: str, escalation_id: int = 1) -> None:
    """A person types a reply in the escalation thread; Slack sends the bot the event."""
    channel, thread = harness.world.leadership_channel, root_ts(harness, escalation_id)
    ts = harness.standin.post_user_message(channel, user, text, thread_ts=thread)
    before = len(harness.standin.calls)
    answer = harness.event(
        {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts,
            "thread_ts": thread,
            "channel_type": "channel",
        }
    )
    assert answer.status == 200
    # Events are acked first and handled after; wait for the bot's reaction to land.
    harness.standin.wait_for(lambda: len(harness.standin.calls) > before, timeout=2)


def click_prompt(harness: BotHarness, action_id: str, dm: Any, user: str) -> None:
    """Press a button on a DM prompt the bot sent (`dm` is the stand-in's message)."""
    button = next(
        element
        for block in dm.blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("action_id") == action_id
    )
    harness.interact(
        {
            "type": "block_actions",
            "user": {"id": user, "name": "u", "team_id": "T0001"},
            "trigger_id": harness.standin.new_trigger_id(),
            "channel": {"id": dm.channel},
            "container": {"type": "message", "channel_id": dm.channel, "message_ts": dm.ts},
            "message": {"ts": dm.ts, "blocks": dm.blocks},
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "b",
                    "value": button["value"],
                    "type": "button",
                    "action_ts": "1",
                }
            ],
        }
    )
