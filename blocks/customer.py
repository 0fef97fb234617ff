"""Waiting on the customer: the modals, and what each step of the ladder says to whom."""

from __future__ import annotations

import json
from collections.abc import Sequence
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
    UserSelectElement,
)
from slack_sdk.models.views import View

from blocks import button_values
from blocks.escalation import RESOLVE, title
from blocks.layout import section
from blocks.modal import context_line, form_modal
from blocks.text import MESSAGE_LIMIT, TEXT_LIMIT, clip, escape, link, mention, when
from bot.domain import AttemptKind, Role, SalesOpsOutcome, WaitKind
from bot.models import ContactAttempt, CustomerWait, Escalation

WAIT_CALLBACK = "waiting_on_customer"
OOO_CALLBACK = "customer_out_of_office"
CUSTOMER_RESPONDED = "wait_customer_responded"
OUT_OF_OFFICE = "wait_out_of_office"
SALES_OPS_OUTCOME = "wait_sales_ops_outcome"
SALES_OPS_CALLBACK = "sales_ops_outcome"
SALES_OPS_EXPORT = "wait_sales_ops_export"
CONFIRM_ATTEMPT = "wait_attempt_confirmed"
NAME_SALES_CONTACT = "wait_name_sales_contact"
NOTES_LIMIT = 3000
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
                f"*{escape(title(escalation))}*: "
                + (
                    "sold under the new MSA, so from day 7 you are prompted through the Hours "
                    "Expired closure"
                    if escalation.new_msa
                    else "the ladder (stalled, sales contact, final notice, Sales Ops) runs"
                )
                + " from the request date until you mark the customer as responded."
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


def _head(escalation: Escalation, wait: CustomerWait, days: int) -> str:
    return (
        f":hourglass: *{escape(title(escalation))}*: no answer from "
        f"{_customer(escalation)} for {days} days ({_asked(wait)})."
    )


def _contact_role(escalation: Escalation, contact: str) -> str:
    return "the AE" if contact == escalation.person(Role.AE) else "the sales contact"


def _attempt_button(wait: CustomerWait, kind: AttemptKind) -> ButtonElement:
    """The DRI's confirmation that they made this attempt; the hand-off lists it."""
    return ButtonElement(
        text=kind.button,
        action_id=CONFIRM_ATTEMPT,
        value=button_values.encode(wait_id=wait.id, attempt=kind.value),
        style="primary",
    )


def ladder_dri_prompt(
    escalation: Escalation, wait: CustomerWait, step: int, days: int
) -> list[Block]:
    """What the DRI must do at each step (1-4) of the stalled-customer procedure, with the
    button that confirms the attempt (steps 1-3)."""
    attempt = (AttemptKind.STALLED_NOTICE, AttemptKind.CALLED, AttemptKind.FINAL_NOTICE)
    contact = wait.sales_contact
    extra: list[Block] = []
    if step == 1:
        todo = (
            "The escalation is now *stalled* (dependency: customer). Please:\n"
            "1. Set the PSA project status to *Stalled*, dependency *Customer*\n"
            "2. Add a *Stalled* task: start today, end in 7 days\n"
            "3. Send the *Project Stalled* template to the customer and their project sponsor\n"
            "Press *Stalled notice sent* once it is out."
        )
    elif step == 2:
        if contact:
            reached = f"I've escalated to {_contact_role(escalation, contact)} {mention(contact)}."
        else:
            reached = (
                "There is *no AE* on the record and no sales manager is configured, so no "
                "sales contact has been told. Name the sales contact below and I'll escalate "
                "to them."
            )
            extra.append(sales_contact_picker(wait))
        todo = (
            "Second attempt: *call* the customer, then send the *Project Stalled 2nd attempt "
            f"voicemail follow up* email. Press *Called and emailed* once done. {reached}"
        )
    elif step == 3:
        todo = (
            "Send the *Project Stalled Final Notice*: the project is pulled from the schedule "
            "and under review for closure. Press *Final notice sent* once it is out."
        )
    else:
        todo = (
            "Sales Ops takes over: set the PSA status reason to *Escalated*, dependency *Sales "
            "Ops*, and put the stalled task's notes in the project chatter for them. The hand-"
            "off lists the attempts you confirmed."
        )
    buttons = wait_buttons(wait)
    if step <= len(attempt):
        buttons.elements.insert(0, _attempt_button(wait, attempt[step - 1]))
    # What to do gets a section of its own: a long request can't push it out.
    return [section(_head(escalation, wait, days)), section(todo), *extra, buttons]


def sales_contact_picker(wait: CustomerWait) -> ActionsBlock:
    """Lets the DRI name the sales contact when the escalation has no AE."""
    return ActionsBlock(
        block_id=f"sales_contact:{wait.id}",
        elements=[
            UserSelectElement(action_id=NAME_SALES_CONTACT, placeholder="Name the sales contact")
        ],
    )


def hours_expired_prompt(
    escalation: Escalation, wait: CustomerWait, days: int, *, reminder: bool
) -> list[Block]:
    """A new-MSA project's silent customer: the DRI is prompted through the Project Closure -
    Hours Expired process, never the stalled procedure."""
    todo = (
        "This project was sold under the *new MSA*, so it follows *Project Closure - Hours "
        "Expired* instead of the stalled procedure (no stalled status, AE, final notice or "
        "Sales Ops steps). Please:\n"
        "1. Close the project in the PSA under the *Hours Expired* process\n"
        "2. Press *Resolve* to record the closure (final resolution, customer sign-off or "
        "why not, lessons learned)\n"
        "If the customer answers first, press *Customer responded*."
    )
    if reminder:
        todo = f"Reminder: the *Hours Expired* closure is still open.\n{todo}"
    buttons = wait_buttons(wait)
    buttons.elements.insert(
        0,
        ButtonElement(text="Resolve", action_id=RESOLVE, value=str(escalation.id), style="primary"),
    )
    return [section(_head(escalation, wait, days)), section(todo), buttons]


def hours_expired_thread_note(escalation: Escalation, wait: CustomerWait, days: int) -> str:
    return clip(
        f":hourglass: {escalation.key}: no answer from {_customer(escalation)} for {days} days "
        f"({_asked(wait)}). Sold under the new MSA: {mention(escalation.person(Role.DRI))} is "
        "prompted through *Project Closure - Hours Expired* (no stalled procedure).",
        MESSAGE_LIMIT,
    )


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
    if step == 2 and wait.sales_contact:
        return (
            f":telephone_receiver: {mention(wait.sales_contact)} {_customer(escalation)} "
            f"hasn't responded for {days} days; escalating to you as the sales contact. "
            f"Issue: {escape(clip(escalation.summary, 300))}. Waiting on: {_asked(wait)}."
        )
    if step == 2:
        return (
            f":telephone_receiver: {escalation.key}: {_customer(escalation)} hasn't responded "
            f"for {days} days. There is no AE on the record and no sales manager is "
            f"configured, so no sales contact has been told: "
            f"{mention(escalation.person(Role.DRI))}, please name one (asked by DM)."
        )
    if step == 3:
        return (
            f":envelope: {escalation.key}: {days} days without an answer. The DRI is sending "
            "the final notice (pulled from schedule, under review for closure)."
        )
    looped = " ".join(mention(u) for u in (escalation.person(Role.MANAGER), sponsor) if u)
    after = (
        f"after the escalation to the sales contact {mention(wait.sales_contact)}"
        if wait.sales_contact
        else "(no sales contact was reached)"
    )
    return (
        f":sos: {looped} {_customer(escalation)} has been unresponsive for {days} days "
        f"{after}. Handing {escalation.key} to Sales Ops (status reason: "
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


def _attempt_lines(attempts: Sequence[ContactAttempt]) -> list[str]:
    """Each attempt of the stalled procedure: confirmed (by whom, when), or said not to be."""
    confirmed = {attempt.kind: attempt for attempt in attempts}
    lines = []
    for kind in AttemptKind:
        attempt = confirmed.get(kind)
        if attempt is None:
            lines.append(f":grey_question: {kind.label}: *not confirmed* by the DRI")
        else:
            lines.append(
                f":white_check_mark: {kind.label}: confirmed by {mention(attempt.confirmed_by)} "
                f"on {when(attempt.confirmed_at, '{date_short}')}"
            )
    return lines


def sales_ops_blocks(
    escalation: Escalation, wait: CustomerWait, days: int, attempts: Sequence[ContactAttempt]
) -> list[Block]:
    """The hand-off: what the customer owes, the attempts as confirmed, who was reached, the
    export, and the outcome buttons (each opens a form for notes)."""
    if wait.sales_contact and wait.sales_contact_at:
        contact = (
            f"Sales contact {mention(wait.sales_contact)} told on "
            f"{when(wait.sales_contact_at, '{date_short}')}."
        )
    else:
        contact = "No sales contact was reached (no AE on the record, none named)."
    thread = (
        f" {link(escalation.root_permalink, 'Escalation thread')}."
        if escalation.root_permalink
        else ""
    )
    return [
        section(
            f":sos: *Sales Ops hand-off: {escape(title(escalation))}*\n"
            f"No answer from {_customer(escalation)} for {days} days. Waiting on: "
            f"{_asked(wait)}.\nIssue: {escape(clip(escalation.summary, 500))}\n"
            f"PM: {mention(escalation.person(Role.DRI))}."
        ),
        section("*Attempts to reach the customer*\n" + "\n".join(_attempt_lines(attempts))),
        section(
            f"{contact}{thread} The full record and timeline: *Export record* (a Markdown "
            f"file by DM) or `/escalate export {escalation.key}`.\nPlease record the outcome:"
        ),
        ActionsBlock(
            block_id=f"sales_ops:{wait.id}",
            elements=[
                *(
                    ButtonElement(
                        text=outcome.label,
                        action_id=f"{SALES_OPS_OUTCOME}:{outcome.value}",
                        value=button_values.encode(wait_id=wait.id, outcome=outcome.value),
                        style="primary" if outcome is SalesOpsOutcome.CONTINUE else None,
                    )
                    for outcome in SalesOpsOutcome
                ),
                ButtonElement(
                    text="Export record", action_id=SALES_OPS_EXPORT, value=str(escalation.id)
                ),
            ],
        ),
    ]


def sales_ops_text(escalation: Escalation) -> str:
    return f"Sales Ops hand-off: {escalation.key}"


def sales_ops_modal(escalation: Escalation, wait: CustomerWait, outcome: SalesOpsOutcome) -> View:
    """Sales Ops' outcome with their notes on the discussion (the seed's chatter notes)."""
    options = [Option(value=o.value, label=o.label) for o in SalesOpsOutcome]
    return form_modal(
        callback_id=SALES_OPS_CALLBACK,
        title="Sales Ops outcome",
        submit="Record",
        private_metadata=json.dumps({"wait_id": wait.id}),
        blocks=[
            context_line(
                f"*{escape(title(escalation))}*: the PM "
                f"{mention(escalation.person(Role.DRI))} is told what to do next."
            ),
            InputBlock(
                block_id="outcome",
                label="Outcome",
                element=RadioButtonsElement(
                    action_id="outcome",
                    options=options,
                    initial_option=options[list(SalesOpsOutcome).index(outcome)],
                ),
            ),
            InputBlock(
                block_id="notes",
                label="Notes: your discussion with the customer, the project's status",
                optional=True,
                element=PlainTextInputElement(
                    action_id="notes", multiline=True, max_length=NOTES_LIMIT
                ),
            ),
        ],
    )


def attempt_confirmed_note(escalation: Escalation, attempt: ContactAttempt) -> str:
    return (
        f":white_check_mark: {mention(attempt.confirmed_by)} confirmed for {escalation.key}: "
        f"{attempt.kind.label}."
    )


def sales_contact_named_note(
    escalation: Escalation, wait: CustomerWait, actor: str, days: int
) -> str:
    return clip(
        f":telephone_receiver: {mention(wait.sales_contact)} {_customer(escalation)} hasn't "
        f"responded for {days} days; {mention(actor)} named you as the sales contact and I'm "
        f"escalating to you. Issue: {escape(clip(escalation.summary, 300))}. "
        f"Waiting on: {_asked(wait)}.",
        MESSAGE_LIMIT,
    )


def psa_reset_text(escalation: Escalation, why: str) -> str:
    """The DRI's prompt to put the PSA project back to work (once Sales Ops has the project back)."""
    return clip(
        f":arrows_counterclockwise: {escalation.key}: {why}. Please reset the PSA project: "
        "status reason *Active*, dependency *None*.",
        TEXT_LIMIT,
    )


def closure_asked(escalation: Escalation, outcome: SalesOpsOutcome) -> list[Block]:
    """The DRI's prompt to complete closure after Sales Ops moved the project toward an end."""
    return [
        section(
            f":checkered_flag: *{escape(title(escalation))}*: Sales Ops recorded "
            f"*{outcome.label}*. The escalation is *resolving*: complete closure with *Resolve* "
            "(final resolution, customer sign-off or why not, lessons learned)."
        ),
        ActionsBlock(
            block_id=f"closure_asked:{escalation.id}",
            elements=[
                ButtonElement(
                    text="Resolve", action_id=RESOLVE, value=str(escalation.id), style="primary"
                )
            ],
        ),
    ]
