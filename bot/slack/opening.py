"""Listeners for opening an escalation: the modal, its submission, the checklist ticks."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.exc import SQLAlchemyError

from blocks import escalation as views
from blocks.open_modal import CALLBACK_ID, Field, open_escalation_modal, opened_modal
from bot import people
from bot.delivery.gateway import SlackProblem
from bot.domain import Severity, checklist_for
from bot.escalations import service
from bot.escalations.form import parse_open_form
from bot.services import Services

log = logging.getLogger(__name__)


def open_modal(
    services: Services,
    *,
    trigger_id: str,
    severity: Severity,
    user_id: str,
    customer: str = "",
    response_url: str | None = None,
) -> SlackProblem | None:
    """Open the form; returns the problem if Slack refused (e.g. an expired trigger)."""
    view = open_escalation_modal(
        severity,
        customer=customer,
        opener=user_id,
        director=services.settings.director_ps_user_id,
        metadata={"response_url": response_url} if response_url else None,
    )
    try:
        services.gateway.open_view(trigger_id, view)
    except SlackProblem as problem:
        log.warning("views.open failed: %s", problem.code)
        return problem
    return None


def _leadership_channel_id(services: Services) -> str | None:
    try:
        return services.gateway.resolve_channel(services.settings.escalation_channel)
    except SlackProblem:
        return None


def register(app: App, services: Services) -> None:
    @app.view(CALLBACK_ID)
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        metadata = json.loads(view.get("private_metadata") or "{}")
        severity = Severity(metadata.get("severity", "sev1"))
        form, errors = parse_open_form(
            severity,
            view["state"]["values"],
            leadership_channel_id=_leadership_channel_id(services),
            check_user=lambda user_id: people.why_not_a_person(services, user_id),
        )
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        try:
            with services.sessions.begin() as session:
                escalation = service.open_escalation(
                    session,
                    form,
                    opened_by=body["user"]["id"],
                    now=services.clock.now(),
                    response_url=metadata.get("response_url"),
                )
                key = escalation.key
        except SQLAlchemyError:
            log.exception("could not save an escalation")
            ack(
                response_action="errors",
                errors={
                    Field.SUMMARY.value: (
                        "I couldn't save this just now (the database didn't answer). Everything you "
                        "typed is still here: press Open escalation again in a minute."
                    )
                },
            )
            return
        ack(
            response_action="update",
            view=opened_modal(key, f"#{services.settings.escalation_channel.lstrip('#')}"),
        )
        services.wake()

    @app.action(re.compile(f"^{re.escape(views.CHECKLIST_PREFIX)}"))
    def checklist_ticked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        _, escalation_id, step_index = action["block_id"].split(":")
        ticked = {option["value"] for option in action.get("selected_options") or []}
        with services.sessions.begin() as session:
            escalation = service.get(session, int(escalation_id))
            if escalation is None:
                return
            steps: dict[str, set[str]] = {}
            for item in checklist_for(escalation.severity):
                steps.setdefault(item.step, set()).add(item.code)
            step_codes = list(steps.values())[int(step_index)]
            service.set_step_checklist(
                session,
                escalation,
                step_codes=step_codes,
                ticked=ticked,
                actor=body["user"]["id"],
                now=services.clock.now(),
            )
            channel, ts = escalation.leadership_channel_id, escalation.checklist_ts
            text, blocks = views.checklist_text(escalation), views.checklist_blocks(escalation)
        if channel and ts:
            try:
                services.gateway.update(channel, ts, text, blocks)
            except SlackProblem as problem:
                log.warning("checklist update failed: %s", problem.code)
