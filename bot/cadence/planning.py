"""Planning: record in the ledger what has become due, looking only at escalations whose
`next_check_at` has come.

Each escalation carries the earliest instant at which any planner could have new work for
it (the pure `next_*` functions of policy.py, ladder.py and flags.py compute it), and every
change to it sets that instant to "now" (`service.record`). So a tick asks the database one
indexed question ("whose instant has come?") and its cost follows what is due, not how many
escalations are open.

`plan_for` is pure: an escalation's snapshot, the settings and `now` in; the ledger rows due
and the next instant to look out. The rows are the very ones the former per-kind planners
recorded (same subject, kind, slot and due_at), so nothing changes for the senders.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot import people
from bot.cadence.engine import (
    THREAD_NOTE_KINDS,
    cadence_state_of,
    drop_superseded,
    schedule_portfolio_agenda,
    schedule_prompt,
)
from bot.delivery import ledger
from bot.delivery.gateway import SlackProblem
from bot.delivery.kinds import DeliveryKind
from bot.domain import Role, Severity
from bot.escalations import stakeholders
from bot.escalations.customer import wait_clock
from bot.models import (
    Blocker,
    CustomerWait,
    Escalation,
    EscalationTrigger,
    Milestone,
    SlackUser,
    Task,
    UrgentFlag,
)
from bot.policy import checkins, ladder, sync
from bot.policy.blockers import STALE_BLOCKER_TRIGGER, suggest_trigger_at
from bot.policy.cadence import (
    CadenceSettings,
    CadenceState,
    DuePrompt,
    PromptKind,
    dm_deliver_at,
    due_prompts,
    local_occurrence,
    next_check,
)
from bot.policy.escalation import customer_comm_due_at, next_update_due, pending_sync_due
from bot.policy.flags import next_reminder_at, reminder_due
from bot.runtime import Services
from bot.settings import Settings

log = logging.getLogger(__name__)

# A resolved escalation has nothing to plan until it is reopened (which records an event).
# Not NULL: NULL means "never planned yet", so rows written before this column existed, or
# by any path that forgets, are planned rather than forgotten.
DORMANT = datetime(3000, 1, 1, tzinfo=UTC)
# With no usable cached profile (Slack could not say), the configured zone stands in and the
# profile is asked for again this much later.
PROFILE_RETRY = timedelta(minutes=15)
# An escalation whose planning raised is looked at again after this (and the error logged).
FAILURE_RETRY = timedelta(minutes=5)
BATCH = 200
# Between two batches the planner lets the delivery workers get on with the rows it just
# wrote, until they are about to run out of them or this long: planning a morning's thousand
# escalations takes about a second of the interpreter the workers need in that same second
# (delivery bench: 21-44 DMs a second while it planned straight through, 45-59 with these
# pauses; Slack allows 50).
GIVE_WAY_AT_MOST = timedelta(seconds=0.25)
FIRST_BATCH = 25
MAX_BATCHES = 50


# -- the pure part -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanningSettings:
    cadence: CadenceSettings
    ladder_days: list[int]
    # Task due dates are calendar days in the configured zone (as the task nudges always were).
    task_tz: ZoneInfo
    sync_window: timedelta = timedelta(hours=4)

    @classmethod
    def from_settings(cls, settings: Settings) -> PlanningSettings:
        return cls(
            cadence=CadenceSettings.from_settings(settings),
            ladder_days=list(settings.ladder_days),
            task_tz=settings.timezone,
            sync_window=timedelta(hours=settings.immediate_sync_hours),
        )


@dataclass(frozen=True)
class OpenFlag:
    flag_id: int
    raised_at: datetime
    needed_by: datetime


@dataclass(frozen=True)
class OpenTask:
    task_id: int
    due_on: date


@dataclass(frozen=True)
class OpenBlocker:
    """An open blocker of a Sev 2 (or watch) not yet carrying the blocker trigger."""

    blocker_id: int
    opened_at: datetime


@dataclass(frozen=True)
class Snapshot:
    """What planning needs to know about one escalation, as plain values."""

    escalation_id: int
    key: str
    cadence: CadenceState
    waits: Sequence[tuple[int, ladder.WaitClock]] = ()
    flags: Sequence[OpenFlag] = ()
    tasks: Sequence[OpenTask] = ()
    # When the DRI's time zone must be read again (cached profile going stale); None if
    # there is no DRI or the zone cannot change (the configured default).
    recheck_zone_at: datetime | None = None
    blockers: Sequence[OpenBlocker] = ()
    # A Critical's immediate sync still unrecorded: asked for by this instant.
    sync_due_at: datetime | None = None
    # Instants at which what the root shows turns overdue (update, customer communication,
    # sync): the root is edited then, so it never shows a stale "on time".
    root_changes_at: Sequence[datetime] = ()


@dataclass(frozen=True)
class LedgerRow:
    kind: str
    slot: str
    due_at: datetime
    prompt: DuePrompt | None = None


@dataclass(frozen=True)
class Plan:
    rows: list[LedgerRow] = field(default_factory=list)
    next_check_at: datetime | None = None


def _task_overdue_from(due_on: date, tz: ZoneInfo) -> datetime:
    """The instant a task becomes overdue: the local midnight ending its due date."""
    return local_occurrence(due_on + timedelta(days=1), time(0), tz)


def plan_for(snapshot: Snapshot, settings: PlanningSettings, now: datetime) -> Plan:
    """The ledger rows due for this escalation at `now`, and the earliest instant after `now`
    at which more could be due while nothing about it changes (None: never)."""
    if not snapshot.cadence.state.is_open:
        return Plan()
    rows = [
        LedgerRow(due.kind.value, due.slot, due.deliver_at, prompt=due)
        for due in due_prompts(snapshot.cadence, settings.cadence, now)
    ]
    upcoming: list[datetime | None] = [
        next_check(snapshot.cadence, settings.cadence, now),
        snapshot.recheck_zone_at,
    ]
    for wait_id, clock in snapshot.waits:
        step = ladder.step_reached(clock, settings.ladder_days, now)
        if step is not None:
            # A ladder day starts at the asker's midnight: its DMs wait for the DRI's morning.
            deliver_at = dm_deliver_at(now, snapshot.cadence, settings.cadence)
            rows.append(
                LedgerRow(DeliveryKind.LADDER.value, ladder.slot(wait_id, step), deliver_at)
            )
        upcoming.append(ladder.next_step_at(clock, settings.ladder_days, now))
    for flag in snapshot.flags:
        reminder = reminder_due(flag.raised_at, flag.needed_by, now)
        if reminder is not None:
            rows.append(LedgerRow(reminder.kind.value, str(flag.flag_id), reminder.due_at))
        upcoming.append(next_reminder_at(flag.raised_at, flag.needed_by, now))
    today = now.astimezone(settings.task_tz).date()
    for task in snapshot.tasks:
        if task.due_on < today:
            rows.append(LedgerRow(DeliveryKind.TASK_OVERDUE.value, str(task.task_id), now))
        else:
            upcoming.append(_task_overdue_from(task.due_on, settings.task_tz))
    for blocker in snapshot.blockers:
        suggest_at = suggest_trigger_at(blocker.opened_at, settings.task_tz)
        if suggest_at <= now:
            rows.append(LedgerRow(DeliveryKind.BLOCKER_TRIGGER.value, str(blocker.blocker_id), now))
        else:
            upcoming.append(suggest_at)
    rows += _stakeholder_rows(snapshot, settings, now, upcoming)
    return Plan(rows, min((at for at in upcoming if at is not None and at > now), default=None))


def _stakeholder_rows(
    snapshot: Snapshot, settings: PlanningSettings, now: datetime, upcoming: list[datetime | None]
) -> list[LedgerRow]:
    """Check-in invitations and unlogged notes, sync reminders, root edits at overdue instants."""
    rows = []
    invite = checkins.invitation_due(snapshot.cadence, settings.cadence, now)
    if invite is not None:
        rows.append(LedgerRow(DeliveryKind.CHECK_IN_INVITES.value, invite.slot, invite.invite_at))
    evening = checkins.unlogged_note_due(snapshot.cadence, settings.cadence, now)
    if evening is not None:
        rows.append(LedgerRow(DeliveryKind.CHECK_IN_MISSED.value, evening.slot, evening.evening_at))
    upcoming.append(checkins.next_change(snapshot.cadence, settings.cadence, now))
    reminder = sync.reminder_due(snapshot.sync_due_at, False, settings.sync_window, now)
    if reminder is not None:
        rows.append(LedgerRow(DeliveryKind.SYNC_REMINDER.value, reminder.slot, reminder.due_at))
    upcoming.append(sync.next_reminder_at(snapshot.sync_due_at, False, settings.sync_window, now))
    for at in snapshot.root_changes_at:
        if at <= now:
            rows.append(LedgerRow(DeliveryKind.REFRESH_ROOT.value, f"truth:{at.isoformat()}", at))
        else:
            upcoming.append(at)
    return rows


# -- reading snapshots -------------------------------------------------------------------------


def _zone(profile: SlackUser | None, default: ZoneInfo) -> ZoneInfo:
    """As `people.timezone_of`: the profile's zone, else the configured default."""
    if profile is not None and profile.tz:
        try:
            return ZoneInfo(profile.tz)
        except (ZoneInfoNotFoundError, ValueError):
            log.info("unknown tz %r for %s", profile.tz, profile.user_id)
    return default


def _is_fresh(profile: SlackUser | None, now: datetime) -> TypeGuard[SlackUser]:
    return profile is not None and now - profile.fetched_at < people.FRESH_FOR


def _due_escalations(
    session: Session, now: datetime, limit: int, ids: Iterable[int] | None
) -> list[Escalation]:
    query = select(Escalation).where(
        or_(Escalation.next_check_at.is_(None), Escalation.next_check_at <= now)
    )
    if ids is not None:
        query = query.where(Escalation.id.in_(list(ids)))
    return list(
        session.scalars(
            # No ORDER BY: with one, SQLite scans the whole index instead of searching it.
            query.limit(limit)
            .options(selectinload(Escalation.people), selectinload(Escalation.checklist))
            # Two processes planning at once share the work instead of queueing (PostgreSQL;
            # SQLite has one writer anyway, and the compare-and-set below covers the rest).
            .with_for_update(skip_locked=True, of=Escalation)
        )
    )


def _children(
    session: Session, ids: list[int]
) -> tuple[
    dict[int, list[tuple[int, ladder.WaitClock]]],
    dict[int, list[OpenFlag]],
    dict[int, list[OpenTask]],
]:
    """Open waits, open flags and open tasks of these escalations: three queries in all."""
    waits: dict[int, list[tuple[int, ladder.WaitClock]]] = {i: [] for i in ids}
    flags: dict[int, list[OpenFlag]] = {i: [] for i in ids}
    tasks: dict[int, list[OpenTask]] = {i: [] for i in ids}
    if not ids:
        return waits, flags, tasks
    for wait in session.scalars(
        select(CustomerWait)
        .where(
            CustomerWait.escalation_id.in_(ids),
            CustomerWait.responded_at.is_(None),
            CustomerWait.sales_ops_outcome.is_(None),
        )
        .order_by(CustomerWait.id)
    ):
        waits[wait.escalation_id].append((wait.id, wait_clock(wait)))
    for flag in session.scalars(
        select(UrgentFlag)
        .where(UrgentFlag.escalation_id.in_(ids), UrgentFlag.closed_at.is_(None))
        .order_by(UrgentFlag.id)
    ):
        assert flag.escalation_id is not None  # selected by escalation
        flags[flag.escalation_id].append(OpenFlag(flag.id, flag.raised_at, flag.needed_by))
    for task_id, due_on, escalation_id in session.execute(
        select(Task.id, Task.due_on, Milestone.escalation_id)
        .join(Milestone, Milestone.id == Task.milestone_id)
        .where(Milestone.escalation_id.in_(ids), Task.done_at.is_(None))
        .order_by(Task.id)
    ):
        tasks[escalation_id].append(OpenTask(task_id, due_on))
    return waits, flags, tasks


def _stale_blocker_candidates(session: Session, ids: list[int]) -> dict[int, list[OpenBlocker]]:
    """Open blockers (not dependencies) of these escalations that are not Sev 1 and lack
    the blocker trigger."""
    found: dict[int, list[OpenBlocker]] = {}
    if not ids:
        return found
    has_trigger = (
        select(EscalationTrigger.id)
        .where(
            EscalationTrigger.escalation_id == Blocker.escalation_id,
            EscalationTrigger.code == STALE_BLOCKER_TRIGGER,
        )
        .exists()
    )
    for blocker_id, opened_at, escalation_id in session.execute(
        select(Blocker.id, Blocker.created_at, Blocker.escalation_id)
        .join(Escalation, Escalation.id == Blocker.escalation_id)
        .where(
            Blocker.escalation_id.in_(ids),
            Blocker.resolved_at.is_(None),
            Blocker.is_dependency.is_(False),
            Escalation.severity != Severity.SEV1,
            ~has_trigger,
        )
        .order_by(Blocker.id)
    ):
        found.setdefault(escalation_id, []).append(OpenBlocker(blocker_id, opened_at))
    return found


# -- the entry point ---------------------------------------------------------------------------


def plan_due_work(services: Services, *, batch: int = BATCH, max_batches: int = MAX_BATCHES) -> int:
    """Record in the ledger everything that has become due, looking only at escalations whose
    `next_check_at` has come (and the weekly portfolio agenda); returns new ledger rows.

    With nothing due this is one indexed query. Safe to run in several processes at once.
    """
    written = 0
    # The first batches are small, so delivery starts within a few milliseconds when a
    # morning brings a thousand prompts at once; then `batch` at a time.
    # At most `batch * max_batches` escalations a tick, however the batches are cut.
    budget = batch * max_batches
    size = min(batch, FIRST_BATCH, budget)
    paced = Pacing(services.clock.now())
    while size > 0:
        looked_at, new_rows = _plan_batch(services, size, paced)
        written += new_rows
        budget -= size
        if new_rows:
            services.wake()  # deliver this batch while the next one is planned
        if looked_at < size or budget <= 0:
            break
        if new_rows:
            services.delivery_appetite(GIVE_WAY_AT_MOST.total_seconds())
        size = min(batch, size * 2, budget)
    # Last, as before: on a tie in due_at the ledger delivers in the order rows were written.
    return written + (1 if schedule_portfolio_agenda(services) else 0)


def _plan_batch(services: Services, batch: int, paced: Pacing) -> tuple[int, int]:
    """Plan up to `batch` due escalations; returns (how many were due, new ledger rows)."""
    now = services.clock.now()
    looked_at, written, stale = _plan(services, now, batch, paced, ids=None, refresh_allowed=True)
    if stale:
        # Slack is asked outside any transaction, then those escalations are planned with
        # whatever the cache holds now (the default zone if Slack could not say).
        _refresh_profiles(services, {user for user, _ in stale}, now)
        _, more, _ = _plan(
            services, now, batch, paced, ids=[e for _, e in stale], refresh_allowed=False
        )
        written += more
    return looked_at, written


def _plan(
    services: Services,
    now: datetime,
    batch: int,
    paced: Pacing,
    *,
    ids: list[int] | None,
    refresh_allowed: bool,
) -> tuple[int, int, list[tuple[str, int]]]:
    settings = PlanningSettings.from_settings(services.settings)
    default_zone = services.settings.timezone
    written = 0
    stale: list[tuple[str, int]] = []  # (DRI, escalation) whose cached zone is missing or old
    with services.sessions.begin() as session:
        escalations = _due_escalations(session, now, batch, ids)
        if not escalations:
            return 0, 0, []
        open_ones = [e for e in escalations if e.state.is_open]
        dris = {e.id: e.person(Role.DRI) for e in open_ones}
        wanted = {user for user in dris.values() if user}
        profiles = (
            {
                user.user_id: user
                for user in session.scalars(select(SlackUser).where(SlackUser.user_id.in_(wanted)))
            }
            if wanted
            else {}
        )
        for read in profiles.values():
            # The workers compose these escalations' prompts next, in the DRI's zone: one
            # database read less per DRI, in the second a morning's deliveries start.
            people.remember(services, read)
        waits, flags, tasks = _children(session, [e.id for e in open_ones])
        stale_blockers = _stale_blocker_candidates(session, [e.id for e in open_ones])
        # Every plan is computed before anything is written: on SQLite the one writer lock
        # is held from the first write to the commit, and delivery waits for it meanwhile.
        planned: list[tuple[Escalation, Snapshot | None, Plan]] = []
        for escalation in escalations:
            dri = dris.get(escalation.id)
            profile = profiles.get(dri) if dri else None
            if dri and refresh_allowed and not _is_fresh(profile, now):
                stale.append((dri, escalation.id))
                continue  # left due: planned right after its DRI's profile is refreshed
            if not dri:
                recheck = None
            elif _is_fresh(profile, now):
                recheck = profile.fetched_at + people.FRESH_FOR
            else:
                recheck = now + PROFILE_RETRY
            try:
                snapshot = Snapshot(
                    escalation_id=escalation.id,
                    key=escalation.key,
                    cadence=cadence_state_of(escalation, _zone(profile, default_zone)),
                    waits=waits.get(escalation.id, ()),
                    flags=flags.get(escalation.id, ()),
                    tasks=tasks.get(escalation.id, ()),
                    recheck_zone_at=recheck,
                    blockers=stale_blockers.get(escalation.id, ()),
                    sync_due_at=pending_sync_due(escalation),
                    root_changes_at=_root_changes_at(escalation),
                )
                planned.append((escalation, snapshot, plan_for(snapshot, settings, now)))
            except Exception:
                log.exception("planning %s failed", escalation.key)
                planned.append((escalation, None, Plan(next_check_at=now + FAILURE_RETRY)))
        written_now, announced = _record_all(
            session, [(e, seen, plan) for e, seen, plan in planned if seen is not None], now, paced
        )
        written += written_now
        next_checks: list[dict[str, object]] = [
            {
                "b_id": escalation.id,
                "b_seen": escalation.next_check_at,
                "b_next": plan.next_check_at or DORMANT,
            }
            for escalation, _, plan in planned
        ]
        if announced:
            # Announced here, once per escalation and day (its row, recorded done, is the
            # dedupe key): each invitee's daily digest is queued in this same transaction,
            # rather than through a row per escalation costing a claim and a commit each.
            written += stakeholders.queue_check_in_digests(
                session, announced, now, services.settings
            )
        if next_checks:
            _store_next_checks(session, next_checks)
    return len(escalations), written, stale


def _root_changes_at(escalation: Escalation) -> tuple[datetime, ...]:
    found = [next_update_due(escalation)]
    if (sync_due := pending_sync_due(escalation)) is not None:
        found.append(sync_due)
    comm_due = customer_comm_due_at(escalation)
    if comm_due is not None:
        # One second past: that rule is strict ("more than a day").
        found.append(comm_due + timedelta(seconds=1))
    return tuple(found)


class Pacing:
    """Slack takes about one message a second per channel after a burst of three. When
    one plan brings a channel more prompts due at one moment (a DRI with five Sev 1s, a
    leadership channel's thread notes), the fourth and later are recorded a second apart
    each, counted from now when planned late: the ledger delivers in due order, so they go
    out after everything else due then, spread over the whole morning, instead of meeting
    Slack's Retry-After at its end."""

    BURST = 3

    def __init__(self, now: datetime) -> None:
        self._now = now
        self._counts: Counter[tuple[str, datetime]] = Counter()

    def due_at(self, escalation: Escalation, row: LedgerRow) -> datetime:
        assert row.prompt is not None
        in_thread = row.prompt.kind in THREAD_NOTE_KINDS
        channel = escalation.leadership_channel_id if in_thread else escalation.person(Role.DRI)
        if not channel:
            return row.due_at
        already = self._counts[(channel, row.due_at)]
        self._counts[(channel, row.due_at)] += 1
        if already < self.BURST:
            return row.due_at
        return max(row.due_at, self._now) + timedelta(seconds=already - self.BURST + 1)


def _record_all(
    session: Session,
    planned: list[tuple[Escalation, Snapshot, Plan]],
    now: datetime,
    paced: Pacing,
) -> tuple[int, list[Escalation]]:
    """Record the batch's due rows in one statement; returns how many were new, and the
    escalations whose check-in was announced now (their digests are queued next).

    As `schedule_prompt` does one at a time, a new prompt drops an older one of its kind
    still pending. That is looked for only where there can be one: an escalation with a
    prompt row pending from before (looked up once for the batch), or with two prompts in
    this batch (recorded one at a time, exactly as before). So a morning of a thousand
    prompts is one INSERT, not a thousand INSERTs and a thousand UPDATEs."""
    entries = [(escalation, seen, row) for escalation, seen, plan in planned for row in plan.rows]
    prompted = Counter(seen.key for _, seen, row in entries if row.prompt is not None)
    one_by_one = {key for key, count in prompted.items() if count > 1}
    pending_before = ledger.pending_subjects(
        session, sorted(set(prompted) - one_by_one), [kind.value for kind in PromptKind]
    )
    written = 0
    bulk = []
    for entry in entries:
        escalation, seen, row = entry
        if row.prompt is not None and seen.key in one_by_one:
            deliver_at = paced.due_at(escalation, row)
            written += schedule_prompt(
                session, seen.escalation_id, seen.key, row.prompt, deliver_at
            )
        else:
            bulk.append(entry)
    inserted = ledger.schedule_many(
        session,
        [
            ledger.Due(
                subject=seen.key,
                kind=row.kind,
                slot=row.slot,
                due_at=row.due_at if row.prompt is None else paced.due_at(escalation, row),
                escalation_id=seen.escalation_id,
                # Done as it is recorded: the caller queues the digests in this transaction.
                done_at=now if row.kind == DeliveryKind.CHECK_IN_INVITES else None,
            )
            for escalation, seen, row in bulk
        ],
    )
    announced: list[Escalation] = []
    for escalation, seen, row in bulk:
        if (seen.key, str(row.kind), row.slot) not in inserted:
            continue
        if row.prompt is not None and seen.key in pending_before:
            drop_superseded(session, seen.key, row.prompt)
        if row.kind == DeliveryKind.CHECK_IN_INVITES:
            announced.append(escalation)
    return written + len(inserted), announced


def _store_next_checks(session: Session, values: list[dict[str, object]]) -> None:
    """One statement for the batch. Compare-and-set: an escalation changed since it was read
    (its `next_check_at` moved to "now") keeps that, so it is planned again next tick."""
    table = Escalation.__table__
    assert isinstance(table, Table)  # declared with columns, so mapped to a Table
    column = Escalation.next_check_at
    session.execute(
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.next_check_at.is_not_distinct_from(bindparam("b_seen", type_=column.type)),
        )
        .values(next_check_at=bindparam("b_next", type_=column.type)),
        values,
    )


def _refresh_profiles(services: Services, user_ids: set[str], now: datetime) -> None:
    """Ask Slack for these people's profiles and store them, in one transaction."""
    answers: dict[str, dict[str, Any]] = {}
    for user_id in sorted(user_ids):
        try:
            answers[user_id] = services.gateway.user_info(user_id)
        except SlackProblem as problem:
            log.info("users.info %s failed: %s", user_id, problem.code)
    if not answers:
        return
    try:
        with services.sessions.begin() as session:
            cached = {
                user.user_id: user
                for user in session.scalars(
                    select(SlackUser).where(SlackUser.user_id.in_(list(answers)))
                )
            }
            for user_id, info in answers.items():
                user = cached.get(user_id) or SlackUser(user_id=user_id)
                user.name = info.get("real_name") or info.get("name") or user_id
                user.tz = info.get("tz")
                user.is_bot = bool(info.get("is_bot")) or user_id == people.SLACKBOT
                user.deleted = bool(info.get("deleted"))
                user.fetched_at = now
                session.add(user)
    except IntegrityError:
        # Another process cached one of them first; its answer is as good as ours.
        log.info("profiles cached concurrently: %s", sorted(answers))
