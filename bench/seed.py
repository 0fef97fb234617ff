"""Open escalations inserted fast (SQLAlchemy core, bulk), for the tick and delivery measures.

Each escalation has a DRI, a manager and a director; every DRI has a cached SlackUser row
with a time zone, fresh at the seeding instant, so no users.info call is needed.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert

CHUNK = 2000


def user_id(index: int) -> str:
    return f"UD{index:07d}"


def seed(
    engine: Engine,
    count: int,
    *,
    cadence_start: datetime,
    zone_of: dict[int, str],
    default_zone: str,
    escalations_per_dri: int = 1,
    leadership_channel: str | None = None,
) -> list[str]:
    """Insert `count` open Sev 1 escalations; returns their DRIs' user IDs (one per DRI).

    Escalation i (0-based) belongs to DRI i // escalations_per_dri, whose zone is
    `zone_of.get(dri index, default_zone)`.
    """
    from bot.domain import Health, Level, Role, Severity, State
    from bot.models import Escalation, EscalationPerson, SlackUser

    table = Escalation.__table__
    dris = (count + escalations_per_dri - 1) // escalations_per_dri
    escalations = []
    for index in range(count):
        row = {
            "id": index + 1,
            "severity": Severity.SEV1,
            "level": Level.HIGH,
            "state": State.OPEN,
            "health": Health.RED,
            "customer": f"Customer {index}",
            "project": f"Project {index}",
            "summary": "Go-live slipped twice.",
            "opened_by": "UPM00001",
            "opened_at": cadence_start,
            "cadence_start": cadence_start,
            "phase1_due_at": cadence_start + timedelta(days=3),
            "leadership_channel_id": leadership_channel,
            "new_msa": False,
            "root_pinned": False,
            "financials_reconciled": False,
            "artifacts_updated": False,
            "version": 1,
        }
        if "next_check_at" in table.c:
            row["next_check_at"] = cadence_start  # "changed just now": check me
        escalations.append(row)
    people = []
    for index in range(count):
        dri = user_id(index // escalations_per_dri)
        people += [
            {"escalation_id": index + 1, "role": Role.DRI, "user_id": dri},
            {"escalation_id": index + 1, "role": Role.MANAGER, "user_id": "UMGR0001"},
            {"escalation_id": index + 1, "role": Role.DIRECTOR, "user_id": "UDIR0001"},
        ]
    users = [
        {
            "user_id": user_id(index),
            "name": f"DRI {index}",
            "tz": zone_of.get(index, default_zone),
            "is_bot": False,
            "deleted": False,
            "fetched_at": cadence_start,
        }
        for index in range(dris)
    ]
    with engine.begin() as connection:
        for model, rows in (
            (Escalation, escalations),
            (EscalationPerson, people),
            (SlackUser, users),
        ):
            for start in range(0, len(rows), CHUNK):
                connection.execute(insert(model.__table__), rows[start : start + CHUNK])
    return [user_id(index) for index in range(dris)]


@contextlib.contextmanager
def fresh_database(backend: str, admin_url: str | None = None) -> Iterator[str]:
    """A migrated, empty database: a SQLite file, or a PostgreSQL database on `admin_url`."""
    if backend == "sqlite":
        from bot.db import make_engine, upgrade_to_head

        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            engine = make_engine(url)
            upgrade_to_head(engine)
            engine.dispose()
            yield url
        return
    from tests.databases import PostgresDatabases

    assert admin_url is not None
    databases = PostgresDatabases(admin_url)
    try:
        url = databases.fresh()
        yield url
    finally:
        databases.close()
