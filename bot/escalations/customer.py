"""Use cases for a customer who goes quiet: waiting, responding, out of office, Sales Ops."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from blocks import notices
from blocks.customer import waiting_started
from bot.delivery.kinds import DeliveryKind
from bot.domain import EventKind, Role, SalesOpsOutcome, State, WaitKind
from bot.escalations import effects, service
from bot.escalations.permissions import NotAllowed
from bot.escalations.service import record
from bot.models import CustomerWait, Delivery, DeliveryStatus, Escalation
from bot.policy import ladder
from bot.settings import Settings


def open_waits(session: Session, escalation_id: int) -> list[CustomerWait]:
    return list(
        session.scalars(
            select(CustomerWait)
            .where(
                CustomerWait.escalation_id == escalation_id,
                CustomerWait.responded_at.is_(None),
                CustomerWait.sales_ops_outcome.is_(None),
            )
            .order_by(CustomerWait.id)
        )
    )


def all_open_waits(session: Session) -> list[CustomerWait]:
    return list(
        session.scalars(
            select(CustomerWait)
            .join(Escalation, Escalation.id == CustomerWait.escalation_id)
            .where(
                CustomerWait.responded_at.is_(None),
                CustomerWait.sales_ops_outcome.is_(None),
                Escalation.state != State.RESOLVED,
            )
            .order_by(CustomerWait.id)
        )
    )


def wait_clock(wait: CustomerWait) -> ladder.WaitClock:
    return ladder.WaitClock(
        asked_at=wait.asked_at,
        paused_seconds=wait.paused_seconds,
        ooo_from=wait.ooo_from,
        ooo_until=wait.ooo_until,
        responded_at=wait.responded_at,
    )


def start_waiting(
    session: Session,
    escalation: Escalation,
    *,
    asked: str,
    how: str | None,
    asked_at: datetime,
    actor: str,
    now: datetime,
) -> CustomerWait:
    if asked_at > now:
        raise NotAllowed("The request date can't be in the future.")
    wait = CustomerWait(
        escalation_id=escalation.id,
        kind=WaitKind.REQUEST,
        asked=asked,
        how=how,
        asked_at=asked_at,
        recorded_by=actor,
        paused_seconds=0,
    )
    session.add(wait)
    session.flush()
    record(
        session,
        escalation,
        EventKind.WAITING_ON_CUSTOMER,
        actor,
        f"Waiting on customer since {asked_at:%Y-%m-%d} ({how or 'no channel given'}): "
        f"{asked[:200]}",
        now,
    )
    return wait


def missed_appointment(
    session: Session,
    escalation: Escalation,
    *,
    what: str,
    actor: str,
    now: datetime,
    first_step_days: int,
) -> CustomerWait:
    """A missed appointment or deadline without notice makes the customer unresponsive now:
    the ladder starts at its first step."""
    wait = CustomerWait(
        escalation_id=escalation.id,
        kind=WaitKind.MISSED_APPOINTMENT,
        asked=what,
        how="missed without notice",
        asked_at=now - timedelta(days=first_step_days),
        recorded_by=actor,
        paused_seconds=0,
    )
    session.add(wait)
    session.flush()
    record(
        session,
        escalation,
        EventKind.MISSED_APPOINTMENT,
        actor,
        f"Customer missed an appointment / deadline without notice: {what[:200]}",
        now,
    )
    return wait


def _cancel_ladder(session: Session, escalation: Escalation, wait: CustomerWait) -> None:
    session.execute(
        update(Delivery)
        .where(
            Delivery.subject == escalation.key,
            Delivery.kind == DeliveryKind.LADDER,
            Delivery.slot.like(f"{wait.id}:%"),
            Delivery.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.CANCELLED, last_error="customer responded")
        .execution_options(synchronize_session=False)
    )


def _resume_if_clear(session: Session, escalation: Escalation, actor: str, now: datetime) -> None:
    if escalation.state is State.STALLED and not open_waits(session, escalation.id):
        escalation.state = State.ACTIVE
        record(session, escalation, EventKind.STATE_CHANGED, actor, "stalled -> active", now)


def customer_responded(
    session: Session, escalation: Escalation, wait: CustomerWait, *, actor: str, now: datetime
) -> timedelta:
    """Stop the ladder; returns how long the customer took (out-of-office time excluded)."""
    if wait.responded_at is not None:
        raise NotAllowed("That request is already marked as answered.")
    took = ladder.waited(wait_clock(wait), now)
    wait.responded_at = now
    _cancel_ladder(session, escalation, wait)
    session.flush()
    record(
        session,
        escalation,
        EventKind.CUSTOMER_RESPONDED,
        actor,
        f"Customer responded after {describe(took)}: {wait.asked[:120]}",
        now,
    )
    _resume_if_clear(session, escalation, actor, now)
    return took


def out_of_office(
    session: Session,
    escalation: Escalation,
    wait: CustomerWait,
    *,
    until: datetime,
    actor: str,
    now: datetime,
) -> None:
    if until <= now:
        raise NotAllowed("The out-of-office end must be in the future.")
    if wait.ooo_from is not None and wait.ooo_until is not None:
        # Bank the earlier absence before starting the new one.
        wait.paused_seconds += int(
            max(min(now, wait.ooo_until) - wait.ooo_from, timedelta(0)).total_seconds()
        )
    wait.ooo_from, wait.ooo_until = now, until
    session.flush()
    record(
        session,
        escalation,
        EventKind.OUT_OF_OFFICE,
        actor,
        f"Customer out of office until {until:%Y-%m-%d}: the ladder is paused",
        now,
    )


def mark_stalled(session: Session, escalation: Escalation, now: datetime) -> bool:
    if escalation.state in (State.OPEN, State.ACTIVE):
        escalation.state = State.STALLED
        record(
            session,
            escalation,
            EventKind.STATE_CHANGED,
            "bot",
            "-> stalled (dependency: customer)",
            now,
        )
        return True
    return False


@dataclass(frozen=True)
class OutcomeDeciders:
    """Who may record the outcome of a Sales Ops hand-off: the Sales Ops people (the
    configured person, or the members of the configured channel) and PS leadership."""

    sales_ops: Collection[str]
    leadership: Collection[str]
    sales_ops_channel: str | None = None
    configured: bool = True

    def may_decide(self, user: str) -> bool:
        return user in self.sales_ops or user in self.leadership

    def refusal(self) -> str:
        """The refusal, naming who can."""
        if self.sales_ops_channel:
            sales_ops = [f"members of <#{self.sales_ops_channel}>"]
        else:
            sales_ops = [f"<@{user}>" for user in sorted(self.sales_ops)]
        who = sales_ops + [f"<@{user}>" for user in self.leadership if user not in self.sales_ops]
        unconfigured = "" if self.configured else " (no SALES_OPS is configured)"
        return (
            "Only Sales Ops or PS leadership can record the outcome: "
            f"{', '.join(who) or 'nobody is configured'}{unconfigured}."
        )


def record_sales_ops_outcome(
    session: Session,
    escalation: Escalation,
    wait: CustomerWait,
    *,
    outcome: SalesOpsOutcome,
    actor: str,
    deciders: OutcomeDeciders,
    now: datetime,
) -> None:
    """Sales Ops' (or leadership's) decision on a project the customer stopped answering."""
    if not deciders.may_decide(actor):
        raise NotAllowed(deciders.refusal())
    if wait.sales_ops_outcome is not None:
        raise NotAllowed(f"Sales Ops already recorded: {wait.sales_ops_outcome.label}.")
    wait.sales_ops_outcome = outcome
    _cancel_ladder(session, escalation, wait)
    session.flush()
    record(session, escalation, EventKind.SALES_OPS_OUTCOME, actor, outcome.label, now)
    if outcome is SalesOpsOutcome.CONTINUE:
        _resume_if_clear(session, escalation, actor, now)


def describe(duration: timedelta) -> str:
    days, hours = duration.days, duration.seconds // 3600
    return f"{days} d {hours} h" if days else f"{hours} h {duration.seconds % 3600 // 60} min"


# -- what people do, each in one transaction with its note in the thread ---------------------


def wait_on_customer(
    session: Session,
    escalation_id: int,
    *,
    kind: WaitKind,
    asked: str,
    how: str | None,
    asked_on: date | None,
    asked_tz: ZoneInfo,
    actor: str,
    now: datetime,
    settings: Settings,
) -> CustomerWait:
    """Start the customer's clock: from the day they were asked (midnight in the asker's
    time zone), or at once on the ladder's first step for a missed appointment."""
    escalation = service.load(session, escalation_id)
    if kind is WaitKind.MISSED_APPOINTMENT:
        wait = missed_appointment(
            session,
            escalation,
            what=asked,
            actor=actor,
            now=now,
            first_step_days=settings.ladder_days[0],
        )
    else:
        if asked_on is None:
            raise NotAllowed("Pick the request date.")
        if asked_on > now.astimezone(settings.timezone).date():
            raise NotAllowed("The request date can't be in the future.")
        asked_at = min(datetime.combine(asked_on, time(0, 0), asked_tz), now)
        wait = start_waiting(
            session, escalation, asked=asked, how=how, asked_at=asked_at, actor=actor, now=now
        )
    effects.thread_note(
        session,
        escalation,
        notices.waiting_text(escalation),
        now,
        waiting_started(escalation, wait),
    )
    return wait


def _wait_of(session: Session, wait_id: int) -> tuple[CustomerWait, Escalation]:
    wait = session.get(CustomerWait, wait_id)
    if wait is None:
        raise NotAllowed("That request to the customer no longer exists.")
    return wait, service.load(session, wait.escalation_id)


def mark_responded(session: Session, wait_id: int, *, actor: str, now: datetime) -> Escalation:
    """The customer answered the request: its ladder stops, and the thread hears how long
    they took."""
    wait, escalation = _wait_of(session, wait_id)
    took = customer_responded(session, escalation, wait, actor=actor, now=now)
    effects.thread_note(
        session, escalation, notices.customer_responded_note(escalation, actor, describe(took)), now
    )
    return escalation


def mark_out_of_office(
    session: Session, wait_id: int, *, until: datetime, actor: str, now: datetime
) -> Escalation:
    wait, escalation = _wait_of(session, wait_id)
    out_of_office(session, escalation, wait, until=until, actor=actor, now=now)
    effects.thread_note(session, escalation, notices.out_of_office_note(actor, until.date()), now)
    return escalation


def decide_outcome(
    session: Session,
    wait_id: int,
    *,
    outcome: SalesOpsOutcome,
    actor: str,
    deciders: OutcomeDeciders,
    now: datetime,
    settings: Settings,
) -> Escalation:
    """Sales Ops' decision, recorded. Contract cancellation or termination moves the
    escalation to `resolving`: it is never closed silently, the DRI completes closure (sign-
    off, lessons learned). The DRI and the PM are told in the thread what to do next."""
    wait, escalation = _wait_of(session, wait_id)
    record_sales_ops_outcome(
        session, escalation, wait, outcome=outcome, actor=actor, deciders=deciders, now=now
    )
    if outcome is not SalesOpsOutcome.CONTINUE:
        escalation.state = State.RESOLVING
        service.record(
            session,
            escalation,
            EventKind.STATE_CHANGED,
            actor,
            f"Resolving: {outcome.label}; the DRI completes closure",
            now,
        )
        effects.refresh(session, escalation, DeliveryKind.REFRESH_ROOT, now)
    effects.thread_note(
        session,
        escalation,
        notices.sales_ops_note(
            escalation, actor, outcome, escalation.person(Role.DRI), escalation.opened_by
        ),
        now,
    )
    return escalation
