"""What /healthz tells an operator: the database, Slack, the scheduler and the ledger.

The models are imported only once the app is fully built (`HealthState.ready`): until then
/healthz answers from the database alone, which keeps the first answer fast.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, NamedTuple

from sqlalchemy import Engine, func, or_, select, text

SlackMode = Literal["starting", "offline", "http", "socket", "sandbox"]

# A scheduler that has not ticked for this many of its ticks (and at least STALL_FLOOR) is
# reported stalled: its thread died or its job is stuck.
STALL_TICKS = 3
STALL_FLOOR = timedelta(minutes=2)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class HealthState:
    """What this process knows about itself, filled in as it starts; read by /healthz."""

    slack_mode: SlackMode = "starting"
    # Socket Mode: whether the connection to Slack is up right now.
    socket_connected: Callable[[], bool] | None = None
    # None when this process runs no scheduler (`serve --no-scheduler`: the worker does).
    tick_seconds: int | None = None
    last_tick: datetime | None = None
    started_at: datetime = field(default_factory=_utc_now)
    now: Callable[[], datetime] = _utc_now
    ready: bool = False
    # Serving /healthz while start-up applies migrations to a new database.
    migrating: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def ticked(self) -> None:
        with self._lock:
            self.last_tick = self.now()


class Backlog(NamedTuple):
    """The ledger at a glance: rows due and not yet sent, the oldest pending one, failures."""

    due: int
    oldest_pending_due_at: datetime | None
    failed: int
    last_failure: str | None


def ledger_backlog(engine: Engine, now: datetime) -> Backlog:
    """Counted over the whole database, so any process reports the same figures."""
    from bot.models import Delivery, DeliveryStatus

    due = or_(
        (Delivery.status == DeliveryStatus.PENDING) & (Delivery.due_at <= now),
        (Delivery.status == DeliveryStatus.CLAIMED) & (Delivery.lease_until < now),
    )
    with engine.connect() as connection:
        due_count = connection.scalar(select(func.count()).select_from(Delivery).where(due))
        oldest = connection.scalar(
            select(func.min(Delivery.due_at)).where(Delivery.status == DeliveryStatus.PENDING)
        )
        failed = connection.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.status == DeliveryStatus.FAILED)
        )
        last_failure = connection.scalar(
            select(Delivery.last_error)
            .where(Delivery.status == DeliveryStatus.FAILED)
            .order_by(Delivery.id.desc())
            .limit(1)
        )
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)  # an aggregate skips the column's type on SQLite
    if isinstance(oldest, str):
        oldest = datetime.fromisoformat(oldest).replace(tzinfo=UTC)
    return Backlog(int(due_count or 0), oldest, int(failed or 0), last_failure)


def _iso(instant: datetime | None) -> str | None:
    return instant.astimezone(UTC).isoformat(timespec="seconds") if instant else None


def _scheduler(state: HealthState, now: datetime) -> tuple[bool, dict[str, Any]]:
    if state.tick_seconds is None:
        return True, {"state": "not in this process"}
    with state._lock:
        last = state.last_tick
    since = last or state.started_at
    stalled = now - since > max(STALL_TICKS * timedelta(seconds=state.tick_seconds), STALL_FLOOR)
    return not stalled, {
        "state": "stalled" if stalled else ("ticking" if last else "starting"),
        "last_tick": _iso(last),
        "tick_seconds": state.tick_seconds,
    }


def report(engine: Engine, state: HealthState) -> tuple[bool, dict[str, Any]]:
    """(healthy, the JSON body): unhealthy when the database can't be reached, the Socket
    Mode connection is down, or this process's scheduler stopped ticking."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        return False, {"ok": False, "database": str(error).splitlines()[0][:200]}
    now = state.now()
    database = "migrating" if state.migrating else "ok"
    body: dict[str, Any] = {"ok": True, "database": database, "slack": {"mode": state.slack_mode}}
    healthy = True
    if state.socket_connected is not None:
        connected = state.socket_connected()
        body["slack"]["connected"] = connected
        healthy = healthy and connected
    if state.ready:
        scheduler_ok, body["scheduler"] = _scheduler(state, now)
        healthy = healthy and scheduler_ok
        try:
            backlog = ledger_backlog(engine, now)
        except Exception as error:
            return False, {**body, "ok": False, "deliveries": str(error).splitlines()[0][:200]}
        overdue = (now - backlog.oldest_pending_due_at) if backlog.oldest_pending_due_at else None
        body["deliveries"] = {
            "due": backlog.due,
            "oldest_pending_due_at": _iso(backlog.oldest_pending_due_at),
            "oldest_pending_overdue_seconds": max(0, int(overdue.total_seconds()))
            if overdue is not None
            else 0,
            "failed": backlog.failed,
        }
    body["ok"] = healthy
    return healthy, body
