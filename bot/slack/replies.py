"""Answering people: privately where they clicked, or in the escalation's thread."""

from __future__ import annotations

import logging
from typing import Any

from blocks.text import mention
from bot.escalations import service
from bot.models import Delivery
from bot.services import Services
from bot.slack.gateway import SlackProblem

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
    """A reply in the escalation's leadership thread (skipped before it is posted)."""
    with services.sessions() as session:
        escalation = service.get(session, escalation_id)
        channel, ts = escalation.leadership_channel_id, escalation.root_ts
    if channel and ts:
        try:
            services.gateway.post(channel, text, blocks, thread_ts=ts)
        except SlackProblem as problem:
            log.warning("thread note on %s failed: %s", escalation.key, problem.code)


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


def run_now(services: Services, key: str, kind: str, handler, slot: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Deliver a just-recorded ledger row now instead of at the next tick (the newest row of
    `kind` for this escalation, or the one with `slot`); the claim keeps it to one sender."""
    with services.sessions() as session:
        query = session.query(Delivery.id).filter_by(subject=key, kind=kind)
        if slot is not None:
            query = query.filter_by(slot=slot)
        delivery_id = query.order_by(Delivery.id.desc()).limit(1).scalar()
    if delivery_id is not None:
        handler(services, delivery_id)
