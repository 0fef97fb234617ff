"""Builders for what people type, so tests say only what matters to their story."""

from __future__ import annotations

from typing import Any

from bot.domain import OpenField
from tests.world import World

_SENTINEL = object()


def _text(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def _select(value: str | None) -> dict[str, Any]:
    return {
        "type": "static_select",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}
        if value
        else None,
    }


def _user(user_id: str | None) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user_id}


def _channel(channel_id: str | None) -> dict[str, Any]:
    return {"type": "conversations_select", "selected_conversation": channel_id}


def _url(value: str | None) -> dict[str, Any]:
    return {"type": "url_text_input", "value": value}


def open_form(world: World, severity: str = "sev1", **overrides: Any) -> dict[str, Any]:
    """State values of a fully and correctly filled open-escalation modal; override any field
    by its OpenField name (lower case) with a raw value, or None to leave it empty."""
    fields: dict[str, Any] = {
        "customer": "Acme Corp",
        "project": "Acme - Phase 2 rollout",
        "level": "critical" if severity == "sev1" else None,
        "triggers": ["formal_escalation"] if severity == "sev1" else ["behind_schedule"],
        "summary": "Customer CIO escalated: go-live slipped twice, threatens to withhold payment.",
        "health": "red",
        "path_to_green": "Add a senior engineer, re-baseline go-live for Dec 12.",
        "dri": world.pm,
        "manager": world.manager,
        "director": world.director,
        "ae": world.ae,
        "csm": world.csm,
        "internal_channel": world.internal_channel,
        "customer_channel": world.customer_channel,
        "psa_link": "https://psa.example.com/projects/42",
        "tracker_link": "https://app.clickup.com/t/abc",
        "document_link": "https://docs.example.com/acme-escalation",
        "new_msa": False,
    }
    fields.update(overrides)
    builders = {
        OpenField.CUSTOMER: _text,
        OpenField.PROJECT: _text,
        OpenField.SUMMARY: _text,
        OpenField.PATH_TO_GREEN: _text,
        OpenField.LEVEL: _select,
        OpenField.HEALTH: _select,
        OpenField.DRI: _user,
        OpenField.MANAGER: _user,
        OpenField.DIRECTOR: _user,
        OpenField.AE: _user,
        OpenField.CSM: _user,
        OpenField.INTERNAL_CHANNEL: _channel,
        OpenField.CUSTOMER_CHANNEL: _channel,
        OpenField.PSA_LINK: _url,
        OpenField.TRACKER_LINK: _url,
        OpenField.DOCUMENT_LINK: _url,
    }
    values: dict[str, Any] = {}
    for name, build in builders.items():
        if name is OpenField.LEVEL and severity != "sev1":
            continue
        values[name.value] = {name.value: build(fields[name.value])}
    values[OpenField.CONTRACT.value] = {
        OpenField.CONTRACT.value: {
            "type": "checkboxes",
            "selected_options": [{"value": "new_msa"}] if fields.get("new_msa") else [],
        }
    }
    values[OpenField.TRIGGERS.value] = {
        OpenField.TRIGGERS.value: {
            "type": "multi_static_select",
            "selected_options": [
                {"value": code, "text": {"type": "plain_text", "text": code}}
                for code in fields["triggers"] or []
            ],
        }
    }
    return values
