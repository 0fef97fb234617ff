"""The modal a PM fills to open an escalation (`/escalate sev1|sev2 [customer]`)."""

from __future__ import annotations

import functools
import json
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    InputInteractiveElement,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from blocks.modal import context_line, form_modal, url_input
from blocks.text import clip, escape
from bot.domain import Health, Level, OpenField, Severity, triggers_for

CALLBACK_ID = "open_escalation"


def _input(
    field: OpenField,
    label: str,
    element: InputInteractiveElement,
    *,
    optional: bool = False,
    hint: str | None = None,
) -> InputBlock:
    element.action_id = field.value
    return InputBlock(
        block_id=field.value, label=label, element=element, optional=optional, hint=hint
    )


def _text(
    field: OpenField,
    label: str,
    *,
    multiline: bool = False,
    max_length: int = 200,
    optional: bool = False,
    placeholder: str | None = None,
    initial: str | None = None,
    hint: str | None = None,
) -> InputBlock:
    element = PlainTextInputElement(
        multiline=multiline,
        max_length=max_length,
        placeholder=placeholder,
        # Slack refuses the whole view if a prefilled value is longer than the field allows.
        initial_value=clip(initial, max_length) if initial else None,
    )
    return _input(field, label, element, optional=optional, hint=hint)


def _person(
    field: OpenField,
    label: str,
    *,
    optional: bool,
    initial: str | None = None,
    hint: str | None = None,
) -> InputBlock:
    element = UserSelectElement(placeholder="Choose a person", initial_user=initial)
    return _input(field, label, element, optional=optional, hint=hint)


def _channel(field: OpenField, label: str, hint: str) -> InputBlock:
    element = ConversationSelectElement(
        placeholder="Choose a channel",
        filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
    )
    return _input(field, label, element, optional=True, hint=hint)


def _link(field: OpenField, label: str, placeholder: str) -> InputBlock:
    return _input(field, label, url_input(placeholder=placeholder), optional=True)


def _trigger_select(severity: Severity) -> StaticMultiSelectElement:
    groups: dict[str, list[Option]] = {}
    for trigger in triggers_for(severity):
        groups.setdefault(trigger.group, []).append(Option(value=trigger.code, label=trigger.label))
    return StaticMultiSelectElement(
        placeholder="At least one",
        option_groups=[OptionGroup(label=name, options=opts) for name, opts in groups.items()],
    )


def open_escalation_modal(
    severity: Severity,
    *,
    customer: str = "",
    opener: str | None = None,
    director: str | None = None,
    metadata: dict[str, Any] | None = None,
    sync_hours: float = 4,
) -> View:
    """The open-escalation form; `metadata` travels back in `private_metadata` on submit.
    `sync_hours` is the configured window of a Critical's immediate sync, as promised."""
    if severity is Severity.WATCH:
        return watch_modal(customer=customer, opener=opener, metadata=metadata)
    health_options = [Option(value=h.value, label=f"{h.label}") for h in Health]
    fields: list[Block] = [
        context_line(
            "*Sev 1*: the customer is escalating. Phase 1 must be complete within 24 hours."
            if severity is Severity.SEV1
            else "*Sev 2*: internal project health. Leadership reviews it at the Y/R portfolio call."
        ),
        _text(OpenField.CUSTOMER, "Customer", initial=customer, placeholder="Acme Corp"),
        _text(OpenField.PROJECT, "Project", placeholder="Acme - Phase 2 rollout"),
    ]
    if severity is Severity.SEV1:
        fields.append(
            _input(
                OpenField.LEVEL,
                "Level",
                StaticSelectElement(
                    placeholder="How bad is it?",
                    options=[Option(value=level.value, label=level.label) for level in Level],
                ),
                hint=(
                    "Critical: I ask the Director PS and leadership by DM to hold a sync within "
                    f"{sync_hours:g} h and remind them until someone records it. Customer update "
                    "due daily (Medium: every other day)."
                ),
            )
        )
    fields += [
        _input(OpenField.TRIGGERS, "Triggers", _trigger_select(severity)),
        _text(
            OpenField.SUMMARY,
            "Summary",
            multiline=True,
            max_length=3000,
            placeholder="What happened, what the customer said, what is at stake",
        ),
    ]
    # A Sev 2 starts Red (its updates move it); only a Sev 1's health is chosen here.
    if severity is Severity.SEV1:
        fields.append(
            _input(
                OpenField.HEALTH,
                "Health",
                StaticSelectElement(options=health_options, initial_option=health_options[0]),
            )
        )
    fields += [
        _text(
            OpenField.PATH_TO_GREEN,
            "Path to green",
            multiline=True,
            max_length=3000,
            optional=severity is Severity.SEV1,
            placeholder="Mitigations, timeline estimates, resource needs",
        ),
        _person(
            OpenField.DRI,
            "DRI (directly responsible)",
            optional=False,
            initial=opener,
            hint="Gets the daily prompts.",
        ),
        _person(OpenField.MANAGER, "DRI's direct manager", optional=False),
        _person(OpenField.DIRECTOR, "Director PS", optional=False, initial=director),
        _person(OpenField.AE, "Account executive (AE)", optional=True),
        _person(OpenField.CSM, "Customer success manager (CSM)", optional=True),
        _channel(
            OpenField.INTERNAL_CHANNEL,
            "Internal project channel",
            "Gets a link to the leadership thread.",
        ),
        _channel(
            OpenField.CUSTOMER_CHANNEL,
            "Customer channel",
            "Only text you mark customer-safe is ever posted here.",
        ),
        _link(OpenField.PSA_LINK, "PSA / Kantata project", "https://..."),
        _link(OpenField.TRACKER_LINK, "Tracker (e.g. ClickUp)", "https://..."),
        _link(OpenField.DOCUMENT_LINK, "Tracking document", "https://..."),
        _input(
            OpenField.CONTRACT,
            "Contract",
            CheckboxesElement(options=[Option(value="new_msa", label="Sold under the new MSA")]),
            optional=True,
            hint="If the customer goes quiet, new-MSA projects follow the hours-expired closure path.",
        ),
    ]
    return form_modal(
        callback_id=CALLBACK_ID,
        title=f"Open {severity.short} escalation",
        submit="Open escalation",
        private_metadata=json.dumps({"severity": severity.value, **(metadata or {})}),
        blocks=fields,
    )


def open_escalation_view(
    severity: Severity,
    *,
    customer: str = "",
    opener: str | None = None,
    director: str | None = None,
    metadata: dict[str, Any] | None = None,
    sync_hours: float = 4,
) -> dict[str, Any]:
    """`open_escalation_modal` as the dict views.open sends, from a cached rendering.

    Rendering the form through slack_sdk's models validates every element again on each
    to_dict: 3 ms of the slash command's work, every time, for a form that differs only in
    the prefilled customer and DRI and the metadata. Those three are set on a copy of the form
    rendered once per severity, director and sync window (same result, tested).
    """
    if severity is Severity.WATCH:
        return watch_modal(customer=customer, opener=opener, metadata=metadata).to_dict()
    view: dict[str, Any] = json.loads(_rendered_form(severity, director, sync_hours))
    blocks = {block.get("block_id"): block for block in view["blocks"]}
    if customer:
        customer_input = blocks[OpenField.CUSTOMER.value]["element"]
        customer_input["initial_value"] = clip(customer, customer_input["max_length"])
    if opener:
        blocks[OpenField.DRI.value]["element"]["initial_user"] = opener
    view["private_metadata"] = json.dumps({"severity": severity.value, **(metadata or {})})
    return view


@functools.lru_cache(maxsize=32)
def _rendered_form(severity: Severity, director: str | None, sync_hours: float) -> str:
    return json.dumps(
        open_escalation_modal(severity, director=director, sync_hours=sync_hours).to_dict()
    )


def watch_modal(
    *, customer: str = "", opener: str | None = None, metadata: dict[str, Any] | None = None
) -> View:
    """The form to watch a project without escalating it (`/escalate watch [customer]`): what
    the customer ladder and flags need, and nothing of Phase 1."""
    fields: list[Block] = [
        context_line(
            "*Watch*: a project to keep an eye on (a stalled customer, an onboarding worry). "
            "No leadership post, no checklist, no daily prompts; the customer-silence ladder and "
            "urgent flags work on it, and it can be escalated later."
        ),
        _text(OpenField.CUSTOMER, "Customer", initial=customer, placeholder="Acme Corp"),
        _text(OpenField.PROJECT, "Project", placeholder="Acme - onboarding"),
        _text(
            OpenField.SUMMARY,
            "Why watch it",
            multiline=True,
            max_length=3000,
            placeholder="What worries you, what you are waiting on",
        ),
        _person(OpenField.DRI, "DRI (PM)", optional=False, initial=opener),
        _person(
            OpenField.MANAGER,
            "DRI's direct manager",
            optional=False,
            hint="Told if the customer stays silent for four weeks.",
        ),
        _person(
            OpenField.AE,
            "Account executive (AE)",
            optional=True,
            hint="The sales contact the ladder escalates to at two weeks.",
        ),
        _person(OpenField.CSM, "Customer success manager (CSM)", optional=True),
        _channel(
            OpenField.INTERNAL_CHANNEL,
            "Internal project channel",
            "Gets the watch card; its notes are replies under it. Without one, the DRI's DM.",
        ),
        _link(OpenField.PSA_LINK, "PSA / Kantata project", "https://..."),
        _link(OpenField.TRACKER_LINK, "Tracker (e.g. ClickUp)", "https://..."),
        _input(
            OpenField.CONTRACT,
            "Contract",
            CheckboxesElement(options=[Option(value="new_msa", label="Sold under the new MSA")]),
            optional=True,
            hint="If the customer goes quiet, new-MSA projects follow the hours-expired closure path.",
        ),
    ]
    return form_modal(
        callback_id=CALLBACK_ID,
        title="Watch a project",
        submit="Watch",
        private_metadata=json.dumps({"severity": Severity.WATCH.value, **(metadata or {})}),
        blocks=fields,
    )


def opened_modal(customer: str, channel_label: str) -> View:
    """What the modal turns into once the form is saved (the record follows in moments)."""
    return View(
        type="modal",
        title=PlainTextObject(text="Escalation saved"),
        close=PlainTextObject(text="Done"),
        blocks=[
            context_line(
                f"Your escalation for *{escape(clip(customer, 200))}* is saved. I'm opening it, "
                f"posting and pinning it in {channel_label} now, and will send you the link."
            )
        ],
    )
