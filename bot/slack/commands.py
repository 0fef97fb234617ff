"""`/escalate` and its subcommands; every branch acks well inside Slack's 3 seconds."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from blocks.escalation import status_blocks, title
from blocks.overview import help_blocks, list_blocks
from bot.delivery.gateway import SlackProblem
from bot.domain import Severity
from bot.escalations import service
from bot.escalations.policy import overdue_items
from bot.services import Services
from bot.slack.course import send_export
from bot.slack.flags import open_flag_modal
from bot.slack.opening import open_modal


def split_command(text: str) -> tuple[str, str]:
    """(`sev1`, `Acme Corp`) from `sev1 Acme Corp`; the subcommand lower-cased."""
    head, _, rest = (text or "").strip().partition(" ")
    return head.lower(), rest.strip()


def _permalink(services: Services, channel: str | None, ts: str | None) -> str | None:
    if not (channel and ts):
        return None
    try:
        return services.gateway.permalink(channel, ts)
    except SlackProblem:
        return None


def register(app: App, services: Services) -> None:
    channel_label = f"#{services.settings.escalation_channel.lstrip('#')}"

    @app.command("/escalate")
    def escalate(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        subcommand, rest = split_command(command.get("text", ""))
        if subcommand in ("sev1", "sev2"):
            ack()
            problem = open_modal(
                services,
                trigger_id=command["trigger_id"],
                severity=Severity(subcommand),
                user_id=command["user_id"],
                customer=rest[:200],
                response_url=command.get("response_url"),
            )
            if problem is not None:
                respond(text=f":warning: {problem.plain_words}", response_type="ephemeral")
            return
        if subcommand == "flag":
            ack()
            escalation_id = None
            if rest:
                with services.sessions() as session:
                    escalation = service.find_by_key(session, rest)
                if escalation is None:
                    respond(
                        text=f"I can't find an escalation called `{rest[:40]}`. "
                        "`/escalate list` shows the open ones.",
                        response_type="ephemeral",
                    )
                    return
                escalation_id = escalation.id
            problem = open_flag_modal(services, command["trigger_id"], escalation_id)
            if problem:
                respond(text=f":warning: {problem}", response_type="ephemeral")
            return
        if subcommand == "export":
            with services.sessions() as session:
                escalation = service.find_by_key(session, rest) if rest else None
            if escalation is None:
                ack(
                    text="Which one? Try `/escalate export ESC-12`."
                    if not rest
                    else f"I can't find an escalation called `{rest[:40]}`."
                )
                return
            ack(text=f"Preparing {escalation.key} as Markdown; it will arrive in a DM.")
            problem = send_export(services, command["user_id"], escalation.id)
            if problem:
                respond(text=f":warning: {problem}", response_type="ephemeral")
            return
        if subcommand == "list":
            with services.sessions.begin() as session:
                escalations = service.open_escalations(session)
                blocks = list_blocks(escalations, services.clock.now())
            ack(text=f"{len(escalations)} open escalations", blocks=blocks)
            return
        if subcommand == "status":
            if not rest:
                ack(text="Which one? Try `/escalate status ESC-12`.")
                return
            with services.sessions.begin() as session:
                escalation = service.find_by_key(session, rest)
                if escalation is None:
                    ack(
                        text=f"I can't find an escalation called `{rest[:40]}`. "
                        "`/escalate list` shows the open ones."
                    )
                    return
                now = services.clock.now()
                overdue = overdue_items(escalation, now) if escalation.state.is_open else []
                ack(text=title(escalation), blocks=status_blocks(escalation, None, overdue))
                channel, ts = escalation.leadership_channel_id, escalation.root_ts
            if (link := _permalink(services, channel, ts)) is not None:
                respond(text=f"Thread: {link}", response_type="ephemeral", replace_original=False)
            return
        unknown = None if subcommand in ("", "help") else subcommand
        ack(text="What /escalate can do", blocks=help_blocks(channel_label, unknown))
