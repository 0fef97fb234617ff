"""Listener middleware: the escalation a click or a form is about, found before the listener.

A button carries its escalation in its value (`"12"`, `{"escalation_id": 12, ...}`, or the
`{"e": 12}` of a button posted before the keys had names); a modal carries it in its
`private_metadata`. `escalation_named` reads it, checks that the escalation exists and puts
its id in Bolt's `context`, so a listener asks for `context` and reads `named_escalation(context)`
instead of parsing and loading it itself. When the request names no escalation, or one that
does not exist, the listener never runs: the error goes to the one `@app.error`, which tells
the person in plain words and answers Slack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext

from blocks.button_values import escalation_id_in
from bot.escalations.service import EscalationNotFound
from bot.models import Escalation
from bot.runtime import Services

ESCALATION_ID = "escalation_id"

Middleware = Callable[..., None]


def named_in(body: dict[str, Any]) -> int | None:
    """The escalation a block action's value or a submitted view's metadata names."""
    if body.get("type") == "view_submission":
        return escalation_id_in((body.get("view") or {}).get("private_metadata"))
    actions = body.get("actions") or []
    return escalation_id_in(actions[0].get("value")) if actions else None


def escalation_named(services: Services) -> Middleware:
    """Middleware for listeners whose button or form names an escalation (see the module)."""

    def find_the_escalation(
        body: dict[str, Any], context: BoltContext, next_: Callable[[], None]
    ) -> None:
        escalation_id = named_in(body)
        if escalation_id is None:
            raise EscalationNotFound("That names no escalation I know of; nothing was changed.")
        with services.sessions() as session:
            if session.get(Escalation, escalation_id) is None:
                raise EscalationNotFound(
                    f"ESC-{escalation_id} does not exist (any more); nothing was changed."
                )
        context[ESCALATION_ID] = escalation_id
        next_()

    return find_the_escalation


def named_escalation(context: BoltContext) -> int:
    """The id `escalation_named` found for this request."""
    return int(context[ESCALATION_ID])
