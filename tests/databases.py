"""Test databases: a migrated template per backend, copied fresh for every test."""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bot.db import make_engine, upgrade_to_head

POSTGRES_URL_VARIABLE = "TEST_POSTGRES_URL"
_counter = itertools.count()


def postgres_admin_url() -> str | None:
    """A PostgreSQL server URL (its `postgres` database) when the run provides one."""
    return os.environ.get(POSTGRES_URL_VARIABLE)


class SqliteDatabases:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.db"
        engine = make_engine(f"sqlite:///{self.template}")
        upgrade_to_head(engine)
        engine.dispose()

    def fresh(self) -> str:
        path = self.folder / f"test-{next(_counter)}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def empty(self) -> str:
        return f"sqlite:///{self.folder / f'empty-{next(_counter)}.db'}"

    def drop(self, url: str) -> None:
        Path(make_url(url).database).unlink(missing_ok=True)


class PostgresDatabases:
    """CREATE DATABASE ... TEMPLATE is a file copy on the server: fast and fully isolated."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.prefix = f"escbot_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_template"
        self._admin: Engine = create_engine(
            admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
            isolation_level="AUTOCOMMIT",
        )
        self._execute(f'CREATE DATABASE "{self.template}"')
        engine = make_engine(self._url(self.template))
        upgrade_to_head(engine)
        engine.dispose()
        self._created = [self.template]

    def _url(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(statement))

    def fresh(self) -> str:
        name = f"{self.prefix}_{next(_counter)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self._created.append(name)
        return self._url(name)

    def empty(self) -> str:
        name = f"{self.prefix}_empty_{next(_counter)}"
        self._execute(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return self._url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        for name in self._created:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin.dispose()
