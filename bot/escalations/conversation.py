"""Someone writing to the bot directly, in its Messages tab."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from blocks.overview import DIRECT_MESSAGE_INTRO, direct_message_help
from bot import handled_events
from bot.escalations import effects


def answer_with_help(
    session: Session, *, user: str, event_keys: list[str], channel_label: str, now: datetime
) -> bool:
    """Queue the help as a DM to `user`, once per message they wrote (a retried or repeated
    event answers nothing more); False when this message was answered already."""
    if not handled_events.first_time(session, event_keys, now):
        return False
    effects.direct_message(
        session,
        user,
        DIRECT_MESSAGE_INTRO,
        now,
        blocks=direct_message_help(channel_label),
        slot=f"help:{event_keys[-1]}",
    )
    return True
