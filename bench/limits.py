"""The Slack stand-in with Slack's posting limits, for the delivery measure.

chat.postMessage: per channel (a DM counts as the user's channel) about 1 per second with a
burst of 3, and workspace-wide 50 per second with a burst of 50 (our choice: Slack
documents the per-channel limit and keeps the workspace one unpublished, "several hundred
a minute"; 3 000 a minute is generous). Over a limit the call is refused with HTTP 429,
`ratelimited` and a whole-second Retry-After, as Slack answers.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from tests.slack_standin import Call, SlackStandIn

PER_CHANNEL_RATE, PER_CHANNEL_BURST = 1.0, 3
WORKSPACE_RATE, WORKSPACE_BURST = 50.0, 50


@dataclass
class Bucket:
    rate: float
    burst: float
    tokens: float
    at: float

    def wait_for_one(self, now: float) -> float:
        """Seconds until a token is there (0: there is one now); doesn't take it."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


def minimum_seconds(per_channel_counts: list[int]) -> float:
    """The least wall time these limits allow to post this many messages per channel."""
    channel_bound = max(
        (max(0, n - PER_CHANNEL_BURST) / PER_CHANNEL_RATE for n in per_channel_counts), default=0
    )
    total = sum(per_channel_counts)
    workspace_bound = max(0, total - WORKSPACE_BURST) / WORKSPACE_RATE
    return max(channel_bound, workspace_bound)


class RateLimitedStandIn(SlackStandIn):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._limits_lock = threading.Lock()
        self._channel_buckets: dict[str, Bucket] = {}
        now = time.monotonic()
        self._workspace = Bucket(WORKSPACE_RATE, WORKSPACE_BURST, WORKSPACE_BURST, now)
        self.refused = 0

    def _answer(self, method, args, token, problem=None):  # type: ignore[no-untyped-def, override]
        if method == "chat.postMessage" and problem is None:
            wait = self._take(str(args.get("channel") or ""))
            if wait > 0:
                with self._changed:
                    self.refused += 1
                    answer = {"ok": False, "error": "ratelimited"}
                    self.calls.append(Call(method, args, answer, 429, time.monotonic()))
                    self._changed.notify_all()
                return 429, answer, {"Retry-After": str(max(1, math.ceil(wait)))}
        return super()._answer(method, args, token, problem)

    def _take(self, channel: str) -> float:
        """Take a token from the channel's and the workspace's buckets, or say how long to wait."""
        with self._limits_lock:
            now = time.monotonic()
            bucket = self._channel_buckets.setdefault(
                channel, Bucket(PER_CHANNEL_RATE, PER_CHANNEL_BURST, PER_CHANNEL_BURST, now)
            )
            wait = max(bucket.wait_for_one(now), self._workspace.wait_for_one(now))
            if wait == 0:
                bucket.tokens -= 1
                self._workspace.tokens -= 1
            return wait
