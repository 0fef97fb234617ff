"""Listeners for urgent flags: raise (button or `/escalate flag`), and close when answered."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext

from blocks import escalation as views
from blocks import flags as flag_views
from blocks.modal_state import ModalState
from bot.escalations import flags, unattached_flags
from bot.runtime import Services
from bot.slack.escalation_context import escalation_named, named_escalation
from bot.slack.modals import open_flag_form, telling


def flag_form(state: ModalState) -> flags.FlagForm:
    return flags.FlagForm(
        responders=state.users("responders"),
        needed=state.typed("needed"),
        needed_by=state.moment("needed_by"),
        link=state.typed("link") or None,
    )


def register(app: App, services: Services) -> None:
    named = escalation_named(services)
    settings = services.settings

    @app.action(views.FLAG_URGENT, middleware=[named])
    def flag_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        open_flag_form(
            services,
            body["trigger_id"],
            named_escalation(context),
            telling(services, body),
        )

    @app.view(flag_views.FLAG_CALLBACK)
    def flag_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        state = ModalState.of(view)
        escalation_id = json.loads(view["private_metadata"]).get("escalation_id") or int(
            state.option("escalation") or 0
        )
        with services.sessions.begin() as session:
            errors = unattached_flags.raise_flag(
                session,
                escalation_id,
                flag_form(state),
                state.typed("customer"),
                actor=body["user"]["id"],
                now=services.clock.now(),
                threshold_hours=settings.siren_threshold_hours,
            )
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        services.wake()

    @app.action(flag_views.FLAG_RESPONDED)
    def responded(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions.begin() as session:
            flags.mark_responded(
                session, int(action["value"]), actor=body["user"]["id"], now=services.clock.now()
            )
        services.wake()
