"""Bounded delivery workers: a dispatcher asks the ledger what is due and hands rows to a
small pool, so work after a listener's ack never runs on the threads that ack."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from bot.delivery import ledger
from bot.delivery.runner import Registry, deliver

if TYPE_CHECKING:
    from bot.runtime import Services

log = logging.getLogger(__name__)


class DeliveryWorkers:
    """Delivers due ledger rows continuously with `threads` workers; `wake()` after queueing
    work makes it start at once instead of at the next poll."""

    def __init__(
        self,
        services: Services,
        registry: Registry,
        *,
        threads: int = 4,
        poll_seconds: float = 2.0,
    ) -> None:
        self.services = services
        self.registry = registry
        self.threads = threads
        self.poll_seconds = poll_seconds
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="delivery")
        self._in_flight: set[int] = set()
        self._queue: deque[int] = deque()
        self._refill_size = threads * 8  # rows asked of the ledger at a time
        self._lock = threading.Lock()
        # Notified when rows held here are handed to workers (`wait_for_appetite`).
        self._drained = threading.Condition(self._lock)
        # Whether the last refill found fewer due rows than it asked the ledger for.
        self._ledger_short = True
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._dispatcher = threading.Thread(
            target=self._dispatch, name="delivery-dispatcher", daemon=True
        )

    def start(self) -> DeliveryWorkers:
        self._dispatcher.start()
        return self

    def wake(self) -> None:
        with self._lock:
            self._ledger_short = False  # new rows: not short until a refill finds so
        self._wake.set()

    def wait_for_appetite(self, at_most: float) -> None:
        """Block until the workers are about to run out of due work, or `at_most` seconds:
        the ledger had fewer due rows than the last refill asked for, and no more than one
        row per worker is left of it."""
        deadline = time.monotonic() + at_most
        with self._drained:
            while not self._stopping.is_set() and not self._hungry():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._drained.wait(remaining)

    def _hungry(self) -> bool:
        return self._ledger_short and len(self._queue) <= self.threads

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        self._wake.set()
        with self._drained:
            self._drained.notify_all()
        if self._dispatcher.is_alive():
            self._dispatcher.join(timeout)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _dispatch(self) -> None:
        while not self._stopping.is_set():
            handed_out, pause = 0, self.poll_seconds
            try:
                # Every ack wakes this loop. Asking the ledger at once (3 ms of interpreter a
                # look while a worker was free) competed with the acks still waiting; after
                # the burst, one look serves every row it queued.
                self.services.traffic.give_way()
                handed_out = self._hand_out()
                if handed_out == 0 and self._has_free_worker():
                    # Every worker busy: the next to finish wakes this loop, so asking the
                    # ledger when work falls due would only cost a query per delivery.
                    pause = self._until_next_due()
            except Exception:
                log.exception("could not read due work from the ledger")
            if handed_out == 0:
                self._wake.wait(pause)
                self._wake.clear()

    def _has_free_worker(self) -> bool:
        with self._lock:
            return len(self._in_flight) < self.threads

    def _until_next_due(self) -> float:
        """Seconds to the next row falling due (a Retry-After, a backoff), at most a poll."""
        with self.services.sessions() as session:
            next_due = ledger.next_due_at(session)
        if next_due is None:
            return self.poll_seconds
        seconds = (next_due - self.services.clock.now()).total_seconds()
        return min(max(seconds, 0.01), self.poll_seconds)

    def _hand_out(self) -> int:
        """Give free workers rows from a small local queue, refilled from the ledger in
        batches: one query per batch, not one per row delivered."""
        with self._lock:
            free = self.threads - len(self._in_flight)
            busy = self._in_flight | set(self._queue)
        if free <= 0:
            return 0
        if not self._queue:
            with self.services.sessions() as session:
                due = ledger.due(
                    session, self.services.clock.now(), limit=self._refill_size, exclude=busy
                )
            with self._lock:
                self._queue.extend(delivery_id for delivery_id, _kind in due)
                self._ledger_short = len(due) < self._refill_size
        handed = 0
        with self._lock:
            while self._queue and len(self._in_flight) < self.threads:
                delivery_id = self._queue.popleft()
                self._in_flight.add(delivery_id)
                self._pool.submit(self._run, delivery_id)
                handed += 1
            if handed:
                self._drained.notify_all()
        return handed

    def _run(self, delivery_id: int) -> None:
        try:
            self.services.traffic.give_way()
            deliver(self.services, delivery_id, self.registry)
        except Exception:
            log.exception("delivery %s failed outside its handler", delivery_id)
        finally:
            with self._lock:
                self._in_flight.discard(delivery_id)
            self._wake.set()
