"""Fixtures: real databases (SQLite always, PostgreSQL when the run provides one)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.clock import ManualClock
from bot.db import make_engine
from tests.databases import PostgresDatabases, SqliteDatabases, postgres_admin_url
from tests.harness import BotHarness
from tests.slack_standin import SlackStandIn

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    return SqliteDatabases(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgresql_databases() -> Iterator[PostgresDatabases]:
    admin_url = postgres_admin_url()
    if admin_url is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the suite on PostgreSQL too: TEST_POSTGRES_URL is unset")
        pytest.skip("no PostgreSQL server (set TEST_POSTGRES_URL, as .ci/run does)")
    databases = PostgresDatabases(admin_url)
    yield databases
    databases.close()


@pytest.fixture(params=BACKENDS)
def databases(request: pytest.FixtureRequest) -> SqliteDatabases | PostgresDatabases:
    return request.getfixturevalue(f"{request.param}_databases")


@pytest.fixture
def database_url(databases: SqliteDatabases | PostgresDatabases) -> Iterator[str]:
    """A migrated, empty database of its own for one test."""
    url = databases.fresh()
    yield url
    databases.drop(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


START = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # Monday 09:00 in Los Angeles


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        yield running


@pytest.fixture
def make_harness(
    database_url: str, standin: SlackStandIn, clock: ManualClock
) -> Iterator[Callable[..., BotHarness]]:
    """Builds the running bot with setting overrides (one per test)."""
    started: list[BotHarness] = []

    def make(**overrides: Any) -> BotHarness:
        bot = BotHarness(database_url, standin, clock, **overrides)
        started.append(bot)
        return bot

    yield make
    for bot in started:
        bot.stop()


@pytest.fixture
def harness(make_harness: Callable[..., BotHarness]) -> BotHarness:
    return make_harness()
