"""Listeners for Phase 3 tracking: the detail view, adding records, ticking tasks, resolving
blockers, validating requirements, deciding change orders, the morning impacts question
and a suggested trigger."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk.models.views import View

from blocks import escalation as views
from blocks import prompts as prompt_views
from blocks import records as record_views
from blocks import tracking_notes
from blocks.button_values import trigger_click
from blocks.modal_state import ModalState
from bot.delivery.gateway import SlackProblem
from bot.domain import ChangeOrderStatus, RecordKind
from bot.escalations import blockers, records, requirements, service
from bot.runtime import Services
from bot.slack.escalation_context import escalation_named, named_escalation
from bot.slack.modals import save_submission, show_modal
from bot.slack.replies import tell

log = logging.getLogger(__name__)


def detail(services: Services, escalation_id: int) -> View:
    with services.sessions() as session:
        return record_views.detail_view(
            service.load(session, escalation_id),
            records.tracking(session, escalation_id),
            services.clock.now(),
        )


def _refresh_detail(services: Services, view_id: str | None, escalation_id: int) -> None:
    """Show the change in the detail view the person is looking at."""
    if not view_id:
        return
    try:
        services.gateway.update_view(view_id, detail(services, escalation_id))
    except SlackProblem as problem:
        log.info("detail view not refreshed: %s", problem.code)


def register(app: App, services: Services) -> None:
    named = escalation_named(services)

    @app.action(views.DETAILS, middleware=[named])
    def details_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        show_modal(services, body, detail(services, named_escalation(context)))

    @app.action(re.compile(f"^{record_views.ADD_RECORD_PREFIX}"), middleware=[named])
    def add_clicked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        kind = RecordKind(action["action_id"].removeprefix(record_views.ADD_RECORD_PREFIX))
        named_id = named_escalation(context)
        with services.sessions() as session:
            view = record_views.record_modal(
                kind,
                service.load(session, named_id),
                milestones=records.milestones_for_tasks(session, named_id)
                if kind is RecordKind.TASK
                else records.tracking(session, named_id).milestones,
                today=services.clock.now().astimezone(services.settings.timezone).date(),
                parent_view_id=(body.get("view") or {}).get("id"),
            )
        show_modal(services, body, view, push=True)

    @app.view(record_views.RECORD_CALLBACK, middleware=[named])
    def record_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        metadata = json.loads(view["private_metadata"])
        kind = RecordKind(metadata["kind"])
        values, errors = records.parse_record(kind, ModalState.of(view))
        if errors:
            ack(response_action="errors", errors=errors)
            return
        try:
            with services.sessions.begin() as session:
                records.add_record(
                    session,
                    named_escalation(context),
                    kind,
                    values,
                    actor=body["user"]["id"],
                    now=services.clock.now(),
                    resourcing_channel=services.settings.resourcing_channel,
                )
        except ValueError:
            ack(response_action="errors", errors={"milestone": "Choose one of its milestones."})
            return
        ack()
        services.wake()
        _refresh_detail(services, metadata.get("parent_view_id"), named_escalation(context))

    @app.action(re.compile(f"^{record_views.TASK_DONE_PREFIX}"))
    def task_ticked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        escalation_id = int(action["block_id"].split(":")[1])
        with services.sessions.begin() as session:
            records.set_tasks_done(
                session,
                escalation_id,
                int(action["action_id"].removeprefix(record_views.TASK_DONE_PREFIX)),
                {int(o["value"]) for o in action.get("selected_options") or []},
                actor=body["user"]["id"],
                now=services.clock.now(),
            )
        _refresh_detail(services, (body.get("view") or {}).get("id"), escalation_id)

    def escalation_of(action: dict[str, Any]) -> int:
        return int(action["block_id"].split(":")[1])

    def parent_of(body: dict[str, Any]) -> str | None:
        return (body.get("view") or {}).get("id")

    @app.action(record_views.RESOLVE_BLOCKER)
    def blocker_picked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        escalation_id = escalation_of(action)
        with services.sessions() as session:
            view = record_views.resolve_blocker_modal(
                service.load(session, escalation_id),
                blockers.blocker_of(
                    session, escalation_id, int(action["selected_option"]["value"])
                ),
                parent_view_id=parent_of(body),
            )
        show_modal(services, body, view, push=True)

    @app.view(record_views.RESOLVE_BLOCKER_CALLBACK, middleware=[named])
    def blocker_resolved(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        metadata = json.loads(view["private_metadata"])
        how = ModalState.of(view).text("how")
        if not how:
            ack(response_action="errors", errors={"how": "Say how it was resolved."})
            return
        if save_submission(
            services,
            ack,
            "how",
            lambda session: blockers.resolve_blocker(
                session,
                named_escalation(context),
                metadata["blocker_id"],
                how,
                actor=body["user"]["id"],
                now=services.clock.now(),
            ),
        ):
            _refresh_detail(services, metadata.get("parent_view_id"), named_escalation(context))

    @app.action(record_views.VALIDATE_REQUIREMENT)
    def requirement_picked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        escalation_id = escalation_of(action)
        with services.sessions() as session:
            view = record_views.validate_requirement_modal(
                service.load(session, escalation_id),
                requirements.requirement_of(
                    session, escalation_id, int(action["selected_option"]["value"])
                ),
                parent_view_id=parent_of(body),
            )
        show_modal(services, body, view, push=True)

    @app.view(record_views.VALIDATE_CALLBACK, middleware=[named])
    def requirement_validated(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        metadata = json.loads(view["private_metadata"])
        state = ModalState.of(view)
        ticked = {int(value) for value in state.options("checks")}
        sign_off = bool(state.options("sign_off"))
        if save_submission(
            services,
            ack,
            "sign_off" if sign_off else "checks",
            lambda session: requirements.validate_requirement(
                session,
                named_escalation(context),
                metadata["requirement_id"],
                ticked,
                sign_off=sign_off,
                actor=body["user"]["id"],
                now=services.clock.now(),
            ),
        ):
            _refresh_detail(services, metadata.get("parent_view_id"), named_escalation(context))

    @app.action(record_views.DECIDE_CHANGE_ORDER)
    def change_order_decided(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        escalation_id = escalation_of(action)
        status, order_id = action["selected_option"]["value"].split(":")
        with services.sessions.begin() as session:
            requirements.decide_change_order(
                session,
                escalation_id,
                int(order_id),
                ChangeOrderStatus(status),
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=services.settings,
            )
        services.wake()
        _refresh_detail(services, parent_of(body), escalation_id)

    @app.action(prompt_views.PROMPT_IMPACTS, middleware=[named])
    def impacts_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        with services.sessions() as session:
            view = record_views.record_modal(
                RecordKind.RESOURCE_IMPACT,
                service.load(session, named_escalation(context)),
                milestones=[],
                today=services.clock.now().astimezone(services.settings.timezone).date(),
            )
        show_modal(services, body, view)

    @app.action(tracking_notes.ADD_SUGGESTED_TRIGGER)
    def trigger_accepted(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        click = trigger_click(action["value"])
        with services.sessions.begin() as session:
            added = blockers.add_suggested_trigger(
                session,
                click.escalation_id,
                click.trigger,
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=services.settings,
            )
        services.wake()
        tell(
            services,
            body,
            "Added the trigger to the record and noted it in the thread."
            if added
            else "That trigger is already on the record.",
        )
