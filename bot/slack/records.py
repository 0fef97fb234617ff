"""Listeners for Phase 3 tracking: the detail view, adding records, ticking tasks."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.models.views import View

from blocks import escalation as views
from blocks import records as record_views
from bot.delivery.gateway import SlackProblem
from bot.domain import RecordKind
from bot.escalations import records, service
from bot.runtime import Services
from bot.slack.modals import show_modal

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
    @app.action(views.DETAILS)
    def details_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        show_modal(services, body, detail(services, int(action["value"])))

    @app.action(re.compile(f"^{record_views.ADD_RECORD_PREFIX}"))
    def add_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        kind = RecordKind(action["action_id"].removeprefix(record_views.ADD_RECORD_PREFIX))
        escalation_id = int(action["value"])
        with services.sessions() as session:
            view = record_views.record_modal(
                kind,
                service.load(session, escalation_id),
                milestones=records.milestones_for_tasks(session, escalation_id)
                if kind is RecordKind.TASK
                else records.tracking(session, escalation_id).milestones,
                today=services.clock.now().astimezone(services.settings.timezone).date(),
                parent_view_id=(body.get("view") or {}).get("id"),
            )
        show_modal(services, body, view, push=True)

    @app.view(record_views.RECORD_CALLBACK)
    def record_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        metadata = json.loads(view["private_metadata"])
        kind = RecordKind(metadata["kind"])
        values, errors = records.parse_record(kind, view["state"]["values"])
        if errors:
            ack(response_action="errors", errors=errors)
            return
        try:
            with services.sessions.begin() as session:
                records.add_record(
                    session,
                    metadata["escalation_id"],
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
        _refresh_detail(services, metadata.get("parent_view_id"), metadata["escalation_id"])

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
