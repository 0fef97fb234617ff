"""Use cases for a customer who goes quiet: waiting, responding, out of office, Sales Ops."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from blocks import customer as customer_views
from blocks import notices
from blocks.customer import waiting_started
from blocks.text import mention, when
from bot.delivery.kinds import DeliveryKind
from bot.domain import AttemptKind, EventKind, Role, SalesOpsOutcome, State, WaitKind
from bot.escalations import effects, service
from bot.escalations.closure import can_resolve, resolvers
from bot.escalations.permissions import NotAllowed, leadership_people, who_can
from bot.escalations.service import record
from bot.models import ContactAttempt, CustomerWait, Delivery, DeliveryStatus, Escalation
from bot.policy import ladder
from bot.settings import SLACK_ID, Settings


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
    """Who may record the outcome of a Sales Ops hand-off: the Sales Ops people
    (SALES_OPS_USER_IDS, or SALES_OPS when it names a person) and PS leadership. Being in
    the Sales Ops channel is not enough: anyone can join a channel."""

    sales_ops: Collection[str]
    leadership: Collection[str]

    @classmethod
    def from_settings(cls, settings: Settings) -> OutcomeDeciders:
        return cls(sales_ops=sales_ops_people(settings), leadership=leadership_people(settings))

    def may_decide(self, user: str) -> bool:
        return user in self.sales_ops or user in self.leadership

    def refusal(self) -> str:
        """The refusal, naming who can."""
        who = [*self.sales_ops, *(u for u in self.leadership if u not in self.sales_ops)]
        unconfigured = "" if self.sales_ops else " (no SALES_OPS_USER_IDS is configured)"
        return (
            "Only Sales Ops or PS leadership can record the outcome: "
            f"{who_can(list(who))}{unconfigured}."
        )


def sales_ops_people(settings: Settings) -> list[str]:
    """The Sales Ops people: SALES_OPS_USER_IDS, and SALES_OPS when it is a user ID."""
    people = list(settings.sales_ops_user_ids)
    single = (settings.sales_ops or "").strip()
    if SLACK_ID.match(single) and single[0] in "UW" and single not in people:
        people.append(single)
    return people


def sales_ops_channel(settings: Settings) -> str | None:
    """Where the hand-off is also posted: SALES_OPS when it names a channel."""
    target = (settings.sales_ops or "").strip()
    if not target or (SLACK_ID.match(target) and target[0] in "UW"):
        return None
    return target


def record_sales_ops_outcome(
    session: Session,
    escalation: Escalation,
    wait: CustomerWait,
    *,
    outcome: SalesOpsOutcome,
    actor: str,
    deciders: OutcomeDeciders,
    now: datetime,
    notes: str | None = None,
) -> None:
    """Sales Ops' (or leadership's) decision on a project the customer stopped answering."""
    require_decider(deciders, wait, actor)
    # Compare-and-set: of two people recording at the same moment, one wins; the other is
    # told what was recorded.
    won = session.execute(
        update(CustomerWait)
        .where(CustomerWait.id == wait.id, CustomerWait.sales_ops_outcome.is_(None))
        .values(
            sales_ops_outcome=outcome,
            sales_ops_by=actor,
            sales_ops_at=now,
            sales_ops_notes=notes or None,
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(wait)
    if not _changed(won):
        require_decider(deciders, wait, actor)
    _cancel_ladder(session, escalation, wait)
    session.flush()
    said = f": {notes[:500]}" if notes else ""
    record(session, escalation, EventKind.SALES_OPS_OUTCOME, actor, outcome.label + said, now)
    if outcome is SalesOpsOutcome.CONTINUE:
        _resume_if_clear(session, escalation, actor, now)


def _changed(result: object) -> bool:
    return isinstance(result, CursorResult) and result.rowcount == 1


def require_decider(deciders: OutcomeDeciders, wait: CustomerWait, actor: str) -> None:
    """Raises `NotAllowed` unless `actor` may record this wait's outcome now."""
    if not deciders.may_decide(actor):
        raise NotAllowed(deciders.refusal())
    if wait.sales_ops_outcome is not None:
        raise NotAllowed(f"Sales Ops already recorded: {wait.sales_ops_outcome.label}.")


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


def mark_responded(
    session: Session,
    wait_id: int,
    *,
    actor: str,
    now: datetime,
    ladder_days: list[int],
) -> Escalation:
    """The customer answered the request: its ladder stops, and the thread hears how long
    they took. When the stalled procedure had begun (PSA set to Stalled), the DRI is asked
    to reset the PSA project (Active, dependency None)."""
    wait, escalation = _wait_of(session, wait_id)
    stalled = (
        not escalation.new_msa
        and ladder.step_reached(wait_clock(wait), ladder_days, now) is not None
    )
    took = customer_responded(session, escalation, wait, actor=actor, now=now)
    effects.thread_note(
        session, escalation, notices.customer_responded_note(escalation, actor, describe(took)), now
    )
    dri = escalation.person(Role.DRI)
    if stalled and dri:
        effects.direct_message(
            session,
            dri,
            customer_views.psa_reset_text(escalation, "the customer responded"),
            now,
            escalation=escalation,
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
    notes: str | None = None,
) -> Escalation:
    """Sales Ops' decision, recorded with their notes. Contract cancellation or termination
    moves the escalation to `resolving`: it is never closed silently, the DRI completes
    closure (sign-off, lessons learned). The DRI and the PM are told in the thread what to do
    next; the DRI also by DM (reset the PSA fields, or complete closure)."""
    wait, escalation = _wait_of(session, wait_id)
    record_sales_ops_outcome(
        session,
        escalation,
        wait,
        outcome=outcome,
        actor=actor,
        deciders=deciders,
        now=now,
        notes=notes,
    )
    dri = escalation.person(Role.DRI)
    if outcome is SalesOpsOutcome.CONTINUE and dri:
        effects.direct_message(
            session,
            dri,
            customer_views.psa_reset_text(escalation, "Sales Ops recorded *Continue working*"),
            now,
            escalation=escalation,
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
        if dri:
            effects.direct_message(
                session,
                dri,
                f"{escalation.key}: Sales Ops recorded {outcome.label}; please complete closure",
                now,
                escalation=escalation,
                blocks=customer_views.closure_asked(escalation, outcome),
            )
    effects.thread_note(
        session,
        escalation,
        notices.sales_ops_note(escalation, actor, outcome, dri, escalation.opened_by, notes),
        now,
    )
    return escalation


def outcome_form(
    session: Session, wait_id: int, outcome: SalesOpsOutcome, *, actor: str, settings: Settings
) -> tuple[Escalation, CustomerWait]:
    """The hand-off whose outcome `actor` is about to record; `NotAllowed` before they type
    their notes if they may not."""
    wait, escalation = _wait_of(session, wait_id)
    require_decider(OutcomeDeciders.from_settings(settings), wait, actor)
    return escalation, wait


# -- the attempts the DRI confirms, and the sales contact ---------------------------------------


def attempts_of(session: Session, wait_id: int) -> list[ContactAttempt]:
    return list(
        session.scalars(
            select(ContactAttempt)
            .where(ContactAttempt.wait_id == wait_id)
            .order_by(ContactAttempt.confirmed_at)
        )
    )


def _require_team(escalation: Escalation, actor: str, settings: Settings, what: str) -> None:
    if not can_resolve(escalation, actor, settings):
        raise NotAllowed(
            f"Only the DRI, the direct manager, the Director PS or PS leadership can {what} "
            f"for {escalation.key}: {who_can(resolvers(escalation))}."
        )


def confirm_attempt(
    session: Session,
    wait_id: int,
    kind: AttemptKind,
    *,
    actor: str,
    now: datetime,
    settings: Settings,
) -> ContactAttempt:
    """The DRI confirms they made an attempt to reach the customer: the hand-off to Sales
    Ops lists it with its date (an attempt nobody confirmed is listed as not confirmed)."""
    wait, escalation = _wait_of(session, wait_id)
    _require_team(escalation, actor, settings, "confirm attempts")
    done = next((a for a in attempts_of(session, wait.id) if a.kind is kind), None)
    if done is not None:
        raise NotAllowed(
            f"Already confirmed by {mention(done.confirmed_by)} on "
            f"{when(done.confirmed_at, '{date_short}')}: {kind.label}."
        )
    attempt = ContactAttempt(wait_id=wait.id, kind=kind, confirmed_by=actor, confirmed_at=now)
    session.add(attempt)
    session.flush()
    record(session, escalation, EventKind.ATTEMPT_CONFIRMED, actor, kind.label, now)
    effects.thread_note(
        session, escalation, customer_views.attempt_confirmed_note(escalation, attempt), now
    )
    return attempt


def reach_sales_contact(
    session: Session,
    escalation: Escalation,
    wait: CustomerWait,
    contact: str,
    *,
    actor: str,
    now: datetime,
) -> None:
    """Record that the silence is escalated to `contact` and DM them the customer, the issue
    and what we wait for (the caller writes the thread note). Once per wait: a second
    contact (named at the same moment by someone else) is refused."""
    won = session.execute(
        update(CustomerWait)
        .where(CustomerWait.id == wait.id, CustomerWait.sales_contact.is_(None))
        .values(sales_contact=contact, sales_contact_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(wait)
    if not _changed(won):
        raise NotAllowed(f"Already escalated to the sales contact {mention(wait.sales_contact)}.")
    record(
        session,
        escalation,
        EventKind.SALES_CONTACT,
        actor,
        f"Customer silence escalated to the sales contact {contact}",
        now,
    )
    days = int(ladder.waited(wait_clock(wait), now) / timedelta(days=1))
    effects.direct_message(
        session,
        contact,
        customer_views.ae_dm(escalation, wait, days),
        now,
        escalation=escalation,
    )


def name_sales_contact(
    session: Session,
    wait_id: int,
    contact: str,
    *,
    actor: str,
    now: datetime,
    settings: Settings,
) -> Escalation:
    """With no AE on the record and no sales manager configured, the DRI names the sales
    contact; the bot escalates to them then (and says so only then)."""
    wait, escalation = _wait_of(session, wait_id)
    _require_team(escalation, actor, settings, "name the sales contact")
    if wait.responded_at is not None or wait.sales_ops_outcome is not None:
        raise NotAllowed("That request is no longer waiting on the customer.")
    if wait.sales_contact is not None:
        raise NotAllowed(f"Already escalated to the sales contact {mention(wait.sales_contact)}.")
    reach_sales_contact(session, escalation, wait, contact, actor=actor, now=now)
    days = int(ladder.waited(wait_clock(wait), now) / timedelta(days=1))
    effects.thread_note(
        session,
        escalation,
        customer_views.sales_contact_named_note(escalation, wait, actor, days),
        now,
    )
    return escalation
