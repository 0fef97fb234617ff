"""Listeners for opening an escalation: the modal's submission and the checklist ticks."""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.exc import SQLAlchemyError

from blocks import escalation as views
from blocks.modal_state import ModalState
from blocks.open_modal import CALLBACK_ID, opened_modal
from blocks.watch import watch_opened_modal
from bot import people
from bot.delivery.gateway import SlackProblem
from bot.domain import OpenField, Severity
from bot.escalations import intake, service
from bot.escalations.form import parse_open_form
from bot.runtime import Services
from bot.slack.acking import acks_last

log = logging.getLogger(__name__)

NOT_SAVED = (
    "I couldn't save this just now (the database didn't answer). Everything you "
    "typed is still here: press Open escalation again in a minute."
)


def _leadership_channel_id(services: Services) -> str | None:
    try:
        return services.gateway.resolve_channel(services.settings.escalation_channel, hurried=True)
    except SlackProblem:
        return None


def register(app: App, services: Services) -> None:
    @app.view(CALLBACK_ID)
    @acks_last
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        looking_up_until = time.monotonic() + people.BEFORE_ACK
        metadata = json.loads(view.get("private_metadata") or "{}")
        form, errors = parse_open_form(
            Severity(metadata.get("severity", "sev1")),
            ModalState.of(view),
            leadership_channel_id=_leadership_channel_id(services),
            check_user=lambda user_id: people.why_not_a_person(
                services, user_id, deadline=looking_up_until
            ),
        )
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        opened_by, now = body["user"]["id"], services.clock.now()
        try:
            services.grouped_writes.insert(
                intake.form_to_keep(
                    services.grouped_writes.dialect,
                    form,
                    opened_by=opened_by,
                    now=now,
                    response_url=metadata.get("response_url"),
                )
            )
        except SQLAlchemyError:
            log.exception("could not save an escalation")
            ack(response_action="errors", errors={OpenField.SUMMARY.value: NOT_SAVED})
            return
        channel = f"#{services.settings.escalation_channel.lstrip('#')}"
        receipt = (
            watch_opened_modal(form.customer)
            if form.severity is Severity.WATCH
            else opened_modal(form.customer, channel)
        )
        ack(response_action="update", view=receipt)
        services.wake()

    @app.action(re.compile(f"^{re.escape(views.CHECKLIST_PREFIX)}"))
    def checklist_ticked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        _, escalation_id, step_index = action["block_id"].split(":")
        with services.sessions.begin() as session:
            service.tick_checklist_step(
                session,
                int(escalation_id),
                int(step_index),
                {option["value"] for option in action.get("selected_options") or []},
                actor=body["user"]["id"],
                now=services.clock.now(),
            )
        services.wake()
