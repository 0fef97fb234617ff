"""Slack events already handled: a retried or repeated delivery is dropped, not applied again.

Slack resends an event it thinks we missed (`X-Slack-Retry-Num`), with the same envelope
`event_id`; a message can also reach us in two different events. Each is claimed here by a
key, in the same transaction as what the event changes, so the first delivery to commit
wins and a crash before that commit leaves the retry free to do the work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.models import SlackEvent


def keys_for_message(body: dict[str, Any], channel: str, ts: str) -> list[str]:
    """The envelope's event_id (when Slack sent one) and the message itself."""
    keys = [f"msg:{channel}:{ts}"]
    if event_id := body.get("event_id"):
        keys.insert(0, str(event_id))
    return keys


def first_time(session: Session, keys: list[str], now: datetime) -> bool:
    """Claim every key; True only when none was claimed before (race-safe on both databases:
    a concurrent claim waits for the other transaction and then finds the row)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    fresh = True
    for key in keys:
        statement = (
            insert(SlackEvent)
            .values(event_id=key, received_at=now)
            .on_conflict_do_nothing(index_elements=["event_id"])
            # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING.
            .returning(SlackEvent.event_id)
        )
        fresh = session.execute(statement).scalar() is not None and fresh
    return fresh
