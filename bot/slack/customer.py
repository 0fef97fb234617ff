"""Listeners for a quiet customer: waiting, responded, out of office, Sales Ops outcome."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from typing import Any

from slack_bolt import Ack, App, BoltContext

from blocks import customer as customer_views
from blocks import escalation as views
from blocks.button_values import attempt_click, outcome_click
from blocks.modal_state import ModalState
from bot import people
from bot.domain import SalesOpsOutcome, WaitKind
from bot.escalations import customer, service
from bot.models import CustomerWait
from bot.runtime import Services
from bot.slack.escalation_context import escalation_named, named_escalation
from bot.slack.modals import save_submission, show_modal
from bot.slack.replies import send_export, tell


def register(app: App, services: Services) -> None:
    named = escalation_named(services)
    settings = services.settings

    def today() -> date:
        return services.clock.now().astimezone(settings.timezone).date()

    @app.action(views.WAITING_ON_CUSTOMER, middleware=[named])
    def waiting_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        with services.sessions() as session:
            escalation = service.load(session, named_escalation(context))
            view = customer_views.wait_modal(escalation, today())
        show_modal(services, body, view)

    @app.view(customer_views.WAIT_CALLBACK, middleware=[named])
    def waiting_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        state, actor = ModalState.of(view), body["user"]["id"]
        asked = state.text("asked")
        if not asked:
            ack(response_action="errors", errors={"asked": "Say what the customer owes us."})
            return
        kind = state.option("kind") or "request"
        save_submission(
            services,
            ack,
            "asked_on",
            lambda session: customer.wait_on_customer(
                session,
                named_escalation(context),
                kind=WaitKind(kind),
                asked=asked,
                how=state.option("how"),
                asked_on=state.day("asked_on"),
                asked_tz=people.timezone_of(services, actor),
                actor=actor,
                now=services.clock.now(),
                settings=settings,
            ),
        )

    @app.action(customer_views.CUSTOMER_RESPONDED)
    def responded(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions.begin() as session:
            customer.mark_responded(
                session,
                int(action["value"]),
                actor=body["user"]["id"],
                now=services.clock.now(),
                ladder_days=settings.ladder_days,
            )
        services.wake()

    @app.action(customer_views.OUT_OF_OFFICE)
    def ooo_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        with services.sessions() as session:
            wait = session.get(CustomerWait, int(action["value"]))
            if wait is None:
                return
            escalation = service.load(session, wait.escalation_id)
            view = customer_views.ooo_modal(escalation, wait, today())
        show_modal(services, body, view)

    @app.view(customer_views.OOO_CALLBACK)
    def ooo_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        actor = body["user"]["id"]
        until = ModalState.of(view).day("until")
        if not until:
            ack(response_action="errors", errors={"until": "Pick the day they are back."})
            return
        # Back at the start of that day where the person recording it is.
        back = datetime.combine(until, time(0, 0), people.timezone_of(services, actor))
        save_submission(
            services,
            ack,
            "until",
            lambda session: customer.mark_out_of_office(
                session,
                json.loads(view["private_metadata"])["wait_id"],
                until=back,
                actor=actor,
                now=services.clock.now(),
            ),
        )

    @app.action(re.compile(f"^{customer_views.SALES_OPS_OUTCOME}:"))
    def sales_ops_outcome(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        click = outcome_click(action["value"])
        with services.sessions() as session:
            escalation, wait = customer.outcome_form(
                session, click.wait_id, click.outcome, actor=body["user"]["id"], settings=settings
            )
            view = customer_views.sales_ops_modal(escalation, wait, click.outcome)
        show_modal(services, body, view)

    @app.view(customer_views.SALES_OPS_CALLBACK)
    def sales_ops_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        state = ModalState.of(view)
        chosen = state.option("outcome")
        if not chosen:
            ack(response_action="errors", errors={"outcome": "Choose the outcome."})
            return
        save_submission(
            services,
            ack,
            "notes",
            lambda session: customer.decide_outcome(
                session,
                json.loads(view["private_metadata"])["wait_id"],
                outcome=SalesOpsOutcome(chosen),
                actor=body["user"]["id"],
                deciders=customer.OutcomeDeciders.from_settings(settings),
                now=services.clock.now(),
                settings=settings,
                notes=state.text("notes"),
            ),
        )

    @app.action(customer_views.SALES_OPS_EXPORT, middleware=[named])
    def export_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        named_id = named_escalation(context)
        problem = send_export(services, body["user"]["id"], named_id)
        done = f"I sent you ESC-{named_id} as Markdown in a DM."
        tell(services, body, f":warning: {problem}" if problem else done)

    @app.action(customer_views.CONFIRM_ATTEMPT)
    def attempt_confirmed(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        click = attempt_click(action["value"])
        with services.sessions.begin() as session:
            attempt = customer.confirm_attempt(
                session,
                click.wait_id,
                click.attempt,
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
            )
            label = attempt.kind.label
        services.wake()
        tell(services, body, f"Recorded: {label}. The Sales Ops hand-off will list it.")

    @app.action(customer_views.NAME_SALES_CONTACT)
    def sales_contact_named(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        contact = action.get("selected_user")
        if not contact:
            return
        problem = people.why_not_a_person(services, contact)
        if problem is not None:
            tell(services, body, f":warning: {problem}")
            return
        with services.sessions.begin() as session:
            key = customer.name_sales_contact(
                session,
                int(action["block_id"].split(":")[1]),
                contact,
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
            ).key
        services.wake()
        tell(services, body, f"Escalated {key} to <@{contact}> as the sales contact.")
