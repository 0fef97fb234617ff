"""Answering people: privately where they clicked, or in the escalation's thread."""

from __future__ import annotations

import logging
from typing import Any

from blocks.text import mention
from bot.delivery.gateway import SlackProblem
from bot.escalations import effects, service
from bot.services import Services

log = logging.getLogger(__name__)


def tell(services: Services, body: dict[str, Any], text: str) -> None:
    """An ephemeral answer in the channel where the button was; a DM where that can't be."""
    user = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id")
    if channel and not channel.startswith("D"):
        try:
            services.gateway.ephemeral(channel, user, text)
            return
        except SlackProblem as problem:
            log.info("ephemeral to %s failed (%s); sending a DM", user, problem.code)
    try:
        services.gateway.dm(user, text)
    except SlackProblem as problem:
        log.warning("could not tell %s: %s", user, problem.code)


def thread_note(
    services: Services, escalation_id: int, text: str, blocks: list | None = None
) -> None:
    """A reply in the escalation's leadership thread, queued in the ledger and delivered by
    the workers (once the thread exists)."""
    with services.sessions.begin() as session:
        escalation = service.load(session, escalation_id)
        effects.thread_note(session, escalation, text, services.clock.now(), blocks)
    services.wake()


def leadership_people(services: Services) -> list[str]:
    settings = services.settings
    people = list(settings.leadership_user_ids)
    for user in (settings.director_ps_user_id, settings.pmo_manager_user_id):
        if user and user not in people:
            people.append(user)
    return people


def who_can(people: list[str]) -> str:
    return ", ".join(mention(user) for user in people) or "nobody is configured"


def refusal(services: Services, what: str) -> str:
    return f"Only PS leadership can {what}: {who_can(leadership_people(services))}."
