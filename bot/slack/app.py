"""The Bolt app: listeners registered on one App, all sharing one `Services`."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.listener.listener import Listener
from slack_bolt.listener.thread_runner import ThreadListenerRunner
from slack_bolt.logger.messages import warning_did_not_call_ack

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
from bot.slack.acking import ACKS_LAST
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


class _SignallingAck(Ack):
    """Bolt's `ack`, which also wakes the request's thread the moment it is given."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Bolt's Ack.__init__ is unannotated
        self.given = threading.Event()
        self.hand_over = True

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.given.set()
            if self.hand_over:
                # Hand the interpreter to the request's thread now, so the answer leaves
                # before this listener's next step (a views.open, a query) holds it for a
                # switch interval.
                time.sleep(0)

    def answer(self, response: BoltResponse) -> None:
        """What Slack gets when the listener failed before acking."""
        self.response = response
        self.given.set()


class _AckFirstRunner(ThreadListenerRunner):
    """Bolt's listener runner (process_before_response=False), answering Slack the moment the
    listener acks and keeping that answer whatever the listener does next.

    bolt-python's runner (1.x) has the request's thread poll `ack.response` every 10 ms: up
    to 10 ms added to every ack, and the server's thread (waitress has 4) held that long. With
    20 concurrent clients that polling, not the work, set the pace: in one run of
    bench/ack.py's clients, a bare Bolt app that only acks answered at a median of 53 ms, and
    the bot's `/escalate sev1` under this runner, its views.open left out, at 21 ms. And when
    a listener raised after its ack, Bolt handed the error to the handler and then set the
    ack's response to the error's, which after an ack is None: the polling thread saw none,
    waited out the 3 s and answered Slack 404, an error shown on top of our plain-words
    message (tests/test_refusals_after_ack.py). Here an error after the ack goes to the
    error handler with no response to change.
    """

    def run(
        self,
        request: BoltRequest,
        response: BoltResponse,
        listener_name: str,
        listener: Listener,
        starting_time: float | None = None,
    ) -> BoltResponse | None:
        ack = request.context.ack
        if (
            self.process_before_response
            or request.lazy_only
            or listener.lazy_functions
            or not isinstance(ack, _SignallingAck)
        ):
            return super().run(request, response, listener_name, listener, starting_time)
        if listener.auto_acknowledgement:
            ack()
        if getattr(listener.ack_function, ACKS_LAST, False):
            ack.hand_over = False  # nobody waits for it: this thread answers Slack
            self._run_listener(request, response, listener, ack)
            acked = ack.given.is_set()
        else:
            self.listener_executor.submit(self._run_listener, request, response, listener, ack)
            acked = ack.given.wait(listener.ack_timeout)
        if not acked:
            self.logger.warning(warning_did_not_call_ack(listener_name))
            return None
        return ack.response

    def _run_listener(
        self,
        request: BoltRequest,
        response: BoltResponse,
        listener: Listener,
        ack: _SignallingAck,
    ) -> None:
        try:
            self.listener_start_handler.handle(request=request, response=response)
            listener.run_ack_function(request=request, response=response)
        except Exception as error:
            if ack.given.is_set():
                # Slack has its answer; the handler tells the person, nothing else changes.
                self.listener_error_handler.handle(error=error, request=request, response=None)
            else:
                failed = BoltResponse(status=500, body="")
                self.listener_error_handler.handle(error=error, request=request, response=failed)
                ack.answer(failed)
        finally:
            self.listener_completion_handler.handle(request=request, response=response)


class AckFirstApp(App):
    """Bolt's App with `_AckFirstRunner` running its listeners."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        bolts = self._listener_runner
        self._listener_runner = _AckFirstRunner(
            logger=bolts.logger,
            process_before_response=bolts.process_before_response,
            listener_error_handler=bolts.listener_error_handler,
            listener_start_handler=bolts.listener_start_handler,
            listener_completion_handler=bolts.listener_completion_handler,
            listener_executor=bolts.listener_executor,
            lazy_listener_runner=bolts.lazy_listener_runner,
        )

    def _init_context(self, req: BoltRequest) -> None:
        super()._init_context(req)
        req.context["ack"] = _SignallingAck()


def build_app(
    services: Services, *, verify_token: bool = True, listener_executor: Executor | None = None
) -> App:
    settings = services.settings
    assert settings.slack_configured, "build_app needs Slack credentials"
    secret = settings.slack_signing_secret
    app = AckFirstApp(
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
