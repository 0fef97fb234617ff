"""Listeners for a quiet customer: waiting, responded, out of office, Sales Ops outcome."""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime, time
from typing import Any

from slack_bolt import Ack, App

from blocks import customer as customer_views
from blocks import escalation as views
from blocks.text import mention
from bot import people
from bot.domain import Role, SalesOpsOutcome, WaitKind
from bot.escalations import closure, customer, service
from bot.models import CustomerWait
from bot.services import Services
from bot.slack.modals import show_modal
from bot.slack.replies import leadership_people, tell, thread_note

log = logging.getLogger(__name__)


def _selected(values: dict[str, Any], name: str, key: str) -> Any:
    return values.get(name, {}).get(name, {}).get(key)


def _local_midnight(services: Services, user_id: str, day: date) -> datetime:
    return datetime.combine(day, time(0, 0), people.timezone_of(services, user_id))


def register(app: App, services: Services) -> None:
    settings = services.settings

    @app.action(views.WAITING_ON_CUSTOMER)
    def waiting_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions() as session:
            escalation = service.get(session, int(action["value"]))
            if escalation is None:
                return
            today = services.clock.now().astimezone(settings.timezone).date()
            view = customer_views.wait_modal(escalation, today)
        show_modal(services, body, view)

    @app.view(customer_views.WAIT_CALLBACK)
    def waiting_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values, actor = view["state"]["values"], body["user"]["id"]
        asked = (_selected(values, "asked", "value") or "").strip()
        if not asked:
            ack(response_action="errors", errors={"asked": "Say what the customer owes us."})
            return
        kind = (_selected(values, "kind", "selected_option") or {}).get("value", "request")
        how = (_selected(values, "how", "selected_option") or {}).get("value")
        asked_on = _selected(values, "asked_on", "selected_date")
        now = services.clock.now()
        escalation_id = json.loads(view["private_metadata"])["escalation_id"]
        with services.sessions.begin() as session:
            escalation = service.get(session, escalation_id)
            try:
                if kind == WaitKind.MISSED_APPOINTMENT.value:
                    wait = customer.missed_appointment(
                        session,
                        escalation,
                        what=asked,
                        actor=actor,
                        now=now,
                        first_step_days=settings.ladder_days[0],
                    )
                else:
                    if not asked_on:
                        ack(response_action="errors", errors={"asked_on": "Pick the request date."})
                        return
                    asked_at = min(
                        _local_midnight(services, actor, date.fromisoformat(asked_on)), now
                    )
                    if date.fromisoformat(asked_on) > now.astimezone(settings.timezone).date():
                        raise service.NotAllowed("The request date can't be in the future.")
                    wait = customer.start_waiting(
                        session,
                        escalation,
                        asked=asked,
                        how=how,
                        asked_at=asked_at,
                        actor=actor,
                        now=now,
                    )
            except service.NotAllowed as refused:
                ack(response_action="errors", errors={"asked_on": str(refused)})
                return
            blocks = customer_views.waiting_started(escalation, wait)
        ack()
        thread_note(services, escalation_id, f"Waiting on {escalation.customer}", blocks)

    @app.action(customer_views.CUSTOMER_RESPONDED)
    def responded(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        actor, now = body["user"]["id"], services.clock.now()
        with services.sessions.begin() as session:
            wait = session.get(CustomerWait, int(action["value"]))
            escalation = service.get(session, wait.escalation_id)
            try:
                took = customer.customer_responded(session, escalation, wait, actor=actor, now=now)
            except service.NotAllowed as refused:
                tell(services, body, str(refused))
                return
            escalation_id, key, state = escalation.id, escalation.key, escalation.state
        thread_note(
            services,
            escalation_id,
            (
                f":speech_balloon: {mention(actor)}: the customer responded after "
                f"{customer.describe(took)}. The ladder for that request is stopped"
                + (f"; {key} is {state.value} again." if state.value == "active" else ".")
            ),
        )

    @app.action(customer_views.OUT_OF_OFFICE)
    def ooo_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions() as session:
            wait = session.get(CustomerWait, int(action["value"]))
            escalation = service.get(session, wait.escalation_id)
            today = services.clock.now().astimezone(settings.timezone).date()
            view = customer_views.ooo_modal(escalation, wait, today)
        show_modal(services, body, view)

    @app.view(customer_views.OOO_CALLBACK)
    def ooo_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        actor, now = body["user"]["id"], services.clock.now()
        until_text = _selected(view["state"]["values"], "until", "selected_date")
        if not until_text:
            ack(response_action="errors", errors={"until": "Pick the day they are back."})
            return
        metadata = json.loads(view["private_metadata"])
        until = _local_midnight(services, actor, date.fromisoformat(until_text))
        with services.sessions.begin() as session:
            wait = session.get(CustomerWait, metadata["wait_id"])
            escalation = service.get(session, metadata["escalation_id"])
            try:
                customer.out_of_office(session, escalation, wait, until=until, actor=actor, now=now)
            except service.NotAllowed as refused:
                ack(response_action="errors", errors={"until": str(refused)})
                return
        ack()
        thread_note(
            services,
            metadata["escalation_id"],
            f":palm_tree: {mention(actor)}: the customer is out of office until "
            f"{until_text}; the unresponsiveness ladder is paused until then.",
        )

    @app.action(re.compile(f"^{customer_views.SALES_OPS_OUTCOME}:"))
    def sales_ops_outcome(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        actor = body["user"]["id"]
        members, channel = people.sales_ops(services)
        deciders = customer.OutcomeDeciders(
            sales_ops=members,
            leadership=leadership_people(services),
            sales_ops_channel=channel,
            configured=bool(settings.sales_ops),
        )
        value = json.loads(action["value"])
        outcome = SalesOpsOutcome(value["o"])
        now = services.clock.now()
        with services.sessions.begin() as session:
            wait = session.get(CustomerWait, value["w"])
            escalation = service.get(session, wait.escalation_id)
            try:
                customer.record_sales_ops_outcome(
                    session,
                    escalation,
                    wait,
                    outcome=outcome,
                    actor=actor,
                    deciders=deciders,
                    now=now,
                )
                if outcome is not SalesOpsOutcome.CONTINUE:
                    closure.resolve(
                        session,
                        escalation.id,
                        escalation.version,
                        customer.closure_for(outcome, wait),
                        actor=actor,
                        now=now,
                        tz=settings.timezone,
                    )
            except (service.NotAllowed, closure.Conflict) as refused:
                tell(services, body, str(refused))
                return
            escalation_id, dri, key = escalation.id, escalation.person(Role.DRI), escalation.key
        follow = (
            "carry on with the project and reset the PSA status (Active, dependency: None); "
            "the escalation is active again."
            if outcome is SalesOpsOutcome.CONTINUE
            else "follow the contract path; I closed the escalation and unpinned the thread."
        )
        thread_note(
            services,
            escalation_id,
            f":memo: Sales Ops ({mention(actor)}) recorded *{outcome.label}* for {key}. "
            f"{mention(dri)}, please {follow}",
        )
        if outcome is not SalesOpsOutcome.CONTINUE:
            services.wake()
        tell(services, body, f"Recorded: {outcome.label} for {key}.")
