"""Answering the person who clicked or typed: an ephemeral where they are, else a DM; and
the Markdown export they asked for."""

from __future__ import annotations

import logging
from typing import Any

from bot import people
from bot.delivery.gateway import SlackProblem
from bot.escalations import service
from bot.escalations.export import export_markdown
from bot.escalations.insights import export_csv
from bot.runtime import Services

log = logging.getLogger(__name__)


def tell(services: Services, body: dict[str, Any], text: str) -> None:
    """An ephemeral answer in the channel where the button was; a DM where that can't be.

    `body` is any request Slack sends: an interaction (`user.id`, `channel.id`) or a slash
    command (`user_id`, `channel_id`).
    """
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    if not user:
        log.warning("nobody to tell: %s", text)
        return
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
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


def send_export(services: Services, user_id: str, escalation_id: int) -> str | None:
    """DM the Markdown export as a file; returns a problem to tell the person, or None."""
    unnamed: set[str] = set()
    key, markdown = _markdown(services, escalation_id, unnamed)
    if unnamed:
        # Profiles are looked up briefly before an ack, so a slow Slack can leave someone
        # unnamed; nobody waits on an ack here, so ask now and name them in the file.
        for person in sorted(unnamed):
            people.lookup(services, person)
        key, markdown = _markdown(services, escalation_id)
    return _dm_file(services, user_id, f"{key}.md", markdown, f"{key}: full record and timeline")


def _markdown(
    services: Services, escalation_id: int, unnamed: set[str] | None = None
) -> tuple[str, str]:
    with services.sessions() as session:
        escalation = service.load(session, escalation_id)
        return escalation.key, export_markdown(session, escalation, services.clock.now(), unnamed)


def send_figures_csv(services: Services, user_id: str) -> str | None:
    """DM every escalation with its figures as CSV, times in the person's own zone;
    returns a problem to tell them, or None. It names DRIs: callers check leadership."""
    tz = people.timezone_of(services, user_id)
    now = services.clock.now()
    with services.sessions() as session:
        content = export_csv(session, services.settings, now, tz)
    filename = f"escalations-{now.astimezone(tz):%Y-%m-%d}.csv"
    return _dm_file(services, user_id, filename, content, "Every escalation with its figures (CSV)")


def _dm_file(
    services: Services, user_id: str, filename: str, content: str, title: str
) -> str | None:
    """Share `content` as a file in the person's DM; returns a problem to tell them, or None."""
    try:
        channel = services.gateway.open_dm(user_id)
        services.gateway.upload_text(channel, filename, content, title)
    except SlackProblem as problem:
        log.warning("upload of %s failed: %s", filename, problem.code)
        return f"I couldn't send the export: {problem.plain_words}"
    return None
