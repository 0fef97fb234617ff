"""The escalation as one Markdown document leadership can file: the tracking document."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import QueryableAttribute, Session

from blocks.text import is_user_id
from bot.domain import STAKEHOLDER_ROLES, TRIGGERS_BY_CODE, AttemptKind, checklist_for
from bot.escalations.records import tracking
from bot.models import (
    CheckIn,
    ContactAttempt,
    CustomerWait,
    Escalation,
    SlackUser,
    TimelineEvent,
    Update,
    UrgentFlag,
)

# The rows the document lists besides the tracking records, each a child of one escalation.
_Row = TypeVar("_Row", Update, CheckIn, CustomerWait, UrgentFlag, TimelineEvent)


def _utc(instant: datetime | None) -> str:
    return instant.strftime("%Y-%m-%d %H:%M UTC") if instant else "—"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _section(title: str, lines: list[str]) -> list[str]:
    return ["", f"## {title}", *(lines or ["- none"])]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return ["- none"]
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows),
    ]


def export_markdown(
    session: Session, escalation: Escalation, now: datetime, unnamed: set[str] | None = None
) -> str:
    """Everything on the record, children and timeline included, oldest first.

    People the bot has no profile for are shown by ID and added to `unnamed`, so a caller
    that may ask Slack can render again with their names.
    """
    track = tracking(session, escalation.id)
    names = {user.user_id: user.name for user in session.scalars(select(SlackUser))}

    def who(user_id: str | None) -> str:
        if not user_id:
            return "—"
        if user_id in names:
            return f"{names[user_id]} ({user_id})"
        if unnamed is not None and is_user_id(user_id):
            unnamed.add(user_id)
        return user_id

    def rows(model: type[_Row], order: QueryableAttribute[Any]) -> list[_Row]:
        return list(
            session.scalars(
                select(model).where(model.escalation_id == escalation.id).order_by(order)
            )
        )

    ticked = {entry.code: entry.done for entry in escalation.checklist}
    out = [
        f"# {escalation.key}: {escalation.customer} / {escalation.project}",
        "",
        f"- Severity: {escalation.severity_label}",
        f"- State: {escalation.state.value}; health: {escalation.health.value}",
        f"- Opened: {_utc(escalation.opened_at)} by {who(escalation.opened_by)}",
        f"- Resolved: {_utc(escalation.resolved_at)}",
        f"- Exported: {_utc(now)}",
    ]
    out += _section("Summary", [escalation.summary])
    if escalation.path_to_green:
        out += _section("Path to green", [escalation.path_to_green])
    out += _section(
        "Triggers",
        [
            f"- {TRIGGERS_BY_CODE[t.code].label if t.code in TRIGGERS_BY_CODE else t.code}"
            for t in escalation.triggers
        ],
    )
    out += _section(
        "People", [f"- {role.label}: {who(escalation.person(role))}" for role in STAKEHOLDER_ROLES]
    )
    out += _section(
        "Links",
        [f"- {link.kind.label}: {link.url}" for link in escalation.links]
        + [f"- {x.kind.label}: {x.label} ({x.url})" for x in track.extra_links],
    )
    out += _section(
        "Checklist",
        [
            f"- [{'x' if ticked[item.code] else ' '}] {item.label}"
            for item in checklist_for(escalation.severity)
            if item.code in ticked
        ],
    )
    milestones: list[str] = []
    for milestone in track.milestones:
        milestones += [
            f"### {_cell(milestone.title)} ({milestone.percent_complete}%)",
            f"Success criteria: {milestone.success_criteria}",
        ]
        milestones += [
            f"- [{'x' if t.done_at else ' '}] {t.title} (owner {who(t.owner)}, due {t.due_on})"
            for t in milestone.tasks
        ]
    out += _section(f"Milestones ({track.percent_complete}% of tasks complete)", milestones)
    out += _section(
        "Blockers and dependencies",
        [
            f"- {'Dependency' if b.is_dependency else 'Blocker'}: {b.text} (logged "
            f"{_utc(b.created_at)} by {who(b.created_by)}; "
            + (
                f"resolved {_utc(b.resolved_at)} by {who(b.resolved_by)}: {b.resolution})"
                if b.resolved_at
                else "open)"
            )
            for b in track.blockers
        ],
    )
    out += _section(
        "Alternative approaches",
        [
            f"- {a.approach} (pros: {a.pros or '—'}; cons: {a.cons or '—'}; risks: {a.risks or '—'})"
            for a in track.alternatives
        ],
    )
    out += _section(
        "Requirement changes",
        _table(
            ["Logged", "Change", "Approver", "Approved on"],
            [
                [_utc(c.created_at), c.change, who(c.approver), str(c.approved_on)]
                for c in track.requirement_changes
            ],
        ),
    )
    requirements: list[str] = []
    for r in track.requirements:
        signoff = (
            f"signed off {_utc(r.signed_off_at)} by {who(r.signed_off_by)}"
            if r.signed_off_at
            else "not signed off"
        )
        requirements += [
            f"### {_cell(r.text)}",
            f"Recorded {_utc(r.created_at)} by {who(r.created_by)}; "
            f"{r.checks_done}/{len(r.checks)} checks; {signoff}",
        ]
        requirements += [
            f"- [{'x' if c.done_at else ' '}] {c.text}"
            + (f" ({who(c.done_by)}, {_utc(c.done_at)})" if c.done_at else "")
            for c in r.checks
        ]
    out += _section("Requirements and validation", requirements)
    out += _section(
        "Change orders",
        _table(
            ["Proposed", "By", "Description", "Approver", "Status", "Decided", "Decided by"],
            [
                [
                    _utc(c.proposed_at),
                    who(c.proposed_by),
                    c.description,
                    who(c.approver),
                    c.status.value,
                    _utc(c.decided_at),
                    who(c.decided_by),
                ]
                for c in track.change_orders
            ],
        ),
    )
    out += _section(
        "Artifact versions",
        _table(
            ["Artifact", "Version", "When", "By", "What changed", "Link"],
            [
                [
                    v.artifact,
                    v.version,
                    _utc(v.created_at),
                    who(v.created_by),
                    v.change,
                    v.url or "—",
                ]
                for v in sorted(track.artifact_versions, key=lambda v: (v.artifact, v.id))
            ],
        ),
    )
    out += _section("RAID register", [f"- {r.category.label}: {r.text}" for r in track.raid])
    out += _section(
        "Resource, budget and timeline impacts",
        _table(
            ["When", "By", "Kind", "Impact", "Other projects", "Their PMs (told)"],
            [
                [
                    _utc(i.created_at),
                    who(i.created_by),
                    i.kind.value,
                    i.text,
                    i.other_projects or "—",
                    ", ".join(who(pm) for pm in i.other_pm_ids) or "—",
                ]
                for i in track.resource_impacts
            ],
        ),
    )
    out += _section(
        "Updates",
        [
            f"- {_utc(u.at)} {who(u.author)} ({u.source.value}, {u.health.value}): {u.summary}"
            for u in rows(Update, Update.at)
        ],
    )
    out += _section(
        "Check-ins",
        [
            f"- {_utc(c.at)} {who(c.author)}: attended "
            f"{', '.join(who(a) for a in c.attendees.split(',') if a) or '—'}. {c.notes}"
            for c in rows(CheckIn, CheckIn.at)
        ],
    )
    waits = rows(CustomerWait, CustomerWait.id)
    attempts: dict[int, list[ContactAttempt]] = {w.id: [] for w in waits}
    for attempt in session.scalars(
        select(ContactAttempt)
        .where(ContactAttempt.wait_id.in_(list(attempts)))
        .order_by(ContactAttempt.confirmed_at)
    ):
        attempts[attempt.wait_id].append(attempt)

    def waiting(w: CustomerWait) -> list[str]:
        lines = [
            f"- since {_utc(w.asked_at)} ({w.kind.value}): {w.asked}; responded {_utc(w.responded_at)}"
        ]
        confirmed = {a.kind: a for a in attempts[w.id]}
        for kind in AttemptKind:
            done = confirmed.get(kind)
            lines.append(
                f"  - {kind.label}: "
                + (
                    f"confirmed by {who(done.confirmed_by)} {_utc(done.confirmed_at)}"
                    if done
                    else "not confirmed"
                )
            )
        if w.sales_contact:
            lines.append(
                f"  - Sales contact told: {who(w.sales_contact)} {_utc(w.sales_contact_at)}"
            )
        if w.sales_ops_outcome:
            lines.append(
                f"  - Sales Ops: {w.sales_ops_outcome.label} by {who(w.sales_ops_by)} "
                f"{_utc(w.sales_ops_at)}"
                + (f"; notes: {w.sales_ops_notes}" if w.sales_ops_notes else "")
            )
        return lines

    out += _section("Waiting on the customer", [line for w in waits for line in waiting(w)])
    out += _section(
        "Urgent flags",
        [
            f"- {'SIREN ' if f.siren else ''}#{f.id} needed by {_utc(f.needed_by)} from "
            f"{', '.join(who(r) for r in f.responder_ids)}: {f.needed} (closed {_utc(f.closed_at)})"
            for f in rows(UrgentFlag, UrgentFlag.id)
        ],
    )
    if escalation.resolved_at:
        signoffs: dict[bool | None, str] = {
            True: f"yes, {escalation.signoff_on}",
            False: f"no: {escalation.no_signoff_reason}",
        }
        signoff = signoffs.get(escalation.customer_signoff, "not recorded")
        out += _section(
            "Closure",
            [
                f"- Resolution: {escalation.resolution}",
                f"- Customer sign-off: {signoff}",
                f"- Retro: {escalation.retro_link or 'missing'}",
                f"- Process improvements: {escalation.process_improvements or '—'}",
                f"- Financial impact reconciled: {'yes' if escalation.financials_reconciled else 'no'}",
                f"- Artifacts updated: {'yes' if escalation.artifacts_updated else 'no'}",
            ],
        )
    out += _section(
        "Timeline",
        _table(
            ["When", "Who", "What", "Detail"],
            [
                [_utc(e.at), who(e.actor) if e.actor != "bot" else "bot", e.kind.value, e.text]
                for e in rows(TimelineEvent, TimelineEvent.id)
            ],
        ),
    )
    return "\n".join(out) + "\n"
