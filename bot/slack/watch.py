"""Listeners for watched projects: escalating one to Sev 1 / Sev 2."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from blocks import watch as watch_views
from blocks.modal_state import ModalState
from bot.escalations import watch
from bot.runtime import Services
from bot.slack.escalation_context import escalation_named, named_escalation
from bot.slack.modals import save_submission, show_modal


def register(app: App, services: Services) -> None:
    named = escalation_named(services)
    settings = services.settings

    @app.action(watch_views.WATCH_ESCALATE, middleware=[named])
    def escalate_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        with services.sessions() as session:
            escalation = watch.escalatable(
                session, named_escalation(context), body["user"]["id"], settings
            )
            view = watch_views.escalate_watch_modal(escalation)
        show_modal(services, body, view)

    @app.view(watch_views.ESCALATE_WATCH_CALLBACK, middleware=[named])
    def escalate_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        form, errors = watch.parse_escalate_form(ModalState.of(view))
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        save_submission(
            services,
            ack,
            "severity",
            lambda session: watch.escalate_watch(
                session,
                named_escalation(context),
                form,
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
            ),
        )

    @app.action(watch_views.STOP_WATCHING, middleware=[named])
    def stop_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        with services.sessions() as session:
            escalation = watch.escalatable(
                session, named_escalation(context), body["user"]["id"], settings
            )
            view = watch_views.stop_watching_modal(escalation)
        show_modal(services, body, view)

    @app.view(watch_views.STOP_WATCHING_CALLBACK, middleware=[named])
    def stop_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        note = ModalState.of(view).typed("note")
        if not note.strip():
            ack(response_action="errors", errors={"note": "Say why it is no longer watched."})
            return
        save_submission(
            services,
            ack,
            "note",
            lambda session: watch.stop_watching(
                session,
                named_escalation(context),
                note=note,
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
            ),
        )
