"""The ledger of due work: each Slack effect once, across crashes, restarts and processes.

A row per (subject, kind, slot) is written in the same transaction as the change that
calls for it. To deliver, a process claims the row with a compare-and-set UPDATE and holds
it for a short lease; a process that dies mid-delivery simply lets the lease run out, and
the next worker takes the row back. Handlers make every Slack effect idempotent, so a row
delivered twice (a dead claimer, a lost answer) still shows once. The same statements work
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CursorResult,
    Result,
    Table,
    and_,
    cast,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.grouped_writes import Insert
from bot.models import Delivery, DeliveryStatus

# Long enough for one delivery's Slack calls (each times out after 10 s), short enough that
# a crashed process's work resumes within a minute. Multi-step handlers renew it per step.
LEASE = timedelta(seconds=60)
SCRAMBLE = 2654435761  # Knuth's multiplicative hash: a fixed permutation of row ids


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@functools.cache
def _insert(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the key, built once per dialect: building
    the statement cost more CPU than running it, and a form's save sits before its ack.
    RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING."""
    table = _insert_quietly(dialect).table
    return _insert_quietly(dialect).returning(table.c.subject, table.c.kind, table.c.slot)


@functools.cache
def _insert_quietly(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING, telling nothing back: a driver runs it for many
    rows in one call."""
    table = Delivery.__table__
    assert isinstance(table, Table)  # declared with columns, so mapped to a Table
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return insert.on_conflict_do_nothing(index_elements=["subject", "kind", "slot"])


def _row(
    subject: str,
    kind: str,
    slot: str,
    due_at: datetime,
    escalation_id: int | None,
    payload: dict[str, Any] | None,
    done_at: datetime | None,
) -> dict[str, Any]:
    return {
        "subject": subject,
        "kind": str(kind),
        "slot": slot,
        "due_at": due_at,
        "escalation_id": escalation_id,
        "payload": payload,
        "status": DeliveryStatus.PENDING if done_at is None else DeliveryStatus.DONE,
        "done_at": done_at,
        "attempts": 0,
    }


def schedule(
    session: Session,
    *,
    subject: str,
    kind: str,
    slot: str,
    due_at: datetime,
    escalation_id: int | None = None,
    payload: dict[str, Any] | None = None,
    done_at: datetime | None = None,
) -> bool:
    """Record that (subject, kind, slot) is due; False when it was already recorded.

    With `done_at`, the row is recorded as already done then: the caller did the work in
    this very transaction, and the row only keeps it from being done twice."""
    statement = _insert(session.get_bind().dialect.name)
    row = _row(subject, kind, slot, due_at, escalation_id, payload, done_at)
    return session.execute(statement, row).first() is not None


def schedule_later(
    dialect: str, *, subject: str, kind: str, slot: str, due_at: datetime, payload: dict[str, Any]
) -> Insert:
    """`schedule`'s row as an `Insert` for GroupedWrites (a row already recorded stays as
    it was, and nobody is told)."""
    return Insert(_insert_quietly(dialect), _row(subject, kind, slot, due_at, None, payload, None))


@dataclass(frozen=True)
class Due:
    """One row for `schedule_many`."""

    subject: str
    kind: str
    slot: str
    due_at: datetime
    escalation_id: int | None = None
    done_at: datetime | None = None


def schedule_many(session: Session, rows: list[Due]) -> set[tuple[str, str, str]]:
    """`schedule` for many rows in one statement; returns (subject, kind, slot) of the rows
    newly recorded (the others were already there)."""
    if not rows:
        return set()
    statement = _insert(session.get_bind().dialect.name)
    values = [
        _row(r.subject, r.kind, r.slot, r.due_at, r.escalation_id, None, r.done_at) for r in rows
    ]
    return {(subject, kind, slot) for subject, kind, slot in session.execute(statement, values)}


def pending_subjects(session: Session, subjects: list[str], kinds: list[str]) -> set[str]:
    """Which of these subjects have a pending row of one of these kinds."""
    if not subjects or not kinds:
        return set()
    return set(
        session.scalars(
            select(Delivery.subject)
            .where(
                Delivery.subject.in_(subjects),
                Delivery.kind.in_(kinds),
                Delivery.status == DeliveryStatus.PENDING,
            )
            .distinct()
        )
    )


def bring_forward(
    session: Session, *, subject: str, kind: str, slot: str, due_at: datetime
) -> bool | None:
    """A (subject, kind, slot) row not tried yet: due no later than `due_at` from now on
    (True when that moved it). None when there is no such row (delivered, in flight, tried
    once already, absent): what it will send may be settled already."""
    row = session.execute(
        select(Delivery.id, Delivery.due_at).where(
            Delivery.subject == subject,
            Delivery.kind == str(kind),
            Delivery.slot == slot,
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.attempts == 0,
        )
    ).first()
    if row is None:
        return None
    if row.due_at <= due_at:
        return False
    moved = session.execute(
        update(Delivery)
        .where(
            Delivery.id == row.id,
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.attempts == 0,
        )
        .values(due_at=due_at)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(moved) == 1


def remember(
    session: Session, delivery_id: int, payload: dict[str, Any], *, worker: str | None = None
) -> bool:
    """Keep in the row's payload what it sends or sent (read back by its retries and by
    later rows); with `worker`, only while that worker holds the row."""
    condition = [Delivery.id == delivery_id]
    if worker is not None:
        condition += [Delivery.status == DeliveryStatus.CLAIMED, Delivery.claimed_by == worker]
    result = session.execute(
        update(Delivery)
        .where(*condition)
        .values(payload=payload)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def others_in_flight(session: Session, *, subject: str, kind: str, slot: str, besides: int) -> bool:
    """Whether another (subject, kind) row of `slot` or its sequels is claimed right now."""
    return (
        session.scalar(
            select(Delivery.id)
            .where(
                Delivery.subject == subject,
                Delivery.kind == str(kind),
                Delivery.status == DeliveryStatus.CLAIMED,
                Delivery.id != besides,
                or_(Delivery.slot == slot, Delivery.slot.startswith(f"{slot}:", autoescape=True)),
            )
            .limit(1)
        )
        is not None
    )


def delivered_payloads(
    session: Session, *, subject: str, kind: str, slot: str
) -> list[dict[str, Any]]:
    """The payloads of the delivered (subject, kind) rows of `slot` and of its sequels
    (slots `slot:...`)."""
    return [
        payload or {}
        for payload in session.scalars(
            select(Delivery.payload).where(
                Delivery.subject == subject,
                Delivery.kind == str(kind),
                Delivery.status == DeliveryStatus.DONE,
                or_(Delivery.slot == slot, Delivery.slot.startswith(f"{slot}:", autoescape=True)),
            )
        )
    ]


def _rowcount(result: Result[Any]) -> int:
    # An UPDATE through Session.execute returns a CursorResult, which has the row count.
    assert isinstance(result, CursorResult)
    return result.rowcount


def _lease_expired(now: datetime) -> ColumnElement[bool]:
    return and_(
        Delivery.status == DeliveryStatus.CLAIMED,
        or_(
            Delivery.lease_until < now,
            # Claims written before leases existed carry only claimed_at.
            and_(Delivery.lease_until.is_(None), Delivery.claimed_at < now - LEASE),
        ),
    )


def _claimable(delivery_id: int, now: datetime) -> ColumnElement[bool]:
    return and_(
        Delivery.id == delivery_id,
        or_(
            and_(Delivery.status == DeliveryStatus.PENDING, Delivery.due_at <= now),
            _lease_expired(now),
        ),
    )


def _claim_values(worker: str, now: datetime, lease: timedelta) -> dict[str, Any]:
    return {
        "status": DeliveryStatus.CLAIMED,
        "claimed_by": worker,
        "claimed_at": now,
        "lease_until": now + lease,
        "attempts": Delivery.attempts + 1,
    }


def claim(
    session: Session, delivery_id: int, *, worker: str, now: datetime, lease: timedelta = LEASE
) -> bool:
    """Take the row for this worker; True only for the one process whose UPDATE won.

    A pending row whose time has come, or a claimed one whose lease has run out, can be
    taken.
    """
    result = session.execute(
        update(Delivery)
        .where(_claimable(delivery_id, now))
        .values(**_claim_values(worker, now, lease))
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


@dataclass(frozen=True)
class Claimed:
    """What a claimed row holds, as its claiming UPDATE returned it."""

    id: int
    kind: str
    subject: str
    slot: str
    escalation_id: int | None
    payload: dict[str, Any] | None
    attempts: int


def claim_row(
    session: Session, delivery_id: int, *, worker: str, now: datetime, lease: timedelta = LEASE
) -> Claimed | None:
    """As `claim`, returning the row taken (None when another process won): one statement,
    the UPDATE ... RETURNING both databases speak."""
    found = session.execute(
        update(Delivery)
        .where(_claimable(delivery_id, now))
        .values(**_claim_values(worker, now, lease))
        .returning(
            Delivery.id,
            Delivery.kind,
            Delivery.subject,
            Delivery.slot,
            Delivery.escalation_id,
            Delivery.payload,
            Delivery.attempts,
        )
        .execution_options(synchronize_session=False)
    ).first()
    return None if found is None else Claimed(*found)


def renew(
    session: Session, delivery_id: int, *, worker: str, now: datetime, lease: timedelta = LEASE
) -> bool:
    """Extend this worker's lease; False when the row is no longer ours."""
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.status == DeliveryStatus.CLAIMED,
            Delivery.claimed_by == worker,
        )
        .values(lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def _settle(session: Session, delivery_id: int, worker: str | None, **values: Any) -> bool:
    condition = [Delivery.id == delivery_id]
    if worker is not None:
        # A worker whose lease ran out and was taken over leaves the row to its new owner.
        condition += [Delivery.status == DeliveryStatus.CLAIMED, Delivery.claimed_by == worker]
    result = session.execute(
        update(Delivery)
        .where(*condition)
        .values(lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def finish(session: Session, delivery_id: int, *, now: datetime, worker: str | None = None) -> bool:
    return _settle(
        session, delivery_id, worker, status=DeliveryStatus.DONE, done_at=now, last_error=None
    )


def retry_later(
    session: Session, delivery_id: int, *, at: datetime, error: str, worker: str | None = None
) -> bool:
    return _settle(
        session, delivery_id, worker, status=DeliveryStatus.PENDING, due_at=at, last_error=error
    )


def fail(
    session: Session, delivery_id: int, *, now: datetime, error: str, worker: str | None = None
) -> bool:
    """Give up for good: kept as FAILED with its reason, for App Home and `check`."""
    return _settle(
        session, delivery_id, worker, status=DeliveryStatus.FAILED, done_at=now, last_error=error
    )


def cancel_for(session: Session, escalation_id: int, kinds: set[str] | None = None) -> int:
    """Cancel the escalation's undelivered work (e.g. on closure); returns how many rows."""
    condition = [Delivery.escalation_id == escalation_id, Delivery.status == DeliveryStatus.PENDING]
    if kinds:
        condition.append(Delivery.kind.in_(kinds))
    result = session.execute(
        update(Delivery)
        .where(*condition)
        .values(status=DeliveryStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)


def due(
    session: Session, now: datetime, *, limit: int = 100, exclude: set[int] | None = None
) -> list[tuple[int, str]]:
    """(id, kind) of rows whose time has come, oldest first: pending ones, and claimed ones
    whose claimer let the lease run out."""
    query = (
        select(Delivery.id, Delivery.kind)
        .where(
            or_(
                and_(Delivery.status == DeliveryStatus.PENDING, Delivery.due_at <= now),
                _lease_expired(now),
            )
        )
        # Escalations due at the same instant in a scrambled (but fixed) order: consecutive
        # ones are often one person's (a DRI's five morning prompts), and taking them together
        # would meet that DM channel's own limit of about one message a second. One
        # escalation's rows keep the order they were written in (notes in its thread).
        .order_by(
            Delivery.due_at,
            (cast(func.coalesce(Delivery.escalation_id, 0), BigInteger) * SCRAMBLE) % 2**32,
            Delivery.id,
        )
        .limit(limit)
    )
    if exclude:
        query = query.where(Delivery.id.not_in(exclude))
    return [(row.id, row.kind) for row in session.execute(query)]


def next_due_at(session: Session) -> datetime | None:
    """When the earliest pending row falls due (a claimed row's lease counts too)."""
    pending = session.scalar(
        select(Delivery.due_at)
        .where(Delivery.status == DeliveryStatus.PENDING)
        .order_by(Delivery.due_at)
        .limit(1)
    )
    lease = session.scalar(
        select(Delivery.lease_until)
        .where(Delivery.status == DeliveryStatus.CLAIMED, Delivery.lease_until.is_not(None))
        .order_by(Delivery.lease_until)
        .limit(1)
    )
    return min((t for t in (pending, lease) if t is not None), default=None)
