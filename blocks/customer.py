"""Waiting on the customer: the modals, and what each step of the ladder says to whom."""

from __future__ import annotations

import json
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from blocks.escalation import title
from blocks.layout import section
from blocks.modal import context_line, form_modal
from blocks.text import MESSAGE_LIMIT, clip, escape, mention, when
from bot.domain import Role, SalesOpsOutcome, WaitKind
from bot.models import CustomerWait, Escalation

WAIT_CALLBACK = "waiting_on_customer"
OOO_CALLBACK = "customer_out_of_office"
CUSTOMER_RESPONDED = "wait_customer_responded"
OUT_OF_OFFICE = "wait_out_of_office"
SALES_OPS_OUTCOME = "wait_sales_ops_outcome"
HOW_OPTIONS = ("Email", "Call", "Slack", "Meeting", "Other")


def wait_modal(escalation: Escalation, today: date) -> View:
    kinds = [
        Option(value=WaitKind.REQUEST.value, label="We asked; no answer yet"),
        Option(
            value=WaitKind.MISSED_APPOINTMENT.value,
            label="Missed an appointment / deadline without notice",
        ),
    ]
    return form_modal(
        callback_id=WAIT_CALLBACK,
        title="Waiting on customer",
        submit="Start timer",
        private_metadata=json.dumps({"escalation_id": escalation.id}),
        blocks=[
            context_line(
                f"*{escape(title(escalation))}*: the ladder (stalled, AE, final notice, Sales "
                "Ops) runs from the request date until you mark the customer as responded."
            ),
            InputBlock(
                block_id="kind",
                label="What happened",
                element=RadioButtonsElement(
                    action_id="kind", options=kinds, initial_option=kinds[0]
                ),
            ),
            InputBlock(
                block_id="asked",
                label="What we asked for / what was missed",
                element=PlainTextInputElement(action_id="asked", multiline=True, max_length=1000),
            ),
            InputBlock(
                block_id="asked_on",
                label="Request date",
                element=DatePickerElement(action_id="asked_on", initial_date=today.isoformat()),
            ),
            InputBlock(
                block_id="how",
                label="How",
                optional=True,
                element=StaticSelectElement(
                    action_id="how", options=[Option(value=h, label=h) for h in HOW_OPTIONS]
                ),
            ),
        ],
    )


def ooo_modal(escalation: Escalation, wait: CustomerWait, today: date) -> View:
    return form_modal(
        callback_id=OOO_CALLBACK,
        title="Out of office",
        submit="Pause ladder",
        private_metadata=json.dumps({"escalation_id": escalation.id, "wait_id": wait.id}),
        blocks=[
            context_line(
                f"The customer's out-of-office pauses the ladder for {escalation.key} until:"
            ),
            InputBlock(
                block_id="until",
                label="Back on",
                element=DatePickerElement(action_id="until", initial_date=today.isoformat()),
            ),
        ],
    )


def wait_buttons(wait: CustomerWait) -> ActionsBlock:
    return ActionsBlock(
        block_id=f"wait:{wait.id}",
        elements=[
            ButtonElement(
                text="Customer responded",
                action_id=CUSTOMER_RESPONDED,
                value=str(wait.id),
                style="primary",
            ),
            ButtonElement(text="Out of office until…", action_id=OUT_OF_OFFICE, value=str(wait.id)),
        ],
    )


def _customer(escalation: Escalation) -> str:
    return escape(clip(escalation.customer, 200))


def _asked(wait: CustomerWait) -> str:
    how = f" via {escape(clip(wait.how, 40).lower())}" if wait.how else ""
    if wait.kind is WaitKind.MISSED_APPOINTMENT:
        return f"missed without notice: {escape(clip(wait.asked, 300))}"
    return f"asked{how} on {when(wait.asked_at, '{date_short}')}: {escape(clip(wait.asked, 300))}"


def waiting_started(escalation: Escalation, wait: CustomerWait) -> list[Block]:
    return [
        section(
            f":hourglass_flowing_sand: Waiting on {_customer(escalation)} "
            f"({_asked(wait)}). Logged by {mention(wait.recorded_by)}."
        ),
        wait_buttons(wait),
    ]


def ladder_dri_prompt(
    escalation: Escalation, wait: CustomerWait, step: int, days: int
) -> list[Block]:
    """What the DRI must do at each step (1-4) of the stalled-customer procedure."""
    head = (
        f":hourglass: *{escape(title(escalation))}*: no answer from "
        f"{_customer(escalation)} for {days} days ({_asked(wait)})."
    )
    if step == 1 and escalation.new_msa:
        todo = (
            "This project was sold under the *new MSA*: follow the *Project Closure - Hours "
            "Expired* process instead of the stalled procedure."
        )
    elif step == 1:
        todo = (
            "The escalation is now *stalled* (dependency: customer). Please:\n"
            "1. Set the PSA project status to *Stalled*, dependency *Customer*\n"
            "2. Add a *Stalled* task: start today, end in 7 days\n"
            "3. Send the *Project Stalled* template to the customer and their project sponsor"
        )
    elif step == 2:
        todo = (
            "Second attempt: *call* the customer, then send the *Project Stalled 2nd attempt "
            f"voicemail follow up* email. I've escalated to the AE "
            f"{mention(escalation.person(Role.AE))}."
        )
    elif step == 3:
        todo = (
            "Send the *Project Stalled Final Notice*: the project is pulled from the schedule "
            "and under review for closure."
        )
    else:
        todo = (
            "Handed to Sales Ops (status reason *Escalated*, dependency *Sales Ops*). Put the "
            "stalled task's notes in the project chatter for them."
        )
    # What to do gets a section of its own: a long request can't push it out.
    return [section(head), section(todo), wait_buttons(wait)]


def ladder_thread_note(
    escalation: Escalation, wait: CustomerWait, step: int, days: int, *, sponsor: str | None
) -> str:
    return clip(_ladder_thread_note(escalation, wait, step, days, sponsor=sponsor), MESSAGE_LIMIT)


def _ladder_thread_note(
    escalation: Escalation, wait: CustomerWait, step: int, days: int, *, sponsor: str | None
) -> str:
    if step == 1:
        return (
            f":double_vertical_bar: {escalation.key} is *stalled* (dependency: customer): "
            f"no answer for {days} days ({_asked(wait)})."
        )
    if step == 2:
        return (
            f":telephone_receiver: {mention(escalation.person(Role.AE))} {_customer(escalation)} "
            f"hasn't responded for {days} days; escalating to you as the sales contact. "
            f"Issue: {escape(clip(escalation.summary, 300))}. Waiting on: {_asked(wait)}."
        )
    if step == 3:
        return (
            f":envelope: {escalation.key}: {days} days without an answer. The DRI is sending "
            "the final notice (pulled from schedule, under review for closure)."
        )
    looped = " ".join(mention(u) for u in (escalation.person(Role.MANAGER), sponsor) if u)
    return (
        f":sos: {looped} {_customer(escalation)} has been unresponsive for {days} days "
        f"after the AE escalation. Handing {escalation.key} to Sales Ops (status reason: "
        "Escalated, dependency: Sales Ops)."
    )


def ae_dm(escalation: Escalation, wait: CustomerWait, days: int) -> str:
    return clip(
        f":telephone_receiver: {_customer(escalation)} ({escape(clip(escalation.project, 200))}) "
        f"hasn't responded to the project team for {days} days. Issue: "
        f"{escape(clip(escalation.summary, 500))}\nWaiting on: {_asked(wait)}.\n"
        f"Can you help reach them? DRI: {mention(escalation.person(Role.DRI))}.",
        MESSAGE_LIMIT,
    )


def sales_ops_blocks(escalation: Escalation, wait: CustomerWait, days: int) -> list[Block]:
    return [
        section(
            f":sos: *Sales Ops hand-off: {escape(title(escalation))}*\n"
            f"The customer has not responded for {days} days despite the stalled notice, a call, "
            f"the AE and a final notice. Waiting on: {_asked(wait)}.\n"
            f"PM: {mention(escalation.person(Role.DRI))}. Please record the outcome:"
        ),
        ActionsBlock(
            block_id=f"sales_ops:{wait.id}",
            elements=[
                ButtonElement(
                    text=outcome.label,
                    action_id=f"{SALES_OPS_OUTCOME}:{outcome.value}",
                    value=json.dumps({"w": wait.id, "o": outcome.value}),
                    style="primary" if outcome is SalesOpsOutcome.CONTINUE else None,
                )
                for outcome in SalesOpsOutcome
            ],
        ),
    ]
