"""Migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.db import (
    alembic_config,
    downgrade_to_base,
    make_engine,
    pending_migrations,
    upgrade_to_head,
)
from bot.models import Base


def _tables(engine) -> set[str]:  # type: ignore[no-untyped-def]
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_creates_every_model_table(databases) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(databases.empty())
    try:
        assert pending_migrations(engine) != []
        upgrade_to_head(engine)
        assert _tables(engine) == set(Base.metadata.tables)
        assert pending_migrations(engine) == []
    finally:
        engine.dispose()


def test_a_new_database_is_told_every_migration_in_alembics_order(databases) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(databases.empty())
    try:
        script = ScriptDirectory.from_config(alembic_config(engine))
        walked = [revision.revision for revision in script.walk_revisions("base", "heads")]
        assert pending_migrations(engine) == list(reversed(walked))
    finally:
        engine.dispose()


def test_downgrade_removes_everything_and_upgrade_rebuilds_it(databases) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(databases.empty())
    try:
        upgrade_to_head(engine)
        downgrade_to_base(engine)
        assert _tables(engine) == set()
        upgrade_to_head(engine)
        assert _tables(engine) == set(Base.metadata.tables)
    finally:
        engine.dispose()


def test_models_and_migrations_do_not_drift(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
