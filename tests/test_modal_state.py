"""One reader of a submitted modal's `view.state.values`, for every kind of input."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from blocks.modal_state import ModalState


def submitted(**fields: dict[str, Any]) -> dict[str, Any]:
    """A view as Slack submits it: each field's block and element share its name."""
    return {"state": {"values": {name: {name: element} for name, element in fields.items()}}}


def test_text_is_read_as_typed_or_trimmed() -> None:
    state = ModalState.of(submitted(summary={"type": "plain_text_input", "value": "  Late  "}))
    assert state.typed("summary") == "  Late  "
    assert state.text("summary") == "Late"


def test_an_empty_or_blank_text_is_nothing() -> None:
    state = ModalState.of(
        submitted(a={"type": "plain_text_input", "value": None}, b={"value": "   "})
    )
    assert (state.text("a"), state.typed("a"), state.text("b")) == (None, "", None)


def test_selects_checkboxes_and_people() -> None:
    state = ModalState.of(
        submitted(
            level={"selected_option": {"value": "critical"}},
            checks={"selected_options": [{"value": "financials"}, {"value": "artifacts"}]},
            dri={"selected_user": "U1"},
            attendees={"selected_users": ["U1", "U2"]},
            channel={"selected_conversation": "C9"},
        )
    )
    assert state.option("level") == "critical"
    assert state.options("checks") == ["financials", "artifacts"]
    assert state.user("dri") == "U1"
    assert state.users("attendees") == ["U1", "U2"]
    assert state.conversation("channel") == "C9"


def test_days_and_moments() -> None:
    state = ModalState.of(
        submitted(
            due_on={"selected_date": "2026-11-27"},
            needed_by={"selected_date_time": 1764230400},
            bad={"selected_date": "27/11/2026"},
        )
    )
    assert state.day("due_on") == date(2026, 11, 27)
    assert state.moment("needed_by") == datetime(2025, 11, 27, 8, 0, tzinfo=UTC)
    assert state.day("bad") is None


def test_what_was_left_untouched_reads_as_nothing_entered() -> None:
    state = ModalState.of(submitted(level={"selected_option": None}, who={}))
    assert state.option("level") is None
    assert state.user("who") is None
    assert state.options("missing") == []
    assert state.users("missing") == []
    assert state.day("missing") is None
    assert state.moment("missing") is None


def test_a_crafted_state_in_the_wrong_shape_reads_as_nothing_entered() -> None:
    odd = ModalState(
        {
            "level": "critical",
            "text": {"text": ["x"]},
            "opts": {"opts": {"selected_options": [1, {"value": 2}]}},
        }
    )
    assert odd.option("level") is None
    assert odd.typed("text") == ""
    assert odd.options("opts") == []
    assert ModalState.of({}).text("anything") is None


def test_wrap_takes_a_reader_or_the_values_themselves() -> None:
    state = ModalState({"a": {"a": {"value": "x"}}})
    assert ModalState.wrap(state) is state
    assert ModalState.wrap({"a": {"a": {"value": "x"}}}).text("a") == "x"
