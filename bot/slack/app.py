"""The Bolt app: listeners registered on one App, all sharing one `Services`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.listener.custom_listener import CustomListener

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


class _AckKeepingApp(App):
    """Bolt's App, where an error raised after a listener's ack no longer costs that ack.

    bolt-python (1.30, `ThreadListenerRunner`) hands a listener's exception to the error
    handler and then sets the ack's response to the error's, which after an ack is None. The
    request's thread, still polling for the ack every 10 ms, then sees none, waits out the
    3 s and answers Slack 404: the person sees an error on top of our plain-words message.
    Here an error after the ack goes to the same error handler and is not raised further.
    """

    def _register_listener(self, *args: Any, **kwargs: Any) -> Any:
        registered = super()._register_listener(*args, **kwargs)
        listener = self._listeners[-1]
        if isinstance(listener, CustomListener):
            wanted = list(listener.arg_names)
            listener.ack_function = self._keeping_the_ack(listener.ack_function, wanted)
            listener.arg_names = [*wanted, "request"] if "request" not in wanted else wanted
        return registered

    def _keeping_the_ack(
        self, function: Callable[..., Any], wanted: list[str]
    ) -> Callable[..., Any]:
        def run(request: BoltRequest, **arguments: Any) -> Any:
            if "request" in wanted:
                arguments["request"] = request
            try:
                return function(**arguments)
            except Exception as error:
                if request.context.ack.response is None:
                    raise  # not acked yet: Bolt's own path answers Slack with the handler
                self.listener_runner.listener_error_handler.handle(
                    error=error, request=request, response=None
                )
                return None

        return run


def build_app(
    services: Services, *, verify_token: bool = True, listener_executor: Executor | None = None
) -> App:
    settings = services.settings
    assert settings.slack_configured, "build_app needs Slack credentials"
    secret = settings.slack_signing_secret
    app = _AckKeepingApp(
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
