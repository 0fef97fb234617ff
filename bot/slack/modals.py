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

# A modal opens after its listener's ack, on a trigger Slack honours for 3 seconds. While
# other requests wait for their acks it waits too, this long at most: Slack shows an error
# for an ack later than 3 s, while a form a moment late is only late.
GIVE_WAY_AT_MOST = 0.5  # seconds

Refused = Callable[[str], None]


def open_view(
    services: Services, trigger_id: str, view: Any, refused: Refused, *, push: bool = False
) -> None:
    """Open `view` (`push`: stack it on the open modal) soon, on a modal opener thread after
    the acks waiting now; when Slack refuses (e.g. an expired trigger) `refused` hears why in
    plain words. Not on the listener's thread: Bolt's listener threads ack, and one held here
    is one fewer for the next request."""
    gateway = services.gateway

    def open_it() -> None:
        services.traffic.give_way(GIVE_WAY_AT_MOST, lull=0.0)
        try:
            try:
                (gateway.push_view if push else gateway.open_view)(trigger_id, view)
            except SlackProblem as problem:
                log.warning("%s failed: %s", problem.method, problem.code)
                refused(problem.plain_words)
        except Exception:
            log.exception("opening a modal failed")

    services.modal_openers.submit(open_it)


def telling(services: Services, body: dict[str, Any]) -> Refused:
    """A refusal told to the person who clicked, where they clicked or else by DM."""
    return lambda words: tell(services, body, f":warning: {words}")


def show_modal(services: Services, body: dict[str, Any], view: Any, *, push: bool = False) -> None:
    """Open `view` soon on the click's trigger (`push` stacks it on the open modal); a
    refusal is told to the person who clicked."""
    open_view(services, body["trigger_id"], view, telling(services, body), push=push)


def open_escalation_form(
    services: Services,
    trigger_id: str,
    severity: Severity,
    *,
    opener: str,
    customer: str = "",
    response_url: str | None = None,
    refused: Refused,
) -> None:
    """The form to open an escalation, the customer prefilled when the command named one;
    `refused` hears why Slack refused to open it."""
    view = open_escalation_view(
        severity,
        customer=customer,
        opener=opener,
        director=services.settings.director_ps_user_id,
        metadata={"response_url": response_url} if response_url else None,
        sync_hours=services.settings.immediate_sync_hours,
    )
    open_view(services, trigger_id, view, refused)


def open_flag_form(
    services: Services, trigger_id: str, escalation_id: int | None, refused: Refused
) -> None:
    """The flag form, on one escalation, or with a choice of the open ones and the customer
    for a flag with none; `refused` hears why Slack refused to open it."""
    with services.sessions() as session:
        escalation = service.load(session, escalation_id) if escalation_id else None
        # With no open escalation the form asks for the customer instead: flagging early
        # needs no escalation.
        choices = None if escalation else service.open_escalations(session)
        view = flag_views.flag_modal(
            escalation, choices=choices, threshold_hours=services.settings.siren_threshold_hours
        )
    open_view(services, trigger_id, view, refused)


def open_update_form(
    services: Services, body: dict[str, Any], escalation_id: int, origin: str | None = None
) -> None:
    with services.sessions() as session:
        view = update_views.update_modal(service.load(session, escalation_id), origin=origin)
    show_modal(services, body, view)


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
