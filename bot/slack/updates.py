"""Updates: the update modal (from the root message or a prompt), thread replies, check-ins."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from blocks import escalation as views
from blocks import update as update_views
from blocks.modal_state import ModalState
from bot import handled_events
from bot.domain import Health
from bot.escalations import updates
from bot.runtime import Services
from bot.slack.escalation_context import escalation_named, named_escalation
from bot.slack.modals import open_update_form, save_submission

# Slack escapes these three in the text of a message it sends us; every builder escapes
# them again, so what we store is what the person typed.
SLACK_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def as_typed(message_text: str) -> str:
    """A message's text as the person typed it (`&lt;` back to `<`, `&amp;` last)."""
    for entity, character in SLACK_ENTITIES:
        message_text = message_text.replace(entity, character)
    return message_text


def update_form(state: ModalState) -> tuple[updates.UpdateForm | None, dict[str, str]]:
    """The update modal as typed, or what is missing by field."""
    errors = {}
    summary = state.text("summary")
    if summary is None:
        errors["summary"] = "Write a short summary of where things stand."
    answered = state.option("customer_communicated")
    if answered not in ("yes", "no"):
        errors["customer_communicated"] = "Say whether the customer heard from us today."
    if summary is None or errors:
        return None, errors
    health = state.option("health")
    return updates.UpdateForm(
        summary=summary,
        health=Health(health) if health in {h.value for h in Health} else None,
        progress=state.text("progress"),
        blockers=state.text("blockers"),
        next_steps=state.text("next_steps"),
        customer_communicated=answered == "yes",
        customer_message=state.text("customer_message"),
        path_to_green=state.text("path_to_green"),
    ), {}


def register(app: App, services: Services) -> None:
    named = escalation_named(services)

    @app.action(views.POST_UPDATE, middleware=[named])
    def post_update_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        open_update_form(services, body, named_escalation(context))

    @app.view(update_views.UPDATE_CALLBACK, middleware=[named])
    def update_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        form, errors = update_form(ModalState.of(view))
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        save_submission(
            services,
            ack,
            "summary",
            lambda session: updates.post_update(
                session,
                named_escalation(context),
                form,
                author=body["user"]["id"],
                now=services.clock.now(),
                settings=services.settings,
            ),
        )

    @app.view(update_views.CHECK_IN_CALLBACK, middleware=[named])
    def check_in_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        state = ModalState.of(view)
        notes = state.text("notes")
        if notes is None:
            ack(response_action="errors", errors={"notes": "Note what was discussed."})
            return
        ack()
        with services.sessions.begin() as session:
            updates.log_check_in(
                session,
                named_escalation(context),
                author=body["user"]["id"],
                attendees=state.users("attendees"),
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
