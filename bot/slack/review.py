"""Leadership's answer to "does this Sev 2 leave the Y/R review list?"."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from blocks import review as review_views
from bot.escalations import review
from bot.runtime import Services
from bot.slack.replies import tell


def register(app: App, services: Services) -> None:
    def decide(body: dict[str, Any], action: dict[str, Any], *, leaves: bool) -> None:
        with services.sessions.begin() as session:
            key = review.decide_review_list(
                session,
                int(action["value"]),
                leaves=leaves,
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=services.settings,
            ).key
        services.wake()
        where = "off the review list" if leaves else "on the review list"
        tell(services, body, f"Recorded: {key} is {where}.")

    @app.action(review_views.LEAVE_REVIEW_LIST)
    def leave(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        decide(body, action, leaves=True)

    @app.action(review_views.STAY_ON_REVIEW_LIST)
    def stay(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        decide(body, action, leaves=False)
