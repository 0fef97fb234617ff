"""Opening a modal from a click or a command, and telling the person when Slack won't."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack
from sqlalchemy.orm import Session

from blocks import flags as flag_views
from blocks import update as update_views
from blocks.open_modal import open_escalation_view
from bot.delivery.gateway import SlackProblem
from bot.domain import Severity
from bot.escalations import service
from bot.escalations.closure import Conflict
from bot.escalations.permissions import NotAllowed
from bot.runtime import Services
from bot.slack.replies import tell

log = logging.getLogger(__name__)


def open_view(services: Services, trigger_id: str, view: Any) -> str | None:
    """Open `view`; returns, in plain words, why Slack refused (e.g. an expired trigger)."""
    try:
        services.gateway.open_view(trigger_id, view)
    except SlackProblem as problem:
        log.warning("views.open failed: %s", problem.code)
        return problem.plain_words
    return None


def show_modal(services: Services, body: dict[str, Any], view: Any, *, push: bool = False) -> bool:
    """Open `view` on the click's trigger (`push` stacks it on the open modal). When Slack
    refuses (an expired trigger, anything else) the person is told why in plain words,
    where they clicked or else by DM; returns whether the modal opened."""
    gateway = services.gateway
    try:
        (gateway.push_view if push else gateway.open_view)(body["trigger_id"], view)
    except SlackProblem as problem:
        log.warning("%s for %s failed: %s", problem.method, body["user"]["id"], problem.code)
        tell(services, body, f":warning: {problem.plain_words}")
        return False
    return True


def open_escalation_form(
    services: Services,
    trigger_id: str,
    severity: Severity,
    *,
    opener: str,
    customer: str = "",
    response_url: str | None = None,
) -> str | None:
    """The form to open an escalation, the customer prefilled when the command named one;
    returns why Slack refused to open it, or None."""
    view = open_escalation_view(
        severity,
        customer=customer,
        opener=opener,
        director=services.settings.director_ps_user_id,
        metadata={"response_url": response_url} if response_url else None,
        sync_hours=services.settings.immediate_sync_hours,
    )
    return open_view(services, trigger_id, view)


def open_flag_form(services: Services, trigger_id: str, escalation_id: int | None) -> str | None:
    """The flag form, on one escalation, or with a choice of the open ones and the customer
    for a flag with none; returns a problem to tell the person, or None."""
    with services.sessions() as session:
        escalation = service.load(session, escalation_id) if escalation_id else None
        # With no open escalation the form asks for the customer instead: flagging early
        # needs no escalation.
        choices = None if escalation else service.open_escalations(session)
        view = flag_views.flag_modal(
            escalation, choices=choices, threshold_hours=services.settings.siren_threshold_hours
        )
    return open_view(services, trigger_id, view)


def open_update_form(
    services: Services, body: dict[str, Any], escalation_id: int, origin: str | None = None
) -> bool:
    with services.sessions() as session:
        view = update_views.update_modal(service.load(session, escalation_id), origin=origin)
    return show_modal(services, body, view)


def save_submission(
    services: Services, ack: Ack, field: str, change: Callable[[Session], object]
) -> bool:
    """Apply a submitted form's use case in one transaction, then close the modal and wake
    the delivery workers. A refusal (not allowed, or someone changed it meanwhile) is shown
    beside `field` and the modal stays open with everything typed; False then."""
    try:
        with services.sessions.begin() as session:
            change(session)
    except (Conflict, NotAllowed) as refused:
        ack(response_action="errors", errors={field: str(refused)})
        return False
    ack()
    services.wake()
    return True
