"""Changing an escalation's course: resolve, reopen, reassign the DRI, downgrade, promote,
export, and the retro link. Permissions are checked here, on the server, every time."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

from slack_bolt import Ack, App

from blocks import closure as closure_views
from blocks import escalation as views
from blocks import portfolio as portfolio_views
from blocks.text import mention
from bot import people
from bot.delivery.gateway import SlackProblem
from bot.domain import EventKind
from bot.escalations import closure, service
from bot.escalations.export import export_markdown
from bot.escalations.form import is_web_url
from bot.escalations.publish import refresh_root_now
from bot.services import Services
from bot.slack.modals import show_modal
from bot.slack.replies import refusal, tell, thread_note, who_can

log = logging.getLogger(__name__)


def _field(values: dict[str, Any], name: str) -> dict[str, Any]:
    return values.get(name, {}).get(name, {})


def _text(values: dict[str, Any], name: str) -> str | None:
    return (_field(values, name).get("value") or "").strip() or None


def send_export(services: Services, user_id: str, escalation_id: int) -> str | None:
    """DM the Markdown export as a file; returns a problem to tell the person, or None."""
    with services.sessions() as session:
        escalation = service.get(session, escalation_id)
        markdown = export_markdown(session, escalation, services.clock.now())
        key = escalation.key
    try:
        channel = services.gateway.open_dm(user_id)
        services.gateway.upload_text(
            channel, f"{key}.md", markdown, f"{key}: full record and timeline"
        )
    except SlackProblem as problem:
        log.warning("export upload failed: %s", problem.code)
        return f"I couldn't send the export: {problem.plain_words}"
    return None


def register(app: App, services: Services) -> None:
    settings = services.settings

    def load(escalation_id: int):  # type: ignore[no-untyped-def]
        with services.sessions() as session:
            return service.get(session, escalation_id)

    def open_or_tell(body: dict[str, Any], view: Any) -> None:
        show_modal(services, body, view)

    @app.action(views.RESOLVE)
    def resolve_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        escalation, user = load(int(action["value"])), body["user"]["id"]
        if not closure.can_resolve(escalation, user, settings):
            allowed = closure.resolvers(escalation)
            tell(
                services,
                body,
                f"Only the DRI, the direct manager, the Director PS or PS "
                f"leadership can resolve {escalation.key}: {who_can(allowed)}.",
            )
            return
        if not escalation.state.is_open:
            tell(services, body, f"{escalation.key} is already resolved.")
            return
        today = services.clock.now().astimezone(people.timezone_of(services, user)).date()
        open_or_tell(body, closure_views.resolve_modal(escalation, today))

    @app.view(closure_views.RESOLVE_CALLBACK)
    def resolve_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values, actor = view["state"]["values"], body["user"]["id"]
        metadata = json.loads(view["private_metadata"])
        signoff = (_field(values, "signoff").get("selected_option") or {}).get("value")
        signed_on = _field(values, "signoff_on").get("selected_date")
        checks = {o["value"] for o in _field(values, "checks").get("selected_options") or []}
        form = closure.ClosureForm(
            resolution=_text(values, "resolution") or "",
            signoff={"yes": True, "no": False}.get(signoff or ""),
            signoff_on=date.fromisoformat(signed_on) if signoff == "yes" and signed_on else None,
            no_signoff_reason=_text(values, "no_signoff_reason") if signoff == "no" else None,
            retro_link=_text(values, "retro_link"),
            improvements=_text(values, "improvements"),
            financials_reconciled="financials" in checks,
            artifacts_updated="artifacts" in checks,
        )
        now = services.clock.now()
        escalation = load(metadata["escalation_id"])
        if not closure.can_resolve(escalation, actor, settings):
            ack(response_action="errors", errors={"resolution": "You can no longer resolve this."})
            return
        today = now.astimezone(people.timezone_of(services, actor)).date()
        errors = closure.validate_closure(escalation.severity, form, today)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        try:
            with services.sessions.begin() as session:
                closure.resolve(
                    session,
                    escalation.id,
                    metadata["version"],
                    form,
                    actor=actor,
                    now=now,
                    tz=settings.timezone,
                )
        except closure.Conflict as conflict:
            ack(response_action="errors", errors={"resolution": str(conflict)})
            return
        ack()
        services.wake()

    @app.action(views.REOPEN)
    def reopen_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        escalation, actor = load(int(action["value"])), body["user"]["id"]
        if not closure.can_resolve(escalation, actor, settings):
            tell(
                services,
                body,
                f"Only those who may resolve {escalation.key} can reopen it: "
                f"{who_can(closure.resolvers(escalation))} and PS leadership.",
            )
            return
        try:
            with services.sessions.begin() as session:
                closure.reopen(
                    session,
                    escalation.id,
                    escalation.version,
                    actor=actor,
                    now=services.clock.now(),
                )
        except (closure.Conflict, service.NotAllowed) as refused:
            tell(services, body, str(refused))
            return
        thread_note(
            services,
            escalation.id,
            f":arrows_counterclockwise: {mention(actor)} reopened {escalation.key}; "
            "prompts resume and the thread is pinned again.",
        )
        services.wake()

    @app.action(views.MORE)
    def more_chosen(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        choice, escalation_id = action["selected_option"]["value"].split(":")
        escalation, user = load(int(escalation_id)), body["user"]["id"]
        if choice == "export":
            problem = send_export(services, user, escalation.id)
            tell(
                services,
                body,
                f":warning: {problem}"
                if problem
                else f"I sent you {escalation.key} as Markdown in a DM.",
            )
        elif choice == "reassign":
            if not closure.can_reassign(escalation, user, settings):
                tell(
                    services,
                    body,
                    refusal(services, f"reassign the DRI of {escalation.key}").replace(
                        "PS leadership", "PS leadership or its Director PS"
                    ),
                )
                return
            open_or_tell(body, closure_views.reassign_modal(escalation))
        elif choice == "downgrade":
            if not settings.is_leadership(user):
                tell(services, body, refusal(services, "downgrade a Sev 1"))
                return
            open_or_tell(body, closure_views.downgrade_modal(escalation))
        elif choice == "promote":
            if not settings.is_leadership(user):
                tell(services, body, refusal(services, "escalate a Sev 2 to Sev 1"))
                return
            open_or_tell(body, portfolio_views.promote_modal(escalation))

    @app.view(closure_views.REASSIGN_CALLBACK)
    def reassign_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        actor, metadata = body["user"]["id"], json.loads(view["private_metadata"])
        new_dri = _field(view["state"]["values"], "dri").get("selected_user")
        escalation = load(metadata["escalation_id"])
        if not closure.can_reassign(escalation, actor, settings):
            ack(response_action="errors", errors={"dri": "You can no longer reassign this."})
            return
        if not new_dri:
            ack(response_action="errors", errors={"dri": "Choose the new DRI."})
            return
        if (problem := people.why_not_a_person(services, new_dri)) is not None:
            ack(response_action="errors", errors={"dri": problem})
            return
        try:
            with services.sessions.begin() as session:
                escalation, old = closure.reassign_dri(
                    session,
                    escalation.id,
                    metadata["version"],
                    new_dri,
                    actor=actor,
                    now=services.clock.now(),
                )
                key, title_text = escalation.key, views.title(escalation)
        except (closure.Conflict, service.NotAllowed) as refused:
            ack(response_action="errors", errors={"dri": str(refused)})
            return
        ack()
        text = (
            f":arrows_counterclockwise: {mention(actor)} made {mention(new_dri)} the DRI of {key}"
        )
        thread_note(services, escalation.id, text + (f" (was {mention(old)})." if old else "."))
        for user, message in (
            (
                new_dri,
                f"You are now the DRI for *{title_text}*. Prompts "
                "follow your time zone from now on.",
            ),
            (
                old,
                f"{mention(new_dri)} is now the DRI for *{title_text}*; "
                "you won't get its prompts any more.",
            ),
        ):
            if user:
                try:
                    services.gateway.dm(user, message)
                except SlackProblem as problem:
                    log.warning("reassign DM to %s failed: %s", user, problem.code)
        with services.sessions.begin() as session:
            refreshed = service.get(session, escalation.id)
            try:
                refresh_root_now(services, refreshed.id)
            except SlackProblem as problem:
                log.warning("root refresh failed: %s", problem.code)

    @app.view(closure_views.DOWNGRADE_CALLBACK)
    def downgrade_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        actor, metadata = body["user"]["id"], json.loads(view["private_metadata"])
        reason = _text(view["state"]["values"], "reason")
        if not settings.is_leadership(actor):
            ack(response_action="errors", errors={"reason": refusal(services, "downgrade")})
            return
        if not reason:
            ack(response_action="errors", errors={"reason": "Say why."})
            return
        try:
            with services.sessions.begin() as session:
                escalation = closure.downgrade_to_sev2(
                    session,
                    metadata["escalation_id"],
                    metadata["version"],
                    actor=actor,
                    now=services.clock.now(),
                    reason=reason,
                )
                key = escalation.key
        except (closure.Conflict, service.NotAllowed) as refused:
            ack(response_action="errors", errors={"reason": str(refused)})
            return
        ack()
        thread_note(
            services,
            metadata["escalation_id"],
            f":arrow_double_down: {mention(actor)} downgraded {key} to Sev 2: {reason}",
        )
        services.wake()

    @app.action(closure_views.RETRO_CALLBACK)
    def retro_clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        open_or_tell(body, closure_views.retro_modal(load(int(action["value"]))))

    @app.view(closure_views.RETRO_CALLBACK)
    def retro_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        link = _text(view["state"]["values"], "retro_link")
        if not link or not is_web_url(link):
            ack(
                response_action="errors",
                errors={"retro_link": "Enter a web address starting with https:// (or http://)."},
            )
            return
        metadata = json.loads(view["private_metadata"])
        with services.sessions.begin() as session:
            escalation = service.get(session, metadata["escalation_id"])
            escalation.retro_link = link
            service.record(
                session,
                escalation,
                EventKind.RETRO_LINKED,
                body["user"]["id"],
                f"Retro: {link}",
                services.clock.now(),
            )
        ack()
        thread_note(services, metadata["escalation_id"], f":memo: Lessons-learned retro: <{link}>")
