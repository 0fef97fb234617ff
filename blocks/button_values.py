"""What a button carries back to us when it is clicked (and a modal in its metadata): a
small JSON object whose keys say what they hold.

Buttons posted before the keys had names carry one letter each (`{"e": 1, "k": "morning"}`).
Those messages stay in people's DMs and threads, clickable, for as long as Slack keeps them,
so every reader here takes the old letters too; only the writers moved to the names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain import AttemptKind, SalesOpsOutcome

# The one-letter keys of buttons already in Slack, per kind of button, and what they meant.
# ("w" was the week on a weekly-review button but the wait on a customer's.)
PROMPT_LETTERS = {"e": "escalation_id", "k": "kind", "s": "slot"}
WEEKLY_REVIEW_LETTERS = {"e": "escalation_id", "w": "week"}
WAIT_LETTERS = {"w": "wait_id", "a": "attempt", "o": "outcome"}
TRIGGER_LETTERS = {"e": "escalation_id", "t": "trigger"}


def encode(**fields: str | int) -> str:
    """A button's value: the fields by name, compact (Slack allows 2000 characters)."""
    return json.dumps(fields, separators=(",", ":"))


def decode(raw: str, letters: Mapping[str, str]) -> dict[str, Any]:
    """The fields of a value by name, whether it was written with names or with `letters`."""
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError(f"not a button value: {raw[:80]!r}")
    return {letters.get(key, key): item for key, item in value.items()}


@dataclass(frozen=True)
class PromptClick:
    """A button on a DRI's prompt: which escalation, which prompt, which slot of it."""

    escalation_id: int
    kind: str = ""
    slot: str = ""


@dataclass(frozen=True)
class WeeklyReviewClick:
    """The weekly review button (and its form's metadata): which escalation, which ISO week."""

    escalation_id: int
    week: str


@dataclass(frozen=True)
class AttemptClick:
    """The DRI confirming an attempt to reach a quiet customer."""

    wait_id: int
    attempt: AttemptKind


@dataclass(frozen=True)
class OutcomeClick:
    """Sales Ops choosing what happens to a customer who stayed silent."""

    wait_id: int
    outcome: SalesOpsOutcome


@dataclass(frozen=True)
class TriggerClick:
    """Accepting a trigger the tracking notes suggested."""

    escalation_id: int
    trigger: str


def prompt_click(raw: str) -> PromptClick:
    fields = decode(raw, PROMPT_LETTERS)
    return PromptClick(
        int(fields["escalation_id"]), str(fields.get("kind", "")), str(fields.get("slot", ""))
    )


def weekly_review_click(raw: str) -> WeeklyReviewClick:
    fields = decode(raw, WEEKLY_REVIEW_LETTERS)
    return WeeklyReviewClick(int(fields["escalation_id"]), str(fields["week"]))


def attempt_click(raw: str) -> AttemptClick:
    fields = decode(raw, WAIT_LETTERS)
    return AttemptClick(int(fields["wait_id"]), AttemptKind(fields["attempt"]))


def outcome_click(raw: str) -> OutcomeClick:
    fields = decode(raw, WAIT_LETTERS)
    return OutcomeClick(int(fields["wait_id"]), SalesOpsOutcome(fields["outcome"]))


def trigger_click(raw: str) -> TriggerClick:
    fields = decode(raw, TRIGGER_LETTERS)
    return TriggerClick(int(fields["escalation_id"]), str(fields["trigger"]))


def escalation_id_in(raw: str | None) -> int | None:
    """The escalation a button value or a modal's metadata names, in any of the shapes they
    take: a bare id (`"12"`), `{"escalation_id": 12}`, or an old button's `{"e": 12}`.
    None when it names none."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, dict):
        named = value.get("escalation_id", value.get("e"))
        if isinstance(named, int) and not isinstance(named, bool):
            return named
        if isinstance(named, str) and named.isdigit():
            return int(named)
    return None
