"""The open form is kept before the ack and made into its record afterwards, exactly once."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select

from bot.clock import ManualClock
from bot.db import make_session_factory
from bot.delivery.gateway import SlackGateway, make_client
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job
from bot.domain import Severity
from bot.escalations import intake
from bot.escalations.form import EscalationForm, form_from_payload, form_to_payload, parse_open_form
from bot.grouped_writes import GroupedWrites
from bot.models import Delivery, DeliveryStatus, Escalation, SlackUser
from bot.runtime import Services
from bot.settings import Settings
from tests.factories import open_form
from tests.flows import open_modal
from tests.harness import BotHarness
from tests.world import World

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
HOSTILE = "<!channel> <@U999> <https://evil.example|Acme> & ü 🚨"


def a_form(world: World, severity: Severity = Severity.SEV1, **fields: object) -> EscalationForm:
    form, errors = parse_open_form(
        severity,
        open_form(world, severity.value, **fields),
        leadership_channel_id=None,
        check_user=lambda _user: None,
    )
    assert form is not None, errors
    return form


def test_a_form_survives_its_stay_in_the_ledger_unchanged() -> None:
    for severity in Severity:
        form = a_form(World(), severity, summary=HOSTILE, customer=HOSTILE)
        assert form_from_payload(form_to_payload(form)) == form


def test_keeping_a_form_writes_one_row_and_no_record(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    GroupedWrites(engine).insert(
        intake.form_to_keep(engine.dialect.name, a_form(World()), opened_by="UPM", now=NOW)
    )
    with sessions() as session:
        [row] = session.scalars(select(Delivery)).all()
        assert row.kind == DeliveryKind.OPEN_ESCALATION and row.status is DeliveryStatus.PENDING
        assert row.payload is not None and row.payload["opened_by"] == "UPM"
        assert session.scalars(select(Escalation)).all() == []


def test_the_record_is_made_once_dated_when_the_form_was_submitted(harness: BotHarness) -> None:
    view, _ = open_modal(harness)
    submitted_at = harness.clock.now()
    harness.listeners.after_drain = None  # the delivery workers have not run yet
    answer = harness.submit_view(view, open_form(harness.world, summary=HOSTILE))
    assert answer.json["response_action"] == "update"
    assert "is saved" in str(answer.json["view"])
    with harness.services.sessions() as session:
        assert session.scalars(select(Escalation)).all() == []  # acked before the record
    harness.clock.advance(timedelta(seconds=5))
    harness.deliver()
    harness.deliver()  # a second pass finds nothing left to make
    with harness.services.sessions() as session:
        [escalation] = session.scalars(select(Escalation)).all()
        assert escalation.summary == HOSTILE and escalation.opened_at == submitted_at
        kinds = [
            (d.kind, d.status) for d in session.scalars(select(Delivery).order_by(Delivery.id))
        ]
        assert kinds[:2] == [
            (DeliveryKind.OPEN_ESCALATION, DeliveryStatus.DONE),
            (DeliveryKind.PUBLISH, DeliveryStatus.DONE),
        ]


def test_a_form_given_up_on_is_sent_back_to_its_author(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    world = World()
    form = a_form(world, summary=HOSTILE)
    job = Job(
        id=7,
        kind=DeliveryKind.OPEN_ESCALATION,
        subject="form:x",
        slot="open",
        escalation_id=None,
        payload={
            "form": form_to_payload(form),
            "opened_by": world.pm,
            "submitted_at": NOW.isoformat(),
        },
        attempts=40,
        worker="w",
    )

    services = Services(
        settings=Settings(_env_file=None),
        sessions=sessions,
        gateway=SlackGateway(make_client("xoxb-unused", "http://127.0.0.1:9/api/")),
        clock=ManualClock(NOW),
    )
    intake.tell_record_failed(services, job, "database constraint")
    with sessions() as session:
        [dm] = session.scalars(select(Delivery)).all()
    assert dm.kind == DeliveryKind.DIRECT_MESSAGE and dm.payload is not None
    assert dm.payload["user"] == world.pm
    text = dm.payload["text"]
    assert "could not open it" in text and "database constraint" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


def _people_on_the_form(world: World) -> set[str]:
    return {
        action["selected_user"]
        for block in open_form(world).values()
        for action in block.values()
        if action.get("selected_user")
    }


def test_a_rate_limited_profile_lookup_does_not_hold_the_ack(harness: BotHarness) -> None:
    """slack_sdk would sleep Retry-After (30 s) before the ack; the form is accepted instead,
    each person asked about once, and the escalation is made."""
    view, _ = open_modal(harness)
    harness.services.profiles.clear()
    looked_up = len(harness.standin.calls_to("users.info"))
    harness.standin.fail_next("users.info", error="ratelimited", retry_after=30, times=50)
    answer = harness.submit_view(view, open_form(harness.world))
    assert answer.status == 200 and answer.json["response_action"] == "update"
    asked = [c.args["user"] for c in harness.standin.calls_to("users.info")[looked_up:]]
    assert len(asked) == len(set(asked)) <= len(_people_on_the_form(harness.world))
    harness.standin.recover("users.info")
    with harness.services.sessions() as session:
        assert len(session.scalars(select(Escalation)).all()) == 1


def test_a_slow_profile_lookup_is_given_up_on_before_the_ack(harness: BotHarness) -> None:
    view, _ = open_modal(harness)
    harness.services.profiles.clear()
    looked_up = len(harness.standin.calls_to("users.info"))
    held = harness.standin.hold_answer_next("users.info")
    try:
        answer = harness.submit_view(view, open_form(harness.world))
        assert answer.status == 200 and answer.json["response_action"] == "update"
        assert held.arrived.is_set()  # Slack was asked, and its answer never came in time
        asked = [c.args["user"] for c in harness.standin.calls_to("users.info")[looked_up:]]
        assert asked and len(asked) == len(set(asked))  # nobody asked about twice
    finally:
        held.release.set()


def test_forms_submitted_at_once_ask_slack_about_each_person_once(harness: BotHarness) -> None:
    view, _ = open_modal(harness)
    with harness.services.sessions.begin() as session:
        session.execute(delete(SlackUser))
    harness.services.profiles.clear()
    looked_up = len(harness.standin.calls_to("users.info"))
    # The first answer never comes in time: every form meets that person while it is awaited.
    held = harness.standin.hold_answer_next("users.info")
    try:
        with ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(
                    lambda _: harness.submit_view(view, open_form(harness.world), drain=False),
                    range(8),
                )
            )
    finally:
        held.release.set()
    assert all(a.status == 200 and a.json["response_action"] == "update" for a in answers)
    asked = Counter(c.args["user"] for c in harness.standin.calls_to("users.info")[looked_up:])
    # The held person again once the first lookup failed; everyone else once.
    assert asked.pop(harness.world.pm) <= 2
    assert set(asked) == _people_on_the_form(harness.world) - {harness.world.pm}
    assert set(asked.values()) == {1}
