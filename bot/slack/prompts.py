"""Buttons on the DRI's prompts: post update, nothing new, snooze, log check-in."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext

from blocks import prompts as prompt_views
from blocks import update as update_views
from blocks.button_values import prompt_click
from blocks.text import when
from bot.cadence.engine import snooze
from bot.delivery.gateway import SlackProblem
from bot.escalations import service, updates
from bot.runtime import Services
from bot.slack.escalation_context import escalation_named, named_escalation
from bot.slack.modals import open_update_form, show_modal

log = logging.getLogger(__name__)

SNOOZE_FOR = timedelta(hours=1)


def _answered(services: Services, body: dict[str, Any], text: str) -> None:
    """Replace the clicked prompt's buttons with what was done, so it can't be answered
    twice: an answer to the click itself, like an ephemeral reply."""
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if not (channel and ts):
        return
    blocks = [
        b for b in (body.get("message") or {}).get("blocks", []) if b.get("type") != "actions"
    ]
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
    try:
        services.gateway.update(channel, ts, text, blocks)
    except SlackProblem as problem:
        log.info("could not mark the prompt answered: %s", problem.code)


def register(app: App, services: Services) -> None:
    named = escalation_named(services)

    @app.action(prompt_views.PROMPT_POST_UPDATE)
    def post_update(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        click = prompt_click(action["value"])
        open_update_form(services, body, click.escalation_id, origin=click.kind)

    @app.action(prompt_views.PROMPT_CHECK_IN, middleware=[named])
    def check_in(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        with services.sessions() as session:
            escalation = service.load(session, named_escalation(context))
            view = update_views.check_in_modal(escalation)
        show_modal(services, body, view)

    @app.action(prompt_views.PROMPT_NOTHING_NEW, middleware=[named])
    def nothing_new(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        with services.sessions.begin() as session:
            updates.nothing_new(
                session,
                named_escalation(context),
                author=body["user"]["id"],
                now=services.clock.now(),
            )
        services.wake()
        _answered(services, body, ":white_check_mark: Recorded: nothing new. Posted in the thread.")

    @app.action(prompt_views.PROMPT_SNOOZE)
    def snoozed(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        click = prompt_click(action["value"])
        if snooze(services, click.escalation_id, click.kind, click.slot, SNOOZE_FOR):
            again = services.clock.now() + SNOOZE_FOR
            _answered(services, body, f":zzz: Snoozed; I'll ask again at {when(again, '{time}')}.")
