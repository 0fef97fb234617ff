"""Who may do what, checked inside the use cases: a refusal is a `NotAllowed` whose message
names the people who can."""

from __future__ import annotations

from blocks.text import mention
from bot.settings import Settings


class NotAllowed(Exception):
    """The person may not do this; the message says who can."""


def leadership_people(settings: Settings) -> list[str]:
    """PS leadership as configured: the leadership list, the Director PS, the PMO manager."""
    people = list(settings.leadership_user_ids)
    for user in (settings.director_ps_user_id, settings.pmo_manager_user_id):
        if user and user not in people:
            people.append(user)
    return people


def who_can(people: list[str]) -> str:
    return ", ".join(mention(user) for user in people) or "nobody is configured"


def refusal(settings: Settings, what: str, *, who: str = "PS leadership") -> str:
    return f"Only {who} can {what}: {who_can(leadership_people(settings))}."


def require_leadership(settings: Settings, user: str, what: str) -> None:
    """Raises `NotAllowed` unless `user` is PS leadership."""
    if not settings.is_leadership(user):
        raise NotAllowed(refusal(settings, what))
