"""Missed weeklies: the DRI nudged one business day after an unanswered weekly prompt (Sev 2
update, Sev 1 review form) and, for a Sev 2, the manager told after two (thread and DM).

Each is checked again when it is sent: an update or a review meanwhile, or a weekly prompt
that never reached the DRI (downtime), and nothing is said.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from blocks import weekly as weekly_views
from bot.cadence.engine import cadence_state, prompt_sent_by
from bot.delivery.runner import Job, Outcome, settle_with
from bot.domain import EventKind, Role, Severity
from bot.escalations import service
from bot.models import Escalation
from bot.policy.cadence import CadenceSettings, PromptKind, due_prompts
from bot.runtime import Services


def send_missed_weekly(services: Services, job: Job) -> Outcome:
    """Send one missed-weekly nudge if it still applies, then record it with the row."""
    assert job.escalation_id is not None
    kind = PromptKind(job.kind)
    now = services.clock.now()
    with services.sessions() as session:
        escalation = service.load(session, job.escalation_id)
        if not escalation.state.is_open:
            return Outcome()
        state = cadence_state(services, escalation)
        current = due_prompts(state, CadenceSettings.from_settings(services.settings), now)
        weekly = (
            PromptKind.SEV1_WEEKLY if state.severity is Severity.SEV1 else PromptKind.SEV2_WEEKLY
        )
        applies = any(due.kind is kind and due.slot == job.slot for due in current)
        # Nobody is chased for a weekly prompt they were never sent.
        applies = applies and prompt_sent_by(session, escalation.key, weekly, job.slot, now)
        dri, manager = escalation.person(Role.DRI), escalation.person(Role.MANAGER)
        channel, root_ts = escalation.leadership_channel_id, escalation.root_ts
        session.expunge_all()
    if not applies:
        return Outcome()
    gateway = services.gateway
    said = False
    if kind is PromptKind.SEV2_WEEKLY_MANAGER:
        text = weekly_views.sev2_weekly_manager_text(escalation)
        if channel and root_ts:
            gateway.post(
                channel, text, thread_ts=root_ts, key=job.key("thread"), look_first=job.retrying
            )
            said = True
        if manager:
            gateway.dm(manager, text, key=job.key("manager"), look_first=job.retrying)
            said = True
    elif dri:
        gateway.dm(
            dri,
            weekly_views.missed_weekly_text(escalation, kind.value),
            weekly_views.missed_weekly_blocks(
                escalation, kind.value, job.slot, permalink=escalation.root_permalink
            ),
            key=job.key(),
            look_first=job.retrying,
        )
        said = True

    def record(session: Session) -> None:
        if not said:
            return
        current = session.get(Escalation, escalation.id)
        assert current is not None
        service.record(
            session, current, EventKind.NUDGED, service.BOT, f"{job.kind} ({job.slot})", now
        )

    return settle_with(services, job, record)
