"""Leadership's decisions on Sev 2s: escalate to Sev 1, or remain in monitoring."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App

from blocks import portfolio as portfolio_views
from blocks import prompts as prompt_views
from blocks.text import mention
from bot.delivery.gateway import SlackProblem
from bot.domain import EventKind, Level
from bot.escalations import service
from bot.services import Services
from bot.slack.modals import show_modal
from bot.slack.replies import leadership_people, refusal, tell, thread_note

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    settings = services.settings

    @app.action(portfolio_views.DECIDE_PROMOTE)
    def promote_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        if not settings.is_leadership(body["user"]["id"]):
            tell(services, body, refusal(services, "escalate a Sev 2 to Sev 1"))
            return
        with services.sessions() as session:
            escalation = service.get(session, int(action["value"]))
            if escalation is None:
                return
            if escalation.severity.value == "sev1":
                tell(services, body, f"{escalation.key} is already Sev 1.")
                return
            view = portfolio_views.promote_modal(escalation)
        show_modal(services, body, view)

    @app.view(portfolio_views.PROMOTE_CALLBACK)
    def promote_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        actor = body["user"]["id"]
        values = view["state"]["values"]
        level = ((values.get("level", {}).get("level", {}).get("selected_option")) or {}).get(
            "value"
        )
        if level not in {lvl.value for lvl in Level}:
            ack(response_action="errors", errors={"level": "Choose Critical, High or Medium."})
            return
        if not settings.is_leadership(actor):  # checked again: a modal can outlive a role
            ack(
                response_action="errors",
                errors={"level": refusal(services, "escalate a Sev 2 to Sev 1")},
            )
            return
        note = (values.get("note", {}).get("note", {}).get("value") or "").strip() or None
        escalation_id = json.loads(view["private_metadata"])["escalation_id"]
        now = services.clock.now()
        with services.sessions.begin() as session:
            escalation = service.get(session, escalation_id)
            try:
                service.promote_to_sev1(
                    session, escalation, level=Level(level), actor=actor, now=now, note=note
                )
            except service.NotAllowed as refused:
                ack(response_action="errors", errors={"level": str(refused)})
                return
            key = escalation.key
        ack()
        thread_note(
            services,
            escalation_id,
            (
                f":rotating_light: {mention(actor)} escalated {key} to *Sev 1 {Level(level).label}*."
                + (f" {note}" if note else "")
                + " Phase 1 starts again: checklist below."
            ),
        )
        services.wake()

    @app.action(portfolio_views.DECIDE_REMAIN)
    def remain_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        actor = body["user"]["id"]
        if not settings.is_leadership(actor):
            tell(services, body, refusal(services, "decide on a Sev 2"))
            return
        escalation_id = int(action["value"])
        with services.sessions.begin() as session:
            escalation = service.get(session, escalation_id)
            try:
                service.keep_in_sev2(session, escalation, actor=actor, now=services.clock.now())
            except service.NotAllowed as refused:
                tell(services, body, str(refused))
                return
            key = escalation.key
        tell(services, body, f"Recorded: {key} remains in Sev 2 monitoring.")
        thread_note(
            services,
            escalation_id,
            f":eyes: {mention(actor)} decided {key} remains in Sev 2 monitoring.",
        )

    @app.action(prompt_views.PROMPT_REQUEST_SEV1)
    def request_sev1(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        requester = body["user"]["id"]
        escalation_id = json.loads(action["value"])["e"]
        with services.sessions.begin() as session:
            escalation = service.get(session, escalation_id)
            if escalation is None or escalation.severity.value != "sev2":
                return
            service.record(
                session,
                escalation,
                EventKind.PROMOTION_REQUESTED,
                requester,
                "DRI asked leadership to escalate to Sev 1",
                services.clock.now(),
            )
            blocks = portfolio_views.promotion_request_blocks(
                escalation, requester, leadership_people(services)
            )
            channel, ts, key = escalation.leadership_channel_id, escalation.root_ts, escalation.key
        try:
            services.gateway.post(channel, f"{key}: Sev 1 requested", blocks, thread_ts=ts)
            tell(services, body, f"I asked leadership to decide on {key} in its thread.")
        except SlackProblem as problem:
            tell(services, body, f":warning: {problem.plain_words}")
