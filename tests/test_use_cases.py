"""Use cases with only a database session: no Slack, no HTTP, no clock but the one given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.db import make_session_factory
from bot.delivery.kinds import DeliveryKind
from bot.domain import EventKind, Severity
from bot.escalations import effects, service
from bot.escalations.form import parse_open_form
from bot.escalations.permissions import NotAllowed
from bot.models import Delivery, Escalation, TimelineEvent
from bot.settings import Settings
from tests.factories import open_form
from tests.world import World

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


def opened(
    session: Session, world: World, severity: Severity = Severity.SEV1, level: str = "high"
) -> Escalation:
    form, errors = parse_open_form(
        severity,
        open_form(world, severity.value, level=level if severity is Severity.SEV1 else None),
        leadership_channel_id=None,
        check_user=lambda _user: None,
    )
    assert form is not None, errors
    return service.open_escalation(
        session, form, opened_by=world.pm, now=NOW, settings=Settings(_env_file=None)
    )


def kinds_queued(session: Session) -> list[str]:
    return list(session.scalars(select(Delivery.kind).order_by(Delivery.id)))


def test_opening_saves_the_record_and_queues_its_publication_in_one_transaction(
    engine: Engine,
) -> None:
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        escalation = opened(session, World())
        key = escalation.key
    with sessions() as session:
        assert kinds_queued(session) == [DeliveryKind.PUBLISH]
        kinds = session.scalars(select(TimelineEvent.kind)).all()
        assert EventKind.OPENED in kinds
        assert service.find_by_key(session, key) is not None


def test_opening_a_critical_also_asks_for_its_immediate_sync_in_that_transaction(
    engine: Engine,
) -> None:
    sessions = make_session_factory(engine)
    world = World()
    with sessions.begin() as session:
        escalation = opened(session, world, level="critical")
        assert escalation.sync_due_at == NOW + timedelta(hours=4)
    with sessions() as session:
        rows = list(session.scalars(select(Delivery).order_by(Delivery.id)))
        assert [row.kind for row in rows] == [
            DeliveryKind.PUBLISH,
            DeliveryKind.DIRECT_MESSAGE,  # the Director PS of the form; no leadership set
            DeliveryKind.THREAD_NOTE,
        ]
        assert rows[1].payload is not None and rows[1].payload["user"] == world.director


def test_an_open_rolled_back_leaves_no_record_and_nothing_to_send(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with pytest.raises(RuntimeError), sessions.begin() as session:
        opened(session, World())
        raise RuntimeError("the database went away before the commit")
    with sessions() as session:
        assert session.scalars(select(Escalation)).all() == []
        assert kinds_queued(session) == []


def test_every_recorded_change_makes_the_escalation_due_for_planning(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        escalation = opened(session, World())
        escalation.next_check_at = NOW + timedelta(days=1)
        later = NOW + timedelta(hours=3)
        service.record(session, escalation, EventKind.NUDGED, service.BOT, "a nudge", later)
        assert escalation.next_check_at == later


def test_a_thread_note_is_queued_with_the_change_not_sent(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        escalation = opened(session, World())
        effects.thread_note(session, escalation, "Reassigned", NOW)
    with sessions() as session:
        row = session.scalars(
            select(Delivery).where(Delivery.kind == DeliveryKind.THREAD_NOTE)
        ).one()
        assert row.payload is not None and row.payload["text"] == "Reassigned"
        assert row.due_at == NOW


def test_only_leadership_decides_on_a_sev2_and_a_refusal_changes_nothing(
    engine: Engine,
) -> None:
    sessions = make_session_factory(engine)
    world = World()
    settings = Settings(_env_file=None, leadership_user_ids=[world.leader])
    with sessions.begin() as session:
        escalation_id = opened(session, world, Severity.SEV2).id
        queued_before = len(kinds_queued(session))
    with pytest.raises(NotAllowed), sessions.begin() as session:
        service.keep_in_sev2(session, escalation_id, actor=world.ae, now=NOW, settings=settings)
    with sessions() as session:
        assert len(kinds_queued(session)) == queued_before
    with sessions.begin() as session:
        service.keep_in_sev2(session, escalation_id, actor=world.leader, now=NOW, settings=settings)
    with sessions() as session:
        assert kinds_queued(session)[queued_before:] == [DeliveryKind.THREAD_NOTE]
