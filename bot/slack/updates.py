"""Updates: the update modal (from the root message or a prompt), thread replies, check-ins."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App

from blocks import escalation as views
from blocks import update as update_views
from bot import handled_events
from bot.domain import Health
from bot.escalations import updates
from bot.runtime import Services
from bot.slack.modals import open_update_form, save_submission

# Slack escapes these three in the text of a message it sends us; every builder escapes
# them again, so what we store is what the person typed.
SLACK_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def _value(values: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = values.get(name, {}).get(name, {})
    return found


def _text(values: dict[str, Any], name: str) -> str | None:
    return (_value(values, name).get("value") or "").strip() or None


def as_typed(message_text: str) -> str:
    """A message's text as the person typed it (`&lt;` back to `<`, `&amp;` last)."""
    for entity, character in SLACK_ENTITIES:
        message_text = message_text.replace(entity, character)
    return message_text


def update_form(values: dict[str, Any]) -> tuple[updates.UpdateForm | None, dict[str, str]]:
    """The update modal as typed, or what is missing by field."""
    errors = {}
    summary = _text(values, "summary")
    if summary is None:
        errors["summary"] = "Write a short summary of where things stand."
    answered = (_value(values, "customer_communicated").get("selected_option") or {}).get("value")
    if answered not in ("yes", "no"):
        errors["customer_communicated"] = "Say whether the customer heard from us today."
    if summary is None or errors:
        return None, errors
    health = (_value(values, "health").get("selected_option") or {}).get("value")
    return updates.UpdateForm(
        summary=summary,
        health=Health(health) if health in {h.value for h in Health} else None,
        progress=_text(values, "progress"),
        blockers=_text(values, "blockers"),
        next_steps=_text(values, "next_steps"),
        customer_communicated=answered == "yes",
        customer_message=_text(values, "customer_message"),
        path_to_green=_text(values, "path_to_green"),
    ), {}


def register(app: App, services: Services) -> None:
    @app.action(views.POST_UPDATE)
    def post_update_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        open_update_form(services, body, int(action["value"]))

    @app.view(update_views.UPDATE_CALLBACK)
    def update_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        form, errors = update_form(view["state"]["values"])
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        save_submission(
            services,
            ack,
            "summary",
            lambda session: updates.post_update(
                session,
                int(json.loads(view.get("private_metadata") or "{}")["escalation_id"]),
                form,
                author=body["user"]["id"],
                now=services.clock.now(),
                settings=services.settings,
            ),
        )

    @app.view(update_views.CHECK_IN_CALLBACK)
    def check_in_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        notes = _text(values, "notes")
        if notes is None:
            ack(response_action="errors", errors={"notes": "Note what was discussed."})
            return
        ack()
        with services.sessions.begin() as session:
            updates.log_check_in(
                session,
                int(json.loads(view.get("private_metadata") or "{}")["escalation_id"]),
                author=body["user"]["id"],
                attendees=_value(values, "attendees").get("selected_users") or [],
                notes=notes,
                now=services.clock.now(),
            )
        services.wake()

    @app.event("message")
    def thread_reply(event: dict[str, Any], body: dict[str, Any]) -> None:
        """A reply in an escalation's thread: the DRI's counts as their update, once."""
        channel, thread_ts, ts = event.get("channel", ""), event.get("thread_ts"), event.get("ts")
        if event.get("subtype") or event.get("bot_id") or not thread_ts or thread_ts == ts:
            return
        with services.sessions.begin() as session:
            updates.take_thread_reply(
                session,
                channel=channel,
                thread_ts=thread_ts,
                ts=ts or "",
                author=event.get("user", ""),
                text=as_typed(event.get("text") or ""),
                event_keys=handled_events.keys_for_message(body, channel, ts or ""),
                now=services.clock.now(),
            )
        services.wake()
