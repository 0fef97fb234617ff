"""Listeners for urgent flags: raise (button or `/escalate flag`), and close when answered."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.orm import Session

from blocks import escalation as views
from blocks import flags as flag_views
from blocks.text import mention
from bot.delivery.gateway import SlackProblem
from bot.escalations import flags, service
from bot.models import Escalation, UrgentFlag
from bot.services import Services
from bot.slack.replies import tell, thread_note

log = logging.getLogger(__name__)


def open_flag_modal(services: Services, trigger_id: str, escalation_id: int | None) -> str | None:
    """Open the flag form; returns a problem to tell the person, or None."""
    with services.sessions() as session:
        escalation = service.get(session, escalation_id) if escalation_id else None
        choices = None if escalation else service.open_escalations(session)
        if escalation is None and not choices:
            return "There are no open escalations to flag."
        view = flag_views.flag_modal(
            escalation, choices=choices, threshold_hours=services.settings.siren_threshold_hours
        )
    try:
        services.gateway.open_view(trigger_id, view)
    except SlackProblem as problem:
        return problem.plain_words
    return None


def close_answered_flags(
    session: Session, escalation: Escalation, user: str, now: datetime
) -> list[int]:
    """A responder's reply in the thread closes the open flags they were asked on; returns
    their numbers (the caller's transaction also claims the reply, so a retry closes none)."""
    return [
        flag.id
        for flag in flags.open_flags(session, escalation.id)
        if user in flag.responder_ids
        and flags.close_flag(
            session, escalation, flag, actor=user, now=now, how="answered in the thread"
        )
    ]


def note_answered_flags(
    services: Services, escalation_id: int, user: str, flag_ids: list[int]
) -> None:
    for flag_id in flag_ids:
        thread_note(
            services,
            escalation_id,
            f":white_check_mark: Flag #{flag_id} answered by {mention(user)}.",
        )


def register(app: App, services: Services) -> None:
    settings = services.settings

    @app.action(views.FLAG_URGENT)
    def flag_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        problem = open_flag_modal(services, body["trigger_id"], int(action["value"]))
        if problem:
            tell(services, body, f":warning: {problem}")

    @app.view(flag_views.FLAG_CALLBACK)
    def flag_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values, actor = view["state"]["values"], body["user"]["id"]

        def field(name: str) -> dict[str, Any]:
            return values.get(name, {}).get(name, {})

        escalation_id = json.loads(view["private_metadata"]).get("escalation_id") or int(
            (field("escalation").get("selected_option") or {}).get("value", 0)
        )
        stamp = field("needed_by").get("selected_date_time")
        form = flags.FlagForm(
            responders=field("responders").get("selected_users") or [],
            needed=field("needed").get("value") or "",
            needed_by=datetime.fromtimestamp(int(stamp), UTC) if stamp else None,
            link=field("link").get("value"),
        )
        now = services.clock.now()
        with services.sessions.begin() as session:
            escalation = service.get(session, escalation_id) if escalation_id else None
            if escalation is None:
                ack(response_action="errors", errors={"escalation": "Choose an escalation."})
                return
            link, errors = flags.validate_flag(
                form,
                now=now,
                threshold_hours=settings.siren_threshold_hours,
                default_link=escalation.project_link,
            )
            if errors:
                ack(response_action="errors", errors=errors)
                return
            try:
                flags.raise_flag(
                    session,
                    escalation,
                    form,
                    link=link,
                    actor=actor,
                    now=now,
                    threshold_hours=settings.siren_threshold_hours,
                )
            except service.NotAllowed as refused:
                ack(response_action="errors", errors={"needed": str(refused)})
                return
        ack()
        services.wake()

    @app.action(flag_views.FLAG_RESPONDED)
    def responded(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        actor = body["user"]["id"]
        with services.sessions.begin() as session:
            flag = session.get(UrgentFlag, int(action["value"]))
            escalation = service.get(session, flag.escalation_id)
            closed = flags.close_flag(
                session,
                escalation,
                flag,
                actor=actor,
                now=services.clock.now(),
                how="marked responded",
            )
            escalation_id = escalation.id
        if closed:
            thread_note(
                services,
                escalation_id,
                f":white_check_mark: Flag #{flag.id} marked responded by {mention(actor)}.",
            )
        else:
            tell(services, body, f"Flag #{flag.id} was already closed.")
