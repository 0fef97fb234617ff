"""The weekly Sev 1 review form (from the Friday prompt or its overdue nudge), and the Sev 2
missed-weekly nudge's "Post update"."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from blocks import weekly as weekly_views
from blocks.button_values import weekly_review_click
from blocks.modal_state import ModalState
from bot.escalations import service, weekly
from bot.runtime import Services
from bot.slack.escalation_context import escalation_named, named_escalation
from bot.slack.modals import open_update_form, save_submission, show_modal


def review_form(
    state: ModalState,
) -> tuple[weekly.WeeklyReviewForm | None, dict[str, str]]:
    """The review as typed, or what is missing by field."""
    answers = {name: state.text(name) for name, _label, _hint in weekly_views.REVIEW_QUESTIONS}
    errors = {
        name: f"{label}: please fill this in."
        for name, label, _hint in weekly_views.REVIEW_QUESTIONS
        if answers[name] is None
    }
    raid = state.option(weekly_views.RAID_REVIEWED)
    if raid not in ("yes", "no"):
        errors[weekly_views.RAID_REVIEWED] = "Say whether the RAID register was reviewed."
    if errors:
        return None, errors
    return weekly.WeeklyReviewForm(
        stakeholder_communication=answers["stakeholder_communication"] or "",
        budget_timeline_impact=answers["budget_timeline_impact"] or "",
        resource_allocation=answers["resource_allocation"] or "",
        forecast=answers["forecast"] or "",
        raid_reviewed=raid == "yes",
        raid_notes=state.text(weekly_views.RAID_NOTES),
    ), {}


def register(app: App, services: Services) -> None:
    named = escalation_named(services)

    @app.action(weekly_views.OPEN_WEEKLY_REVIEW)
    def open_review(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        click = weekly_review_click(action["value"])
        with services.sessions() as session:
            escalation = service.load(session, click.escalation_id)
            view = weekly_views.weekly_review_modal(escalation, click.week)
        show_modal(services, body, view)

    @app.action(weekly_views.WEEKLY_POST_UPDATE, middleware=[named])
    def post_update(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        open_update_form(services, body, named_escalation(context), origin="sev2_weekly")

    @app.view(weekly_views.WEEKLY_REVIEW_CALLBACK, middleware=[named])
    def review_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        form, errors = review_form(ModalState.of(view))
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        review = weekly_review_click(view["private_metadata"])
        save_submission(
            services,
            ack,
            "stakeholder_communication",
            lambda session: weekly.submit_weekly_review(
                session,
                named_escalation(context),
                review.week,
                form,
                author=body["user"]["id"],
                now=services.clock.now(),
                settings=services.settings,
            ),
        )
