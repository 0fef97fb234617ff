"""Leadership at the Y/R review: whether a Sev 2 leaves the review list, and guidance
recorded as actions (owner, due date) that their owner marks done."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from slack_bolt import Ack, App, BoltContext

from blocks import review as review_views
from blocks.modal_state import ModalState
from bot.escalations import review, service
from bot.runtime import Services
from bot.slack.escalation_context import escalation_named, named_escalation
from bot.slack.modals import save_submission, show_modal
from bot.slack.replies import tell


class Guidance(NamedTuple):
    text: str
    owner: str
    due_on: date


def guidance_form(state: ModalState) -> tuple[Guidance | None, dict[str, str]]:
    """The guidance modal as typed, or what is missing by field."""
    text, owner, due = state.text("text"), state.user("owner"), state.day("due_on")
    errors = {}
    if not text:
        errors["text"] = "Say what leadership asks for."
    if not owner:
        errors["owner"] = "Choose who owns it."
    if not due:
        errors["due_on"] = "Choose when it is due."
    if not (text and owner and due):
        return None, errors
    return Guidance(text, owner, due), {}


def register(app: App, services: Services) -> None:
    named = escalation_named(services)

    def decide(body: dict[str, Any], context: BoltContext, *, leaves: bool) -> None:
        with services.sessions.begin() as session:
            key = review.decide_review_list(
                session,
                named_escalation(context),
                leaves=leaves,
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=services.settings,
            ).key
        services.wake()
        where = "off the review list" if leaves else "on the review list"
        tell(services, body, f"Recorded: {key} is {where}.")

    @app.action(review_views.LEAVE_REVIEW_LIST, middleware=[named])
    def leave(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        decide(body, context, leaves=True)

    @app.action(review_views.STAY_ON_REVIEW_LIST, middleware=[named])
    def stay(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        decide(body, context, leaves=False)

    @app.action(review_views.RECORD_GUIDANCE, middleware=[named])
    def record_guidance(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        today = services.clock.now().astimezone(services.settings.timezone).date()
        with services.sessions() as session:
            view = review_views.guidance_modal(
                service.load(session, named_escalation(context)), today
            )
        show_modal(services, body, view)

    @app.view(review_views.GUIDANCE_CALLBACK, middleware=[named])
    def guidance_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        guidance, errors = guidance_form(ModalState.of(view))
        if guidance is None:
            ack(response_action="errors", errors=errors)
            return
        save_submission(
            services,
            ack,
            "text",
            lambda session: review.add_guidance(
                session,
                named_escalation(context),
                text=guidance.text,
                owner=guidance.owner,
                due_on=guidance.due_on,
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=services.settings,
            ),
        )

    @app.action(review_views.GUIDANCE_DONE)
    def guidance_done(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions.begin() as session:
            review.complete_guidance(
                session,
                int(action["value"]),
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=services.settings,
            )
        services.wake()
        tell(services, body, ":white_check_mark: Recorded as done; the thread has been told.")
