"""A submitted open-escalation form: kept before the ack, made into its record right after.

Making the record (the escalation, people, checklist, timeline and its publication) takes
about ten writes; a person waits on the ack, and Slack shows them an error past 3 seconds.
So the listener keeps only the validated form, in one ledger row, and acks; a delivery
worker makes the record from it moments later, exactly once, in one transaction with the
row's completion. What was typed is saved the moment the modal closes.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from blocks import notices
from bot.delivery import ledger
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job, Outcome, settle_with
from bot.escalations import effects, service
from bot.escalations.form import EscalationForm, form_from_payload, form_to_payload
from bot.grouped_writes import Insert
from bot.runtime import Services


def form_to_keep(
    dialect: str,
    form: EscalationForm,
    *,
    opened_by: str,
    now: datetime,
    response_url: str | None = None,
) -> Insert:
    """The ledger row that keeps the form for `make_record`: one insert, so the ack stays
    fast."""
    return ledger.schedule_later(
        dialect,
        subject=f"form:{uuid.uuid4().hex}",
        kind=DeliveryKind.OPEN_ESCALATION,
        slot="open",
        due_at=now,
        payload={
            "form": form_to_payload(form),
            "opened_by": opened_by,
            "submitted_at": now.isoformat(),
            "response_url": response_url,
        },
    )


def make_record(services: Services, job: Job) -> Outcome:
    """The escalation the kept form describes, dated when it was submitted."""
    return settle_with(
        services,
        job,
        lambda session: service.open_escalation(
            session,
            form_from_payload(dict(job.payload["form"])),
            opened_by=job.payload["opened_by"],
            now=datetime.fromisoformat(job.payload["submitted_at"]),
            settings=services.settings,
            response_url=job.payload.get("response_url"),
        ),
    )


def tell_record_failed(services: Services, job: Job, error: str) -> None:
    """The opener learns the escalation was not opened, with what they typed."""
    form = form_from_payload(dict(job.payload["form"]))
    with services.sessions.begin() as session:
        effects.direct_message(
            session,
            job.payload["opened_by"],
            notices.escalation_not_opened(form.customer, form.project, form.summary, error),
            services.clock.now(),
            slot=f"failed:{job.id}",
        )
