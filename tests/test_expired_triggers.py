"""A button whose form Slack won't open says so, in plain words, to the person who pressed it."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from bot.delivery.gateway import SlackProblem
from tests.flows import open_escalation, root_ts, wait_for_receipt, wait_for_view
from tests.harness import BotHarness

EXPIRED = SlackProblem("views.open", "expired_trigger_id").plain_words


def opened(harness: BotHarness) -> BotHarness:
    wait_for_receipt(harness, open_escalation(harness))
    return harness


def press_with_expired_trigger(
    harness: BotHarness,
    action_id: str,
    value: str,
    *,
    user: str,
    channel: str | None = None,
    message_ts: str | None = None,
    view: dict[str, Any] | None = None,
) -> None:
    """Press a button whose trigger_id has expired by the time the bot uses it."""
    trigger = harness.standin.new_trigger_id()
    harness.standin.expire_trigger(trigger)
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "name": "someone", "team_id": "T0001"},
        "trigger_id": trigger,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b",
                "value": value,
                "type": "button",
                "action_ts": str(time.time()),
            }
        ],
    }
    if channel:
        payload["channel"] = {"id": channel, "name": "c"}
        payload["container"] = {"type": "message", "channel_id": channel, "message_ts": message_ts}
        payload["message"] = {"ts": message_ts, "type": "message", "blocks": []}
    if view:
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view["id"]}
    answer = harness.interact(payload)
    assert answer.status == 200


def told_in_channel(harness: BotHarness, user: str, channel: str) -> list[str]:
    return [
        text
        for where, who, text, _ in harness.standin.ephemerals
        if (where, who) == (channel, user)
    ]


def told_by_dm(harness: BotHarness, user: str) -> list[str]:
    return [m.text for m in harness.standin.dms_to(user)]


@pytest.mark.parametrize(
    "button",
    ["esc_post_update", "esc_waiting_on_customer", "esc_details", "esc_resolve", "esc_flag_urgent"],
)
def test_a_root_button_whose_trigger_expired_tells_the_presser_where_they_clicked(
    harness: BotHarness, button: str
) -> None:
    world = opened(harness).world
    press_with_expired_trigger(
        harness,
        button,
        "1",
        user=world.pm,
        channel=world.leadership_channel,
        message_ts=root_ts(harness),
    )
    assert told_in_channel(harness, world.pm, world.leadership_channel) == [f":warning: {EXPIRED}"]


def test_post_update_from_an_evening_prompt_in_a_dm_is_answered_by_dm(
    harness: BotHarness,
) -> None:
    standin, world = opened(harness).standin, harness.world
    harness.tick_at(harness.clock.now() + timedelta(hours=8))
    evening = standin.dms_to(world.pm)[-1]
    assert evening.text.startswith("Evening update")
    button = next(
        element
        for block in evening.blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("action_id") == "prompt_post_update"
    )
    press_with_expired_trigger(
        harness,
        "prompt_post_update",
        button["value"],
        user=world.pm,
        channel=evening.channel,
        message_ts=evening.ts,
    )
    assert told_by_dm(harness, world.pm)[-1] == f":warning: {EXPIRED}"


def test_a_refusal_other_than_expiry_is_said_in_plain_words_too(harness: BotHarness) -> None:
    world = opened(harness).world
    harness.standin.fail_next("views.open", error="invalid_trigger_id")
    harness.click(
        "esc_waiting_on_customer",
        "1",
        user=world.pm,
        channel=world.leadership_channel,
        message_ts=root_ts(harness),
    )
    invalid = SlackProblem("views.open", "invalid_trigger_id").plain_words
    assert told_in_channel(harness, world.pm, world.leadership_channel) == [f":warning: {invalid}"]


def test_adding_a_record_from_the_detail_view_with_an_expired_trigger_is_said_by_dm(
    harness: BotHarness,
) -> None:
    world = opened(harness).world
    before = len(harness.standin.opened_views())
    harness.click("esc_details", "1", user=world.pm)
    detail = wait_for_view(harness, before)
    press_with_expired_trigger(harness, "add_record:milestone", "1", user=world.pm, view=detail)
    assert told_by_dm(harness, world.pm)[-1] == f":warning: {EXPIRED}"
    assert len(harness.standin.opened_views()) == before + 1  # only the detail view
