"""The escalation record and its children, as SQLAlchemy 2 typed models.

Every timestamp is stored in UTC; `UTCDateTime` hands back aware datetimes on SQLite too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.domain import (
    AttemptKind,
    ChangeOrderStatus,
    ConflictTeam,
    EventKind,
    ExtraLinkKind,
    Health,
    ImpactKind,
    Level,
    LinkKind,
    RaidCategory,
    Role,
    SalesOpsOutcome,
    Severity,
    State,
    UpdateSource,
    WaitKind,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the backend keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _enum(enum_type: type[StrEnum], length: int = 16) -> Enum:
    return Enum(
        enum_type,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Escalation(Base):
    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    severity: Mapped[Severity] = mapped_column(_enum(Severity))
    level: Mapped[Level | None] = mapped_column(_enum(Level))
    state: Mapped[State] = mapped_column(_enum(State), default=State.OPEN)
    health: Mapped[Health] = mapped_column(_enum(Health), default=Health.RED)
    # Health before the first update, for the insights' weekly trend (NULL: opened before
    # it was kept).
    health_at_open: Mapped[Health | None] = mapped_column(_enum(Health))
    customer: Mapped[str] = mapped_column(String(200))
    project: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    path_to_green: Mapped[str | None] = mapped_column(Text)
    internal_channel_id: Mapped[str | None] = mapped_column(String(32))
    customer_channel_id: Mapped[str | None] = mapped_column(String(32))
    new_msa: Mapped[bool] = mapped_column(Boolean, default=False)

    opened_by: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the current cadence began: opening, or promotion to Sev 1 (Phase 1 restarts).
    cadence_start: Mapped[datetime] = mapped_column(UTCDateTime())
    phase1_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_customer_comm_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Where the escalation lives in Slack; filled in step by step as each post succeeds,
    # so a retry resumes where the last attempt stopped instead of posting twice.
    leadership_channel_id: Mapped[str | None] = mapped_column(String(32))
    root_ts: Mapped[str | None] = mapped_column(String(32), index=True)
    root_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    checklist_ts: Mapped[str | None] = mapped_column(String(32))
    internal_link_ts: Mapped[str | None] = mapped_column(String(32))
    dri_dm_ts: Mapped[str | None] = mapped_column(String(32))
    opener_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opener_response_url: Mapped[str | None] = mapped_column(String(500))
    slack_problem: Mapped[str | None] = mapped_column(Text)

    # Closure: what was resolved, with or without sign-off, and the lessons learned.
    resolved_by: Mapped[str | None] = mapped_column(String(32))
    resolution: Mapped[str | None] = mapped_column(Text)
    customer_signoff: Mapped[bool | None] = mapped_column(Boolean)
    signoff_on: Mapped[date | None] = mapped_column(Date)
    no_signoff_reason: Mapped[str | None] = mapped_column(Text)
    retro_link: Mapped[str | None] = mapped_column(String(1000))
    process_improvements: Mapped[str | None] = mapped_column(Text)
    financials_reconciled: Mapped[bool] = mapped_column(Boolean, default=False)
    artifacts_updated: Mapped[bool] = mapped_column(Boolean, default=False)
    closure_ts: Mapped[str | None] = mapped_column(String(32))
    # Cached so a prompt never costs a chat.getPermalink call (Tier 3, ~50 a minute).
    root_permalink: Mapped[str | None] = mapped_column(String(500))
    # The earliest instant a planner may have new work for this escalation; the tick asks
    # the database only for escalations whose instant has come, so its cost follows what is
    # due, not how many are open. Any change to the escalation sets it to "now".
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    # Bumped by every change that must not be applied twice at once (resolve, reassign):
    # the change is an UPDATE ... WHERE version = the version the person saw.
    version: Mapped[int] = mapped_column(Integer, default=1)

    # A watched project has no leadership thread: its card (and the thread its notes go to)
    # is in the internal project channel, or else in the DRI's DM with the bot.
    watch_channel_id: Mapped[str | None] = mapped_column(String(32))
    watch_ts: Mapped[str | None] = mapped_column(String(32))
    # Critical: leadership is asked to hold a sync by `sync_due_at`; "Sync held" records it.
    sync_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sync_held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sync_held_by: Mapped[str | None] = mapped_column(String(32))
    # When the latest weekly Sev 1 review form was submitted (the cadence reads it).
    last_weekly_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Leadership took this Sev 2 off the Y/R review list (it turned Yellow or Green); it
    # goes back on when it turns Red again.
    off_review_list_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    people: Mapped[list[EscalationPerson]] = relationship(
        back_populates="escalation", cascade="all, delete-orphan", order_by="EscalationPerson.id"
    )
    triggers: Mapped[list[EscalationTrigger]] = relationship(
        cascade="all, delete-orphan", order_by="EscalationTrigger.id"
    )
    links: Mapped[list[EscalationLink]] = relationship(
        cascade="all, delete-orphan", order_by="EscalationLink.id"
    )
    checklist: Mapped[list[ChecklistEntry]] = relationship(
        cascade="all, delete-orphan", order_by="ChecklistEntry.id"
    )
    timeline: Mapped[list[TimelineEvent]] = relationship(
        cascade="all, delete-orphan", order_by="TimelineEvent.id"
    )

    @property
    def key(self) -> str:
        return f"ESC-{self.id}"

    def person(self, role: Role) -> str | None:
        """The user holding a single-holder role (DRI, AE, CSM, manager, director)."""
        return next((p.user_id for p in self.people if p.role is role), None)

    def link(self, kind: LinkKind) -> str | None:
        return next((link.url for link in self.links if link.kind is kind), None)

    @property
    def severity_label(self) -> str:
        """How people name its severity: "Sev 1 Critical", "Sev 2"."""
        if self.severity is Severity.SEV1 and self.level is not None:
            return f"Sev 1 {self.level.label}"
        return self.severity.short

    @property
    def project_link(self) -> str | None:
        """The link a flag carries by default: the tracker, else the PSA project, else the doc."""
        return (
            self.link(LinkKind.TRACKER) or self.link(LinkKind.PSA) or self.link(LinkKind.DOCUMENT)
        )


class EscalationPerson(Base):
    __tablename__ = "escalation_people"
    __table_args__ = (UniqueConstraint("escalation_id", "role", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_enum(Role))
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    # When Slack accepted the DM telling this person their role (None: not yet).
    welcomed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the person muted the escalation: no update DMs until they follow again.
    muted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    escalation: Mapped[Escalation] = relationship(back_populates="people")


class EscalationTrigger(Base):
    __tablename__ = "escalation_triggers"
    __table_args__ = (UniqueConstraint("escalation_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))


class EscalationLink(Base):
    __tablename__ = "escalation_links"
    __table_args__ = (UniqueConstraint("escalation_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"))
    kind: Mapped[LinkKind] = mapped_column(_enum(LinkKind))
    url: Mapped[str] = mapped_column(String(1000))


class ChecklistEntry(Base):
    __tablename__ = "checklist_entries"
    __table_args__ = (UniqueConstraint("escalation_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[str | None] = mapped_column(String(32))

    @property
    def done(self) -> bool:
        return self.done_at is not None


class TimelineEvent(Base):
    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(32))
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind, 40))
    text: Mapped[str] = mapped_column(Text)


class Update(Base):
    """A status update on an escalation, from the update modal or a reply in its thread."""

    __tablename__ = "updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    author: Mapped[str] = mapped_column(String(32))
    source: Mapped[UpdateSource] = mapped_column(_enum(UpdateSource))
    health: Mapped[Health] = mapped_column(_enum(Health))
    summary: Mapped[str] = mapped_column(Text)
    progress: Mapped[str | None] = mapped_column(Text)
    blockers: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    customer_communicated: Mapped[bool] = mapped_column(Boolean, default=False)
    # Only this text ever reaches the customer channel, and only when someone wrote it.
    customer_message: Mapped[str | None] = mapped_column(Text)
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    internal_ts: Mapped[str | None] = mapped_column(String(32))
    customer_ts: Mapped[str | None] = mapped_column(String(32))
    # A new path to green given with this update (None: unchanged).
    path_to_green: Mapped[str | None] = mapped_column(Text)


class CheckIn(Base):
    """The midday internal stakeholder check-in: who attended, what was said."""

    __tablename__ = "check_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    author: Mapped[str] = mapped_column(String(32))
    attendees: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text)


class CustomerWait(Base):
    """A request the team is waiting on the customer for: the unresponsiveness ladder's timer."""

    __tablename__ = "customer_waits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[WaitKind] = mapped_column(_enum(WaitKind, 24))
    asked: Mapped[str] = mapped_column(Text)
    how: Mapped[str | None] = mapped_column(String(100))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(32))
    ooo_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ooo_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Time the ladder was paused by earlier out-of-office periods, in whole seconds.
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sales_ops_outcome: Mapped[SalesOpsOutcome | None] = mapped_column(_enum(SalesOpsOutcome, 32))
    sales_ops_ts: Mapped[str | None] = mapped_column(String(32))
    # Who recorded the Sales Ops outcome, when, and their notes on the discussion.
    sales_ops_by: Mapped[str | None] = mapped_column(String(32))
    sales_ops_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sales_ops_notes: Mapped[str | None] = mapped_column(Text)
    # The sales contact the silence was escalated to (the AE, the sales manager, or whoever
    # the DRI named), and when: None means nobody was reached.
    sales_contact: Mapped[str | None] = mapped_column(String(32))
    sales_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ContactAttempt(Base):
    """An attempt to reach the silent customer that the DRI confirmed they made."""

    __tablename__ = "contact_attempts"
    __table_args__ = (UniqueConstraint("wait_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wait_id: Mapped[int] = mapped_column(
        ForeignKey("customer_waits.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AttemptKind] = mapped_column(_enum(AttemptKind, 24))
    confirmed_by: Mapped[str] = mapped_column(String(32))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UrgentFlag(Base):
    """Something someone must answer by a deadline; under the siren threshold it's a siren.

    A flag raised with no escalation (`escalation_id` None) names its customer itself and is
    posted on its own in the leadership channel (`channel_id`, `thread_ts`)."""

    __tablename__ = "urgent_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    raised_by: Mapped[str] = mapped_column(String(32))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    responders: Mapped[str] = mapped_column(Text)
    needed: Mapped[str] = mapped_column(Text)
    needed_by: Mapped[datetime] = mapped_column(UTCDateTime())
    link: Mapped[str | None] = mapped_column(String(1000))
    siren: Mapped[bool] = mapped_column(Boolean, default=False)
    thread_ts: Mapped[str | None] = mapped_column(String(32), index=True)
    dms_sent: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(32))
    customer: Mapped[str | None] = mapped_column(String(200))
    channel_id: Mapped[str | None] = mapped_column(String(32))

    @property
    def key(self) -> str:
        """The ledger subject of a flag with no escalation."""
        return f"FLAG-{self.id}"

    @property
    def responder_ids(self) -> list[str]:
        return [user for user in self.responders.split(",") if user]


class PeopleConflict(Base):
    """An internal issue with a sales or CS team member: resolved directly first,
    then with each person's manager, then with the conflict executive. Private: only the
    people involved, their managers and leadership ever hear of it."""

    __tablename__ = "people_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raised_by: Mapped[str] = mapped_column(String(32))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    raiser_manager: Mapped[str] = mapped_column(String(32))
    team: Mapped[ConflictTeam] = mapped_column(_enum(ConflictTeam))
    person: Mapped[str] = mapped_column(String(32))
    person_manager: Mapped[str] = mapped_column(String(32))
    customer: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    managers_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    executive_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    managers_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    executive_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(32))
    resolution: Mapped[str | None] = mapped_column(Text)

    @property
    def key(self) -> str:
        return f"CONFLICT-{self.id}"

    @property
    def people_involved(self) -> list[str]:
        return list(dict.fromkeys([self.raised_by, self.person]))

    @property
    def managers(self) -> list[str]:
        return list(dict.fromkeys([self.raiser_manager, self.person_manager]))


class Milestone(Base):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    success_criteria: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    tasks: Mapped[list[Task]] = relationship(cascade="all, delete-orphan", order_by="Task.id")

    @property
    def percent_complete(self) -> int:
        if not self.tasks:
            return 0
        return round(100 * sum(1 for t in self.tasks if t.done_at) / len(self.tasks))


class Task(Base):
    """A composite task of a milestone, with an owner and a due date."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("milestones.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Blocker(Base):
    __tablename__ = "blockers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    is_dependency: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(32))
    # How it was resolved, in the resolver's words.
    resolution: Mapped[str | None] = mapped_column(Text)


class Alternative(Base):
    """Another way to resolve the escalation, with what it costs and risks."""

    __tablename__ = "alternatives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    approach: Mapped[str] = mapped_column(Text)
    pros: Mapped[str | None] = mapped_column(Text)
    cons: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RequirementChange(Base):
    __tablename__ = "requirement_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    change: Mapped[str] = mapped_column(Text)
    approver: Mapped[str] = mapped_column(String(32))
    approved_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RaidEntry(Base):
    __tablename__ = "raid_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[RaidCategory] = mapped_column(_enum(RaidCategory))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ResourceImpact(Base):
    """A resource, budget or timeline impact (Step 6). One on people or other projects is
    posted to the resourcing channel, and the other projects' PMs are told by DM."""

    __tablename__ = "resource_impacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted_ts: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[ImpactKind] = mapped_column(_enum(ImpactKind), default=ImpactKind.RESOURCE)
    other_projects: Mapped[str | None] = mapped_column(Text)
    # Comma-separated user IDs of the other projects' PMs.
    other_pms: Mapped[str] = mapped_column(Text, default="")

    @property
    def other_pm_ids(self) -> list[str]:
        return [user for user in (self.other_pms or "").split(",") if user]


class Requirement(Base):
    """A requirement of the escalation (Step 5), validated check by check, then signed off."""

    __tablename__ = "requirements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_off_by: Mapped[str | None] = mapped_column(String(32))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checks: Mapped[list[RequirementCheck]] = relationship(
        cascade="all, delete-orphan", order_by="RequirementCheck.id"
    )

    @property
    def checks_done(self) -> int:
        return sum(1 for check in self.checks if check.done_at)


class RequirementCheck(Base):
    """One item of a requirement's validation checklist: who ticked it, and when."""

    __tablename__ = "requirement_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirements.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    done_by: Mapped[str | None] = mapped_column(String(32))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ChangeOrder(Base):
    """A formal change order: proposed, then approved or rejected by its approver."""

    __tablename__ = "change_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    approver: Mapped[str] = mapped_column(String(32))
    status: Mapped[ChangeOrderStatus] = mapped_column(
        _enum(ChangeOrderStatus), default=ChangeOrderStatus.PROPOSED
    )
    proposed_by: Mapped[str] = mapped_column(String(32))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ArtifactVersion(Base):
    """One version of a project artifact; all versions of one artifact are its history."""

    __tablename__ = "artifact_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    artifact: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(300))
    change: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(1000))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ExtraLink(Base):
    """A dashboard or any other link, as many as needed, beside the PSA / tracker / doc."""

    __tablename__ = "extra_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ExtraLinkKind] = mapped_column(_enum(ExtraLinkKind))
    label: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(1000))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WeeklyReview(Base):
    """The weekly Sev 1 review: what the DRI reported for one ISO week."""

    __tablename__ = "weekly_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    week: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    author: Mapped[str] = mapped_column(String(32))
    stakeholder_communication: Mapped[str] = mapped_column(Text)
    budget_timeline_impact: Mapped[str] = mapped_column(Text)
    resource_allocation: Mapped[str] = mapped_column(Text)
    raid_reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    raid_notes: Mapped[str | None] = mapped_column(Text)
    forecast: Mapped[str] = mapped_column(Text)


class GuidanceAction(Base):
    """Leadership's guidance from the review, as an action with an owner and a due date."""

    __tablename__ = "guidance_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[str | None] = mapped_column(String(32))


class SlackUser(Base):
    """What Slack told us about a person, cached so prompts know their time zone."""

    __tablename__ = "slack_users"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tz: Mapped[str | None] = mapped_column(String(64))
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    DONE = "done"
    CANCELLED = "cancelled"
    # Refused for good (or out of attempts): kept, shown in App Home, never silently dropped.
    FAILED = "failed"


class Delivery(Base):
    """The ledger of due work: one row per (subject, kind, slot), claimed before it is sent.

    The unique key is what makes a prompt happen once: whoever inserts or claims the row
    (compare-and-set on `status`) is the only process allowed to deliver it.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("subject", "kind", "slot"),
        Index("ix_deliveries_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(40))
    escalation_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    slot: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[DeliveryStatus] = mapped_column(
        _enum(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A claim is a lease: past it, the claimer is presumed dead and anyone may take the row.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What a generic effect needs (a thread note's text, a DM's recipient); None for kinds
    # that rebuild their message from the escalation.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SlackEvent(Base):
    """Events already handled, by Slack's event_id: a retried delivery is acknowledged and
    dropped instead of being applied again."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


@dataclass
class Tracking:
    """Everything Phase 3 tracks for one escalation."""

    milestones: list[Milestone]
    blockers: list[Blocker]
    alternatives: list[Alternative]
    requirement_changes: list[RequirementChange]
    raid: list[RaidEntry]
    resource_impacts: list[ResourceImpact]
    requirements: list[Requirement] = field(default_factory=list)
    change_orders: list[ChangeOrder] = field(default_factory=list)
    artifact_versions: list[ArtifactVersion] = field(default_factory=list)
    extra_links: list[ExtraLink] = field(default_factory=list)

    @property
    def percent_complete(self) -> int:
        tasks = [task for m in self.milestones for task in m.tasks]
        return round(100 * sum(1 for t in tasks if t.done_at) / len(tasks)) if tasks else 0
