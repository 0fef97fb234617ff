"""Listeners for watched projects: escalating one to Sev 1 / Sev 2."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App

from blocks import watch as watch_views
from bot.escalations import watch
from bot.runtime import Services
from bot.slack.modals import save_submission, show_modal


def register(app: App, services: Services) -> None:
    settings = services.settings

    @app.action(watch_views.WATCH_ESCALATE)
    def escalate_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions() as session:
            escalation = watch.escalatable(
                session, int(action["value"]), body["user"]["id"], settings
            )
            view = watch_views.escalate_watch_modal(escalation)
        show_modal(services, body, view)

    @app.view(watch_views.ESCALATE_WATCH_CALLBACK)
    def escalate_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        form, errors = watch.parse_escalate_form(view["state"]["values"])
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        save_submission(
            services,
            ack,
            "severity",
            lambda session: watch.escalate_watch(
                session,
                int(json.loads(view["private_metadata"])["escalation_id"]),
                form,
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
            ),
        )

    @app.action(watch_views.STOP_WATCHING)
    def stop_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions() as session:
            escalation = watch.escalatable(
                session, int(action["value"]), body["user"]["id"], settings
            )
            view = watch_views.stop_watching_modal(escalation)
        show_modal(services, body, view)

    @app.view(watch_views.STOP_WATCHING_CALLBACK)
    def stop_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        note = view["state"]["values"].get("note", {}).get("note", {}).get("value") or ""
        if not note.strip():
            ack(response_action="errors", errors={"note": "Say why it is no longer watched."})
            return
        save_submission(
            services,
            ack,
            "note",
            lambda session: watch.stop_watching(
                session,
                int(json.loads(view["private_metadata"])["escalation_id"]),
                note=note,
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
            ),
        )
