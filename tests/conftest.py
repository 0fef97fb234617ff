"""Fixtures: real databases (SQLite always, PostgreSQL when the run provides one)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.db import make_engine
from tests.databases import PostgresDatabases, SqliteDatabases, postgres_admin_url

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
