"""Updates: the update modal (from the root message or a prompt), thread replies, check-ins."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App

from blocks import escalation as views
from blocks import update as update_views
from bot import handled_events
from bot.delivery.gateway import SlackProblem
from bot.domain import EventKind, Health, Role, UpdateSource
from bot.escalations import service
from bot.models import CheckIn
from bot.services import Services
from bot.slack.flags import close_answered_flags, note_answered_flags
from bot.slack.modals import show_modal

log = logging.getLogger(__name__)


def _value(values: dict[str, Any], name: str) -> dict[str, Any]:
    return values.get(name, {}).get(name, {})


def _text(values: dict[str, Any], name: str) -> str | None:
    return (_value(values, name).get("value") or "").strip() or None


def open_update_modal(
    services: Services, body: dict[str, Any], escalation_id: int, origin: str | None = None
) -> None:
    with services.sessions() as session:
        escalation = service.get(session, escalation_id)
        if escalation is None:
            return
        view = update_views.update_modal(escalation, origin=origin)
    show_modal(services, body, view)


def publish_pending_update(services: Services, key: str, update_id: int) -> None:
    services.wake()


def register(app: App, services: Services) -> None:
    @app.action(views.POST_UPDATE)
    def post_update_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        open_update_modal(services, body, int(action["value"]))

    @app.view(update_views.UPDATE_CALLBACK)
    def update_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        metadata = json.loads(view.get("private_metadata") or "{}")
        errors = {}
        summary = _text(values, "summary")
        if summary is None:
            errors["summary"] = "Write a short summary of where things stand."
        answered = (_value(values, "customer_communicated").get("selected_option") or {}).get(
            "value"
        )
        if answered not in ("yes", "no"):
            errors["customer_communicated"] = "Say whether the customer heard from us today."
        if errors:
            ack(response_action="errors", errors=errors)
            return
        health = (_value(values, "health").get("selected_option") or {}).get("value")
        with services.sessions.begin() as session:
            escalation = service.get(session, int(metadata["escalation_id"]))
            if escalation is None or not escalation.state.is_open:
                ack(
                    response_action="errors",
                    errors={"summary": "This escalation is resolved; reopen it to post updates."},
                )
                return
            update = service.record_update(
                session,
                escalation,
                author=body["user"]["id"],
                now=services.clock.now(),
                source=UpdateSource.MODAL,
                summary=summary,
                health=Health(health) if health in {h.value for h in Health} else None,
                progress=_text(values, "progress"),
                blockers=_text(values, "blockers"),
                next_steps=_text(values, "next_steps"),
                customer_communicated=answered == "yes",
                customer_message=_text(values, "customer_message"),
            )
            key, update_id = escalation.key, update.id
        ack()
        publish_pending_update(services, key, update_id)

    @app.view(update_views.CHECK_IN_CALLBACK)
    def check_in_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        notes = _text(values, "notes")
        attendees = _value(values, "attendees").get("selected_users") or []
        if notes is None:
            ack(response_action="errors", errors={"notes": "Note what was discussed."})
            return
        metadata = json.loads(view.get("private_metadata") or "{}")
        author, now = body["user"]["id"], services.clock.now()
        with services.sessions.begin() as session:
            escalation = service.get(session, int(metadata["escalation_id"]))
            if escalation is None:
                ack()
                return
            session.add(
                CheckIn(
                    escalation_id=escalation.id,
                    at=now,
                    author=author,
                    attendees=",".join(attendees),
                    notes=notes,
                )
            )
            service.record(
                session,
                escalation,
                EventKind.CHECK_IN,
                author,
                f"Check-in with {len(attendees)} attendee(s): {notes[:200]}",
                now,
            )
            channel, root_ts = escalation.leadership_channel_id, escalation.root_ts
            text = update_views.check_in_text(escalation, attendees, notes, author)
        ack()
        if channel and root_ts:
            try:
                services.gateway.post(channel, text, thread_ts=root_ts)
            except SlackProblem as problem:
                log.warning("check-in post failed: %s", problem.code)

    @app.event("message")
    def thread_reply(event: dict[str, Any], body: dict[str, Any]) -> None:
        """A reply the DRI types in the escalation thread counts as their update, once:
        Slack's retries and a second event for the same message change nothing."""
        channel, thread_ts, ts = event.get("channel", ""), event.get("thread_ts"), event.get("ts")
        if event.get("subtype") or event.get("bot_id") or not thread_ts or thread_ts == ts:
            return
        with services.sessions() as session:
            escalation = service.find_by_thread(session, channel, thread_ts)
        if escalation is None or not escalation.state.is_open:
            return
        author, now, update_id = event.get("user", ""), services.clock.now(), None
        with services.sessions.begin() as session:
            if not handled_events.first_time(
                session, handled_events.keys_for_message(body, channel, ts), now
            ):
                log.info("event %s (message %s) already handled", body.get("event_id"), ts)
                return
            escalation = service.get(session, escalation.id)
            answered = close_answered_flags(session, escalation, author, now)
            if author == escalation.person(Role.DRI):
                update_id = service.record_update(
                    session,
                    escalation,
                    author=author,
                    now=now,
                    source=UpdateSource.THREAD,
                    summary=event.get("text") or "(no text)",
                    thread_ts=ts,
                ).id
            key = escalation.key
        note_answered_flags(services, escalation.id, author, answered)
        if update_id is not None:
            publish_pending_update(services, key, update_id)
