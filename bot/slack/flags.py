"""Listeners for urgent flags: raise (button or `/escalate flag`), and close when answered."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App

from blocks import escalation as views
from blocks import flags as flag_views
from bot.escalations import flags, unattached_flags
from bot.runtime import Services
from bot.slack.modals import open_flag_form
from bot.slack.replies import tell


def flag_form(values: dict[str, Any]) -> flags.FlagForm:
    def field(name: str) -> dict[str, Any]:
        found: dict[str, Any] = values.get(name, {}).get(name, {})
        return found

    stamp = field("needed_by").get("selected_date_time")
    return flags.FlagForm(
        responders=field("responders").get("selected_users") or [],
        needed=field("needed").get("value") or "",
        needed_by=datetime.fromtimestamp(int(stamp), UTC) if stamp else None,
        link=field("link").get("value"),
    )


def register(app: App, services: Services) -> None:
    settings = services.settings

    @app.action(views.FLAG_URGENT)
    def flag_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        problem = open_flag_form(services, body["trigger_id"], int(action["value"]))
        if problem:
            tell(services, body, f":warning: {problem}")

    @app.view(flag_views.FLAG_CALLBACK)
    def flag_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        chosen = (values.get("escalation", {}).get("escalation", {}).get("selected_option")) or {}
        escalation_id = json.loads(view["private_metadata"]).get("escalation_id") or int(
            chosen.get("value", 0)
        )
        customer = values.get("customer", {}).get("customer", {}).get("value") or ""
        with services.sessions.begin() as session:
            if escalation_id:
                errors = flags.raise_from_form(
                    session,
                    escalation_id,
                    flag_form(values),
                    actor=body["user"]["id"],
                    now=services.clock.now(),
                    threshold_hours=settings.siren_threshold_hours,
                )
            else:
                errors = unattached_flags.raise_from_form(
                    session,
                    flag_form(values),
                    customer,
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
