"""Turning a submitted open-escalation modal into a validated form, or field-level errors."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlparse

from blocks.modal_state import ModalState
from blocks.text import INPUT_VALUE, URL_LENGTH
from bot.domain import Health, Level, LinkKind, OpenField, Role, Severity, triggers_for

# Answers "why can't this person be the DRI?" (None when they can); may consult Slack.
UserCheck = Callable[[str], str | None]

LINK_FIELDS = {
    OpenField.PSA_LINK: LinkKind.PSA,
    OpenField.TRACKER_LINK: LinkKind.TRACKER,
    OpenField.DOCUMENT_LINK: LinkKind.DOCUMENT,
}
PERSON_FIELDS = {
    OpenField.DRI: Role.DRI,
    OpenField.AE: Role.AE,
    OpenField.CSM: Role.CSM,
    OpenField.MANAGER: Role.MANAGER,
    OpenField.DIRECTOR: Role.DIRECTOR,
}


@dataclass
class EscalationForm:
    severity: Severity
    customer: str
    project: str
    summary: str
    health: Health
    level: Level | None = None
    triggers: list[str] = field(default_factory=list)
    path_to_green: str | None = None
    people: dict[Role, str] = field(default_factory=dict)
    internal_channel_id: str | None = None
    customer_channel_id: str | None = None
    links: dict[LinkKind, str] = field(default_factory=dict)
    new_msa: bool = False


_FIELD_NAMES = [f.name for f in fields(EscalationForm)]


def form_to_payload(form: EscalationForm) -> dict[str, Any]:
    """The form as JSON, to be kept in the ledger until the record is made from it."""
    # A shallow copy field by field: asdict's deep copy cost a tenth of the form's ack path.
    data = {name: getattr(form, name) for name in _FIELD_NAMES}
    data["triggers"] = list(form.triggers)
    data["people"] = {str(role): user for role, user in form.people.items()}
    data["links"] = {str(kind): url for kind, url in form.links.items()}
    return data


def form_from_payload(data: dict[str, Any]) -> EscalationForm:
    """The form `form_to_payload` kept; a field with an enum type needs its conversion here."""
    values = dict(data)
    values["severity"] = Severity(values["severity"])
    values["health"] = Health(values["health"])
    values["level"] = Level(values["level"]) if values.get("level") else None
    values["people"] = {Role(role): user for role, user in values.get("people", {}).items()}
    values["links"] = {LinkKind(kind): url for kind, url in values.get("links", {}).items()}
    return EscalationForm(**values)


# What a modal's own max_length allows; a crafted submission can still send more.
TEXT_LIMITS = {
    OpenField.CUSTOMER: 200,
    OpenField.PROJECT: 200,
    OpenField.SUMMARY: INPUT_VALUE,
    OpenField.PATH_TO_GREEN: INPUT_VALUE,
}
_SPACE = re.compile(r"\s")
_LINK_BREAKERS = re.compile(r"[<>|]")
WEB_ADDRESS = "Enter a web address starting with https:// (or http://)."


def url_problem(text: str) -> str | None:
    """Why `text` can't be stored as a link, or None.

    A stored link is written into messages as `<url|label>`: `<`, `>` or `|` in it would
    end the link early or disguise it under a label of the typist's choosing.
    """
    if len(text) > URL_LENGTH:
        return f"That address is {len(text)} characters long; links can have at most {URL_LENGTH}."
    if _SPACE.search(text):
        return "A web address has no spaces or line breaks; paste the link on its own."
    if _LINK_BREAKERS.search(text):
        return (
            "A web address can't contain <, > or |; copy the link from the browser's address bar."
        )
    parsed = urlparse(text)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        return WEB_ADDRESS
    return None


def is_web_url(text: str) -> bool:
    return url_problem(text) is None


def parse_open_form(
    severity: Severity,
    values: ModalState | Mapping[str, Any],
    *,
    leadership_channel_id: str | None,
    check_user: UserCheck,
) -> tuple[EscalationForm | None, dict[str, str]]:
    """The form, or the errors to show beside each field (block_id -> message)."""
    errors: dict[str, str] = {}
    state = ModalState.wrap(values)

    def text(name: OpenField) -> str:
        typed = state.typed(name.value).strip()
        if len(typed) > (most := TEXT_LIMITS[name]):
            errors[name.value] = f"At most {most} characters, please ({len(typed)} now)."
        return typed

    def required_text(name: OpenField, label: str) -> str:
        typed = text(name)
        if not typed:
            errors[name.value] = f"{label} is required."
        return typed

    customer = required_text(OpenField.CUSTOMER, "Customer")
    project = required_text(OpenField.PROJECT, "Project")
    summary = required_text(OpenField.SUMMARY, "A summary")
    path_to_green = text(OpenField.PATH_TO_GREEN) or None
    if severity is Severity.SEV2 and not path_to_green:
        errors[OpenField.PATH_TO_GREEN.value] = (
            "Sev 2 needs a path to green (mitigations, timeline)."
        )

    level = None
    if severity is Severity.SEV1:
        chosen = state.option(OpenField.LEVEL.value)
        if chosen in {lvl.value for lvl in Level}:
            level = Level(chosen)
        else:
            errors[OpenField.LEVEL.value] = "Choose Critical, High or Medium."

    allowed = {t.code for t in triggers_for(severity)}
    triggers = state.options(OpenField.TRIGGERS.value)
    if severity is Severity.WATCH:
        # A watched project is not escalated: it has no triggers (a crafted one is dropped).
        triggers = []
    elif not triggers:
        errors[OpenField.TRIGGERS.value] = (
            "Choose at least one trigger: it is why this is escalated."
        )
    elif unknown := [t for t in triggers if t not in allowed]:
        errors[OpenField.TRIGGERS.value] = f"Not a {severity.short} trigger: {', '.join(unknown)}."

    health_value = state.option(OpenField.HEALTH.value) or Health.RED.value
    health = Health(health_value) if health_value in {h.value for h in Health} else Health.RED
    if severity is Severity.WATCH:
        health = Health.YELLOW  # a worry, not (yet) an escalation
    if severity is Severity.SEV2:
        health = Health.RED  # a Sev 2 starts Red; its updates move it along the path to green

    people: dict[Role, str] = {}
    for name, role in PERSON_FIELDS.items():
        user_id = state.user(name.value)
        if not user_id:
            required = (OpenField.DRI, OpenField.MANAGER, OpenField.DIRECTOR)
            if name in required[: 2 if severity is Severity.WATCH else 3]:
                errors[name.value] = f"Choose the {role.label}."
            continue
        if (problem := check_user(user_id)) is not None:
            errors[name.value] = problem
            continue
        people[role] = user_id

    internal = state.conversation(OpenField.INTERNAL_CHANNEL.value)
    customer_channel = state.conversation(OpenField.CUSTOMER_CHANNEL.value)
    if customer_channel and customer_channel == leadership_channel_id:
        errors[OpenField.CUSTOMER_CHANNEL.value] = (
            "That is the leadership channel. Internal notes go there, so it can't be the "
            "customer channel."
        )
    elif customer_channel and customer_channel == internal:
        errors[OpenField.CUSTOMER_CHANNEL.value] = (
            "That is also the internal project channel; choose the channel shared with the customer."
        )

    links: dict[LinkKind, str] = {}
    for name, kind in LINK_FIELDS.items():
        url = state.typed(name.value).strip()
        if not url:
            continue
        if problem := url_problem(url):
            errors[name.value] = problem
            continue
        links[kind] = url

    if errors:
        return None, errors
    return EscalationForm(
        severity=severity,
        customer=customer,
        project=project,
        summary=summary,
        health=health,
        level=level,
        triggers=triggers,
        path_to_green=path_to_green,
        people=people,
        internal_channel_id=internal,
        customer_channel_id=customer_channel,
        links=links,
        new_msa="new_msa" in state.options(OpenField.CONTRACT.value),
    ), {}
