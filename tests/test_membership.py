"""The bot is a member wherever it must be: pins and thread-reply events need membership,
which posting with chat:write.public never gives."""

from __future__ import annotations

import json
from collections.abc import Callable

from bot.membership import LEADERSHIP, ensure_memberships
from tests.flows import open_escalation, the_escalation
from tests.harness import BotHarness


def bot_is_member(harness: BotHarness, channel: str) -> bool:
    return any(
        call.args.get("channel") == channel and call.response.get("ok")
        for call in harness.standin.calls_to("conversations.join")
    )


def test_at_start_up_the_bot_joins_the_public_leadership_channel(harness: BotHarness) -> None:
    assert ensure_memberships(harness.services) == []
    assert bot_is_member(harness, harness.world.leadership_channel)
    assert LEADERSHIP not in harness.services.warnings


def test_the_thread_is_joined_before_it_is_posted_and_pinned(harness: BotHarness) -> None:
    open_escalation(harness)
    methods = [c.method for c in harness.standin.calls if c.method != "users.info"]
    assert methods.index("conversations.join") < methods.index("chat.postMessage")
    assert harness.standin.pinned(harness.world.leadership_channel) == [
        the_escalation(harness).root_ts
    ]


def test_the_internal_channel_is_joined_so_replies_there_reach_the_bot(
    harness: BotHarness,
) -> None:
    open_escalation(harness)
    assert bot_is_member(harness, harness.world.internal_channel)


def test_a_private_leadership_channel_is_a_warning_that_says_how_to_invite_the_bot(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = make_harness(escalation_channel="ps-leads-private")
    harness.standin.add_channel("ps-leads-private", is_private=True)
    problems = ensure_memberships(harness.services)
    assert len(problems) == 1
    warning = harness.services.warnings[LEADERSHIP]
    assert "private" in warning and "/invite @Escalation Bot" in warning
    assert not harness.standin.calls_to("conversations.join")


def test_app_home_tells_leadership_the_bot_must_be_invited(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = make_harness(escalation_channel="ps-leads-private")
    harness.standin.add_channel("ps-leads-private", is_private=True)
    ensure_memberships(harness.services)
    harness.event({"type": "app_home_opened", "user": harness.world.leader, "tab": "home"})
    home = json.dumps(harness.standin.views_published(harness.world.leader)[-1])
    assert "Needs attention" in home and "/invite @Escalation Bot" in home
