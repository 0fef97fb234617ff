"""Slack requests waiting for their ack, so delivery can give way to them.

Slack shows a person an error when an ack takes over 3 seconds, while nobody notices a thread
post arriving a second later. The web process acks and delivers with one interpreter, so a
delivery worker starting a job during a burst of requests slows every ack queued behind it.
The dispatcher (before asking the ledger) and the workers (before each job and each step)
therefore wait for a lull, but never longer than `longest_yield`: under sustained traffic
delivery still moves, one job per yield.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class AckTraffic:
    def __init__(self, *, lull: float = 0.02, longest_yield: float = 1.0) -> None:
        self.lull = lull
        self.longest_yield = longest_yield
        self._waiting = 0
        self._last_answered = 0.0
        self._quiet = threading.Condition()

    @contextmanager
    def request(self) -> Iterator[None]:
        """Wraps serving one Slack request, from arrival to its answer."""
        with self._quiet:
            self._waiting += 1
        try:
            yield
        finally:
            with self._quiet:
                self._waiting -= 1
                self._last_answered = time.monotonic()
                if self._waiting == 0:
                    self._quiet.notify_all()

    def give_way(self, at_most: float | None = None, *, lull: float | None = None) -> float:
        """Block until no request has waited for `lull` seconds (the traffic's own by
        default), or `at_most` (default `longest_yield`) passed; returns the seconds waited."""
        lull = self.lull if lull is None else lull
        started = time.monotonic()
        deadline = started + (self.longest_yield if at_most is None else at_most)
        with self._quiet:
            while True:
                now = time.monotonic()
                if now >= deadline:
                    break
                if self._waiting == 0:
                    quiet_at = self._last_answered + lull
                    if now >= quiet_at:
                        break
                    self._quiet.wait(min(quiet_at, deadline) - now)
                else:
                    self._quiet.wait(deadline - now)
        return time.monotonic() - started
