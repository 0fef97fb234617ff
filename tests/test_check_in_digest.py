"""The midday check-in invitations as one daily digest per stakeholder (issue 9): one DM a
day per person listing all their check-ins, never the same check-in twice, held through the
recipient's quiet hours unless Critical; "daily check-ins scheduled" ticked only once an
invitation listing the escalation was delivered.

Days are walked with the injected clock; every DM is read back from the Slack stand-in.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from blocks import stakeholders as views
from blocks.text import MESSAGE_BLOCKS
from bot.delivery.kinds import DeliveryKind
from bot.escalations import service
from bot.models import Delivery
from tests.every_builder import an_escalation
from tests.flows import open_escalation, wait_for_receipt
from tests.harness import BotHarness
from tests.test_effects_through_the_ledger import slack_refusing

LA = ZoneInfo("America/Los_Angeles")
TICK = timedelta(minutes=15)
DIGEST = "Check-ins"


def local(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """Day 0 is Monday 2026-11-23, in Los Angeles (the DRIs' zone)."""
    return datetime(2026, 11, 23 + day, hour, minute, second, tzinfo=LA)


def walk(harness: BotHarness, until: datetime) -> None:
    now = harness.clock.now()
    while now < until:
        now = min(now + TICK, until)
        harness.tick_at(now)


def digests_since(harness: BotHarness, since: int) -> list[tuple[str, str]]:
    """(recipient, text) of every check-in digest Slack accepted since call `since`."""
    return [
        (call.args["channel"], call.args.get("text", ""))
        for call in harness.standin.calls[since:]
        if call.method == "chat.postMessage"
        and call.response.get("ok")
        and str(call.args.get("channel", ""))[:1] in "UW"
        and str(call.args.get("text", "")).startswith(DIGEST)
    ]


def opened(harness: BotHarness, level: str = "high", **fields: object) -> None:
    wait_for_receipt(harness, open_escalation(harness, level=level, **fields))


def daily_checkins_done(harness: BotHarness, escalation_id: int) -> bool:
    with harness.services.sessions() as session:
        escalation = service.load(session, escalation_id)
        return any(e.code == "daily_checkins" and e.done for e in escalation.checklist)


def stakeholders_of(harness: BotHarness) -> list[str]:
    world = harness.world
    return sorted([world.ae, world.csm, world.manager, world.director])


def test_two_sev1s_make_one_dm_a_day_per_stakeholder_listing_both(harness: BotHarness) -> None:
    harness.clock.set(local(0, 8, 0))
    opened(harness)
    opened(harness, customer="Globex")
    assert not daily_checkins_done(harness, 1) and not daily_checkins_done(harness, 2)
    since = len(harness.standin.calls)
    walk(harness, local(0, 9, 0))
    digests = digests_since(harness, since)
    # One DM each (not one per escalation), not to the DRI, listing both check-ins.
    assert sorted(user for user, _ in digests) == stakeholders_of(harness)
    noon_thirty = int(local(0, 12, 30).timestamp())
    for _, text in digests:
        assert "ESC-1 at" in text and "ESC-2 at" in text and f"<!date^{noon_thirty}^" in text
    assert daily_checkins_done(harness, 1) and daily_checkins_done(harness, 2)
    # The ledger holds one digest per person per day: its dedupe key.
    with harness.services.sessions() as session:
        rows = session.scalars(
            select(Delivery).where(Delivery.kind == DeliveryKind.CHECK_IN_DIGEST)
        ).all()
        assert sorted((row.subject, row.slot) for row in rows) == sorted(
            (user, "2026-11-23") for user in stakeholders_of(harness)
        )

    # The rest of Monday: nothing more; Tuesday morning: one DM each again.
    since = len(harness.standin.calls)
    walk(harness, local(1, 8, 45))
    assert digests_since(harness, since) == []
    walk(harness, local(1, 9, 0))
    assert sorted(user for user, _ in digests_since(harness, since)) == stakeholders_of(harness)


def test_a_check_in_announced_after_the_digest_gets_its_own_dm_never_a_repeat(
    harness: BotHarness,
) -> None:
    world = harness.world
    harness.clock.set(local(0, 8, 0))
    opened(harness)
    walk(harness, local(0, 9, 0))
    harness.clock.set(local(0, 10, 0))
    opened(harness, customer="Globex")  # opened after the morning: announced at once
    since = len(harness.standin.calls)
    walk(harness, local(0, 11, 0))
    late = digests_since(harness, since)
    assert sorted(user for user, _ in late) == stakeholders_of(harness)
    assert all("ESC-2 at" in text and "ESC-1" not in text for _, text in late)
    assert daily_checkins_done(harness, 2)
    director_dms = [t for u, t in digests_since(harness, 0) if u == world.director]
    assert len(director_dms) == 2


def test_a_stakeholder_in_quiet_hours_is_not_invited_at_night(harness: BotHarness) -> None:
    world = harness.world
    harness.clock.set(local(0, 11, 30))  # 19:30 in London, where the CSM is: quiet hours
    opened(harness)
    since = len(harness.standin.calls)
    harness.tick_at(local(0, 11, 30))
    now_dms = [user for user, _ in digests_since(harness, since)]
    assert sorted(now_dms) == sorted([world.ae, world.manager, world.director])
    assert daily_checkins_done(harness, 1)  # the first invitations were delivered
    # Their quiet hours end (08:00 London) after Monday's check-in began: no invitation to
    # a check-in that is over, and nothing at night.
    since = len(harness.standin.calls)
    walk(harness, local(1, 8, 45))
    assert digests_since(harness, since) == []
    # Tuesday 09:00 in LA is 17:00 in London: the CSM is invited with everyone.
    walk(harness, local(1, 9, 0))
    assert sorted(user for user, _ in digests_since(harness, since)) == stakeholders_of(harness)


def test_a_critical_invites_even_in_quiet_hours(harness: BotHarness) -> None:
    world = harness.world
    harness.clock.set(local(0, 11, 30))
    opened(harness, level="critical")
    since = len(harness.standin.calls)
    harness.tick_at(local(0, 11, 30))
    assert world.csm in [user for user, _ in digests_since(harness, since)]


def test_a_digest_slack_refused_is_retried_and_lands_once(harness: BotHarness) -> None:
    harness.clock.set(local(0, 8, 0))
    opened(harness)
    with slack_refusing(harness.standin, "chat.postMessage"):
        walk(harness, local(0, 9, 0))
    assert not daily_checkins_done(harness, 1)  # nothing delivered: nothing ticked
    since = len(harness.standin.calls)
    walk(harness, local(0, 10, 0))
    assert sorted(user for user, _ in digests_since(harness, since)) == stakeholders_of(harness)
    walk(harness, local(0, 12, 0))
    assert len(digests_since(harness, 0)) == 4
    assert daily_checkins_done(harness, 1)


def test_a_long_digest_is_split_within_slack_limits_and_escapes_what_people_typed() -> None:
    hostile = "<!channel> <@U123> <https://x|y> " + "x" * 40_000
    at = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)
    invitations = [
        (an_escalation(hostile, "https://example.com/p", id=n), at + timedelta(minutes=n))
        for n in range(1, 101)
    ]
    messages = views.check_in_digest(invitations)
    assert len(messages) == 3
    listed = []
    for text, blocks in messages:
        payload = [block.to_dict() for block in blocks]
        assert len(payload) <= MESSAGE_BLOCKS
        assert len(text) <= 3000
        dumped = json.dumps(payload)
        assert "<!channel>" not in dumped and "<@U123>" not in dumped
        assert "<!channel>" not in text
        listed += [n for n in range(1, 101) if f"ESC-{n} \\u00b7" in dumped]
        assert all(len(b["text"]["text"]) <= 3000 for b in payload)
    # Every check-in is listed exactly once across the messages, soonest first.
    assert listed == list(range(1, 101))


def test_a_digest_waits_while_another_of_the_day_is_being_sent(harness: BotHarness) -> None:
    from bot.delivery import ledger
    from bot.delivery.runner import deliver
    from bot.scheduler import REGISTRY

    world = harness.world
    harness.clock.set(local(0, 8, 0))
    opened(harness)
    walk(harness, local(0, 9, 0))  # the day's digests went out, listing ESC-1
    now = harness.clock.now()
    kind = DeliveryKind.CHECK_IN_DIGEST
    with harness.services.sessions.begin() as session:
        for slot in ("2026-11-23:98", "2026-11-23:99"):
            ledger.schedule(session, subject=world.director, kind=kind, slot=slot, due_at=now)
        ids = dict(
            session.execute(
                select(Delivery.slot, Delivery.id).where(Delivery.slot.like("2026-11-23:9%"))
            ).all()
        )
        # Another process is sending the first one right now.
        assert ledger.claim(session, ids["2026-11-23:98"], worker="elsewhere", now=now)
    since = len(harness.standin.calls)
    outcome = deliver(harness.services, ids["2026-11-23:99"], REGISTRY)
    assert outcome is not None and not outcome.complete
    assert digests_since(harness, since) == []
    with harness.services.sessions.begin() as session:
        ledger.finish(session, ids["2026-11-23:98"], now=now)
    # Retried once the other is done: ESC-1 was in the morning's digest, so nothing is sent.
    walk(harness, local(0, 9, 30))
    assert digests_since(harness, since) == []
    with harness.services.sessions() as session:
        row = session.get(Delivery, ids["2026-11-23:99"])
        assert row is not None and row.status == "done"


def test_a_retried_digest_says_what_its_first_attempt_listed_and_a_newer_check_in_follows(
    harness: BotHarness,
) -> None:
    from bot.delivery.runner import deliver
    from bot.scheduler import REGISTRY, plan

    world = harness.world
    harness.clock.set(local(0, 8, 0))
    opened(harness)
    harness.clock.set(local(0, 9, 0))
    plan(harness.services)  # the day's digests are queued, not sent yet
    with harness.services.sessions() as session:
        director_row = session.scalars(
            select(Delivery.id).where(
                Delivery.kind == DeliveryKind.CHECK_IN_DIGEST, Delivery.subject == world.director
            )
        ).one()
    with slack_refusing(harness.standin, "chat.postMessage"):
        outcome = deliver(harness.services, director_row, REGISTRY)
    assert outcome is not None and not outcome.complete  # tried, listing ESC-1
    harness.clock.set(local(0, 9, 0, 30))  # before the retry (a minute after the refusal)
    since = len(harness.standin.calls)
    opened(harness, customer="Globex")  # announced while the director's digest waits
    walk(harness, local(0, 10, 30))
    director = [text for user, text in digests_since(harness, since) if user == world.director]
    # The retry says exactly what its first attempt listed; ESC-2 comes in a DM of its own.
    assert len(director) == 2, (director, digests_since(harness, 0))
    assert any("ESC-1 at" in t and "ESC-2" not in t for t in director)
    assert any("ESC-2 at" in t and "ESC-1" not in t for t in director)
    assert daily_checkins_done(harness, 1) and daily_checkins_done(harness, 2)
