"""Who people are, as far as the bot needs: name, time zone, bot or deactivated."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.delivery.gateway import SlackProblem
from bot.models import SlackUser
from bot.runtime import Services

log = logging.getLogger(__name__)

FRESH_FOR = timedelta(hours=24)
# How long a form's people may be looked up before its ack: the rest count as unsure (the
# form is accepted), so five cold profiles and a slow Slack still ack well inside 3 s.
BEFORE_ACK = 1.2
SLACKBOT = "USLACKBOT"
# How long a lookup with no deadline waits for another thread's lookup of the same person: a
# Slack call's timeout and one retry.
SLOWEST_LOOKUP = 25.0


def lookup(services: Services, user_id: str, *, deadline: float | None = None) -> SlackUser | None:
    """The cached profile, refreshed from `users.info` once a day; None if Slack can't say.

    With a `deadline` (a `time.monotonic()` value: someone is waiting for an ack), Slack is
    asked once and briefly, and not at all once the deadline has passed.
    """
    now = services.clock.now()
    remembered = services.profiles.get(user_id)
    if remembered is not None and now - remembered.fetched_at < FRESH_FOR:
        return remembered  # no database round trip on the way to an ack
    with services.sessions.begin() as session:
        cached = session.get(SlackUser, user_id)
        if cached is not None and now - cached.fetched_at < FRESH_FOR:
            services.profiles[user_id] = _detached(cached)
            return cached
    if deadline is not None and time.monotonic() >= deadline:
        return cached
    fetching_elsewhere = services.profile_fetches.start(user_id)
    if fetching_elsewhere is not None:
        bound = SLOWEST_LOOKUP if deadline is None else deadline - time.monotonic()
        fetching_elsewhere.wait(max(bound, 0))
        return services.profiles.get(user_id, cached)
    try:
        fetched = services.profiles.get(user_id)  # by a fetch that ended since the first look
        if fetched is not None and now - fetched.fetched_at < FRESH_FOR:
            return fetched
        return _fetch(services, user_id, cached, hurried=deadline is not None)
    finally:
        services.profile_fetches.finish(user_id)


def _fetch(
    services: Services, user_id: str, cached: SlackUser | None, *, hurried: bool
) -> SlackUser | None:
    now = services.clock.now()
    try:
        info = services.gateway.user_info(user_id, hurried=hurried)
    except SlackProblem as problem:
        log.info("users.info %s failed: %s", user_id, problem.code)
        return cached
    profile = {
        "name": (info.get("real_name") or info.get("name") or user_id)[:200],
        "tz": info.get("tz"),
        "is_bot": bool(info.get("is_bot")) or user_id == SLACKBOT,
        "deleted": bool(info.get("deleted")),
        "fetched_at": now,
    }
    with services.sessions.begin() as session:
        _store(session, user_id, profile)
    services.profiles[user_id] = SlackUser(user_id=user_id, **profile)
    return services.profiles[user_id]


def remember(services: Services, user: SlackUser) -> None:
    """Keep a profile just read from the database for this process's lookups, if fresh."""
    if services.clock.now() - user.fetched_at < FRESH_FOR:
        services.profiles[user.user_id] = _detached(user)


def _detached(user: SlackUser) -> SlackUser:
    """A copy no session owns, safe to share between request threads."""
    return SlackUser(
        user_id=user.user_id,
        name=user.name,
        tz=user.tz,
        is_bot=user.is_bot,
        deleted=user.deleted,
        fetched_at=user.fetched_at,
    )


def _store(session: Session, user_id: str, profile: dict[str, Any]) -> None:
    """Insert or refresh the cached profile in one statement: two processes looking up the
    same new person at once both succeed, the fresher answer kept, on SQLite and PostgreSQL."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(SlackUser).values(user_id=user_id, **profile)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[SlackUser.user_id],
            set_={name: statement.excluded[name] for name in profile},
            where=SlackUser.fetched_at <= statement.excluded.fetched_at,
        )
    )


def why_not_a_person(
    services: Services, user_id: str, *, deadline: float | None = None
) -> str | None:
    """Why this user can't hold a role in an escalation, or None if they can (or Slack is
    unsure, or can't say by `deadline`: see `lookup`)."""
    if user_id == SLACKBOT:
        return "Slackbot can't own an escalation; choose a person."
    user = lookup(services, user_id, deadline=deadline)
    if user is None:
        return None
    if user.is_bot:
        return f"{user.name} is a bot; choose a person."
    if user.deleted:
        return f"{user.name}'s account is deactivated; choose someone active."
    return None


def timezone_of(services: Services, user_id: str) -> ZoneInfo:
    """The person's own time zone from their Slack profile, else the configured default."""
    user = lookup(services, user_id)
    if user is not None and user.tz:
        try:
            return ZoneInfo(user.tz)
        except (ZoneInfoNotFoundError, ValueError):
            log.info("unknown tz %r for %s", user.tz, user_id)
    return services.settings.timezone
