"""Buttons of the stakeholder loop: follow or mute an escalation's updates, "Sync held"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from blocks import stakeholders as views
from bot.delivery.gateway import SlackProblem
from bot.escalations import stakeholders
from bot.runtime import Services
from bot.slack.escalation_context import escalation_named, named_escalation
from bot.slack.replies import tell

log = logging.getLogger(__name__)


def _swap_buttons(services: Services, body: dict[str, Any], blocks: list[dict[str, Any]]) -> None:
    """Replace the clicked message's buttons, so it shows what now holds."""
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if not (channel and ts):
        return
    kept = [b for b in (body.get("message") or {}).get("blocks", []) if b.get("type") != "actions"]
    text = (body.get("message") or {}).get("text") or "Updated"
    try:
        services.gateway.update(channel, ts, text, kept + blocks)
    except SlackProblem as problem:
        log.info("could not update the clicked message: %s", problem.code)


def register(app: App, services: Services) -> None:
    named = escalation_named(services)

    def follow_or_mute(body: dict[str, Any], context: BoltContext, following: bool) -> None:
        with services.sessions.begin() as session:
            escalation = stakeholders.set_following(
                session,
                named_escalation(context),
                body["user"]["id"],
                following=following,
                now=services.clock.now(),
            )
            blocks = [b.to_dict() for b in views.follow_choice_blocks(escalation, following)]
        _swap_buttons(services, body, blocks)

    @app.action(views.FOLLOW, middleware=[named])
    def follow(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        follow_or_mute(body, context, True)

    @app.action(views.MUTE, middleware=[named])
    def mute(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        follow_or_mute(body, context, False)

    @app.action(views.SYNC_HELD, middleware=[named])
    def sync_held(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        with services.sessions.begin() as session:
            escalation = stakeholders.record_sync_held(
                session,
                named_escalation(context),
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=services.settings,
            )
            key, held_by = escalation.key, escalation.sync_held_by
        services.wake()
        who = "you" if held_by == body["user"]["id"] else f"<@{held_by}>"
        tell(services, body, f":handshake: Recorded: the immediate sync on {key} was held ({who}).")
