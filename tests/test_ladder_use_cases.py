"""The ladder's use cases with only a database session: two people acting at the same
moment never both win."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.db import make_session_factory
from bot.domain import Role, SalesOpsOutcome, Severity
from bot.escalations import customer, service
from bot.escalations.permissions import NotAllowed
from bot.models import CustomerWait
from bot.settings import Settings
from tests.test_use_cases import opened
from tests.world import World

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
SAM, SASHA = "USALES01", "USALES02"
SETTINGS = Settings(_env_file=None, sales_ops_user_ids=[SAM, SASHA])


def waiting(session: Session) -> int:
    escalation = opened(session, World(), Severity.SEV2)
    wait = customer.start_waiting(
        session,
        escalation,
        asked="Sign-off",
        how="Email",
        asked_at=NOW - timedelta(days=29),
        actor=escalation.person(Role.DRI) or "",
        now=NOW,
    )
    return wait.id


def test_two_sales_ops_recording_at_once_only_one_outcome_stands(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        wait_id = waiting(session)
    deciders = customer.OutcomeDeciders.from_settings(SETTINGS)
    # Sasha's session has loaded the hand-off (no outcome yet) before Sam records.
    second = sessions()
    stale = second.get(CustomerWait, wait_id)
    assert stale is not None and stale.sales_ops_outcome is None
    escalation = service.load(second, stale.escalation_id)
    with sessions.begin() as first:
        customer.decide_outcome(
            first,
            wait_id,
            outcome=SalesOpsOutcome.CONTINUE,
            actor=SAM,
            deciders=deciders,
            now=NOW,
            settings=SETTINGS,
            notes="Back on track",
        )
    assert stale.sales_ops_outcome is None  # what Sasha saw
    with pytest.raises(NotAllowed, match="already recorded: Continue working"):
        customer.record_sales_ops_outcome(
            second,
            escalation,
            stale,
            outcome=SalesOpsOutcome.CUSTOMER_TERMINATED,
            actor=SASHA,
            deciders=deciders,
            now=NOW,
            notes="Terminated",
        )
    second.rollback()
    second.close()
    with sessions() as session:
        wait = session.get(CustomerWait, wait_id)
        assert wait is not None
        assert (wait.sales_ops_outcome, wait.sales_ops_by, wait.sales_ops_notes) == (
            SalesOpsOutcome.CONTINUE,
            SAM,
            "Back on track",
        )
