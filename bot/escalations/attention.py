"""What needs a person's attention because the bot gave up on it, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Delivery, DeliveryStatus, Escalation

# Work given up longer ago than this has been seen to (or no longer matters) in App Home.
SHOWN_FOR_DAYS = 14


@dataclass(frozen=True)
class GivenUp:
    escalation_key: str | None
    kind: str
    reason: str
    at: datetime | None


def given_up(
    session: Session, escalation_ids: list[int] | None, now: datetime, *, limit: int = 10
) -> list[GivenUp]:
    """Deliveries that failed for good, newest first; for the given escalations, or for all
    when `escalation_ids` is None (leadership)."""
    query = (
        select(Delivery, Escalation.id)
        .outerjoin(Escalation, Escalation.id == Delivery.escalation_id)
        .where(
            Delivery.status == DeliveryStatus.FAILED,
            Delivery.done_at >= now - timedelta(days=SHOWN_FOR_DAYS),
        )
        .order_by(Delivery.done_at.desc())
        .limit(limit)
    )
    if escalation_ids is not None:
        if not escalation_ids:
            return []
        query = query.where(Delivery.escalation_id.in_(escalation_ids))
    return [
        GivenUp(
            escalation_key=f"ESC-{escalation_id}" if escalation_id else None,
            kind=delivery.kind,
            reason=delivery.last_error or "unknown",
            at=delivery.done_at,
        )
        for delivery, escalation_id in session.execute(query)
    ]
