"""The scheduler's tick: ask the ledger what is due now and deliver it, once.

APScheduler only supplies the heartbeat; what is due lives in the database, so any number
of processes may tick at once and a restart loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot import ledger
from bot.escalations import service
from bot.escalations.publish import run_publication
from bot.services import Services

log = logging.getLogger(__name__)

Handler = Callable[[Services, int], object]

HANDLERS: dict[str, Handler] = {
    service.PUBLISH: run_publication,
}


def tick(services: Services) -> int:
    """Deliver everything due at `services.clock.now()`; returns how many were handled here."""
    with services.sessions.begin() as session:
        due = [(row.id, row.kind) for row in ledger.due(session, services.clock.now())]
    handled = 0
    for delivery_id, kind in due:
        handler = HANDLERS.get(kind)
        if handler is None:
            log.error("no handler for due work of kind %r (delivery %s)", kind, delivery_id)
            continue
        try:
            if handler(services, delivery_id) is not None:
                handled += 1
        except Exception:
            log.exception("delivery %s (%s) failed", delivery_id, kind)
    return handled


def start_scheduler(services: Services) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        tick,
        "interval",
        args=[services],
        seconds=services.settings.scheduler_tick_seconds,
        id="tick",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler
