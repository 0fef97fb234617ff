"""Opening a modal from a click, and telling the person when Slack won't open it."""

from __future__ import annotations

import logging
from typing import Any

from bot.delivery.gateway import SlackProblem
from bot.services import Services
from bot.slack.replies import tell

log = logging.getLogger(__name__)


def show_modal(services: Services, body: dict[str, Any], view: Any, *, push: bool = False) -> bool:
    """Open `view` on the click's trigger (`push` stacks it on the open modal). When Slack
    refuses (an expired trigger, anything else) the person is told why in plain words,
    where they clicked or else by DM; returns whether the modal opened."""
    gateway = services.gateway
    try:
        (gateway.push_view if push else gateway.open_view)(body["trigger_id"], view)
    except SlackProblem as problem:
        log.warning("%s for %s failed: %s", problem.method, body["user"]["id"], problem.code)
        tell(services, body, f":warning: {problem.plain_words}")
        return False
    return True
