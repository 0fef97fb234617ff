"""The one delivery skeleton: claim with a lease -> run the kind's handler -> finish, retry
or fail. Every kind of Slack effect goes through `deliver`; handlers only say what to send.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.delivery import ledger
from bot.delivery.gateway import SlackProblem

if TYPE_CHECKING:
    from bot.runtime import Services

log = logging.getLogger(__name__)

# Refusals a person can fix while we wait (invite the bot, unarchive): worth retrying.
RETRYABLE_REFUSALS = {
    "not_in_channel",
    "method_not_supported_for_channel_type",
    "channel_not_found",
    "is_archived",
    "missing_scope",
}

# Growing delays between attempts; the last one repeats.
BACKOFF = tuple(timedelta(minutes=m) for m in (1, 5, 15, 30, 60))


@dataclass
class Outcome:
    """What one attempt achieved. Incomplete work is retried unless `permanent`."""

    complete: bool = True
    problems: list[str] = field(default_factory=list)
    permanent: bool = False
    # The handler already marked its row done in its own transaction (see `settle_with`).
    settled: bool = False
    # Slack asked to wait this many seconds: retry then, and it doesn't count as a failure.
    retry_after: float | None = None

    @classmethod
    def failed(cls, problem: str, *, permanent: bool = False) -> Outcome:
        return cls(complete=False, problems=[problem], permanent=permanent)


@dataclass(frozen=True)
class Job:
    """One claimed ledger row, as a handler sees it (detached from any session)."""

    id: int
    kind: str
    subject: str
    slot: str
    escalation_id: int | None
    payload: Mapping[str, Any]
    attempts: int
    worker: str

    @property
    def retrying(self) -> bool:
        """True when an earlier attempt may have reached Slack: look before posting again."""
        return self.attempts > 1

    def key(self, step: str = "") -> str:
        """The identity one Slack effect of this job carries in message metadata."""
        return f"{self.id}:{step}" if step else str(self.id)

    def renew(self, services: Services) -> bool:
        """Hold the lease through a long multi-step handler; False if the row was taken."""
        with services.sessions.begin() as session:
            return ledger.renew(session, self.id, worker=self.worker, now=services.clock.now())


def is_permanent(problem: SlackProblem) -> bool:
    """A refusal no retry can fix (a bad block, a deleted user): give up and tell someone."""
    return not (problem.is_transient or problem.code in RETRYABLE_REFUSALS)


class LeaseLost(Exception):
    """Another worker took the row over while this one worked; its changes are rolled back."""


def settle_with(services: Services, job: Job, change: Callable[[Session], object]) -> Outcome:
    """Apply `change` and mark the job done in one transaction.

    For handlers that decide and queue other effects without calling Slack: the effects
    they queue are committed with the row's completion, so they happen exactly once.
    """
    with services.sessions.begin() as session:
        change(session)
        if not ledger.finish(session, job.id, now=services.clock.now(), worker=job.worker):
            raise LeaseLost(job.id)
    return Outcome(settled=True)


Handler = Callable[["Services", Job], Outcome]
FailureNotice = Callable[["Services", Job, str], None]


@dataclass(frozen=True)
class KindPolicy:
    handler: Handler
    max_attempts: int = 8
    # Told when the work is given up, so nothing is lost silently.
    on_failure: FailureNotice | None = None


Registry = Mapping[str, KindPolicy]


def deliver(services: Services, delivery_id: int, registry: Registry) -> Outcome | None:
    """Claim one row and deliver it; None when another process holds it or it isn't due."""
    with services.sessions.begin() as session:
        now = services.clock.now()
        row = ledger.claim_row(session, delivery_id, worker=services.worker, now=now)
        if row is None:
            return None
        job = Job(
            id=row.id,
            kind=row.kind,
            subject=row.subject,
            slot=row.slot,
            escalation_id=row.escalation_id,
            payload=dict(row.payload or {}),
            attempts=row.attempts,
            worker=services.worker,
        )
    policy = registry.get(job.kind)
    if policy is None:
        outcome = Outcome.failed(f"no handler for kind {job.kind!r}", permanent=True)
    else:
        try:
            outcome = policy.handler(services, job)
        except LeaseLost:
            log.warning("delivery %s was taken over by another worker", job.id)
            return None
        except SlackProblem as problem:
            outcome = Outcome.failed(
                f"{problem.method}: {problem.code}", permanent=is_permanent(problem)
            )
            if problem.code == "ratelimited":
                outcome.retry_after = 1.0 if problem.retry_after is None else problem.retry_after
        except Exception as error:  # a bug or a Block Kit limit: retry, then fail visibly
            log.exception("delivery %s (%s) raised", job.id, job.kind)
            outcome = Outcome.failed(f"{type(error).__name__}: {error}"[:500])
    _settle(services, job, outcome, policy)
    return outcome


def _settle(services: Services, job: Job, outcome: Outcome, policy: KindPolicy | None) -> None:
    if outcome.settled:
        return
    error = "; ".join(outcome.problems)[:2000]
    rate_limited = outcome.retry_after is not None
    gave_up = (
        not outcome.complete
        and not rate_limited
        and (outcome.permanent or policy is None or job.attempts >= policy.max_attempts)
    )
    with services.sessions.begin() as session:
        now = services.clock.now()
        worker = services.worker
        if outcome.complete:
            ledger.finish(session, job.id, now=now, worker=worker)
        elif gave_up:
            ledger.fail(session, job.id, now=now, error=error, worker=worker)
        else:
            delay = (
                timedelta(seconds=outcome.retry_after)
                if outcome.retry_after is not None
                else BACKOFF[min(job.attempts, len(BACKOFF)) - 1]
            )
            ledger.retry_later(session, job.id, at=now + delay, error=error, worker=worker)
    if not outcome.complete and not rate_limited:
        log.warning(
            "delivery %s (%s %s/%s) %s: %s",
            job.id,
            job.subject,
            job.kind,
            job.slot,
            "gave up" if gave_up else f"attempt {job.attempts} failed",
            error,
        )
    if gave_up and policy is not None and policy.on_failure is not None:
        try:
            policy.on_failure(services, job, error)
        except Exception:
            log.exception("could not record the failure of delivery %s", job.id)


def deliver_due(services: Services, registry: Registry, *, limit: int = 200) -> int:
    """Deliver everything due now, in this thread; returns how many rows were delivered.

    Used by the scheduler's tick and by tests; the workers do the same continuously.
    """
    delivered = 0
    seen: set[int] = set()
    while True:
        with services.sessions() as session:
            batch = ledger.due(session, services.clock.now(), limit=limit, exclude=seen)
        if not batch:
            return delivered
        for delivery_id, _kind in batch:
            seen.add(delivery_id)
            if deliver(services, delivery_id, registry) is not None:
                delivered += 1
