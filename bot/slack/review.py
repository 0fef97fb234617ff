"""Leadership at the Y/R review: whether a Sev 2 leaves the review list, and guidance
recorded as actions (owner, due date) that their owner marks done."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App

from blocks import review as review_views
from bot.escalations import review, service
from bot.runtime import Services
from bot.slack.modals import save_submission, show_modal
from bot.slack.replies import tell


def register(app: App, services: Services) -> None:
    def decide(body: dict[str, Any], action: dict[str, Any], *, leaves: bool) -> None:
        with services.sessions.begin() as session:
            key = review.decide_review_list(
                session,
                int(action["value"]),
                leaves=leaves,
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=services.settings,
            ).key
        services.wake()
        where = "off the review list" if leaves else "on the review list"
        tell(services, body, f"Recorded: {key} is {where}.")

    @app.action(review_views.LEAVE_REVIEW_LIST)
    def leave(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        decide(body, action, leaves=True)

    @app.action(review_views.STAY_ON_REVIEW_LIST)
    def stay(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        decide(body, action, leaves=False)

    @app.action(review_views.RECORD_GUIDANCE)
    def record_guidance(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        today = services.clock.now().astimezone(services.settings.timezone).date()
        with services.sessions() as session:
            view = review_views.guidance_modal(service.load(session, int(action["value"])), today)
        show_modal(services, body, view)

    @app.view(review_views.GUIDANCE_CALLBACK)
    def guidance_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        text = ((values.get("text", {}).get("text", {}).get("value")) or "").strip()
        owner = values.get("owner", {}).get("owner", {}).get("selected_user")
        due = values.get("due_on", {}).get("due_on", {}).get("selected_date")
        errors = {}
        if not text:
            errors["text"] = "Say what leadership asks for."
        if not owner:
            errors["owner"] = "Choose who owns it."
        if not due:
            errors["due_on"] = "Choose when it is due."
        if errors:
            ack(response_action="errors", errors=errors)
            return
        save_submission(
            services,
            ack,
            "text",
            lambda session: review.add_guidance(
                session,
                int(view.get("private_metadata") or 0),
                text=text,
                owner=str(owner),
                due_on=date.fromisoformat(str(due)),
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
