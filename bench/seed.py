"""Open escalations inserted fast (SQLAlchemy core, bulk), for the tick and delivery measures.

Each escalation has a DRI, a manager and a director; every one of them has a cached
SlackUser row with a time zone, fresh at the seeding instant, so no users.info call is
needed. A manager looks after two DRIs, a director after 50 escalations (`manager_id`,
`director_id`), so a measure that DMs stakeholders knows whom to expect.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert

CHUNK = 2000


MANAGER_SPAN_DRIS = 2
DIRECTOR_SPAN = 50


def user_id(index: int) -> str:
    return f"UD{index:07d}"


def manager_id(dri_index: int) -> str:
    return f"UM{dri_index // MANAGER_SPAN_DRIS:07d}"


def director_id(escalation_index: int) -> str:
    return f"UR{escalation_index // DIRECTOR_SPAN:07d}"


def stakeholders_of(count: int, escalations_per_dri: int = 1) -> dict[str, list[int]]:
    """Each manager and director of `seed(count, ...)`, with the escalations (1-based IDs)
    they are a stakeholder of."""
    found: dict[str, list[int]] = {}
    for index in range(count):
        for user in (manager_id(index // escalations_per_dri), director_id(index)):
            found.setdefault(user, []).append(index + 1)
    return found


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
            {
                "escalation_id": index + 1,
                "role": Role.MANAGER,
                "user_id": manager_id(index // escalations_per_dri),
            },
            {"escalation_id": index + 1, "role": Role.DIRECTOR, "user_id": director_id(index)},
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
    users += [
        {
            "user_id": user,
            "name": user,
            "tz": default_zone,
            "is_bot": False,
            "deleted": False,
            "fetched_at": cadence_start,
        }
        for user in stakeholders_of(count, escalations_per_dri)
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
