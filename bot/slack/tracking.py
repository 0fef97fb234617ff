"""Listeners for Phase 3 tracking: the detail view, adding records, ticking tasks."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App

from blocks import escalation as views
from blocks import records as record_views
from blocks.text import mention
from bot.delivery.gateway import SlackProblem
from bot.escalations import records, service
from bot.services import Services
from bot.slack.modals import show_modal
from bot.slack.replies import tell, thread_note

log = logging.getLogger(__name__)


def detail(services: Services, escalation_id: int):  # type: ignore[no-untyped-def]
    with services.sessions() as session:
        escalation = service.get(session, escalation_id)
        if escalation is None:
            return None
        return record_views.detail_view(
            escalation, records.tracking(session, escalation_id), services.clock.now()
        )


def _refresh_detail(services: Services, view_id: str | None, escalation_id: int) -> None:
    if not view_id:
        return
    view = detail(services, escalation_id)
    try:
        services.gateway.update_view(view_id, view)
    except SlackProblem as problem:
        log.info("detail view not refreshed: %s", problem.code)


def _post_resource_impact(services: Services, escalation_id: int, text: str, actor: str) -> None:
    channel = services.settings.resourcing_channel
    with services.sessions() as session:
        escalation = service.get(session, escalation_id)
        message = (
            f":busts_in_silhouette: Resource impact from {escalation.key} "
            f"({escalation.customer}), logged by {mention(actor)}: {text}"
        )
    if not channel:
        thread_note(
            services,
            escalation_id,
            message + "\n_No RESOURCING_CHANNEL is configured, so only this thread knows._",
        )
        return
    try:
        services.gateway.post(
            services.gateway.resolve_channel(channel), message, join_if_needed=True
        )
    except SlackProblem as problem:
        thread_note(
            services,
            escalation_id,
            message + f"\n:warning: I couldn't post it to the resourcing channel: "
            f"{problem.plain_words}",
        )


def register(app: App, services: Services) -> None:
    @app.action(views.DETAILS)
    def details_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        view = detail(services, int(action["value"]))
        if view is None:
            return
        show_modal(services, body, view)

    @app.action(re.compile(f"^{record_views.ADD_RECORD_PREFIX}"))
    def add_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        kind = record_views.RecordKind(
            action["action_id"].removeprefix(record_views.ADD_RECORD_PREFIX)
        )
        escalation_id = int(action["value"])
        with services.sessions() as session:
            escalation = service.get(session, escalation_id)
            milestones = records.tracking(session, escalation_id).milestones
            today = services.clock.now().astimezone(services.settings.timezone).date()
            view = record_views.record_modal(
                kind,
                escalation,
                milestones=milestones,
                today=today,
                parent_view_id=(body.get("view") or {}).get("id"),
            )
        if kind is record_views.RecordKind.TASK and not milestones:
            tell(services, body, "Add a milestone first: tasks belong to a milestone.")
            return
        show_modal(services, body, view, push=True)

    @app.view(record_views.RECORD_CALLBACK)
    def record_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        metadata = json.loads(view["private_metadata"])
        kind = record_views.RecordKind(metadata["kind"])
        values, errors = records.parse_record(kind, view["state"]["values"])
        if errors:
            ack(response_action="errors", errors=errors)
            return
        actor = body["user"]["id"]
        with services.sessions.begin() as session:
            escalation = service.get(session, metadata["escalation_id"])
            try:
                records.add_record(
                    session, escalation, kind, values, actor=actor, now=services.clock.now()
                )
            except ValueError:
                ack(response_action="errors", errors={"milestone": "Choose one of its milestones."})
                return
        ack()
        if kind is record_views.RecordKind.RESOURCE_IMPACT:
            _post_resource_impact(services, metadata["escalation_id"], values["text"], actor)
        _refresh_detail(services, metadata.get("parent_view_id"), metadata["escalation_id"])

    @app.action(re.compile(f"^{record_views.TASK_DONE_PREFIX}"))
    def task_ticked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        milestone_id = int(action["action_id"].removeprefix(record_views.TASK_DONE_PREFIX))
        escalation_id = int(action["block_id"].split(":")[1])
        done = {int(o["value"]) for o in action.get("selected_options") or []}
        with services.sessions.begin() as session:
            escalation = service.get(session, escalation_id)
            records.set_tasks_done(
                session,
                escalation,
                milestone_id,
                done,
                actor=body["user"]["id"],
                now=services.clock.now(),
            )
        _refresh_detail(services, (body.get("view") or {}).get("id"), escalation_id)
