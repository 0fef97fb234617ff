"""The customer-unresponsiveness ladder: how long a wait has lasted, paused while out of office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import AttemptKind


@dataclass(frozen=True)
class WaitClock:
    """When the team asked, and the out-of-office time that doesn't count against the customer."""

    asked_at: datetime
    paused_seconds: int = 0
    ooo_from: datetime | None = None
    ooo_until: datetime | None = None
    responded_at: datetime | None = None


def waited(clock: WaitClock, now: datetime) -> timedelta:
    """How long the customer has been silent, out-of-office periods excluded."""
    paused = timedelta(seconds=clock.paused_seconds)
    if clock.ooo_from is not None and clock.ooo_until is not None and clock.ooo_from < now:
        paused += min(now, clock.ooo_until) - clock.ooo_from
    return max(now - clock.asked_at - paused, timedelta(0))


def is_paused(clock: WaitClock, now: datetime) -> bool:
    return (
        clock.ooo_from is not None
        and clock.ooo_until is not None
        and clock.ooo_from <= now < clock.ooo_until
    )


def step_reached(clock: WaitClock, ladder_days: list[int], now: datetime) -> int | None:
    """The highest ladder day reached (e.g. 14), or None. After downtime only the latest
    step is returned: its message covers what the skipped ones would have said."""
    if clock.responded_at is not None:
        return None
    days = waited(clock, now) / timedelta(days=1)
    reached = [day for day in ladder_days if days >= day]
    return reached[-1] if reached else None


def slot(wait_id: int, day: int) -> str:
    return f"{wait_id}:{day}"


def next_step_at(clock: WaitClock, ladder_days: list[int], now: datetime) -> datetime | None:
    """When the wait reaches its next ladder day after `now` (an out-of-office pause ahead
    or under way pushes it back by the pause); None once answered or past the last day."""
    if clock.responded_at is not None:
        return None
    so_far = waited(clock, now)
    ahead = [timedelta(days=day) for day in ladder_days if timedelta(days=day) > so_far]
    if not ahead:
        return None
    at = now + (ahead[0] - so_far)
    if clock.ooo_from is not None and clock.ooo_until is not None and clock.ooo_until > now:
        pause_starts = max(clock.ooo_from, now)
        if at > pause_starts:
            at += clock.ooo_until - pause_starts
    return at


@dataclass(frozen=True)
class StepPlan:
    """What one rung of the silent-customer ladder does (a notice, a call, a stall, a closure)."""

    # The stalled procedure: the escalation is marked stalled (dependency: customer).
    mark_stalled: bool = False
    # The attempt the DRI is asked to make, and to confirm with a button.
    attempt: AttemptKind | None = None
    # Day 14: the sales contact (the AE, else the sales manager, else whoever the DRI names).
    reach_sales_contact: bool = False
    # Day 28: the direct manager and the executive sponsor are told; Sales Ops takes over.
    loop_in_manager_and_sponsor: bool = False
    hand_to_sales_ops: bool = False
    # A new-MSA project: the DRI is prompted through the Hours Expired closure instead.
    hours_expired_closure: bool = False


_STALLED_STEPS = {
    1: StepPlan(mark_stalled=True, attempt=AttemptKind.STALLED_NOTICE),
    2: StepPlan(mark_stalled=True, attempt=AttemptKind.CALLED, reach_sales_contact=True),
    3: StepPlan(mark_stalled=True, attempt=AttemptKind.FINAL_NOTICE),
    4: StepPlan(mark_stalled=True, loop_in_manager_and_sponsor=True, hand_to_sales_ops=True),
}


def step_plan(step: int, *, new_msa: bool) -> StepPlan:
    """What step `step` (1-4) does. A project sold under the new MSA leaves the stalled
    procedure at its first question: every step only prompts the Hours Expired closure."""
    if new_msa:
        return StepPlan(hours_expired_closure=True)
    return _STALLED_STEPS[step]


def sales_contact(ae: str | None, sales_manager: str | None) -> str | None:
    """Who the silence is escalated to on day 14: the AE on the record, else the configured
    sales manager; None when the DRI must name someone."""
    return ae or sales_manager
