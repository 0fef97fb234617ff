"""Forms read by listeners through the one modal-state reader."""

from __future__ import annotations

from datetime import date

from blocks.modal_state import ModalState
from bot.slack.review import Guidance, guidance_form


def test_guidance_as_typed() -> None:
    state = ModalState(
        {
            "text": {"text": {"value": "  Add a second engineer  "}},
            "owner": {"owner": {"selected_user": "U1"}},
            "due_on": {"due_on": {"selected_date": "2026-12-01"}},
        }
    )
    assert guidance_form(state) == (Guidance("Add a second engineer", "U1", date(2026, 12, 1)), {})


def test_guidance_with_nothing_filled_in_says_what_each_field_needs() -> None:
    guidance, errors = guidance_form(ModalState({"text": {"text": {"value": "   "}}}))
    assert guidance is None
    assert set(errors) == {"text", "owner", "due_on"}
