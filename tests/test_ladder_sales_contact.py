"""Flow 4, day 14 (seed 002: "escalate to the sales contact after 2 weeks"): the AE, else the
configured sales manager, else whoever the DRI names; never a claim that nobody was told."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.clock import ManualClock
from bot.models import CustomerWait
from tests.harness import BotHarness
from tests.ladder_story import (
    RILEY,
    SALES_MANAGER,
    SAM,
    shown,
    silent_customer,
    told,
    walk_to,
)


def thread_texts(harness: BotHarness) -> list[str]:
    world = harness.world
    root = harness.standin.messages(world.leadership_channel)[0]
    return [m.text for m in harness.standin.replies(world.leadership_channel, root.ts)]


def name_the_sales_contact(harness: BotHarness, dm: Any, user: str, contact: str) -> None:
    """The DRI picks the sales contact in the day-14 prompt's user picker."""
    harness.interact(
        {
            "type": "block_actions",
            "user": {"id": user, "name": "u", "team_id": "T0001"},
            "trigger_id": harness.standin.new_trigger_id(),
            "channel": {"id": dm.channel},
            "container": {"type": "message", "message_ts": dm.ts},
            "actions": [
                {
                    "action_id": "wait_name_sales_contact",
                    "block_id": "sales_contact:1",
                    "type": "users_select",
                    "selected_user": contact,
                    "action_ts": "1",
                }
            ],
        }
    )


def test_with_no_ae_the_configured_sales_manager_is_the_sales_contact(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(
        make_harness, clock, form={"ae": None}, sales_manager_user_id=SALES_MANAGER
    )
    walk_to(harness, 14.2)
    world, standin = harness.world, harness.standin
    [to_manager] = standin.dms_to(SALES_MANAGER)
    assert "hasn't responded to the project team for 14 days" in to_manager.text
    [note] = [t for t in thread_texts(harness) if "14 days" in t]
    assert note.startswith(f":telephone_receiver: <@{SALES_MANAGER}> Acme Corp")
    assert "escalating to you as the sales contact" in note
    [prompt] = [m for m in standin.dms_to(world.pm) if "silent for 14 days" in m.text]
    assert f"I've escalated to the sales contact <@{SALES_MANAGER}>" in shown(prompt)
    assert "_not set_" not in shown(prompt) + note


def test_with_no_ae_and_no_sales_manager_the_dri_is_asked_to_name_one_and_nothing_is_claimed(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(make_harness, clock, form={"ae": None})
    walk_to(harness, 14.2)
    world, standin = harness.world, harness.standin
    [prompt] = [m for m in standin.dms_to(world.pm) if "silent for 14 days" in m.text]
    [note] = [t for t in thread_texts(harness) if "14 days" in t]
    for said in (shown(prompt), note):
        assert "_not set_" not in said and "I've escalated" not in said
        assert "escalating to you" not in said
    assert "no sales contact has been told" in note and f"<@{world.pm}>" in note
    assert "Name the sales contact below" in shown(prompt)

    walk_to(harness, 15.2)
    name_the_sales_contact(harness, prompt, world.pm, RILEY)
    [to_riley] = standin.dms_to(RILEY)
    assert "hasn't responded to the project team for 15 days" in to_riley.text
    [named] = [t for t in thread_texts(harness) if "named you as the sales contact" in t]
    assert named.startswith(f":telephone_receiver: <@{RILEY}>") and f"<@{world.pm}>" in named
    assert f"Escalated ESC-1 to <@{RILEY}>" in told(harness, world.pm)[-1]

    walk_to(harness, 28.2)
    [day28] = [t for t in thread_texts(harness) if "28 days" in t]
    assert f"after the escalation to the sales contact <@{RILEY}>" in day28


def test_naming_a_second_sales_contact_is_refused(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(make_harness, clock, form={"ae": None})
    walk_to(harness, 14.2)
    world, standin = harness.world, harness.standin
    [prompt] = [m for m in standin.dms_to(world.pm) if "silent for 14 days" in m.text]
    name_the_sales_contact(harness, prompt, world.pm, RILEY)
    name_the_sales_contact(harness, prompt, world.pm, SALES_MANAGER)
    assert f"Already escalated to the sales contact <@{RILEY}>" in told(harness, world.pm)[-1]
    assert standin.dms_to(SALES_MANAGER) == []


def test_someone_outside_the_escalation_cannot_name_the_sales_contact(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(make_harness, clock, form={"ae": None})
    walk_to(harness, 14.2)
    [prompt] = [m for m in harness.standin.dms_to(harness.world.pm) if "14 days" in m.text]
    name_the_sales_contact(harness, prompt, harness.world.csm, RILEY)
    assert told(harness, harness.world.csm)[-1].startswith("Only the DRI")
    assert harness.standin.dms_to(RILEY) == []


def test_when_nobody_was_named_the_hand_off_says_no_sales_contact_was_reached(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(make_harness, clock, form={"ae": None}, sales_ops_user_ids=[SAM])
    walk_to(harness, 28.2)
    [day28] = [t for t in thread_texts(harness) if "28 days" in t]
    assert "(no sales contact was reached)" in day28 and "AE escalation" not in day28
    [handoff] = harness.standin.dms_to(SAM)
    assert "No sales contact was reached" in json.dumps(handoff.blocks)
    with harness.services.sessions() as session:
        wait = session.get(CustomerWait, 1)
        assert wait is not None and wait.sales_contact is None


def test_with_an_ae_the_ae_is_the_sales_contact_and_the_hand_off_names_them(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(
        make_harness, clock, sales_ops_user_ids=[SAM], sales_manager_user_id=SALES_MANAGER
    )
    walk_to(harness, 28.2)
    world, standin = harness.world, harness.standin
    told = [m for m in standin.dms_to(world.ae) if "hasn't responded" in m.text]
    assert len(told) == 1 and standin.dms_to(SALES_MANAGER) == []
    [prompt] = [m for m in standin.dms_to(world.pm) if "silent for 14 days" in m.text]
    assert f"I've escalated to the AE <@{world.ae}>" in shown(prompt)
    [handoff] = standin.dms_to(SAM)
    assert f"Sales contact <@{world.ae}> told on" in json.dumps(handoff.blocks)
