"""Two web processes meet the same new person at the same instant: both cache the profile."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, event

from bot import people
from bot.db import make_engine, make_session_factory
from bot.delivery.gateway import SlackGateway, make_client
from bot.models import SlackUser
from bot.runtime import Services
from tests.harness import BOT_TOKEN, BotHarness


def second_process(harness: BotHarness, engine: Engine) -> Services:
    """Another web process: its own engine and connections, the same database and Slack."""
    return Services(
        settings=harness.settings,
        sessions=make_session_factory(engine),
        gateway=SlackGateway(
            make_client(BOT_TOKEN, harness.settings.slack_api_url), now=harness.clock.now
        ),
        clock=harness.clock,
    )


def meet_before_writing_profiles(engines: list[Engine]) -> None:
    """Hold each process's first profile write until the other has reached its own: both
    have read "not cached" by then, the way two first submissions race in production."""
    barrier = threading.Barrier(len(engines), timeout=5)

    def before_execute(_conn, _cursor, statement: str, *_args: Any) -> None:  # type: ignore[no-untyped-def]
        if "slack_users" in statement and statement.lstrip().upper().startswith("INSERT"):
            # Only the first meeting matters; later writes go through a broken barrier.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    for engine in engines:
        event.listen(engine, "before_cursor_execute", before_execute)


def together(processes: list[Services], work: Callable[[Services], Any]) -> list[Any]:
    """Run `work` in every process at once; re-raises the first error in the test's thread."""
    results: list[Any] = [None] * len(processes)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            results[index] = work(processes[index])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(processes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def cached(harness: BotHarness, user_id: str) -> list[SlackUser]:
    with harness.services.sessions() as session:
        return list(session.query(SlackUser).filter_by(user_id=user_id))


def test_two_processes_caching_the_same_new_person_at_once_both_succeed(
    harness: BotHarness,
) -> None:
    other_engine = make_engine(harness.settings.database_url)
    processes = [harness.services, second_process(harness, other_engine)]
    meet_before_writing_profiles([harness.engine, other_engine])
    pm = harness.world.pm
    try:
        found = together(processes, lambda services: people.lookup(services, pm))
    finally:
        other_engine.dispose()
    assert [user.name for user in found] == ["Pat PM", "Pat PM"]
    [row] = cached(harness, pm)
    assert row.tz == "America/Los_Angeles" and not row.is_bot


def test_a_day_old_profile_is_refreshed_in_place(harness: BotHarness) -> None:
    pm = harness.world.pm
    assert people.timezone_of(harness.services, pm).key == "America/Los_Angeles"
    harness.standin.add_user(pm, "pat.pm", tz="Asia/Tokyo", real_name="Pat PM")
    harness.clock.set(harness.clock.now() + timedelta(hours=25))
    assert people.timezone_of(harness.services, pm).key == "Asia/Tokyo"
    [row] = cached(harness, pm)
    assert row.tz == "Asia/Tokyo" and row.fetched_at == harness.clock.now()
