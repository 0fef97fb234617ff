"""Step 6: resource, budget and timeline impacts, and who hears of them.

An impact is one short note in the escalation's thread. One on people, or on other projects,
is also posted in the resourcing channel; the PMs of the other projects it names get a DM.
Budget and timeline impacts feed the PMO manager's weekly briefing (`impacts_since`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks import tracking_notes
from bot.domain import EventKind, ImpactKind
from bot.escalations import effects
from bot.escalations.service import record
from bot.models import Escalation, ResourceImpact

# What the PMO briefing rolls up: money and dates (people go to the resourcing channel).
BRIEFING_KINDS = (ImpactKind.BUDGET, ImpactKind.TIMELINE)


def record_impact(
    session: Session,
    escalation: Escalation,
    *,
    kind: ImpactKind,
    text: str,
    other_projects: str | None,
    other_pms: Sequence[str],
    actor: str,
    now: datetime,
    resourcing_channel: str | None,
) -> ResourceImpact:
    """Store an impact with its timeline entry and thread note, tell the other projects' PMs
    by DM and, for people or other projects, the resourcing channel."""
    pms = list(dict.fromkeys(pm for pm in other_pms if pm))
    impact = ResourceImpact(
        escalation_id=escalation.id,
        kind=kind,
        text=text,
        other_projects=other_projects,
        other_pms=",".join(pms),
        created_by=actor,
        created_at=now,
    )
    session.add(impact)
    session.flush()
    reaches_others = bool(other_projects or pms)
    for_resourcing = kind is ImpactKind.RESOURCE or reaches_others
    others = f" (other projects: {other_projects})" if other_projects else ""
    record(
        session,
        escalation,
        EventKind.RECORD_ADDED,
        actor,
        f"{kind.label} impact: {text[:200]}{others}",
        now,
    )
    channel_told: bool | None = None
    if for_resourcing:
        channel_told = bool(resourcing_channel)
        if resourcing_channel:
            effects.channel_post(
                session,
                resourcing_channel,
                tracking_notes.impact_channel_text(escalation, actor, kind, text, other_projects),
                now,
                escalation=escalation,
            )
    effects.thread_note(
        session,
        escalation,
        tracking_notes.impact_note(
            actor, kind, text, other_projects, pms, channel_told=channel_told
        ),
        now,
    )
    dm = tracking_notes.other_pm_dm(escalation, actor, kind, text, other_projects)
    for pm in pms:
        if pm != actor:
            effects.direct_message(
                session, pm, dm, now, escalation=escalation, slot=f"impact:{impact.id}"
            )
    return impact


def impacts_since(session: Session, escalation_id: int, since: datetime) -> list[ResourceImpact]:
    """The budget and timeline impacts recorded on this escalation at or after `since`,
    oldest first: what the weekly PMO briefing reports for it."""
    return list(
        session.scalars(
            select(ResourceImpact)
            .where(
                ResourceImpact.escalation_id == escalation_id,
                ResourceImpact.kind.in_(BRIEFING_KINDS),
                ResourceImpact.created_at >= since,
            )
            .order_by(ResourceImpact.created_at, ResourceImpact.id)
        )
    )
