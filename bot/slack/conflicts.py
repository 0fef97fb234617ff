"""Listeners for people conflicts: the form's submission, and "Resolved"."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App

from blocks import conflicts as views
from blocks.modal_state import ModalState
from bot.escalations import conflicts
from bot.runtime import Services
from bot.slack.modals import save_submission, show_modal


def register(app: App, services: Services) -> None:
    settings = services.settings

    @app.view(views.CONFLICT_CALLBACK)
    def conflict_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        raiser = body["user"]["id"]
        form, errors = conflicts.parse_conflict_form(ModalState.of(view), raiser=raiser)
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        save_submission(
            services,
            ack,
            "summary",
            lambda session: conflicts.record_conflict(
                session, form, raiser=raiser, now=services.clock.now(), settings=settings
            ),
        )

    @app.action(views.RESOLVE_CONFLICT)
    def resolve_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions() as session:
            conflict = conflicts.load_for(
                session, int(action["value"]), body["user"]["id"], settings
            )
            view = views.resolve_conflict_modal(conflict)
        show_modal(services, body, view)

    @app.view(views.RESOLVE_CONFLICT_CALLBACK)
    def resolve_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        note = ModalState.of(view).typed("note")
        if not note.strip():
            ack(response_action="errors", errors={"note": "Say how it was resolved."})
            return
        save_submission(
            services,
            ack,
            "note",
            lambda session: conflicts.resolve_conflict(
                session,
                int(json.loads(view["private_metadata"])["conflict_id"]),
                note=note,
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
            ),
        )
