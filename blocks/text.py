"""Small mrkdwn helpers shared by the builders."""

from __future__ import annotations

from datetime import datetime

MENTION_NOBODY = "_not set_"


def mention(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else MENTION_NOBODY


def channel(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id else MENTION_NOBODY


def when(instant: datetime, style: str = "{date_short_pretty} {time}") -> str:
    """A time Slack renders in each viewer's own time zone; the fallback is UTC."""
    fallback = instant.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(instant.timestamp())}^{style}|{fallback}>"


def escape(text: str) -> str:
    """Neutralise the three characters Slack treats as markup in user text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def age(since: datetime, now: datetime) -> str:
    delta = now - since
    days, hours = delta.days, delta.seconds // 3600
    return f"{days}d {hours}h" if days else f"{hours}h {delta.seconds % 3600 // 60}m"
