"""Changing an escalation's course: resolve, reopen, reassign the DRI, downgrade, promote,
export, and the retro link. The use cases check who may, on the server, every time."""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext

from blocks import closure as closure_views
from blocks import escalation as views
from blocks import portfolio as portfolio_views
from blocks.modal_state import ModalState
from bot import people
from bot.escalations import closure, service
from bot.escalations.permissions import NotAllowed
from bot.runtime import Services
from bot.slack.escalation_context import escalation_named, named_escalation
from bot.slack.modals import save_submission, show_modal
from bot.slack.replies import send_export, tell


def closure_form(state: ModalState) -> closure.ClosureForm:
    """What the resolve modal holds, as typed."""
    signoff = state.option("signoff")
    checks = set(state.options("checks"))
    return closure.ClosureForm(
        resolution=state.text("resolution") or "",
        signoff={"yes": True, "no": False}.get(signoff or ""),
        signoff_on=state.day("signoff_on") if signoff == "yes" else None,
        no_signoff_reason=state.text("no_signoff_reason") if signoff == "no" else None,
        retro_link=state.text("retro_link"),
        improvements=state.text("improvements"),
        financials_reconciled="financials" in checks,
        artifacts_updated="artifacts" in checks,
    )


def register(app: App, services: Services) -> None:
    named = escalation_named(services)
    settings = services.settings

    def today_for(user: str) -> date:
        return services.clock.now().astimezone(people.timezone_of(services, user)).date()

    @app.action(views.RESOLVE, middleware=[named])
    def resolve_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        user = body["user"]["id"]
        with services.sessions() as session:
            escalation = closure.resolvable(session, named_escalation(context), user, settings)
            view = closure_views.resolve_modal(escalation, today_for(user))
        show_modal(services, body, view)

    @app.view(closure_views.RESOLVE_CALLBACK, middleware=[named])
    def resolve_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        actor, metadata = body["user"]["id"], json.loads(view["private_metadata"])
        try:
            with services.sessions.begin() as session:
                errors = closure.close(
                    session,
                    named_escalation(context),
                    metadata["version"],
                    closure_form(ModalState.of(view)),
                    actor=actor,
                    now=services.clock.now(),
                    today=today_for(actor),
                    settings=settings,
                )
        except (closure.Conflict, NotAllowed) as refused:
            errors = {"resolution": str(refused)}
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        services.wake()

    @app.action(views.REOPEN, middleware=[named])
    def reopen_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        with services.sessions.begin() as session:
            closure.reopen(
                session,
                named_escalation(context),
                actor=body["user"]["id"],
                now=services.clock.now(),
                settings=settings,
            )
        services.wake()

    @app.action(views.MORE)
    def more_chosen(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        choice, escalation_id = action["selected_option"]["value"].split(":")
        user = body["user"]["id"]
        if choice == "export":
            problem = send_export(services, user, int(escalation_id))
            done = f"I sent you ESC-{escalation_id} as Markdown in a DM."
            tell(services, body, f":warning: {problem}" if problem else done)
            return
        modals = {
            "reassign": (closure.reassignable, closure_views.reassign_modal),
            "downgrade": (closure.downgradable, closure_views.downgrade_modal),
            "promote": (service.promotable, portfolio_views.promote_modal),
        }
        find, modal = modals[choice]
        with services.sessions() as session:
            view = modal(find(session, int(escalation_id), user, settings))
        show_modal(services, body, view)

    @app.view(closure_views.REASSIGN_CALLBACK, middleware=[named])
    def reassign_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        actor, metadata = body["user"]["id"], json.loads(view["private_metadata"])
        new_dri = ModalState.of(view).user("dri")
        if not new_dri:
            ack(response_action="errors", errors={"dri": "Choose the new DRI."})
            return
        problem = people.why_not_a_person(
            services, new_dri, deadline=time.monotonic() + people.BEFORE_ACK
        )
        if problem is not None:
            ack(response_action="errors", errors={"dri": problem})
            return
        save_submission(
            services,
            ack,
            "dri",
            lambda session: closure.reassign_dri(
                session,
                named_escalation(context),
                metadata["version"],
                new_dri,
                actor=actor,
                now=services.clock.now(),
                settings=settings,
            ),
        )

    @app.view(closure_views.DOWNGRADE_CALLBACK, middleware=[named])
    def downgrade_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        metadata = json.loads(view["private_metadata"])
        reason = ModalState.of(view).text("reason")
        if not reason:
            ack(response_action="errors", errors={"reason": "Say why."})
            return
        save_submission(
            services,
            ack,
            "reason",
            lambda session: closure.downgrade_to_sev2(
                session,
                named_escalation(context),
                metadata["version"],
                actor=body["user"]["id"],
                now=services.clock.now(),
                reason=reason,
                settings=settings,
            ),
        )

    @app.action(closure_views.RETRO_CALLBACK, middleware=[named])
    def retro_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        with services.sessions() as session:
            view = closure_views.retro_modal(service.load(session, named_escalation(context)))
        show_modal(services, body, view)

    @app.view(closure_views.RETRO_CALLBACK, middleware=[named])
    def retro_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        save_submission(
            services,
            ack,
            "retro_link",
            lambda session: closure.link_retro(
                session,
                named_escalation(context),
                ModalState.of(view).text("retro_link") or "",
                actor=body["user"]["id"],
                now=services.clock.now(),
            ),
        )
