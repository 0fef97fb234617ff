"""Being where the bot must be: a member of the leadership channel and of every internal
channel it posts in or listens to.

Posting with chat:write.public is not membership; pins and `message.channels` events need
it. Public channels are joined; a private one can only be joined by invitation, so the
problem is logged and shown in App Home until someone invites the bot.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import select

from bot.delivery.gateway import SlackProblem
from bot.models import Escalation
from bot.runtime import Services

log = logging.getLogger(__name__)

LEADERSHIP = "leadership_channel"


def ensure_memberships(services: Services) -> list[str]:
    """Join what can be joined; returns what a person must fix (also kept in
    `services.warnings` for App Home)."""
    gateway, settings = services.gateway, services.settings
    problems: list[str] = []
    try:
        channel = gateway.resolve_channel(settings.escalation_channel)
        gateway.ensure_member(channel)
        services.warnings.pop(LEADERSHIP, None)
    except SlackProblem as problem:
        channel = settings.escalation_channel
        services.warnings[LEADERSHIP] = (
            f"The leadership channel {settings.escalation_channel}: {problem.plain_words}"
        )
        problems.append(services.warnings[LEADERSHIP])
    with services.sessions() as session:
        internal = set(
            session.scalars(
                select(Escalation.internal_channel_id).where(
                    Escalation.resolved_at.is_(None), Escalation.internal_channel_id.is_not(None)
                )
            )
        )
    for channel_id in sorted(c for c in internal if c):
        try:
            gateway.ensure_member(channel_id)
        except SlackProblem as problem:
            problems.append(f"Internal channel <#{channel_id}>: {problem.plain_words}")
    for problem_text in problems:
        log.warning("membership: %s", problem_text)
    return problems


def ensure_memberships_in_background(services: Services) -> threading.Thread:
    """At start-up, without delaying the first health check or ack."""

    def run() -> None:
        try:
            ensure_memberships(services)
        except Exception:
            log.exception("could not check channel memberships")

    thread = threading.Thread(target=run, name="memberships", daemon=True)
    thread.start()
    return thread
