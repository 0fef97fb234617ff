"""Buttons on the pinned root message."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from blocks import escalation as views
from bot.escalations import service
from bot.escalations.policy import overdue_items
from bot.services import Services
from bot.slack.gateway import SlackProblem

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    @app.action(views.DETAILS)
    def details(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions.begin() as session:
            escalation = service.get(session, int(action["value"]))
            if escalation is None:
                return
            now = services.clock.now()
            blocks = views.status_blocks(escalation, None, overdue_items(escalation, now))
            view = View(type="modal", title=escalation.key, close="Close", blocks=blocks[:100])
        try:
            services.gateway.open_view(body["trigger_id"], view)
        except SlackProblem as problem:
            log.warning("details view failed: %s", problem.code)

    @app.action(views.RESOLVE)
    def not_switched_on_yet(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        channel = (body.get("channel") or {}).get("id")
        if channel is None:
            return
        text = (
            f"*{action.get('text', {}).get('text', 'That button')}* isn't switched on in this "
            "version of the bot yet; the escalation itself is saved and pinned."
        )
        try:
            services.gateway.ephemeral(
                channel,
                body["user"]["id"],
                text,
                [SectionBlock(text=MarkdownTextObject(text=text))],
            )
        except SlackProblem as problem:
            log.warning("ephemeral failed: %s", problem.code)
