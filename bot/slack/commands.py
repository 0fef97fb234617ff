"""`/escalate` and its subcommands; every branch acks well inside Slack's 3 seconds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from blocks.conflicts import conflict_modal
from blocks.escalation import status_blocks, title
from blocks.insights import stats_blocks, stats_text, unknown_period_text
from blocks.notices import unknown_escalation
from blocks.overview import help_blocks, list_blocks
from blocks.text import escape
from bot import people
from bot.delivery.gateway import SlackProblem
from bot.domain import Severity
from bot.escalations import insights, service
from bot.policy.escalation import overdue_items
from bot.policy.insights import UnknownPeriod
from bot.runtime import Services
from bot.slack.modals import Refused, open_escalation_form, open_flag_form, open_view
from bot.slack.replies import send_export, send_figures_csv

LIST_HINT = " `/escalate list` shows the open ones."


Command = dict[str, Any]
Subcommand = Callable[[Ack, Command, Respond, str, str], None]


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


def _find(services: Services, typed: str) -> int | None:
    with services.sessions() as session:
        escalation = service.find_by_key(session, typed) if typed else None
        return escalation.id if escalation else None


def register(app: App, services: Services) -> None:
    channel_label = f"#{services.settings.escalation_channel.lstrip('#')}"

    def whisper(respond: Respond, text: str) -> None:
        respond(text=text, response_type="ephemeral")

    def whispering(respond: Respond) -> Refused:
        """A form Slack refused to open, told where the command was typed."""
        return lambda problem: whisper(respond, f":warning: {problem}")

    # Each subcommand: (ack, the command, respond, the subcommand, the rest of the text).
    def open_form(ack: Ack, command: Command, respond: Respond, subcommand: str, rest: str) -> None:
        ack()
        open_escalation_form(
            services,
            command["trigger_id"],
            Severity(subcommand),
            opener=command["user_id"],
            customer=rest[:200],
            response_url=command.get("response_url"),
            refused=whispering(respond),
        )

    def flag(ack: Ack, command: Command, respond: Respond, _subcommand: str, rest: str) -> None:
        ack()
        escalation_id = _find(services, rest)
        if rest and escalation_id is None:
            whisper(respond, unknown_escalation(rest) + LIST_HINT)
            return
        open_flag_form(
            services,
            command["trigger_id"],
            escalation_id,
            whispering(respond),
        )

    def export(ack: Ack, command: Command, respond: Respond, _subcommand: str, rest: str) -> None:
        user = command["user_id"]
        if not rest and services.settings.is_leadership(user):
            ack(text="Preparing every escalation with its figures as CSV; it will arrive in a DM.")
            if problem := send_figures_csv(services, user):
                whisper(respond, f":warning: {problem}")
            return
        escalation_id = _find(services, rest) if rest else None
        if escalation_id is None:
            ack(
                text=unknown_escalation(rest)
                if rest
                else "Which one? Try `/escalate export ESC-12`."
            )
            return
        ack(text=f"Preparing ESC-{escalation_id} as Markdown; it will arrive in a DM.")
        if problem := send_export(services, user, escalation_id):
            whisper(respond, f":warning: {problem}")

    def stats(ack: Ack, command: Command, respond: Respond, _subcommand: str, rest: str) -> None:
        # A long history takes seconds to add up: ack first, answer by response_url.
        ack()
        user = command["user_id"]
        tz = people.timezone_of(services, user)
        with services.sessions() as session:
            try:
                figures = insights.figures(
                    session, services.settings, rest, services.clock.now(), tz
                )
            except UnknownPeriod as period_problem:
                whisper(respond, unknown_period_text(str(period_problem)))
                return
        leadership = services.settings.is_leadership(user)
        respond(
            text=stats_text(figures),
            blocks=stats_blocks(figures, names_people=leadership, tz_name=str(tz)),
            response_type="ephemeral",
        )

    def conflict(
        ack: Ack, command: Command, respond: Respond, _subcommand: str, _rest: str
    ) -> None:
        ack()
        settings = services.settings
        view = conflict_modal(
            manager_days=settings.conflict_manager_days,
            executive_days=settings.conflict_executive_days,
        )
        open_view(
            services,
            command["trigger_id"],
            view,
            whispering(respond),
        )

    def list_open(
        ack: Ack, _command: Command, _respond: Respond, _subcommand: str, _rest: str
    ) -> None:
        with services.sessions() as session:
            escalations = service.open_escalations(session)
            blocks = list_blocks(escalations, services.clock.now())
        ack(text=f"{len(escalations)} open escalations", blocks=blocks)

    def status(ack: Ack, _command: Command, respond: Respond, _subcommand: str, rest: str) -> None:
        if not rest:
            ack(text="Which one? Try `/escalate status ESC-12`.")
            return
        with services.sessions() as session:
            escalation = service.find_by_key(session, rest)
            if escalation is None:
                ack(text=unknown_escalation(rest) + LIST_HINT)
                return
            now = services.clock.now()
            overdue = overdue_items(escalation, now) if escalation.state.is_open else []
            ack(text=escape(title(escalation)), blocks=status_blocks(escalation, None, overdue))
            channel, ts = escalation.leadership_channel_id, escalation.root_ts
        if (link := _permalink(services, channel, ts)) is not None:
            respond(text=f"Thread: {link}", response_type="ephemeral", replace_original=False)

    def help_text(
        ack: Ack, _command: Command, _respond: Respond, subcommand: str, _rest: str
    ) -> None:
        unknown = None if subcommand in ("", "help") else subcommand
        ack(text="What /escalate can do", blocks=help_blocks(channel_label, unknown))

    subcommands: dict[str, Subcommand] = {
        "sev1": open_form,
        "sev2": open_form,
        "watch": open_form,
        "flag": flag,
        "export": export,
        "stats": stats,
        "conflict": conflict,
        "list": list_open,
        "status": status,
    }

    @app.command("/escalate")
    def escalate(ack: Ack, command: Command, respond: Respond) -> None:
        subcommand, rest = split_command(command.get("text", ""))
        subcommands.get(subcommand, help_text)(ack, command, respond, subcommand, rest)
