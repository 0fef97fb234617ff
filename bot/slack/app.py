"""The Bolt app: listeners registered on one App, all sharing one `Services`."""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse

from bot.delivery.gateway import SlackProblem
from bot.escalations.closure import Conflict
from bot.escalations.permissions import NotAllowed
from bot.escalations.service import EscalationNotFound
from bot.runtime import Services
from bot.slack import (
    closure,
    commands,
    conflicts,
    customer,
    flags,
    home,
    leadership,
    messages,
    opening,
    prompts,
    records,
    review,
    stakeholders,
    updates,
    watch,
    weekly,
)
from bot.slack.replies import tell

# Bolt's default pool has 5 threads. A listener holds its thread after the ack while it opens
# a modal (views.open waits on Slack), so with 5 the sixth request's ack waited for one of
# those calls to return; acking needs a free thread, and threads waiting on Slack cost little.
LISTENER_THREADS = 32


def answer_refusals(services: Services, app: App) -> None:
    """One place that turns what a use case refused into words for the person who asked:
    a listener just lets `NotAllowed`, a lost race or Slack's refusal propagate."""

    @app.error
    def tell_the_person(
        error: Exception,
        body: dict[str, Any],
        response: BoltResponse | None,
        logger: logging.Logger,
    ) -> None:
        if isinstance(error, NotAllowed | Conflict | EscalationNotFound):
            tell(services, body, str(error))
        elif isinstance(error, SlackProblem):
            logger.warning("Slack refused %s: %s", error.method, error.code)
            tell(services, body, f":warning: {error.plain_words}")
        else:
            logger.exception("listener failed", exc_info=error)
            return
        if response is not None:
            # Refused before the ack (by listener middleware, see escalation_context): the
            # person has been told, so Slack gets a plain 200, not a failure shown on the
            # button. After the ack there is no response left to answer: nothing changes.
            response.status, response.body = 200, ""


def build_app(
    services: Services, *, verify_token: bool = True, listener_executor: Executor | None = None
) -> App:
    settings = services.settings
    assert settings.slack_configured, "build_app needs Slack credentials"
    secret = settings.slack_signing_secret
    app = App(
        client=services.gateway.client,
        signing_secret=secret.get_secret_value() if secret else "",
        # Socket Mode without a signing secret: requests arrive over the authenticated
        # connection, never over HTTP (the server then serves /healthz only).
        request_verification_enabled=secret is not None,
        token_verification_enabled=verify_token,
        # Ack first: Slack gets its answer in milliseconds. What a listener saved reaches
        # Slack through the ledger and the delivery workers, never these threads.
        process_before_response=False,
        logger=logging.getLogger("slack_bolt"),
        listener_executor=listener_executor
        or ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="bolt-listener"),
    )
    answer_refusals(services, app)
    # Before `updates`: its `message` listener would otherwise take direct messages too.
    messages.register(app, services)
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
    watch.register(app, services)
    conflicts.register(app, services)
    stakeholders.register(app, services)
    weekly.register(app, services)
    review.register(app, services)
    return app
