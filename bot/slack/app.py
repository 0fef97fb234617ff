"""The Bolt app: listeners registered on one App, all sharing one `Services`."""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App

from bot.delivery.gateway import SlackProblem
from bot.escalations.closure import Conflict
from bot.escalations.permissions import NotAllowed
from bot.escalations.service import EscalationNotFound
from bot.runtime import Services
from bot.slack import (
    closure,
    commands,
    customer,
    flags,
    home,
    leadership,
    opening,
    prompts,
    records,
    review,
    updates,
    weekly,
)
from bot.slack.replies import tell


def answer_refusals(services: Services, app: App) -> None:
    """One place that turns what a use case refused into words for the person who asked:
    a listener just lets `NotAllowed`, a lost race or Slack's refusal propagate."""

    @app.error
    def tell_the_person(error: Exception, body: dict[str, Any], logger: logging.Logger) -> None:
        if isinstance(error, NotAllowed | Conflict | EscalationNotFound):
            tell(services, body, str(error))
        elif isinstance(error, SlackProblem):
            logger.warning("Slack refused %s: %s", error.method, error.code)
            tell(services, body, f":warning: {error.plain_words}")
        else:
            logger.exception("listener failed", exc_info=error)


def build_app(
    services: Services, *, verify_token: bool = True, listener_executor: Executor | None = None
) -> App:
    settings = services.settings
    assert settings.slack_signing_secret is not None, "build_app needs Slack credentials"
    app = App(
        client=services.gateway.client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        token_verification_enabled=verify_token,
        # Ack first: Slack gets its answer in milliseconds. What a listener saved reaches
        # Slack through the ledger and the delivery workers, never these threads.
        process_before_response=False,
        logger=logging.getLogger("slack_bolt"),
        listener_executor=listener_executor,
    )
    answer_refusals(services, app)
    commands.register(app, services)
    opening.register(app, services)
    home.register(app, services)
    closure.register(app, services)
    records.register(app, services)
    updates.register(app, services)
    prompts.register(app, services)
    leadership.register(app, services)
    customer.register(app, services)
    flags.register(app, services)
    weekly.register(app, services)
    review.register(app, services)
    return app
