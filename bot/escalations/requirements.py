"""Step 5: requirement validation and sign-off, and the change order approval process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from blocks import tracking_notes
from bot.domain import ChangeOrderStatus, EventKind
from bot.escalations import effects, service
from bot.escalations.permissions import NotAllowed, who_can
from bot.escalations.service import record
from bot.models import ChangeOrder, Requirement
from bot.settings import Settings


def requirement_of(session: Session, escalation_id: int, requirement_id: int) -> Requirement:
    requirement = session.get(Requirement, requirement_id)
    if requirement is None or requirement.escalation_id != escalation_id:
        raise NotAllowed("That requirement is not on this escalation any more.")
    return requirement


def validate_requirement(
    session: Session,
    escalation_id: int,
    requirement_id: int,
    ticked: set[int],
    *,
    sign_off: bool,
    actor: str,
    now: datetime,
) -> bool:
    """Make the requirement's validation checks match `ticked` (each tick keeps who and
    when) and, with `sign_off`, sign it off as `actor` now. A requirement is signed off only
    once every check is ticked; a signed-off requirement's checks can't be unticked.
    Returns whether anything changed."""
    escalation = service.load(session, escalation_id)
    requirement = requirement_of(session, escalation.id, requirement_id)
    changed = False
    for check in requirement.checks:
        want = check.id in ticked
        if want and check.done_at is None:
            check.done_at, check.done_by = now, actor
            changed = True
        elif not want and check.done_at is not None:
            if requirement.signed_off_at is not None:
                raise NotAllowed("This requirement is signed off: its checks stay ticked.")
            check.done_at, check.done_by = None, None
            changed = True
    signing = sign_off and requirement.signed_off_at is None
    if signing:
        open_checks = [c for c in requirement.checks if c.done_at is None]
        if open_checks:
            raise NotAllowed(
                f"{len(open_checks)} validation check(s) still open: tick them all to sign off."
            )
        requirement.signed_off_at, requirement.signed_off_by = now, actor
        changed = True
    if not changed:
        return False
    done, total = requirement.checks_done, len(requirement.checks)
    record(
        session,
        escalation,
        EventKind.REQUIREMENT_SIGNED_OFF if signing else EventKind.REQUIREMENT_VALIDATED,
        actor,
        f"{'Signed off' if signing else 'Validated'} {done}/{total} checks: "
        f"{requirement.text[:200]}",
        now,
    )
    effects.thread_note(
        session,
        escalation,
        tracking_notes.requirement_validated_note(
            actor, requirement.text, done, total, signed_off=signing
        ),
        now,
    )
    return True


def decide_change_order(
    session: Session,
    escalation_id: int,
    change_order_id: int,
    status: ChangeOrderStatus,
    *,
    actor: str,
    now: datetime,
    settings: Settings,
) -> ChangeOrder:
    """The approver named on a proposed change order (or PS leadership) approves or rejects
    it; the decision keeps who and when."""
    escalation = service.load(session, escalation_id)
    order = session.get(ChangeOrder, change_order_id)
    if order is None or order.escalation_id != escalation.id:
        raise NotAllowed("That change order is not on this escalation any more.")
    if status is ChangeOrderStatus.PROPOSED:
        raise NotAllowed("A change order is approved or rejected.")
    if actor != order.approver and not settings.is_leadership(actor):
        raise NotAllowed(
            f"Only its approver or PS leadership can decide this change order: "
            f"{who_can([order.approver])}."
        )
    if order.status is not ChangeOrderStatus.PROPOSED:
        raise NotAllowed(f"This change order was already {order.status.value}.")
    order.status, order.decided_by, order.decided_at = status, actor, now
    record(
        session,
        escalation,
        EventKind.CHANGE_ORDER_DECIDED,
        actor,
        f"Change order {status.value}: {order.description[:200]}",
        now,
    )
    effects.thread_note(
        session,
        escalation,
        tracking_notes.change_order_decided_note(actor, order.description, status),
        now,
    )
    return order
