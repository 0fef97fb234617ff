"""Asking for Slack effects from inside a use case's transaction.

Each function writes a ledger row in the caller's session, so the effect is committed with
the change that calls for it, or not at all; the delivery workers send it afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.models import Escalation, UrgentFlag


def _unique_slot(now: datetime) -> str:
    return f"{now.isoformat()}:{uuid.uuid4().hex[:8]}"


def _as_dicts(blocks: Sequence[Any] | None) -> list[dict[str, Any]] | None:
    if blocks is None:
        return None
    return [block.to_dict() if hasattr(block, "to_dict") else block for block in blocks]


def thread_note(
    session: Session,
    escalation: Escalation,
    text: str,
    now: datetime,
    blocks: Sequence[Any] | None = None,
) -> None:
    """A reply in the escalation's leadership thread (sent once the thread exists)."""
    ledger.schedule(
        session,
        subject=escalation.key,
        kind=DeliveryKind.THREAD_NOTE,
        slot=_unique_slot(now),
        due_at=now,
        escalation_id=escalation.id,
        payload={"text": text, "blocks": _as_dicts(blocks)},
    )


def direct_message(
    session: Session,
    user_id: str,
    text: str,
    now: datetime,
    *,
    escalation: Escalation | None = None,
    blocks: Sequence[Any] | None = None,
    slot: str | None = None,
    due_at: datetime | None = None,
) -> bool:
    """A DM; with `slot`, at most one per (escalation or person, slot); sent at `due_at`
    (default: now)."""
    return ledger.schedule(
        session,
        subject=escalation.key if escalation else user_id,
        kind=DeliveryKind.DIRECT_MESSAGE,
        slot=f"{user_id}:{slot}" if slot else _unique_slot(now),
        due_at=due_at or now,
        escalation_id=escalation.id if escalation else None,
        payload={"user": user_id, "text": text, "blocks": _as_dicts(blocks)},
    )


def channel_post(
    session: Session,
    channel: str,
    text: str,
    now: datetime,
    *,
    escalation: Escalation | None = None,
    blocks: Sequence[Any] | None = None,
) -> None:
    """A message in a channel given by name or ID (joined first when public)."""
    ledger.schedule(
        session,
        subject=escalation.key if escalation else channel,
        kind=DeliveryKind.CHANNEL_POST,
        slot=_unique_slot(now),
        due_at=now,
        escalation_id=escalation.id if escalation else None,
        payload={"channel": channel, "text": text, "blocks": _as_dicts(blocks)},
    )


def refresh(session: Session, escalation: Escalation, kind: DeliveryKind, now: datetime) -> None:
    """Edit the root or checklist message to show the record as it is when the edit is sent
    (so a late edit never shows an older state); asked twice at one instant, it runs once."""
    ledger.schedule(
        session,
        subject=escalation.key,
        kind=kind,
        slot=f"pending:{now.isoformat()}",
        due_at=now,
        escalation_id=escalation.id,
    )


def flag_thread_note(session: Session, flag: UrgentFlag, text: str, now: datetime) -> None:
    """A reply under a flag with no escalation, in the leadership channel (sent once the
    flag is posted)."""
    ledger.schedule(
        session,
        subject=flag.key,
        kind=DeliveryKind.THREAD_NOTE,
        slot=_unique_slot(now),
        due_at=now,
        payload={"text": text, "blocks": None, "flag": flag.id},
    )
