"""The listener middleware that finds the escalation a click or a form names: the listener
gets its id in `context`; a missing one becomes one plain message to the person."""

from __future__ import annotations

import json

from blocks import prompts as prompt_views
from bot.domain import UpdateSource
from bot.models import Update
from bot.slack.escalation_context import named_in
from tests.flows import open_escalation, post_update, wait_for_receipt, wait_for_view
from tests.harness import BotHarness


def test_the_escalation_is_named_by_a_button_value_or_a_form_metadata() -> None:
    assert named_in({"type": "block_actions", "actions": [{"value": "7"}]}) == 7
    assert named_in({"type": "block_actions", "actions": [{"value": '{"e":7,"k":"x"}'}]}) == 7
    assert named_in({"type": "block_actions", "actions": []}) is None
    view = {"private_metadata": json.dumps({"escalation_id": 7, "version": 2})}
    assert named_in({"type": "view_submission", "view": view}) == 7
    assert named_in({"type": "view_submission", "view": {"private_metadata": ""}}) is None


def test_a_button_on_an_escalation_that_does_not_exist_tells_the_person_and_opens_nothing(
    harness: BotHarness,
) -> None:
    pm, standin = harness.world.pm, harness.standin
    before = len(standin.opened_views())
    answer = harness.click("esc_post_update", "99", user=pm)
    assert answer.status == 200
    assert standin.wait_for(lambda: standin.dms_to(pm))
    [told] = standin.dms_to(pm)
    assert "ESC-99 does not exist" in told.text and "nothing was changed" in told.text
    assert len(standin.opened_views()) == before


def test_a_form_naming_a_missing_escalation_saves_nothing_and_says_so(
    harness: BotHarness,
) -> None:
    pm, standin = harness.world.pm, harness.standin
    wait_for_receipt(harness, open_escalation(harness))
    before = len(standin.opened_views())
    harness.click("esc_post_update", "1", user=pm)
    view = wait_for_view(harness, before)
    gone = dict(view, private_metadata=json.dumps({"escalation_id": 42}))
    summary = {"summary": {"summary": {"type": "plain_text_input", "value": "On track"}}}
    answer = harness.submit_view(gone, summary, user=pm)
    assert answer.status == 200
    assert standin.wait_for(lambda: any("ESC-42" in m.text for m in standin.dms_to(pm)))
    with harness.services.sessions() as session:
        assert session.query(Update).count() == 0


def test_a_prompt_button_posted_with_one_letter_keys_still_records_nothing_new(
    harness: BotHarness,
) -> None:
    pm = harness.world.pm
    wait_for_receipt(harness, open_escalation(harness))
    old = '{"e":1,"k":"morning","s":"2026-11-25"}'
    assert harness.click(prompt_views.PROMPT_NOTHING_NEW, old, user=pm).status == 200
    with harness.services.sessions() as session:
        assert [u.source for u in session.query(Update)] == [UpdateSource.NOTHING_NEW]


def test_the_update_form_still_saves_through_the_middleware(harness: BotHarness) -> None:
    wait_for_receipt(harness, open_escalation(harness))
    post_update(harness, "Patched the sync job")
    with harness.services.sessions() as session:
        assert [u.summary for u in session.query(Update)] == ["Patched the sync job"]
