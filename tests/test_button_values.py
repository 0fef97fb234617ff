"""Button values name their fields; buttons already posted in Slack with one-letter keys
still read the same."""

from __future__ import annotations

import json

import pytest

from blocks import button_values, prompts, weekly
from blocks.button_values import (
    AttemptClick,
    OutcomeClick,
    PromptClick,
    TriggerClick,
    WeeklyReviewClick,
)
from bot.domain import AttemptKind, SalesOpsOutcome


def test_a_prompt_button_written_today_names_its_fields() -> None:
    raw = prompts.prompt_value(7, "morning", "2026-11-25")
    assert json.loads(raw) == {"escalation_id": 7, "kind": "morning", "slot": "2026-11-25"}
    assert button_values.prompt_click(raw) == PromptClick(7, "morning", "2026-11-25")


def test_a_prompt_button_posted_before_the_keys_had_names_still_reads() -> None:
    old = '{"e":7,"k":"morning","s":"2026-11-25"}'
    assert button_values.prompt_click(old) == PromptClick(7, "morning", "2026-11-25")
    assert button_values.prompt_click('{"e":7}') == PromptClick(7)


def test_a_weekly_review_button_in_both_shapes() -> None:
    raw = weekly.weekly_review_value(3, "2026-W48")
    assert json.loads(raw) == {"escalation_id": 3, "week": "2026-W48"}
    assert button_values.weekly_review_click(raw) == WeeklyReviewClick(3, "2026-W48")
    old = '{"e":3,"w":"2026-W48"}'
    assert button_values.weekly_review_click(old) == WeeklyReviewClick(3, "2026-W48")


def test_a_customer_wait_button_in_both_shapes() -> None:
    attempt = next(iter(AttemptKind))
    new = button_values.encode(wait_id=4, attempt=attempt.value)
    old = json.dumps({"w": 4, "a": attempt.value})
    assert button_values.attempt_click(new) == button_values.attempt_click(old)
    assert button_values.attempt_click(new) == AttemptClick(4, attempt)
    outcome = SalesOpsOutcome.CONTINUE
    new = button_values.encode(wait_id=4, outcome=outcome.value)
    old = json.dumps({"w": 4, "o": outcome.value})
    assert button_values.outcome_click(new) == button_values.outcome_click(old)
    assert button_values.outcome_click(new) == OutcomeClick(4, outcome)


def test_a_suggested_trigger_button_in_both_shapes() -> None:
    new = button_values.encode(escalation_id=2, trigger="scope")
    assert button_values.trigger_click(new) == TriggerClick(2, "scope")
    assert button_values.trigger_click('{"e":2,"t":"scope"}') == TriggerClick(2, "scope")


@pytest.mark.parametrize(
    ("raw", "escalation_id"),
    [
        ("12", 12),
        ('{"escalation_id": 12}', 12),
        ('{"escalation_id": 12, "version": 3}', 12),
        ('{"e": 12, "k": "morning"}', 12),
        ('{"escalation_id": "12"}', 12),
        ('{"escalation_id": null}', None),
        ('{"wait_id": 4}', None),
        ("export:12", None),
        ("", None),
        (None, None),
        ("true", None),
    ],
)
def test_the_escalation_a_value_names(raw: str | None, escalation_id: int | None) -> None:
    assert button_values.escalation_id_in(raw) == escalation_id


def test_a_value_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValueError):
        button_values.prompt_click("[1, 2]")
