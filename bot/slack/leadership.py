"""Leadership's decisions on Sev 2s: escalate to Sev 1, or remain in monitoring."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App

from blocks import portfolio as portfolio_views
from blocks import prompts as prompt_views
from blocks.button_values import prompt_click
from bot.domain import Level
from bot.escalations import service
from bot.runtime import Services
from bot.slack.modals import save_submission, show_modal
from bot.slack.replies import tell


def register(app: App, services: Services) -> None:
    settings = services.settings

    @app.action(portfolio_views.DECIDE_PROMOTE)
    def promote_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions() as session:
            escalation = service.promotable(
                session, int(action["value"]), body["user"]["id"], settings
            )
            view = portfolio_views.promote_modal(escalation)
        show_modal(services, body, view)

    @app.view(portfolio_views.PROMOTE_CALLBACK)
    def promote_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        level = (values.get("level", {}).get("level", {}).get("selected_option") or {}).get("value")
        if level not in {lvl.value for lvl in Level}:
            ack(response_action="errors", errors={"level": "Choose Critical, High or Medium."})
            return
        save_submission(
            services,
            ack,
            "level",
            lambda session: service.promote_to_sev1(
                session,
                json.loads(view["private_metadata"])["escalation_id"],
                level=Level(level),
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
                note=(values.get("note", {}).get("note", {}).get("value") or "").strip() or None,
            ),
        )

    @app.action(portfolio_views.DECIDE_REMAIN)
    def remain_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions.begin() as session:
            key = service.keep_in_sev2(
                session,
                int(action["value"]),
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
            ).key
        services.wake()
        tell(services, body, f"Recorded: {key} remains in Sev 2 monitoring.")

    @app.action(prompt_views.PROMPT_REQUEST_SEV1)
    def request_sev1(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions.begin() as session:
            key = service.request_promotion(
                session,
                prompt_click(action["value"]).escalation_id,
                requester=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
            ).key
        services.wake()
        tell(services, body, f"I asked leadership to decide on {key} in its thread.")
