"""Leadership's decisions on Sev 2s: escalate to Sev 1, or remain in monitoring."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from blocks import portfolio as portfolio_views
from blocks import prompts as prompt_views
from blocks.modal_state import ModalState
from bot.domain import Level
from bot.escalations import service
from bot.runtime import Services
from bot.slack.escalation_context import escalation_named, named_escalation
from bot.slack.modals import save_submission, show_modal
from bot.slack.replies import tell


def register(app: App, services: Services) -> None:
    named = escalation_named(services)
    settings = services.settings

    @app.action(portfolio_views.DECIDE_PROMOTE, middleware=[named])
    def promote_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        with services.sessions() as session:
            escalation = service.promotable(
                session, named_escalation(context), body["user"]["id"], settings
            )
            view = portfolio_views.promote_modal(escalation)
        show_modal(services, body, view)

    @app.view(portfolio_views.PROMOTE_CALLBACK, middleware=[named])
    def promote_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        state = ModalState.of(view)
        level = state.option("level")
        if level not in {lvl.value for lvl in Level}:
            ack(response_action="errors", errors={"level": "Choose Critical, High or Medium."})
            return
        save_submission(
            services,
            ack,
            "level",
            lambda session: service.promote_to_sev1(
                session,
                named_escalation(context),
                level=Level(level),
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
                note=state.text("note"),
            ),
        )

    @app.action(portfolio_views.DECIDE_REMAIN, middleware=[named])
    def remain_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        with services.sessions.begin() as session:
            key = service.keep_in_sev2(
                session,
                named_escalation(context),
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
            ).key
        services.wake()
        tell(services, body, f"Recorded: {key} remains in Sev 2 monitoring.")

    @app.action(prompt_views.PROMPT_REQUEST_SEV1, middleware=[named])
    def request_sev1(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        with services.sessions.begin() as session:
            key = service.request_promotion(
                session,
                named_escalation(context),
                requester=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
            ).key
        services.wake()
        tell(services, body, f"I asked leadership to decide on {key} in its thread.")
