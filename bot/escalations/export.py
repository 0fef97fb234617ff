"""The escalation as one Markdown document: seed 004's centralized tracking document."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.escalation import severity_label
from bot.domain import STAKEHOLDER_ROLES, TRIGGERS_BY_CODE, checklist_for
from bot.escalations.records import tracking
from bot.models import CheckIn, CustomerWait, Escalation, TimelineEvent, Update, UrgentFlag


def _utc(instant: datetime | None) -> str:
    return instant.strftime("%Y-%m-%d %H:%M UTC") if instant else "—"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def export_markdown(session: Session, escalation: Escalation, now: datetime) -> str:
    """Everything on the record, children and timeline included, oldest first."""
    track = tracking(session, escalation.id)

    def rows(model, order):  # type: ignore[no-untyped-def]
        return list(
            session.scalars(
                select(model).where(model.escalation_id == escalation.id).order_by(order)
            )
        )

    out = [
        f"# {escalation.key}: {escalation.customer} / {escalation.project}",
        "",
        f"- Severity: {severity_label(escalation)}",
        f"- State: {escalation.state.value}; health: {escalation.health.value}",
        f"- Opened: {_utc(escalation.opened_at)} by {escalation.opened_by}",
        f"- Resolved: {_utc(escalation.resolved_at)}",
        f"- Exported: {_utc(now)}",
        "",
        "## Summary",
        escalation.summary,
        "",
    ]
    if escalation.path_to_green:
        out += ["## Path to green", escalation.path_to_green, ""]
    out += (
        ["## Triggers"]
        + [
            f"- {TRIGGERS_BY_CODE[t.code].label if t.code in TRIGGERS_BY_CODE else t.code}"
            for t in escalation.triggers
        ]
        + ["", "## People"]
        + [f"- {role.label}: {escalation.person(role) or '—'}" for role in STAKEHOLDER_ROLES]
        + ["", "## Links"]
        + ([f"- {link.kind.label}: {link.url}" for link in escalation.links] or ["- none"])
    )
    done = {e.code: e for e in escalation.checklist}
    out += ["", "## Checklist"] + [
        f"- [{'x' if done.get(i.code) and done[i.code].done else ' '}] {i.label}"
        for i in checklist_for(escalation.severity)
        if i.code in done
    ]
    out += ["", f"## Milestones ({track.percent_complete}% of tasks complete)"]
    for milestone in track.milestones:
        out.append(f"### {milestone.title} ({milestone.percent_complete}%)")
        out.append(f"Success criteria: {milestone.success_criteria}")
        out += [
            f"- [{'x' if t.done_at else ' '}] {t.title} (owner {t.owner}, due {t.due_on})"
            for t in milestone.tasks
        ]
    out += ["", "## Blockers and dependencies"] + (
        [f"- {'Dependency' if b.is_dependency else 'Blocker'}: {b.text}" for b in track.blockers]
        or ["- none"]
    )
    out += ["", "## Alternative approaches"] + (
        [
            f"- {a.approach} (pros: {a.pros or '—'}; cons: {a.cons or '—'}; risks: {a.risks or '—'})"
            for a in track.alternatives
        ]
        or ["- none"]
    )
    out += [
        "",
        "## Requirement changes",
        "| Logged | Change | Approver | Approved on |",
        "|---|---|---|---|",
    ] + [
        f"| {_utc(c.created_at)} | {_cell(c.change)} | {c.approver} | {c.approved_on} |"
        for c in track.requirement_changes
    ]
    out += ["", "## RAID register"] + (
        [f"- {r.category.label}: {r.text}" for r in track.raid] or ["- none"]
    )
    out += ["", "## Resource impacts"] + (
        [f"- {i.text}" for i in track.resource_impacts] or ["- none"]
    )
    out += ["", "## Updates"] + [
        f"- {_utc(u.at)} {u.author} ({u.source.value}, {u.health.value}): {u.summary}"
        for u in rows(Update, Update.at)
    ]
    out += ["", "## Check-ins"] + [
        f"- {_utc(c.at)} {c.author}: attended {c.attendees or '—'}. {c.notes}"
        for c in rows(CheckIn, CheckIn.at)
    ]
    out += ["", "## Waiting on the customer"] + [
        f"- since {_utc(w.asked_at)} ({w.kind.value}): {w.asked}; responded "
        f"{_utc(w.responded_at)}"
        + (f"; Sales Ops: {w.sales_ops_outcome.label}" if w.sales_ops_outcome else "")
        for w in rows(CustomerWait, CustomerWait.id)
    ]
    out += ["", "## Urgent flags"] + [
        f"- {'SIREN ' if f.siren else ''}#{f.id} needed by {_utc(f.needed_by)} from "
        f"{f.responders}: {f.needed} (closed {_utc(f.closed_at)})"
        for f in rows(UrgentFlag, UrgentFlag.id)
    ]
    if escalation.resolved_at:
        out += [
            "",
            "## Closure",
            f"- Resolution: {escalation.resolution}",
            "- Customer sign-off: "
            + (
                {
                    True: f"yes, {escalation.signoff_on}",
                    False: f"no: {escalation.no_signoff_reason}",
                }.get(escalation.customer_signoff, "not recorded")
            ),
            f"- Retro: {escalation.retro_link or 'missing'}",
            f"- Process improvements: {escalation.process_improvements or '—'}",
            f"- Financial impact reconciled: {'yes' if escalation.financials_reconciled else 'no'}",
            f"- Artifacts updated: {'yes' if escalation.artifacts_updated else 'no'}",
        ]
    out += ["", "## Timeline", "| When | Who | What | Detail |", "|---|---|---|---|"] + [
        f"| {_utc(e.at)} | {e.actor} | {e.kind.value} | {_cell(e.text)} |"
        for e in rows(TimelineEvent, TimelineEvent.id)
    ]
    return "\n".join(out) + "\n"
