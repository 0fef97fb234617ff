"""The ledger of due work: exactly-once delivery across restarts and across processes.

A row per (subject, kind, slot) is written before anything is sent. To send, a process
claims the row with a compare-and-set UPDATE; only the one whose UPDATE changed the row
goes on. The same statements work on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.models import Delivery, DeliveryStatus


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def schedule(
    session: Session,
    *,
    subject: str,
    kind: str,
    slot: str,
    due_at: datetime,
    escalation_id: int | None = None,
) -> bool:
    """Record that (subject, kind, slot) is due; False when it was already recorded."""
    insert = (postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert)(
        Delivery
    )
    statement = (
        insert.values(
            subject=subject,
            kind=kind,
            slot=slot,
            due_at=due_at,
            escalation_id=escalation_id,
            status=DeliveryStatus.PENDING,
            attempts=0,
        )
        .on_conflict_do_nothing(index_elements=["subject", "kind", "slot"])
        # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING.
        .returning(Delivery.id)
    )
    return session.execute(statement).scalar() is not None


def claim(
    session: Session,
    delivery_id: int,
    *,
    worker: str,
    now: datetime,
    reclaim_after: timedelta | None = None,
) -> bool:
    """Take the row for this worker; True only for the one process whose UPDATE won.

    `reclaim_after` lets a retry-safe kind take back a claim abandoned by a crashed process.
    """
    claimable = Delivery.status == DeliveryStatus.PENDING
    if reclaim_after is not None:
        claimable = or_(
            claimable,
            and_(
                Delivery.status == DeliveryStatus.CLAIMED, Delivery.claimed_at < now - reclaim_after
            ),
        )
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, claimable)
        .values(
            status=DeliveryStatus.CLAIMED,
            claimed_by=worker,
            claimed_at=now,
            attempts=Delivery.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def take(session: Session, delivery_id: int, *, worker: str, now: datetime) -> Delivery | None:
    """Claim a row and mark it done at once, for work sent at most once (a prompt, a nudge):
    the row, or None when another process took it first."""
    if not claim(session, delivery_id, worker=worker, now=now):
        return None
    finish(session, delivery_id, now=now)
    return session.get(Delivery, delivery_id)


def finish(session: Session, delivery_id: int, *, now: datetime) -> None:
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(status=DeliveryStatus.DONE, done_at=now, last_error=None)
        .execution_options(synchronize_session=False)
    )


def retry_later(session: Session, delivery_id: int, *, at: datetime, error: str) -> None:
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(status=DeliveryStatus.PENDING, due_at=at, last_error=error)
        .execution_options(synchronize_session=False)
    )


def cancel_for(session: Session, escalation_id: int, kinds: set[str] | None = None) -> int:
    """Cancel the escalation's undelivered work (e.g. on closure); returns how many rows."""
    condition = [Delivery.escalation_id == escalation_id, Delivery.status == DeliveryStatus.PENDING]
    if kinds:
        condition.append(Delivery.kind.in_(kinds))
    return session.execute(
        update(Delivery)
        .where(*condition)
        .values(status=DeliveryStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    ).rowcount


def due(session: Session, now: datetime, *, limit: int = 100) -> list[Delivery]:
    """Pending rows whose time has come, oldest first."""
    return list(
        session.scalars(
            select(Delivery)
            .where(Delivery.status == DeliveryStatus.PENDING, Delivery.due_at <= now)
            .order_by(Delivery.due_at, Delivery.id)
            .limit(limit)
        )
    )
